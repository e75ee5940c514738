// SPDX-License-Identifier: GPL-2.0
/*
 * JSON of the library's objects, one builder each: zone counts, memmap
 * location, a source, a block row.  list and the write commands' before
 * and after use the same builders, so one object has one shape.
 */
#include <stdio.h>
#include "memplug.h"

struct json_object *json_zone_counts(const unsigned long counts[])
{
	struct json_object *obj = json_object_new_object();
	int z;

	for (z = 0; z < MEMPLUG_NR_ZONES; z++)
		json_object_object_add(obj, memplug_zone_name(z),
				       json_object_new_int64(counts[z]));
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

struct json_object *json_source(struct memplug_source *src, bool human)
{
	struct json_object *obj = json_object_new_object(), *states, *nodes;
	unsigned long zones[MEMPLUG_NR_ZONES], i,
		n = memplug_source_get_nr_blocks(src);
	bool dax = memplug_source_get_type(src) == MEMPLUG_SOURCE_DAX;
	enum memplug_tristate knob = memplug_source_get_memmap_knob(src);
	int target = memplug_source_get_target_node(src);
	char seen[1024] = { 0 };
	struct memplug_memmap m;
	int z, s;

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
	for (z = 0; z < MEMPLUG_NR_ZONES; z++)
		zones[z] = memplug_source_count_zone(src, z);
	json_object_object_add(obj, "zones", json_zone_counts(zones));
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
	json_object_object_add(
		obj, "warning",
		memplug_source_has_range(src) ?
			NULL :
			json_object_new_string(
				"address range unreadable (needs root): blocks unknown"));
	return obj;
}

struct json_object *json_block(struct memplug_block *block, bool human)
{
	struct json_object *obj = json_object_new_object();
	uint64_t start = memplug_block_get_start(block);
	uint64_t size = memplug_block_get_size(block);
	struct memplug_source *src = memplug_block_get_source(block);
	enum memplug_tristate removable = memplug_block_is_removable(block);
	int node = memplug_block_get_node(block);
	char range[64];

	snprintf(range, sizeof(range), "0x%016llx-0x%016llx",
		 (unsigned long long)start,
		 (unsigned long long)(start + size - 1));
	json_object_object_add(
		obj, "block",
		json_object_new_int64(memplug_block_get_id(block)));
	json_object_object_add(obj, "range", json_object_new_string(range));
	json_object_object_add(obj, "start", json_object_new_int64(start));
	json_object_object_add(obj, "size", json_size(size, human));
	json_object_object_add(obj, "state",
			       json_object_new_string(memplug_block_state_name(
				       memplug_block_get_state(block))));
	json_object_object_add(obj, "node", json_int_or_null(node, node >= 0));
	json_object_object_add(
		obj, "zones",
		json_string_or_null(memplug_block_get_valid_zones(block)));
	json_object_object_add(obj, "removable",
			       removable == MEMPLUG_UNKNOWN ?
				       NULL :
				       json_object_new_boolean(removable));
	json_object_object_add(
		obj, "source",
		src ? json_object_new_string(memplug_source_get_name(src)) :
		      NULL);
	return obj;
}
