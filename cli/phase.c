// SPDX-License-Identifier: GPL-2.0
/* Block phases with their safety checks, and online/offline of a target. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "action.h"

static void record_failed(struct report *r, struct memplug_batch *batch)
{
	unsigned long i;

	for (i = 0; i < batch->nr_failed; i++)
		json_object_array_add(
			r->failed, json_object_new_int64(memplug_block_get_id(
					   batch->failed[i])));
}

/* a batch's timing, change and failures into the report; frees the batch */
static int end_batch(struct report *r, struct memplug_batch *batch, int rc,
		     const char *phase, const char *what)
{
	unsigned long done = batch->done;

	report_time(r, phase, batch->elapsed_ns);
	if (done)
		r->changed = true;
	if (rc)
		record_failed(r, batch);
	memplug_batch_release(batch);
	if (!rc)
		return EXIT_OK;
	return report_fail(r, done ? EXIT_PARTIAL : EXIT_ERROR,
			   done ? "partial" : "error", "%lu blocks %s: %s",
			   (unsigned long)json_object_array_length(r->failed),
			   what, strerror(-rc));
}

static unsigned long count_state(struct memplug_block **blocks,
				 unsigned long nr,
				 enum memplug_block_state state)
{
	unsigned long i, n = 0;

	for (i = 0; i < nr; i++)
		n += memplug_block_get_state(blocks[i]) == state;
	return n;
}

int phase_online(struct memplug_ctx *ctx, struct report *r,
		 struct memplug_block **blocks, unsigned long nr,
		 const struct action_opts *o)
{
	unsigned long todo = count_state(blocks, nr, MEMPLUG_BLOCK_OFFLINE);
	enum memplug_order order =
		memplug_order_resolve(o->order, MEMPLUG_OP_ONLINE);
	struct memplug_batch batch;
	char what[64];
	int rc;

	if (!todo)
		return EXIT_OK;
	report_step(r, "online %lu blocks %s (%s)", todo,
		    memplug_online_type_name(o->online_type),
		    memplug_order_name(order));
	if (o->dry_run) {
		r->result = "planned";
		return EXIT_OK;
	}
	rc = memplug_online_blocks(ctx, blocks, nr, o->online_type, order,
				   &batch);
	snprintf(what, sizeof(what), "failed to online");
	return end_batch(r, &batch, rc, "online_ms", what);
}

/* refuse to offline kernel-zone memory the node's Movable memory needs */
static int check_kernel_zones(struct memplug_ctx *ctx, struct report *r,
			      struct memplug_block **blocks, unsigned long nr,
			      const struct action_opts *o)
{
	long long pages =
		memplug_get_block_size(ctx) / memplug_get_page_size(ctx);
	struct memplug_node *node;
	unsigned long i;

	memplug_node_foreach(ctx, node) {
		long long kernel_pages = 0;
		long ratio;

		for (i = 0; i < nr; i++) {
			enum memplug_zone z = memplug_block_get_zone(blocks[i]);

			if (memplug_block_get_state(blocks[i]) ==
				    MEMPLUG_BLOCK_ONLINE &&
			    memplug_block_get_node(blocks[i]) ==
				    memplug_node_get_id(node) &&
			    z != MEMPLUG_ZONE_MOVABLE)
				kernel_pages += pages;
		}
		if (!kernel_pages)
			continue;
		ratio = memplug_node_movable_ratio_after(node, kernel_pages);
		if (ratio >= 0 && ratio <= MEMPLUG_MOVABLE_RATIO_LIMIT)
			continue;
		if (o->force) {
			report_warn(
				r,
				"node %d: Movable:kernel memory above 3:1 after offlining (forced)",
				memplug_node_get_id(node));
			continue;
		}
		return report_fail(
			r, EXIT_REFUSED, "refused",
			"node %d would keep too little kernel-zone memory for its Movable memory (Movable:kernel above 3:1); add --force",
			memplug_node_get_id(node));
	}
	return EXIT_OK;
}

int phase_offline(struct memplug_ctx *ctx, struct report *r,
		  struct memplug_block **blocks, unsigned long nr,
		  const struct action_opts *o)
{
	unsigned long todo =
		nr - count_state(blocks, nr, MEMPLUG_BLOCK_OFFLINE);
	enum memplug_order order =
		memplug_order_resolve(o->order, MEMPLUG_OP_OFFLINE);
	struct memplug_batch batch;
	char what[64];
	int rc;

	if (!todo)
		return EXIT_OK;
	rc = check_kernel_zones(ctx, r, blocks, nr, o);
	if (rc)
		return rc;
	report_step(r, "offline %lu blocks (%s)", todo,
		    memplug_order_name(order));
	if (o->dry_run) {
		r->result = "planned";
		return EXIT_OK;
	}
	rc = memplug_offline_blocks(ctx, blocks, nr, order,
				    (unsigned int)o->timeout_s * 1000, &batch);
	snprintf(what, sizeof(what), "still online after %ld s", o->timeout_s);
	return end_batch(r, &batch, rc, "offline_ms", what);
}

int phase_fix_zones(struct memplug_ctx *ctx, struct report *r,
		    struct memplug_block **blocks, unsigned long nr,
		    const struct action_opts *o)
{
	enum memplug_zone want = memplug_online_type_zone(o->online_type);
	struct memplug_block **wrong;
	unsigned long i, n = 0;
	int rc, orc;

	if (want == MEMPLUG_ZONE_UNKNOWN)
		return EXIT_OK; /* auto: whatever the kernel chose is right */
	wrong = calloc(nr ? nr : 1, sizeof(*wrong));
	if (!wrong)
		return report_fail(r, EXIT_ERROR, "error", "out of memory");
	for (i = 0; i < nr; i++)
		if (memplug_block_get_state(blocks[i]) ==
			    MEMPLUG_BLOCK_ONLINE &&
		    memplug_block_get_zone(blocks[i]) != want)
			wrong[n++] = blocks[i];
	if (!n) {
		free(wrong);
		return EXIT_OK;
	}
	report_warn(
		r,
		"%lu blocks online in %s, not %s (onlined behind memplug's back: auto_online_blocks or a udev rule), memory%lu..memory%lu%s",
		n, memplug_zone_name(memplug_block_get_zone(wrong[0])),
		memplug_zone_name(want), memplug_block_get_id(wrong[0]),
		memplug_block_get_id(wrong[n - 1]),
		o->force ? "" : "; --force moves them");
	if (!o->force) {
		free(wrong);
		return EXIT_OK;
	}
	report_step(r, "move %lu blocks to %s", n, memplug_zone_name(want));
	rc = phase_offline(ctx, r, wrong, n, o);
	/* whatever went offline comes back online, in the right zone */
	orc = phase_online(ctx, r, wrong, n, o);
	free(wrong);
	return rc ? rc : orc;
}

/* online or offline the blocks of one target, with before and after */
int block_action(struct memplug_ctx *ctx, struct report *r, const char *name,
		 const struct action_opts *o, enum memplug_op op)
{
	bool online = op == MEMPLUG_OP_ONLINE;
	struct memplug_block **blocks;
	struct memplug_source *src;
	unsigned long nr;
	struct target t;
	int rc;

	rc = target_parse(ctx, r, name, &t);
	if (rc)
		return rc;
	src = target_source(ctx, &t);
	json_object_object_add(
		r->obj, "source",
		src ? json_object_new_string(memplug_source_get_name(src)) :
		      NULL);
	json_object_object_add(r->obj, "action",
			       json_object_new_string(online ? "online" :
							       "offline"));
	report_state(ctx, r, &t, "before");
	if (online && src &&
	    memplug_source_get_mode(src) != MEMPLUG_MODE_SYSTEM_RAM) {
		rc = report_fail(
			r, EXIT_ERROR, "error",
			"%s is in %s mode: use memplug reconfigure --mode=system-ram",
			memplug_source_get_name(src),
			memplug_mode_name(memplug_source_get_mode(src)));
		goto out;
	}
	blocks = target_blocks(ctx, &t, &nr);
	rc = online ? phase_online(ctx, r, blocks, nr, o) :
		      phase_offline(ctx, r, blocks, nr, o);
	if (!rc && online)
		rc = phase_fix_zones(ctx, r, blocks, nr, o);
	free(blocks);
out:
	if (!o->dry_run && r->changed)
		memplug_refresh(ctx);
	if (o->dry_run)
		json_object_object_add(r->obj, "after", NULL);
	else
		report_state(ctx, r, &t, "after");
	target_release(&t);
	return rc;
}
