// SPDX-License-Identifier: GPL-2.0
/* memplug config check|show: validate memplug.conf, print it as JSON. */
#include <stdlib.h>
#include <string.h>
#include "builtin.h"
#include "conf-match.h"
#include "conf-snapshot.h"
#include "config.h"

enum { OPT_CONFIG_PATH, OPT_STRICT };

static const struct cli_option config_options[] = {
	[OPT_CONFIG_PATH] = { "config", 'c', "PATH",
			      "read this file or directory, not memplug.conf" },
	[OPT_STRICT] = { "strict", 0, NULL,
			 "check: a section matching no present device fails" },
	OPT_END,
};

struct config_opts {
	const char *path;
	bool strict;
};

static int config_option(int index, const char *arg, void *data)
{
	struct config_opts *o = data;

	if (index == OPT_STRICT)
		o->strict = true;
	else
		o->path = arg;
	return 0;
}

/*
 * check: two sections naming one present device are an error; with
 * --strict so is a section naming none (it would do nothing at boot),
 * each then also in the JSON's warnings.  It never writes.
 */
static int check_devices(struct memplug_ctx *ctx, struct config *cfg,
			 bool strict)
{
	struct conf_match *matches = NULL;
	struct json_object *notes = json_object_new_array();
	unsigned int nr;
	size_t i;
	int rc;

	if (memplug_scan(ctx)) {
		json_object_put(notes);
		if (!strict)
			return EXIT_OK;
		return cli_error(EXIT_ERROR,
				 "config: --strict cannot read the devices: %s",
				 memplug_get_error(ctx));
	}
	rc = conf_match_all(ctx, cfg, &matches, &nr, notes);
	free(matches);
	if (!rc && strict && json_object_array_length(notes)) {
		for (i = 0; i < json_object_array_length(notes); i++)
			json_object_array_add(
				cfg->warnings,
				json_object_get(
					json_object_array_get_idx(notes, i)));
		rc = EXIT_ERROR;
	}
	json_object_put(notes);
	return rc;
}

int cmd_config(int argc, char **argv, struct cli_context *cli)
{
	struct config_opts o = { 0 };
	struct json_object *obj;
	struct config cfg;
	const char *sub;
	bool done;
	int first, rc, check_rc = EXIT_OK;

	rc = cli_parse(argc, argv, "config",
		       "check|show|snapshot [--config=PATH] [--strict]",
		       config_options, config_option, &o, &first, &done);
	if (rc || done)
		return rc;
	if (first + 1 != argc)
		return cli_usage_error("config",
				       "want check, show or snapshot");
	sub = argv[first];
	if (strcmp(sub, "check") && strcmp(sub, "show") &&
	    strcmp(sub, "snapshot"))
		return cli_usage_error(
			"config", "unknown '%s': want check, show or snapshot",
			sub);
	if (o.strict && strcmp(sub, "check"))
		return cli_usage_error("config", "--strict goes with check");
	if (!strcmp(sub, "snapshot")) {
		if (o.path)
			return cli_usage_error(
				"config",
				"snapshot reads no configuration: no --config");
		if (memplug_scan(cli->ctx))
			return cli_error(EXIT_ERROR, "%s",
					 memplug_get_error(cli->ctx));
		return config_snapshot(cli->ctx, stdout);
	}
	rc = config_load(&cfg, o.path, MEMPLUG_SYSCONFDIR);
	if (rc)
		goto out;
	if (!strcmp(sub, "check"))
		check_rc = check_devices(cli->ctx, &cfg, o.strict);
	if (check_rc && check_rc != EXIT_ERROR) {
		rc = check_rc;
		goto out;
	}
	obj = config_to_json(&cfg);
	json_print(obj);
	json_object_put(obj);
	rc = check_rc;
out:
	config_release(&cfg);
	return rc;
}
