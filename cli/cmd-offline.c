// SPDX-License-Identifier: GPL-2.0
/* memplug offline: offline the blocks of system-ram sources or block lists. */
#include <string.h>
#include "action.h"
#include "builtin.h"

enum { OPT_UNPLUG = NR_ACTION_OPTIONS };

static const struct cli_option offline_options[] = {
	ACTION_CLI_OPTIONS,
	[OPT_UNPLUG] = { "unplug", 0, NULL,
			 "then remove the device's memory, kmem stays bound (Linux 7.3+)" },
	OPT_END,
};

static int offline_option(int index, const char *arg, void *data)
{
	struct action_opts *o = data;

	if (index == OPT_UNPLUG) {
		o->unplug = true;
		return 0;
	}
	return action_option(o, "offline", index, arg);
}

static int offline_target(struct memplug_ctx *ctx, struct report *r,
			  const char *name, const struct action_opts *o,
			  void *data)
{
	return block_action(ctx, r, name, o, MEMPLUG_OP_OFFLINE);
}

int cmd_offline(int argc, char **argv, struct cli_context *cli)
{
	struct action_opts o = ACTION_OPTS_INIT;
	bool done;
	int first, rc;

	rc = cli_parse(argc, argv, "offline", "TARGET... [options]",
		       offline_options, offline_option, &o, &first, &done);
	if (rc || done)
		return rc;
	rc = target_check_args("offline", argc - first, argv + first);
	if (rc)
		return rc;
	return action_run(cli, "offline", argc - first, argv + first, &o,
			  offline_target, NULL);
}
