// SPDX-License-Identifier: GPL-2.0
/*
 * CXL regions, dax devices and their writes through the public API
 * (fixture cxl-host: region0/region1, RAM, committed, behind dax0.0 and
 * dax1.0 on nodes 2 and 3, knob 1, memmap on the blocks; on a tree the
 * driver files are written directly).
 */
#include <errno.h>
#include "capi.h"

#define GiB (1ULL << 30)

int main(int argc, char **argv)
{
	struct memplug_ctx *ctx = open_tree(argc > 1 ? argv[1] : NULL);
	struct memplug_source *src;
	struct memplug_region *r;
	struct memplug_memmap m;
	uint64_t res = 0;
	int n = 0;

	memplug_region_foreach(ctx, r)
		n++;
	CHECK_INT(n, 2, "two regions");
	r = memplug_region_get_first(ctx);
	CHECK(memplug_region_get_ctx(r) == ctx, "region reaches its ctx");
	CHECK_STR(memplug_region_get_name(r), "region0", "name");
	CHECK_STR(memplug_region_get_mode(r), "ram", "mode");
	CHECK_INT(memplug_region_get_size(r), 128 * GiB, "size");
	CHECK(memplug_region_get_resource(r, &res) && res == 0x4000000000ULL,
	      "resource %#llx", (unsigned long long)res);
	CHECK(memplug_region_is_committed(r), "committed");
	CHECK_STR(memplug_region_get_dax(r), "dax0.0", "its dax device");
	CHECK(memplug_namespace_get_first(ctx) == NULL, "no namespace");

	src = memplug_source_get_by_name(ctx, "region1");
	CHECK_STR(src ? memplug_source_get_name(src) : NULL, "dax1.0",
		  "source by region");
	src = memplug_source_get_by_name(ctx, "dax0.0");
	CHECK_INT(memplug_source_get_memmap_knob(src), MEMPLUG_YES, "knob 1");
	CHECK_INT(memplug_source_get_target_node(src), 2, "target node 2");
	CHECK_INT(memplug_source_get_nr_blocks(src), 64, "64 blocks");
	memplug_source_get_memmap(src, &m);
	CHECK_INT(m.location, MEMPLUG_MEMMAP_SELF, "memmap on the device");
	CHECK(m.observed, "observed in zone pages");

	/* unbinding kmem with online blocks would leak the range */
	CHECK_INT(memplug_dax_disable(src), -EBUSY, "disable refused");
	CHECK(strstr(memplug_get_error(ctx), "still online") != NULL,
	      "error: %s", memplug_get_error(ctx));
	CHECK_INT(memplug_dax_user(src), 0, "no process uses /dev/dax0.0");
	CHECK_INT(memplug_dax_set_memmap_knob(src, false), 0, "write the knob");
	CHECK_INT(memplug_source_get_memmap_knob(src), MEMPLUG_NO,
		  "knob 0 in the model");
	CHECK_INT(memplug_dax_enable_ram(
			  memplug_source_get_by_name(ctx, "boot-node0")),
		  -EINVAL, "boot memory is no dax device");

	CHECK_INT(memplug_lock(ctx, 0), 0, "take the lock");
	CHECK_INT(memplug_lock(ctx, 0), 0, "taken twice through one ctx");
	memplug_unlock(ctx);
	return done(ctx);
}
