// SPDX-License-Identifier: GPL-2.0
/*
 * The end-state check of every write command: after the writes, read the
 * kernel again and compare with what was asked.  A write command exits 0
 * only when the target is in the requested state; what differs is named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "action.h"

static bool failed_has(struct json_object *failed, unsigned long id)
{
	size_t i;

	for (i = 0; i < json_object_array_length(failed); i++)
		if ((unsigned long)json_object_get_int64(
			    json_object_array_get_idx(failed, i)) == id)
			return true;
	return false;
}

/*
 * The first difference between the target now and @want, into @why; the
 * blocks not as wanted go into @failed (the report's failed_blocks).
 */
static bool differs(struct memplug_ctx *ctx, const struct target *t,
		    const struct end_state *want, char *why, size_t len,
		    struct json_object *failed)
{
	struct memplug_source *src = target_source(ctx, t);
	unsigned long nr, i, online = 0, wrong = 0, present, range;
	struct memplug_block **blocks;
	struct memplug_memmap m;
	long first_wrong = -1;
	int node = src ? memplug_source_get_target_node(src) : -1;

	if (t->source && !src)
		return snprintf(why, len, "%s is gone", t->source), true;
	if (src && want->mode != MEMPLUG_MODE_UNKNOWN &&
	    memplug_source_get_mode(src) != want->mode)
		return snprintf(why, len, "%s is %s, not %s",
				memplug_source_get_name(src),
				memplug_mode_name(memplug_source_get_mode(src)),
				memplug_mode_name(want->mode)),
		       true;
	if (want->mode == MEMPLUG_MODE_DEVDAX)
		return false;
	blocks = target_blocks(ctx, t, &nr);
	if (!blocks)
		return snprintf(why, len, "out of memory"), true;
	for (i = 0; i < nr; i++) {
		struct memplug_block *b = blocks[i];
		bool on = memplug_block_get_state(b) == MEMPLUG_BLOCK_ONLINE;
		bool bad = want->blocks == MEMPLUG_BLOCK_ONLINE ?
				   !on || (want->zone != MEMPLUG_ZONE_UNKNOWN &&
					   memplug_block_get_zone(b) !=
						   want->zone) :
			   want->blocks == MEMPLUG_BLOCK_OFFLINE ? on :
								   false;

		online += on;
		bad |= node >= 0 && memplug_block_get_node(b) != node;
		if (bad && first_wrong < 0)
			first_wrong = (long)memplug_block_get_id(b);
		if (bad && !failed_has(failed, memplug_block_get_id(b)))
			json_object_array_add(
				failed,
				json_object_new_int64(memplug_block_get_id(b)));
		wrong += bad;
	}
	free(blocks);
	if (!t->source && nr != t->last - t->first + 1)
		return snprintf(why, len, "%lu of the %lu blocks are present",
				nr, t->last - t->first + 1),
		       true;
	present = src ? memplug_source_get_nr_blocks(src) : nr;
	range = src ? memplug_source_get_nr_range_blocks(src) : nr;
	if (want->unplugged && present)
		return snprintf(why, len,
				"%lu blocks are still present, not unplugged",
				present),
		       true;
	if (!want->unplugged && want->blocks == MEMPLUG_BLOCK_ONLINE &&
	    present < range)
		return snprintf(why, len,
				"%lu of the device's %lu blocks are present",
				present, range),
		       true;
	if (wrong)
		return snprintf(
			       why, len,
			       "%lu of %lu blocks are not %s%s%s (first memory%ld); %lu online",
			       wrong, nr,
			       want->blocks == MEMPLUG_BLOCK_OFFLINE ?
				       "offline" :
				       "online",
			       want->zone != MEMPLUG_ZONE_UNKNOWN &&
					       want->blocks ==
						       MEMPLUG_BLOCK_ONLINE ?
				       " in " :
				       "",
			       want->zone != MEMPLUG_ZONE_UNKNOWN &&
					       want->blocks ==
						       MEMPLUG_BLOCK_ONLINE ?
				       memplug_zone_name(want->zone) :
				       "",
			       first_wrong, online),
		       true;
	if (!src || want->memmap < 0 || !online)
		return false;
	memplug_source_get_memmap(src, &m);
	if (m.observed && (m.location == MEMPLUG_MEMMAP_SELF) != want->memmap)
		return snprintf(why, len, "the memmap is %s, not %s",
				m.location == MEMPLUG_MEMMAP_SELF ?
					"on the device" :
					"in node RAM",
				want->memmap ? "on the device" : "in node RAM"),
		       true;
	return false;
}

int verify_end_state(struct memplug_ctx *ctx, struct report *r,
		     const struct target *t, const struct end_state *want)
{
	char why[256];

	if (memplug_scan(ctx))
		return report_fail(r, r->changed ? EXIT_PARTIAL : EXIT_ERROR,
				   r->changed ? "partial" : "error",
				   "cannot read the kernel's state again: %s",
				   memplug_get_error(ctx));
	if (!differs(ctx, t, want, why, sizeof(why), r->failed))
		return EXIT_OK;
	return report_fail(r, r->changed ? EXIT_PARTIAL : EXIT_ERROR,
			   r->changed ? "partial" : "error",
			   "end state differs from the request: %s", why);
}
