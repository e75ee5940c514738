// SPDX-License-Identifier: GPL-2.0
/* memplug config snapshot: what is, written as memplug.conf sections. */
#include <stdio.h>
#include <string.h>
#include "conf-snapshot.h"
#include "memplug.h"
#include "text.h"

/* the string at @key of @match, NULL when null or absent */
static const char *match_string(struct json_object *match, const char *key)
{
	struct json_object *v = json_object_object_get(match, key);

	return json_object_is_type(v, json_type_string) ?
		       json_object_get_string(v) :
		       NULL;
}

/* a kernel name as a section label: iniparser splits keys at ':' */
static bool label_ok(const char *name)
{
	return name_ok(name) && !strchr(name, ':');
}

/*
 * The section header and identity keys, in the order conf-match.c is
 * surest of: a namespace's uuid, a region's base and memdevs, the dax
 * resource.  Returns false when the device has none readable.
 */
static bool put_identity(FILE *out, struct memplug_source *src,
			 struct json_object *match)
{
	const char *uuid = match_string(match, "uuid");
	const char *hpa = match_string(match, "hpa");
	const char *res = match_string(match, "resource");
	struct json_object *memdevs = json_object_object_get(match, "memdevs");
	size_t i;

	/* kernel text goes into a file memplug reads back: names and uuids
	 * only as the kernel makes them */
	if (uuid && strspn(uuid, "0123456789abcdefABCDEF-") != 36)
		uuid = NULL;
	if (uuid && label_ok(memplug_source_get_namespace(src))) {
		fprintf(out, "[namespace %s]\nuuid = %s\n",
			memplug_source_get_namespace(src), uuid);
	} else if ((hpa || memdevs) &&
		   label_ok(memplug_source_get_region(src))) {
		fprintf(out, "[region %s]\n", memplug_source_get_region(src));
		if (hpa)
			fprintf(out, "hpa = %s\n", hpa);
		for (i = 0; memdevs && i < json_object_array_length(memdevs);
		     i++)
			fprintf(out, "%s%s", i ? ", " : "memdevs = ",
				json_object_get_string(
					json_object_array_get_idx(memdevs, i)));
		if (memdevs)
			fputc('\n', out);
	} else if (res && label_ok(memplug_source_get_name(src))) {
		fprintf(out, "[dax %s]\nresource = %s\n",
			memplug_source_get_name(src), res);
	} else {
		return false;
	}
	return true;
}

/* zone, online and memmap_on_memory as the device has them now */
static void put_system_ram(FILE *out, struct memplug_source *src)
{
	unsigned long n = memplug_source_get_nr_blocks(src);
	unsigned long on =
		memplug_source_count_state(src, MEMPLUG_BLOCK_ONLINE);
	unsigned long movable =
		memplug_source_count_zone(src, MEMPLUG_ZONE_MOVABLE);
	unsigned long normal =
		memplug_source_count_zone(src, MEMPLUG_ZONE_NORMAL);
	enum memplug_tristate knob = memplug_source_get_memmap_knob(src);

	if (on && on < n)
		fprintf(out,
			"# %lu of its %lu blocks are online: apply onlines the others\n",
			on, n);
	if (movable && normal)
		fprintf(out,
			"# %lu blocks are Movable, %lu Normal: the zone of most is kept\n",
			movable, normal);
	fprintf(out, "zone = %s\n", normal > movable ? "normal" : "movable");
	fprintf(out, "online = %s\n", on || !n ? "yes" : "no");
	fprintf(out, "memmap_on_memory = %s\n",
		knob == MEMPLUG_YES ? "yes" :
		knob == MEMPLUG_NO  ? "no" :
				      "keep");
}

int config_snapshot(struct memplug_ctx *ctx, FILE *out)
{
	struct memplug_source *src;
	const char *kernel = memplug_get_kernel_release(ctx);

	fprintf(out,
		"# memplug.conf written by memplug config snapshot%s%s:\n"
		"# every dax device as it is now, by its stable identity\n",
		kernel ? " on Linux " : "", kernel ? kernel : "");
	memplug_source_foreach(ctx, src) {
		const char *name = memplug_source_get_name(src);
		enum memplug_mode mode = memplug_source_get_mode(src);
		struct json_object *match;

		if (memplug_source_get_type(src) != MEMPLUG_SOURCE_DAX)
			continue;
		fputc('\n', out);
		if (mode != MEMPLUG_MODE_SYSTEM_RAM &&
		    mode != MEMPLUG_MODE_DEVDAX) {
			fprintf(out, "# %s: left out, it is %s\n",
				name_ok(name) ? name : "?",
				memplug_mode_name(mode));
			continue;
		}
		match = json_source_match(src);
		fprintf(out, "# %s\n", name_ok(name) ? name : "?");
		if (!put_identity(out, src, match)) {
			fprintf(out,
				"# left out: no identity readable (uuid, hpa, memdevs or resource; needs root)\n");
			json_object_put(match);
			continue;
		}
		json_object_put(match);
		fprintf(out, "mode = %s\n", memplug_mode_name(mode));
		if (mode == MEMPLUG_MODE_SYSTEM_RAM)
			put_system_ram(out, src);
	}
	return EXIT_OK;
}
