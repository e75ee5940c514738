// SPDX-License-Identifier: GPL-2.0
/* The block-order policies through the public API (fixture vm-small:
 * its first five blocks). */
#include <stdio.h>
#include <stdlib.h>
#include <libmemplug.h>

static int failures;

static void check(const char *what, struct memplug_block **b, unsigned long n,
		  const unsigned long *want)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		if (memplug_block_get_id(b[i]) != want[i]) {
			printf("FAIL %s: position %lu is memory%lu, want memory%lu\n",
			       what, i, memplug_block_get_id(b[i]), want[i]);
			failures++;
			return;
		}
	}
	printf("ok %s\n", what);
}

int main(int argc, char **argv)
{
	static const unsigned long asc[] = { 0, 1, 2, 3, 4 };
	static const unsigned long desc[] = { 4, 3, 2, 1, 0 };
	static const unsigned long hole[] = { 1, 4, 3, 2, 0 };
	static const unsigned long two[] = { 4, 1 }; /* b[0..1] = 1, 4 now */
	struct memplug_block *b[5], *block;
	struct memplug_ctx *ctx;
	unsigned long n = 0;

	if (argc != 2 || memplug_new(&ctx, argv[1]) || memplug_scan(ctx)) {
		printf("FAIL: cannot scan the tree %s\n",
		       argc > 1 ? argv[1] : "");
		return 1;
	}
	memplug_block_foreach(ctx, block)
		if (n < 5)
			b[4 - n++] = block; /* reversed on purpose */
	if (n != 5) {
		printf("FAIL: want 5 blocks, tree has %lu\n", n);
		return 1;
	}
	memplug_order_blocks(b, 5, MEMPLUG_ORDER_ASCENDING);
	check("ascending", b, 5, asc);
	memplug_order_blocks(b, 5, MEMPLUG_ORDER_DESCENDING);
	check("descending", b, 5, desc);
	memplug_order_blocks(b, 5, MEMPLUG_ORDER_HOLE_FIRST);
	check("hole-first", b, 5, hole);
	memplug_order_blocks(b, 2, MEMPLUG_ORDER_HOLE_FIRST);
	check("hole-first of two is descending", b, 2, two);
	if (memplug_order_resolve(MEMPLUG_ORDER_DEFAULT, MEMPLUG_OP_ONLINE) !=
		    MEMPLUG_ORDER_DESCENDING ||
	    memplug_order_resolve(MEMPLUG_ORDER_DEFAULT, MEMPLUG_OP_OFFLINE) !=
		    MEMPLUG_ORDER_HOLE_FIRST) {
		printf("FAIL: default orders\n");
		failures++;
	} else {
		printf("ok default orders\n");
	}
	memplug_unref(ctx);
	return failures ? 1 : 0;
}
