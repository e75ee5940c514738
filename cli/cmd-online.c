// SPDX-License-Identifier: GPL-2.0
/* memplug online: online the blocks of system-ram sources or block lists. */
#include <string.h>
#include "action.h"

static const struct cli_option online_options[] = {
	ACTION_CLI_OPTIONS,
	OPT_END,
};

static int online_option(int index, const char *arg, void *data)
{
	return action_option(data, "online", online_options[index].name, arg);
}

static int online_target(struct memplug_ctx *ctx, struct report *r,
			 const char *name, const struct action_opts *o,
			 void *data)
{
	struct memplug_source *src;
	struct memplug_block **blocks;
	unsigned long nr;
	struct target t;
	int rc;

	rc = target_parse(ctx, r, name, &t);
	if (rc)
		return rc;
	src = target_source(ctx, &t);
	json_object_object_add(r->obj, "source",
			       src ? json_object_new_string(
					     memplug_source_get_name(src)) :
				     NULL);
	json_object_object_add(r->obj, "action",
			       json_object_new_string("online"));
	report_state(ctx, r, &t, "before");
	if (src && memplug_source_get_mode(src) != MEMPLUG_MODE_SYSTEM_RAM) {
		rc = report_fail(r, EXIT_ERROR, "error",
				 "%s is in %s mode: use memplug reconfigure --mode=system-ram",
				 memplug_source_get_name(src),
				 memplug_mode_name(memplug_source_get_mode(src)));
		goto out;
	}
	blocks = target_blocks(ctx, &t, &nr);
	rc = phase_online(ctx, r, blocks, nr, o);
	if (!rc)
		rc = phase_fix_zones(ctx, r, blocks, nr, o);
	free(blocks);
out:
	if (!o->dry_run && r->changed)
		memplug_scan(ctx);
	if (o->dry_run)
		json_object_object_add(r->obj, "after", NULL);
	else
		report_state(ctx, r, &t, "after");
	target_release(&t);
	return rc;
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
	return action_run(cli, "online", argc - first, argv + first, &o,
			  online_target, NULL);
}
