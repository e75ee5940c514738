// SPDX-License-Identifier: GPL-2.0
/* Targets: what a name on the command line means, its blocks, its state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "action.h"
#include "block-list.h"
#include "text.h"

int target_check_args(const char *cmd, int argc, char **argv)
{
	unsigned long first, last;
	int i;

	for (i = 0; i < argc; i++) {
		const char *name = argv[i];

		/* M < N: an error of the target (exit 1), not of its form */
		if (!strcmp(name, "all") ||
		    block_list_form(name, &first, &last))
			continue;
		if (!strncmp(name, "memory", 6))
			return cli_usage_error(
				cmd,
				"invalid block list '%s': want memoryN or memoryN-M in decimal",
				name);
		if (!name_ok(name))
			return cli_usage_error(
				cmd,
				"invalid target '%s': not a device name (letters, digits, '.', '_', ':', '-')",
				name);
	}
	return EXIT_OK;
}

int target_parse(struct memplug_ctx *ctx, struct report *r, const char *name,
		 struct target *t)
{
	struct memplug_source *src;
	unsigned long id;

	memset(t, 0, sizeof(*t));
	t->name = name;
	if (parse_block_list(name, &t->first, &t->last)) {
		for (id = t->first; id <= t->last; id++)
			if (!memplug_block_get_by_id(ctx, id))
				return report_fail(r, EXIT_ERROR, "error",
						   "no memory block memory%lu",
						   id);
		return EXIT_OK;
	}
	/* a name no kernel gives (target_check_args() refused it on the
	 * command line; a name from elsewhere is never looked up either) */
	if (!name_ok(name))
		return report_fail(r, EXIT_ERROR, "error",
				   "'%s' is not a kernel device name", name);
	src = memplug_source_get_by_name(ctx, name);
	if (!src)
		return report_fail(
			r, EXIT_ERROR, "error",
			"no dax device, namespace, region or memory block named '%s'",
			name);
	t->source = strdup(memplug_source_get_name(src));
	return EXIT_OK;
}

void target_release(struct target *t)
{
	free(t->source);
	t->source = NULL;
}

void report_state(struct memplug_ctx *ctx, struct report *r,
		  const struct target *t, const char *key)
{
	json_object_object_add(r->obj, key, target_state(ctx, t));
}

struct memplug_source *target_source(struct memplug_ctx *ctx,
				     const struct target *t)
{
	return t->source ? memplug_source_get_by_name(ctx, t->source) : NULL;
}

struct memplug_block **target_blocks(struct memplug_ctx *ctx,
				     const struct target *t, unsigned long *nr)
{
	struct memplug_source *src = target_source(ctx, t);
	struct memplug_block **blocks;
	unsigned long i, n;

	n = src	      ? memplug_source_get_nr_blocks(src) :
	    t->source ? 0 :
			t->last - t->first + 1;
	blocks = calloc(n ? n : 1, sizeof(*blocks));
	*nr = 0;
	if (!blocks)
		return NULL;
	for (i = 0; i < n; i++) {
		struct memplug_block *b =
			src ? memplug_source_get_block(src, i) :
			      memplug_block_get_by_id(ctx, t->first + i);

		if (b)
			blocks[(*nr)++] = b;
	}
	return blocks;
}

struct json_object *target_state(struct memplug_ctx *ctx,
				 const struct target *t)
{
	struct zone_counts zones = { { 0 } };
	unsigned long nr, i, online = 0;
	struct memplug_source *src = target_source(ctx, t);
	struct memplug_block **blocks = target_blocks(ctx, t, &nr);
	struct json_object *obj = json_object_new_object();
	struct memplug_memmap m = { .location = MEMPLUG_MEMMAP_UNKNOWN };

	for (i = 0; blocks && i < nr; i++) {
		if (memplug_block_get_state(blocks[i]) != MEMPLUG_BLOCK_ONLINE)
			continue;
		online++;
		zone_counts_add(&zones, memplug_block_get_zone(blocks[i]));
	}
	free(blocks);
	json_object_object_add(
		obj, "mode",
		json_object_new_string(
			src ? memplug_mode_name(memplug_source_get_mode(src)) :
			      "system-ram"));
	json_object_object_add(
		obj, "state",
		json_string_or_null(
			src ? memplug_dax_state_name(
				      memplug_source_get_dax_state(src)) :
			      NULL));
	json_object_object_add(obj, "online_memblocks",
			       json_object_new_int64(online));
	json_object_object_add(obj, "total_memblocks",
			       json_object_new_int64(nr));
	json_object_object_add(obj, "zones", json_zone_counts(&zones));
	if (src)
		memplug_source_get_memmap(src, &m);
	json_object_object_add(obj, "memmap_location",
			       json_memmap_location(&m));
	if (src && memplug_source_get_memmap_knob(src) != MEMPLUG_UNKNOWN)
		json_object_object_add(
			obj, "memmap_on_memory_knob",
			json_object_new_int(
				memplug_source_get_memmap_knob(src)));
	return obj;
}
