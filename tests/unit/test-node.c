// SPDX-License-Identifier: GPL-2.0
/*
 * NUMA nodes through the public API (fixture cxl-host: DRAM nodes 0 and 1
 * with 32 blocks of 2 GiB each, CXL nodes 2 and 3 with 64 blocks each,
 * all online Movable, memmap on the blocks themselves).
 */
#include "capi.h"

#define GiB (1ULL << 30)

int main(int argc, char **argv)
{
	struct memplug_ctx *ctx = open_tree(argc > 1 ? argv[1] : NULL);
	struct memplug_zone_pages p;
	struct memplug_node *node;
	long long pages_per_block;
	int n = 0, last = -1;
	bool ascending = true;

	memplug_node_foreach(ctx, node) {
		if (memplug_node_get_id(node) <= last)
			ascending = false;
		last = memplug_node_get_id(node);
		n++;
	}
	CHECK_INT(n, 4, "four nodes");
	CHECK(ascending, "nodes iterate by id");
	CHECK(memplug_node_get_by_id(ctx, 7) == NULL, "no node7");
	CHECK(memplug_node_get_by_id(ctx, -1) == NULL, "no node -1");

	node = memplug_node_get_by_id(ctx, 2);
	CHECK(node != NULL && memplug_node_get_ctx(node) == ctx,
	      "node2 reaches its ctx");
	CHECK_INT(memplug_node_get_nr_blocks(node), 64, "node2 blocks");
	CHECK_INT(memplug_node_get_nr_online(node), 64, "node2 online");
	CHECK(memplug_node_get_mem_total(node) > 0, "node2 MemTotal");
	pages_per_block = 2 * GiB / memplug_get_page_size(ctx);
	CHECK(memplug_node_get_zone_pages(node, MEMPLUG_ZONE_MOVABLE, &p),
	      "node2 has a Movable zone");
	CHECK_INT(p.present, 64 * pages_per_block, "Movable present pages");
	/* the memmap lives on the blocks: present - managed is its pages */
	CHECK_INT(p.present - p.managed,
		  64 * memplug_get_memmap_size(ctx, 2 * GiB) /
			  memplug_get_page_size(ctx),
		  "present - managed = the memmap on the blocks");
	CHECK(!memplug_node_get_zone_pages(node, MEMPLUG_ZONE_NONE, &p),
	      "no zone 'none' in zoneinfo");
	/* no kernel zone at all on a CXL node */
	CHECK_INT(memplug_node_movable_ratio_after(node, 0), -1,
		  "CXL node: Movable with no kernel zone");

	node = memplug_node_get_by_id(ctx, 0);
	CHECK_INT(memplug_node_get_nr_blocks(node), 32, "node0 blocks");
	CHECK_INT(memplug_node_movable_ratio_after(node, 0), 0,
		  "node0 has no Movable memory");
	CHECK(memplug_node_get_zone_pages(node, MEMPLUG_ZONE_NORMAL, &p) &&
		      p.present > 0,
	      "node0 Normal present pages");
	CHECK_INT(memplug_node_movable_ratio_after(node, p.present * 10), 0,
		  "no Movable, nothing to protect");
	return done(ctx);
}
