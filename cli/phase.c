// SPDX-License-Identifier: GPL-2.0
/* Block phases with their safety checks, and online/offline of a target. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "action.h"
#include "online-path.h"
#include "signals.h"

static void record_failed(struct report *r, struct memplug_batch *batch)
{
	unsigned long i;

	for (i = 0; i < batch->nr_failed; i++)
		json_object_array_add(
			r->failed, json_object_new_int64(memplug_block_get_id(
					   batch->failed[i])));
}

/* a batch's timing, change and failures into the report; frees the batch.
 * The error: "N blocks @what: @why", @why NULL for the errno's text */
static int end_batch(struct report *r, struct memplug_batch *batch, int rc,
		     const char *phase, const char *what, const char *why)
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
			   what, why ? why : strerror(-rc));
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

#define PAGES_MAX (1LL << 56)

/* present pages of a node's kernel zones and of its Movable zone; false
 * when /proc/zoneinfo knows none of them */
static bool node_pages(struct memplug_node *node, long long *kernel,
		       long long *movable)
{
	static const enum memplug_zone kz[] = { MEMPLUG_ZONE_DMA,
						MEMPLUG_ZONE_DMA32,
						MEMPLUG_ZONE_NORMAL };
	struct memplug_zone_pages zp;
	bool known = false;
	size_t i;

	*kernel = *movable = 0;
	/* zoneinfo's numbers: each kept below 2^56 pages, so sums fit */
	for (i = 0; i < sizeof(kz) / sizeof(kz[0]); i++)
		if (memplug_node_get_zone_pages(node, kz[i], &zp)) {
			known = true;
			if (zp.present > 0 && zp.present < PAGES_MAX)
				*kernel += zp.present;
		}
	if (memplug_node_get_zone_pages(node, MEMPLUG_ZONE_MOVABLE, &zp)) {
		known = true;
		if (zp.present > 0 && zp.present < PAGES_MAX)
			*movable = zp.present;
	}
	return known;
}

/*
 * The kernel-memory rule, as the kernel's auto-movable policy weighs it:
 * system-wide, Movable memory at most MEMPLUG_MOVABLE_RATIO_LIMIT percent
 * of kernel-zone memory (the Movable zones' memmap and everything the
 * kernel allocates live there); per node, a node with CPUs keeps kernel
 * memory, and a node's own Movable:kernel stays under the limit.  The
 * change: @blocks go offline (@online false: their kernel-zone pages
 * leave), or go online in @zone (@online true).  Returns EXIT_OK, or
 * refuses (a warning with --force).
 */
static int check_kernel_rule(struct memplug_ctx *ctx, struct report *r,
			     struct memplug_block **blocks, unsigned long nr,
			     const struct action_opts *o, bool online,
			     enum memplug_zone zone)
{
	long long pages =
		memplug_get_block_size(ctx) / memplug_get_page_size(ctx);
	long long sys_kernel = 0, sys_movable = 0, kernel, movable, delta;
	struct memplug_node *node;
	bool known = false, worse = false;
	char why[256] = "";
	unsigned long i;

	memplug_node_foreach(ctx, node) {
		int id = memplug_node_get_id(node);
		long ratio;

		known |= node_pages(node, &kernel, &movable);
		delta = 0;
		for (i = 0; i < nr; i++) {
			struct memplug_block *b = blocks[i];
			bool on = memplug_block_get_state(b) ==
				  MEMPLUG_BLOCK_ONLINE;

			if (memplug_block_get_node(b) != id)
				continue;
			if (!online && on &&
			    memplug_block_get_zone(b) != MEMPLUG_ZONE_MOVABLE)
				delta -= pages;
			else if (!online && on)
				movable -= pages;
			else if (online && !on &&
				 zone == MEMPLUG_ZONE_MOVABLE) {
				movable += pages;
				worse = true;
			} else if (online && !on && zone == MEMPLUG_ZONE_NORMAL)
				delta += pages;
		}
		worse |= delta < 0;
		if (__builtin_add_overflow(sys_movable, movable,
					   &sys_movable) ||
		    __builtin_add_overflow(sys_kernel, kernel + delta,
					   &sys_kernel))
			return EXIT_OK; /* beyond any machine: not judged */
		if (delta >= 0)
			continue;
		if (kernel + delta <= 0 && memplug_node_has_cpus(node)) {
			snprintf(
				why, sizeof(why),
				"node %d has CPUs and would keep no kernel-zone memory",
				id);
			break;
		}
		ratio = memplug_node_movable_ratio_after(node, -delta);
		if (ratio < 0 || ratio > MEMPLUG_MOVABLE_RATIO_LIMIT) {
			snprintf(
				why, sizeof(why),
				"node %d would keep too little kernel-zone memory for its Movable memory (Movable:kernel above 3:1)",
				id);
			break;
		}
	}
	/* no zoneinfo: nothing to weigh; and only a change that adds Movable
	 * or takes kernel memory is judged (offlining Movable always helps) */
	if (!known || !worse)
		return EXIT_OK;
	if (!why[0] && sys_kernel <= 0 && (sys_movable > 0 || !online))
		snprintf(why, sizeof(why),
			 "the system would keep no kernel-zone memory");
	else if (!why[0] &&
		 sys_movable > sys_kernel / 100 * MEMPLUG_MOVABLE_RATIO_LIMIT)
		snprintf(
			why, sizeof(why),
			"the system's Movable:kernel memory would be %lld:%lld MiB, above 3:1",
			sys_movable * memplug_get_page_size(ctx) >> 20,
			sys_kernel * memplug_get_page_size(ctx) >> 20);
	if (!why[0])
		return EXIT_OK;
	if (o->force) {
		report_warn(r, "kernel-memory-forced", "%s (forced)", why);
		return EXIT_OK;
	}
	return report_fail(r, EXIT_REFUSED, "refused", "%s; add --force", why);
}

/*
 * Parallel deferred onlining: the blocks whose write the kernel took but
 * onlined later, into the report's deferred_blocks, and the wait for
 * them.  Returns how many of them are among the failed (not online when
 * the wait ended).
 */
static unsigned long report_deferred(struct report *r,
				     const struct memplug_batch *batch)
{
	unsigned long i, j, late = 0;

	if (!r->deferred)
		r->deferred = json_object_new_array();
	for (i = 0; i < batch->nr_deferred; i++) {
		json_object_array_add(
			r->deferred, json_object_new_int64(memplug_block_get_id(
					     batch->deferred[i])));
		for (j = 0; j < batch->nr_failed; j++)
			late += batch->failed[j] == batch->deferred[i];
	}
	report_time(r, "deferred_wait_ms", batch->deferred_ns);
	return late;
}

int phase_online(struct memplug_ctx *ctx, struct report *r,
		 struct memplug_block **blocks, unsigned long nr,
		 const struct action_opts *o)
{
	unsigned long todo = count_state(blocks, nr, MEMPLUG_BLOCK_OFFLINE);
	enum memplug_order order =
		memplug_order_resolve(o->order, MEMPLUG_OP_ONLINE);
	struct memplug_batch batch;
	unsigned long late;
	char why[96];
	int rc;

	if (!todo)
		return EXIT_OK;
	rc = check_kernel_rule(ctx, r, blocks, nr, o, true,
			       memplug_online_type_zone(o->online_type));
	if (rc)
		return rc;
	report_step(r, "online %lu blocks %s (%s)", todo,
		    memplug_online_type_name(o->online_type),
		    memplug_order_name(order));
	if (o->dry_run) {
		r->result = "planned";
		return EXIT_OK;
	}
	rc = memplug_online_blocks(ctx, blocks, nr, o->online_type, order,
				   (unsigned int)o->timeout_s * 1000, &batch);
	late = batch.nr_deferred ? report_deferred(r, &batch) : 0;
	if (!late)
		return end_batch(r, &batch, rc, "online_ms", "failed to online",
				 NULL);
	if (late == batch.nr_failed) {
		snprintf(why, sizeof(why), "not online after %ld s",
			 o->timeout_s);
		return end_batch(r, &batch, rc, "online_ms",
				 "deferred by the kernel", why);
	}
	snprintf(why, sizeof(why),
		 "%lu of them deferred by the kernel, not online after %ld s",
		 late, o->timeout_s);
	return end_batch(r, &batch, rc, "online_ms", "failed to online", why);
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
	rc = check_kernel_rule(ctx, r, blocks, nr, o, false,
			       MEMPLUG_ZONE_UNKNOWN);
	if (rc)
		return rc;
	report_step(r, "offline %lu blocks (%s)", todo,
		    memplug_order_name(order));
	if (o->dry_run) {
		r->result = "planned";
		return EXIT_OK;
	}
	/* a write the kernel blocks past the deadline returns EINTR */
	alarm_arm((unsigned int)o->timeout_s * 1000);
	rc = memplug_offline_blocks(ctx, blocks, nr, order,
				    (unsigned int)o->timeout_s * 1000, &batch);
	alarm_disarm();
	snprintf(what, sizeof(what), "still online after %ld s", o->timeout_s);
	return end_batch(r, &batch, rc, "offline_ms", what, NULL);
}

/* why @block is online in a zone nobody here asked for */
static const char *zone_cause(struct memplug_ctx *ctx,
			      struct memplug_block *block, char *buf,
			      size_t len)
{
	enum memplug_zone zone = memplug_block_get_zone(block);
	const char *aob = memplug_get_auto_online_blocks(ctx);

	if (memplug_block_get_onlined_zone(block) == zone)
		snprintf(buf, len, "memplug onlined them into %s earlier",
			 memplug_zone_name(zone));
	else if (aob && strcmp(aob, "offline"))
		snprintf(
			buf, len,
			"the kernel onlined them itself (auto_online_blocks=%s)",
			aob);
	else
		snprintf(
			buf, len,
			"onlined outside memplug (a udev rule or another tool)");
	return buf;
}

/*
 * Online blocks in another zone than asked: moving them means offline and
 * online again, which may fail on unmovable pages, so only with --force.
 * Without it the request is refused, naming the command that would do it:
 * the blocks are not where they were asked to be.
 */
int phase_fix_zones(struct memplug_ctx *ctx, struct report *r,
		    struct memplug_block **blocks, unsigned long nr,
		    const struct action_opts *o)
{
	enum memplug_zone want = memplug_online_type_zone(o->online_type);
	struct json_object *action = NULL;
	struct memplug_block **wrong;
	unsigned long i, n = 0;
	char cause[128];
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
	zone_cause(ctx, wrong[0], cause, sizeof(cause));
	if (!o->force) {
		json_object_object_get_ex(r->obj, "action", &action);
		rc = report_fail(
			r, EXIT_REFUSED, "refused",
			"%lu blocks are online in %s, not %s (%s), memory%lu..memory%lu; moving them offlines them first: memplug %s %s%s --zone=%s --force",
			n, memplug_zone_name(memplug_block_get_zone(wrong[0])),
			memplug_zone_name(want), cause,
			memplug_block_get_id(wrong[0]),
			memplug_block_get_id(wrong[n - 1]),
			action ? json_object_get_string(action) : "online",
			r->target,
			action && !strcmp(json_object_get_string(action),
					  "reconfigure") ?
				" --mode=system-ram" :
				"",
			want == MEMPLUG_ZONE_MOVABLE ? "movable" : "normal");
		free(wrong);
		return rc;
	}
	report_warn(
		r, "zone-mismatch",
		"%lu blocks online in %s, not %s (%s), memory%lu..memory%lu: moving them",
		n, memplug_zone_name(memplug_block_get_zone(wrong[0])),
		memplug_zone_name(want), cause, memplug_block_get_id(wrong[0]),
		memplug_block_get_id(wrong[n - 1]));
	report_step(r, "move %lu blocks to %s", n, memplug_zone_name(want));
	rc = phase_offline(ctx, r, wrong, n, o);
	/* whatever went offline comes back online, in the right zone */
	orc = phase_online(ctx, r, wrong, n, o);
	free(wrong);
	return rc ? rc : orc;
}

bool memory_absent(struct memplug_source *src)
{
	return src && memplug_source_get_type(src) == MEMPLUG_SOURCE_DAX &&
	       memplug_source_get_mode(src) == MEMPLUG_MODE_SYSTEM_RAM &&
	       !memplug_source_get_nr_blocks(src) &&
	       memplug_source_get_nr_range_blocks(src);
}

int phase_plug(struct memplug_ctx *ctx, struct report *r,
	       const struct target *t, const struct action_opts *o,
	       bool whole_device)
{
	struct memplug_source *src = target_source(ctx, t);
	const char *name = memplug_source_get_name(src);
	enum memplug_dax_state state;
	int rc;

	if (whole_device) {
		state = o->online_type == MEMPLUG_ONLINE_MOVABLE ?
				MEMPLUG_DAX_STATE_ONLINE_MOVABLE :
			o->online_type == MEMPLUG_ONLINE_KERNEL ?
				MEMPLUG_DAX_STATE_ONLINE_KERNEL :
				MEMPLUG_DAX_STATE_ONLINE;
		report_step(
			r,
			"write %s to %s/state: the kernel adds and onlines its %lu blocks",
			memplug_dax_state_name(state), name,
			memplug_source_get_nr_range_blocks(src));
		if (o->dry_run) {
			r->result = "planned";
			return EXIT_OK;
		}
		return report_applied(ctx, r,
				      memplug_dax_set_state(src, state));
	}
	report_step(r, "unbind %s from kmem (its memory is not present)", name);
	if (o->dry_run) {
		r->result = "planned";
		return EXIT_OK;
	}
	rc = report_applied(ctx, r, memplug_dax_disable(src));
	if (!rc && !target_source(ctx, t))
		rc = report_fail(r, EXIT_PARTIAL, "partial",
				 "%s vanished during the change", name);
	return rc;
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
	if (o->unplug &&
	    (!src || memplug_source_get_type(src) != MEMPLUG_SOURCE_DAX)) {
		rc = report_fail(r, EXIT_ERROR, "error",
				 "--unplug takes a dax device, not %s", name);
		goto out;
	}
	if (o->unplug && !memplug_source_get_dax_state(src)) {
		rc = report_fail(
			r, EXIT_ERROR, "error",
			"%s has no state file: --unplug needs Linux 7.3+ with kmem bound",
			memplug_source_get_name(src));
		goto out;
	}
	if (online && memory_absent(src)) {
		/* the kernel's whole-device write where it is the cheaper
		 * path (online_path_choose()), else back through a kmem
		 * bind: blocks come offline, then ours */
		bool whole = online_path_choose(ctx, -1).method ==
				     ONLINE_KERNEL &&
			     memplug_source_get_dax_state(src) ==
				     MEMPLUG_DAX_STATE_UNPLUGGED;

		rc = phase_plug(ctx, r, &t, o, whole);
		if (!rc && !whole && !o->dry_run)
			rc = report_applied(
				ctx, r,
				memplug_dax_enable_ram(target_source(ctx, &t)));
		else if (!rc && !whole)
			report_step(r, "bind %s to kmem, online its blocks %s",
				    memplug_source_get_name(src),
				    memplug_online_type_name(o->online_type));
		if (rc || o->dry_run)
			goto out;
	}
	blocks = target_blocks(ctx, &t, &nr);
	rc = online ? phase_online(ctx, r, blocks, nr, o) :
		      phase_offline(ctx, r, blocks, nr, o);
	if (!rc && online)
		rc = phase_fix_zones(ctx, r, blocks, nr, o);
	free(blocks);
	src = target_source(ctx, &t);
	if (!rc && o->unplug && src && memplug_source_get_nr_blocks(src)) {
		report_step(r, "write unplugged to %s/state: remove its memory",
			    memplug_source_get_name(src));
		if (!o->dry_run)
			rc = report_applied(
				ctx, r,
				memplug_dax_set_state(
					src, MEMPLUG_DAX_STATE_UNPLUGGED));
		else
			r->result = "planned";
	}
	if (!rc && !o->dry_run) {
		struct end_state want = {
			.mode = MEMPLUG_MODE_UNKNOWN,
			.blocks = online ? MEMPLUG_BLOCK_ONLINE :
					   MEMPLUG_BLOCK_OFFLINE,
			.zone = memplug_online_type_zone(o->online_type),
			.memmap = -1,
			.unplugged = o->unplug,
		};

		rc = verify_end_state(ctx, r, &t, &want);
	}
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
