// SPDX-License-Identifier: GPL-2.0
/*
 * Batch writes through the public API (fixture vm-small: dax0.0's blocks
 * 33-47 online Movable).  On a tree a state write always succeeds, so
 * this checks selection, order and bookkeeping, not the kernel's answer.
 */
#include "capi.h"

int main(int argc, char **argv)
{
	struct memplug_ctx *ctx = open_tree(argc > 1 ? argv[1] : NULL);
	struct memplug_source *src = memplug_source_get_by_name(ctx, "dax0.0");
	struct memplug_block *blocks[15], *b;
	struct memplug_batch batch;
	struct memplug_ctx *other;
	unsigned long i, nr = memplug_source_get_nr_blocks(src);

	CHECK_INT(nr, 15, "dax0.0 has 15 blocks");
	for (i = 0; i < nr && i < 15; i++)
		blocks[i] = memplug_source_get_block(src, i);

	/* memory33-35 offline first: the batch only takes the online ones */
	for (i = 0; i < 3; i++)
		memplug_block_offline(blocks[i]);
	CHECK_INT(memplug_offline_blocks(ctx, blocks, nr, MEMPLUG_ORDER_DEFAULT,
					 1000, &batch),
		  0, "offline the rest");
	CHECK_INT(batch.done, 12, "12 blocks changed");
	CHECK_INT(batch.nr_failed, 0, "none failed");
	memplug_batch_release(&batch);
	CHECK_INT(memplug_source_count_state(src, MEMPLUG_BLOCK_OFFLINE), 15,
		  "all offline in the model");

	CHECK_INT(memplug_online_blocks(ctx, blocks, nr, MEMPLUG_ONLINE_MOVABLE,
					MEMPLUG_ORDER_ASCENDING, 1000, &batch),
		  0, "online them");
	CHECK_INT(batch.done, 15, "15 blocks changed");
	memplug_batch_release(&batch);
	CHECK_INT(memplug_source_count_zone(src, MEMPLUG_ZONE_MOVABLE), 15,
		  "all online Movable in the model");
	CHECK_INT(memplug_refresh(ctx), 0, "refresh after writes");
	b = memplug_block_get_by_id(ctx, 33);
	CHECK(b == blocks[0], "pointers stay valid across a refresh");

	/* a fresh context reads what the writes left in the tree */
	CHECK_INT(memplug_new(&other, argv[1]), 0, "a second context");
	CHECK_INT(memplug_scan(other), 0, "scan the written tree");
	CHECK_STR(memplug_block_get_valid_zones(
			  memplug_block_get_by_id(other, 33)),
		  "Movable", "valid_zones untouched");
	memplug_unref(other);

	CHECK_INT(memplug_order_from_name("hole-first"),
		  MEMPLUG_ORDER_HOLE_FIRST, "order by name");
	CHECK_INT(memplug_order_from_name("sideways"), MEMPLUG_ORDER_UNKNOWN,
		  "unknown order name");
	CHECK_STR(memplug_order_name(MEMPLUG_ORDER_UNKNOWN), "unknown",
		  "name of the unknown order");
	return done(ctx);
}
