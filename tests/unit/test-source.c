// SPDX-License-Identifier: GPL-2.0
/*
 * Memory sources and nvdimm namespaces through the public API (fixture
 * vm-small: boot blocks 0-15 on node 0, nvdimm namespace0.0 in devdax
 * mode behind dax0.0, system-ram, blocks 33-47 online Movable, kernel 6.1
 * without a dax memmap knob: the memmap is in node 0's RAM, observed).
 */
#include <errno.h>
#include "capi.h"

#define MiB (1ULL << 20)

int main(int argc, char **argv)
{
	struct memplug_ctx *ctx = open_tree(argc > 1 ? argv[1] : NULL);
	struct memplug_source *src, *boot;
	struct memplug_namespace *ns;
	struct memplug_memmap m;
	int n = 0, z;
	unsigned long sum = 0;

	memplug_source_foreach(ctx, src)
		n++;
	CHECK_INT(n, 2, "two sources");
	boot = memplug_source_get_first(ctx);
	CHECK_STR(memplug_source_get_name(boot), "boot-node0",
		  "boot memory first, by address");
	CHECK_INT(memplug_source_get_type(boot), MEMPLUG_SOURCE_BOOT, "boot");
	CHECK_INT(memplug_source_get_nr_blocks(boot), 16, "boot blocks");

	src = memplug_source_get_by_name(ctx, "dax0.0");
	CHECK(src != NULL && memplug_source_get_ctx(src) == ctx,
	      "dax0.0 reaches its ctx");
	CHECK(memplug_source_get_by_name(ctx, "namespace0.0") == src,
	      "found by its namespace");
	CHECK(memplug_source_has_name(src, "namespace0.0") &&
		      memplug_source_has_name(src, "dax0.0") &&
		      !memplug_source_has_name(src, "dax0"),
	      "has_name: device and namespace, nothing else");
	CHECK(memplug_source_get_by_name(ctx, "region0") == NULL, "no region");
	CHECK_INT(memplug_source_get_type(src), MEMPLUG_SOURCE_DAX, "dax");
	CHECK_STR(memplug_source_type_name(MEMPLUG_SOURCE_DAX), "dax",
		  "type name");
	CHECK_INT(memplug_source_get_mode(src), MEMPLUG_MODE_SYSTEM_RAM,
		  "system-ram");
	CHECK_STR(memplug_mode_name(MEMPLUG_MODE_DEVDAX), "devdax",
		  "mode name");
	CHECK_INT(memplug_source_get_target_node(src), 0, "target node");
	CHECK_INT(memplug_source_get_memmap_knob(src), MEMPLUG_UNKNOWN,
		  "no knob on 6.1");
	CHECK_STR(memplug_source_get_namespace(src), "namespace0.0",
		  "namespace");
	CHECK(memplug_source_get_region(src) == NULL, "no region");
	CHECK(memplug_source_has_range(src), "range readable");
	CHECK_INT(memplug_source_get_nr_blocks(src), 15, "15 blocks");
	CHECK_INT(memplug_block_get_id(memplug_source_get_block(src, 0)), 33,
		  "first block");
	CHECK_INT(memplug_block_get_id(memplug_source_get_block(src, 14)), 47,
		  "last block");
	CHECK(memplug_source_get_block(src, 15) == NULL, "no 16th block");
	CHECK_INT(memplug_source_count_state(src, MEMPLUG_BLOCK_ONLINE), 15,
		  "all online");
	for (z = MEMPLUG_ZONE_DMA; z <= MEMPLUG_ZONE_UNKNOWN; z++)
		sum += memplug_source_count_zone(src, z);
	CHECK_INT(memplug_source_count_zone(src, MEMPLUG_ZONE_MOVABLE), 15,
		  "all Movable");
	CHECK_INT(sum, 15, "zone counts add up");
	CHECK(memplug_source_get_start(src) <= 33 * 128 * MiB,
	      "range starts at or before memory33");

	memplug_source_get_memmap(src, &m);
	CHECK_INT(m.location, MEMPLUG_MEMMAP_NODE, "memmap in ordinary RAM");
	CHECK_INT(m.node, 0, "on node 0");
	CHECK(m.observed, "confirmed by zone pages");
	CHECK_INT(m.bytes, 15 * memplug_get_memmap_size(ctx, 128 * MiB),
		  "memmap bytes");
	CHECK(m.reason && strstr(m.reason, "knob"), "reason: %s",
	      m.reason ? m.reason : "(null)");

	n = 0;
	memplug_namespace_foreach(ctx, ns)
		n++;
	CHECK_INT(n, 1, "one namespace");
	ns = memplug_namespace_get_first(ctx);
	CHECK(memplug_namespace_get_ctx(ns) == ctx, "namespace reaches ctx");
	CHECK_STR(memplug_namespace_get_name(ns), "namespace0.0", "name");
	CHECK_STR(memplug_namespace_get_mode(ns), "devdax", "ndctl's mode");
	CHECK_STR(memplug_namespace_get_map(ns), "dev", "map");
	CHECK_STR(memplug_namespace_get_dax(ns), "dax0.0", "its dax device");
	CHECK_STR(memplug_namespace_get_uuid(ns),
		  "9a3b8c1e-2d4f-4a6b-8c0d-1e2f3a4b5c6d", "the label's uuid");
	CHECK_STR(memplug_namespace_get_dax_uuid(ns),
		  "4c1f3a4a-5b8a-4c38-9b0e-6b1c8a1f2d3e",
		  "the info block's uuid");
	CHECK(memplug_namespace_get_size(ns) > 0, "size");
	CHECK_INT(memplug_namespace_get_numa_node(ns), 0, "numa node");
	CHECK_INT(memplug_namespace_to_devdax(ns), -EOPNOTSUPP,
		  "conversion needs the live kernel");
	CHECK(strstr(memplug_get_error(ctx), "live kernel") != NULL,
	      "error: %s", memplug_get_error(ctx));
	CHECK(memplug_region_get_first(ctx) == NULL, "no CXL region");
	return done(ctx);
}
