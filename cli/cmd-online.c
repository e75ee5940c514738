// SPDX-License-Identifier: GPL-2.0
/* memplug online: online the blocks of system-ram sources or block lists. */
#include <string.h>
#include "action.h"
#include "builtin.h"

static const struct cli_option online_options[] = {
	ACTION_CLI_OPTIONS,
	OPT_END,
};

static int online_option(int index, const char *arg, void *data)
{
	return action_option(data, "online", index, arg);
}

static int online_target(struct memplug_ctx *ctx, struct report *r,
			 const char *name, const struct action_opts *o,
			 void *data)
{
	return block_action(ctx, r, name, o, MEMPLUG_OP_ONLINE);
}

int cmd_online(int argc, char **argv, struct cli_context *cli)
{
	struct action_opts o = ACTION_OPTS_INIT;
	bool done;
	int first, rc;

	rc = cli_parse(argc, argv, "online", "TARGET... [options]",
		       online_options, online_option, &o, &first, &done);
	if (rc || done)
		return rc;
	rc = target_check_args("online", argc - first, argv + first);
	if (rc)
		return rc;
	return action_run(cli, "online", argc - first, argv + first, &o,
			  online_target, NULL);
}
