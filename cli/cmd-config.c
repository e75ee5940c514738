// SPDX-License-Identifier: GPL-2.0
/* memplug config check|show: validate memplug.conf, print it as JSON. */
#include <stdlib.h>
#include <string.h>
#include "builtin.h"
#include "conf-match.h"
#include "config.h"

enum { OPT_CONFIG_PATH };

static const struct cli_option config_options[] = {
	[OPT_CONFIG_PATH] = { "config", 'c', "PATH",
			      "read this file or directory, not memplug.conf" },
	OPT_END,
};

static int config_option(int index, const char *arg, void *data)
{
	*(const char **)data = arg;
	return 0;
}

int cmd_config(int argc, char **argv, struct cli_context *cli)
{
	struct conf_match *matches = NULL;
	const char *path = NULL, *sub;
	struct json_object *obj;
	struct config cfg;
	unsigned int nr;
	bool done;
	int first, rc;

	rc = cli_parse(argc, argv, "config", "check|show [--config=PATH]",
		       config_options, config_option, &path, &first, &done);
	if (rc || done)
		return rc;
	if (first + 1 != argc)
		return cli_usage_error("config", "want check or show");
	sub = argv[first];
	if (strcmp(sub, "check") && strcmp(sub, "show"))
		return cli_usage_error("config",
				       "unknown '%s': want check or show", sub);
	rc = config_load(&cfg, path, MEMPLUG_SYSCONFDIR);
	if (rc)
		goto out;
	/*
	 * check also looks for two sections naming one present device, when
	 * the devices can be read; it never writes.
	 */
	if (!strcmp(sub, "check") && !memplug_scan(cli->ctx)) {
		rc = conf_match_all(cli->ctx, &cfg, &matches, &nr, NULL);
		free(matches);
		if (rc)
			goto out;
	}
	obj = config_to_json(&cfg);
	json_print(obj);
	json_object_put(obj);
out:
	config_release(&cfg);
	return rc;
}
