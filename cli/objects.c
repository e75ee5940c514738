// SPDX-License-Identifier: GPL-2.0
/*
 * JSON of the library's objects, one builder each: zone counts, memmap
 * location, a source, a block row.  list and the write commands' before
 * and after use the same builders, so one object has one shape.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "memplug.h"

void zone_counts_add(struct zone_counts *counts, enum memplug_zone zone)
{
	if ((unsigned int)zone > MEMPLUG_ZONE_UNKNOWN)
		zone = MEMPLUG_ZONE_UNKNOWN;
	counts->n[zone]++;
}

struct json_object *json_zone_counts(const struct zone_counts *counts)
{
	struct json_object *obj = json_object_new_object();
	int z;

	for (z = MEMPLUG_ZONE_DMA; z <= MEMPLUG_ZONE_UNKNOWN; z++)
		json_object_object_add(obj, memplug_zone_name(z),
				       json_object_new_int64(counts->n[z]));
	return obj;
}

struct json_object *json_memmap_location(const struct memplug_memmap *m)
{
	char buf[32];

	switch (m->location) {
	case MEMPLUG_MEMMAP_SELF:
		return json_object_new_string("self");
	case MEMPLUG_MEMMAP_NODE:
		if (m->node < 0)
			return json_object_new_string("unknown");
		snprintf(buf, sizeof(buf), "node:%d", m->node);
		return json_object_new_string(buf);
	default:
		return json_object_new_string("unknown");
	}
}

/* what is wrong with a source, as {code, message} objects */
static struct json_object *source_warnings(struct memplug_source *src)
{
	struct json_object *ws = json_object_new_array();
	unsigned long n = memplug_source_get_nr_blocks(src),
		      range = memplug_source_get_nr_range_blocks(src),
		      offline = n - memplug_source_count_state(
					    src, MEMPLUG_BLOCK_ONLINE);
	const char *name = memplug_source_get_name(src);
	char msg[256];

	if (!memplug_source_has_range(src))
		json_object_array_add(
			ws,
			json_warning(
				"range-unreadable",
				"address range unreadable (needs root): blocks unknown"));
	if (memplug_source_get_type(src) != MEMPLUG_SOURCE_DAX ||
	    memplug_source_get_mode(src) != MEMPLUG_MODE_SYSTEM_RAM)
		return ws;
	if (!n && range && memplug_dax_unplugged_by_memplug(src)) {
		snprintf(
			msg, sizeof(msg),
			"unplugged by memplug offline --unplug: none of its %lu blocks is present; memplug online %s brings it back",
			range, name);
		json_object_array_add(ws,
				      json_warning("memory-unplugged", msg));
	} else if (!n && range) {
		snprintf(
			msg, sizeof(msg),
			"bound to kmem but none of its %lu blocks is present%s: it provides no memory; memplug reconfigure %s --mode=system-ram brings it online",
			range,
			memplug_source_get_dax_state(src) ==
					MEMPLUG_DAX_STATE_UNPLUGGED ?
				" (state unplugged)" :
				"",
			name);
		json_object_array_add(ws, json_warning("memory-absent", msg));
	} else if (n < range) {
		snprintf(msg, sizeof(msg),
			 "only %lu of its %lu blocks are present", n, range);
		json_object_array_add(ws, json_warning("memory-partial", msg));
	}
	if (n && offline) {
		snprintf(
			msg, sizeof(msg),
			"%lu of its %lu blocks are offline: memplug online %s onlines them",
			offline, n, name);
		json_object_array_add(ws, json_warning("memory-offline", msg));
	}
	return ws;
}

static struct json_object *hex_string(uint64_t val)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%#" PRIx64, val);
	return json_object_new_string(buf);
}

/* the region's memdev serials, NULL when one is unreadable or none */
static struct json_object *region_memdevs(struct memplug_region *region)
{
	unsigned int i, n = memplug_region_get_nr_memdevs(region);
	struct json_object *arr;
	uint64_t serial;

	if (!n)
		return NULL;
	arr = json_object_new_array();
	for (i = 0; i < n; i++) {
		if (!memplug_region_get_memdev_serial(region, i, &serial)) {
			json_object_put(arr);
			return NULL;
		}
		json_object_array_add(arr, hex_string(serial));
	}
	return arr;
}

struct json_object *json_source_match(struct memplug_source *src)
{
	struct memplug_ctx *ctx = memplug_source_get_ctx(src);
	const char *ns_name = memplug_source_get_namespace(src);
	const char *region_name = memplug_source_get_region(src);
	struct json_object *obj, *uuid = NULL, *hpa = NULL, *memdevs = NULL;
	struct memplug_namespace *ns;
	struct memplug_region *region;
	uint64_t res;

	if (memplug_source_get_type(src) != MEMPLUG_SOURCE_DAX)
		return NULL;
	memplug_namespace_foreach(ctx, ns) {
		const char *id = memplug_namespace_get_dax_uuid(ns);

		if (!ns_name || strcmp(memplug_namespace_get_name(ns), ns_name))
			continue;
		/* ndctl list's "uuid" (the info block's), else the label's */
		if (!id)
			id = memplug_namespace_get_uuid(ns);
		uuid = json_string_or_null(id);
	}
	memplug_region_foreach(ctx, region) {
		if (!region_name ||
		    strcmp(memplug_region_get_name(region), region_name))
			continue;
		if (memplug_region_get_resource(region, &res))
			hpa = hex_string(res);
		memdevs = region_memdevs(region);
	}
	obj = json_object_new_object();
	json_object_object_add(obj, "uuid", uuid);
	json_object_object_add(obj, "hpa", hpa);
	json_object_object_add(obj, "memdevs", memdevs);
	json_object_object_add(
		obj, "resource",
		memplug_source_has_range(src) ?
			hex_string(memplug_source_get_start(src)) :
			NULL);
	return obj;
}

struct json_object *json_source(struct memplug_source *src, bool human)
{
	unsigned long range = memplug_source_get_nr_range_blocks(src);
	struct json_object *warnings;
	struct json_object *obj = json_object_new_object(), *states, *nodes;
	unsigned long i, n = memplug_source_get_nr_blocks(src);
	struct zone_counts zones = { { 0 } };
	bool dax = memplug_source_get_type(src) == MEMPLUG_SOURCE_DAX;
	enum memplug_tristate knob = memplug_source_get_memmap_knob(src);
	int target = memplug_source_get_target_node(src);
	char seen[1024] = { 0 };
	struct memplug_memmap m;
	int s;

	json_object_object_add(
		obj, "source",
		json_object_new_string(memplug_source_get_name(src)));
	json_object_object_add(obj, "type",
			       json_object_new_string(memplug_source_type_name(
				       memplug_source_get_type(src))));
	json_object_object_add(obj, "mode",
			       json_object_new_string(memplug_mode_name(
				       memplug_source_get_mode(src))));
	json_object_object_add(obj, "size",
			       json_size(memplug_source_get_size(src), human));
	json_object_object_add(obj, "target_node",
			       json_int_or_null(target, dax && target >= 0));
	json_object_object_add(
		obj, "memmap_on_memory_knob",
		json_int_or_null(knob, dax && knob != MEMPLUG_UNKNOWN));
	json_object_object_add(
		obj, "namespace",
		json_string_or_null(memplug_source_get_namespace(src)));
	json_object_object_add(
		obj, "region",
		json_string_or_null(memplug_source_get_region(src)));
	json_object_object_add(
		obj, "first_block",
		json_int_or_null(n ? memplug_block_get_id(
					     memplug_source_get_block(src, 0)) :
				     0,
				 n > 0));
	json_object_object_add(
		obj, "last_block",
		json_int_or_null(
			n ? memplug_block_get_id(
				    memplug_source_get_block(src, n - 1)) :
			    0,
			n > 0));
	json_object_object_add(obj, "total_memblocks",
			       json_object_new_int64(n));
	json_object_object_add(obj, "online_memblocks",
			       json_object_new_int64(memplug_source_count_state(
				       src, MEMPLUG_BLOCK_ONLINE)));
	for (i = 0; i < n; i++) {
		struct memplug_block *b = memplug_source_get_block(src, i);

		if (memplug_block_get_state(b) == MEMPLUG_BLOCK_ONLINE)
			zone_counts_add(&zones, memplug_block_get_zone(b));
	}
	json_object_object_add(obj, "zones", json_zone_counts(&zones));
	states = json_object_new_object();
	for (s = MEMPLUG_BLOCK_ONLINE; s < MEMPLUG_BLOCK_UNKNOWN; s++)
		json_object_object_add(
			states, memplug_block_state_name(s),
			json_object_new_int64(
				memplug_source_count_state(src, s)));
	json_object_object_add(obj, "states", states);
	nodes = json_object_new_array();
	for (i = 0; i < n; i++) {
		int node = memplug_block_get_node(
			memplug_source_get_block(src, i));

		if (node < 0 || node >= (int)sizeof(seen) || seen[node])
			continue;
		seen[node] = 1;
		json_object_array_add(nodes, json_object_new_int(node));
	}
	json_object_object_add(obj, "nodes", nodes);
	memplug_source_get_memmap(src, &m);
	json_object_object_add(obj, "memmap_bytes", json_size(m.bytes, human));
	json_object_object_add(obj, "memmap_location",
			       json_memmap_location(&m));
	json_object_object_add(
		obj, "memmap_basis",
		json_object_new_string(m.observed ? "observed" : "predicted"));
	json_object_object_add(obj, "memmap_reason",
			       json_object_new_string(m.reason));
	json_object_object_add(obj, "state",
			       json_string_or_null(memplug_dax_state_name(
				       memplug_source_get_dax_state(src))));
	json_object_object_add(obj, "range_memblocks",
			       json_int_or_null(range, dax && range));
	warnings = source_warnings(src);
	json_object_object_add(
		obj, "warning",
		json_object_array_length(warnings) ?
			json_object_get(json_object_object_get(
				json_object_array_get_idx(warnings, 0),
				"message")) :
			NULL);
	json_object_object_add(obj, "warnings", warnings);
	json_object_object_add(obj, "match", json_source_match(src));
	return obj;
}

/*
 * A row is filled again for each block: values change in place, so
 * listing 65,536 blocks allocates one row, not 65,536.  @fresh: the
 * row is new, and the keys go in in the order of the calls.
 */
static void row_put(struct json_object *row, bool fresh, const char *key,
		    struct json_object *val)
{
	json_object_object_add_ex(
		row, key, val,
		JSON_C_OBJECT_KEY_IS_CONSTANT |
			(fresh ? JSON_C_OBJECT_ADD_KEY_IS_NEW : 0));
}

static void row_int(struct json_object *row, bool fresh, const char *key,
		    int64_t val, bool valid)
{
	struct json_object *old = fresh ? NULL :
					  json_object_object_get(row, key);

	if (valid && json_object_is_type(old, json_type_int))
		json_object_set_int64(old, val);
	else if (valid || fresh || old)
		row_put(row, fresh, key,
			valid ? json_object_new_int64(val) : NULL);
}

static void row_string(struct json_object *row, bool fresh, const char *key,
		       const char *text)
{
	struct json_object *old = fresh ? NULL :
					  json_object_object_get(row, key);

	if (text && json_object_is_type(old, json_type_string))
		json_object_set_string(old, text);
	else if (text || fresh || old)
		row_put(row, fresh, key,
			text ? json_object_new_string(text) : NULL);
}

static void row_bool(struct json_object *row, bool fresh, const char *key,
		     bool val, bool valid)
{
	struct json_object *old = fresh ? NULL :
					  json_object_object_get(row, key);

	if (valid && json_object_is_type(old, json_type_boolean))
		json_object_set_boolean(old, val);
	else if (valid || fresh || old)
		row_put(row, fresh, key,
			valid ? json_object_new_boolean(val) : NULL);
}

/* "0x" and @val in 16 hex digits, as "0x%016llx" prints it: 20 bytes */
static char *hex64(char *out, uint64_t val)
{
	int i;

	out[0] = '0';
	out[1] = 'x';
	for (i = 17; i >= 2; i--, val >>= 4)
		out[i] = "0123456789abcdef"[val & 15];
	return out + 18;
}

struct json_object *json_block(struct json_object *row,
			       struct memplug_block *block, bool human)
{
	bool fresh = !row;
	uint64_t start = memplug_block_get_start(block);
	uint64_t size = memplug_block_get_size(block);
	struct memplug_source *src = memplug_block_get_source(block);
	enum memplug_tristate removable = memplug_block_is_removable(block);
	int node = memplug_block_get_node(block);
	char range[40], *end;

	if (fresh)
		row = json_object_new_object();
	end = hex64(range, start);
	*end++ = '-';
	*hex64(end, start + size - 1) = '\0';
	row_int(row, fresh, "block", memplug_block_get_id(block), true);
	row_string(row, fresh, "range", range);
	row_int(row, fresh, "start", start, true);
	if (human)
		row_put(row, fresh, "size", json_size(size, true));
	else
		row_int(row, fresh, "size", size, true);
	row_string(row, fresh, "state",
		   memplug_block_state_name(memplug_block_get_state(block)));
	row_int(row, fresh, "node", node, node >= 0);
	row_string(row, fresh, "zones", memplug_block_get_valid_zones(block));
	row_bool(row, fresh, "removable", removable == MEMPLUG_YES,
		 removable != MEMPLUG_UNKNOWN);
	row_string(row, fresh, "source",
		   src ? memplug_source_get_name(src) : NULL);
	return row;
}
