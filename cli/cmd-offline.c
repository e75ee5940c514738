// SPDX-License-Identifier: GPL-2.0
/* memplug offline: offline the blocks of system-ram sources or block lists. */
#include <string.h>
#include "action.h"

static const struct cli_option offline_options[] = {
	ACTION_CLI_OPTIONS,
	OPT_END,
};

static int offline_option(int index, const char *arg, void *data)
{
	return action_option(data, "offline", offline_options[index].name,
			     arg);
}

static int offline_target(struct memplug_ctx *ctx, struct report *r,
			  const char *name, const struct action_opts *o,
			  void *data)
{
	struct memplug_block **blocks;
	struct memplug_source *src;
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
			       json_object_new_string("offline"));
	report_state(ctx, r, &t, "before");
	blocks = target_blocks(ctx, &t, &nr);
	rc = phase_offline(ctx, r, blocks, nr, o);
	free(blocks);
	if (!o->dry_run && r->changed)
		memplug_scan(ctx);
	if (o->dry_run)
		json_object_object_add(r->obj, "after", NULL);
	else
		report_state(ctx, r, &t, "after");
	target_release(&t);
	return rc;
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
	return action_run(cli, "offline", argc - first, argv + first, &o,
			  offline_target, NULL);
}
