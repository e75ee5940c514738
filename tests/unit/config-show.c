// SPDX-License-Identifier: GPL-2.0
/*
 * config-show [--config=PATH] SYSCONFDIR: load memplug.conf as memplug
 * would and print it as JSON, or its one-line error and exit 2.  The unit
 * tests' driver for cli/conf.c: unlike `memplug config show` it takes the
 * sysconfdir, so the default files are tested too.
 */
#include <stdio.h>
#include <string.h>
#include "conf.h"
#include "memplug.h"

int main(int argc, char **argv)
{
	const char *path = NULL;
	struct config cfg;
	int i = 1, rc;

	if (argc > 1 && !strncmp(argv[1], "--config=", 9)) {
		path = argv[1] + 9;
		i++;
	}
	if (i + 1 != argc) {
		fprintf(stderr,
			"usage: config-show [--config=PATH] SYSCONFDIR\n");
		return EXIT_USAGE;
	}
	rc = config_load(&cfg, path, argv[i]);
	if (!rc) {
		struct json_object *obj = config_to_json(&cfg);

		json_print(obj);
		json_object_put(obj);
	}
	config_release(&cfg);
	return rc;
}
