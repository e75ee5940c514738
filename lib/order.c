// SPDX-License-Identifier: LGPL-2.1
/*
 * The order of block writes, a named policy.  Measured on kernel 6.1
 * (64 GiB, 128 MiB blocks): online 2.9 s ascending vs 0.55 s descending;
 * offline 3.3 s descending vs 1.0 s hole-first.  Ascending onlining makes
 * every online rescan the zone span from its start up to the first hole.
 */
#include <stdlib.h>
#include <string.h>
#include "private.h"

static const char *const order_names[] = {
	[MEMPLUG_ORDER_ASCENDING] = "ascending",
	[MEMPLUG_ORDER_DESCENDING] = "descending",
	[MEMPLUG_ORDER_HOLE_FIRST] = "hole-first",
	[MEMPLUG_ORDER_DEFAULT] = "default",
};

MEMPLUG_EXPORT const char *memplug_order_name(enum memplug_order order)
{
	return order <= MEMPLUG_ORDER_DEFAULT ? order_names[order] : "unknown";
}

MEMPLUG_EXPORT enum memplug_order memplug_order_from_name(const char *name)
{
	int o;

	for (o = 0; o <= MEMPLUG_ORDER_DEFAULT; o++)
		if (!strcmp(name, order_names[o]))
			return o;
	return MEMPLUG_ORDER_UNKNOWN;
}

MEMPLUG_EXPORT enum memplug_order
memplug_order_resolve(enum memplug_order order, enum memplug_op op)
{
	if (order != MEMPLUG_ORDER_DEFAULT)
		return order;
	return op == MEMPLUG_OP_ONLINE ? MEMPLUG_ORDER_DESCENDING :
					 MEMPLUG_ORDER_HOLE_FIRST;
}

static int cmp_id(const void *a, const void *b)
{
	unsigned long x = (*(struct memplug_block *const *)a)->id;
	unsigned long y = (*(struct memplug_block *const *)b)->id;

	return x < y ? -1 : x > y;
}

static void reverse(struct memplug_block **blocks, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr / 2; i++) {
		struct memplug_block *tmp = blocks[i];

		blocks[i] = blocks[nr - 1 - i];
		blocks[nr - 1 - i] = tmp;
	}
}

MEMPLUG_EXPORT void memplug_order_blocks(struct memplug_block **blocks,
					 unsigned long nr,
					 enum memplug_order order)
{
	struct memplug_block *second;

	if (nr < 2)
		return;
	qsort(blocks, nr, sizeof(*blocks), cmp_id);
	switch (order) {
	case MEMPLUG_ORDER_ASCENDING:
		return;
	case MEMPLUG_ORDER_HOLE_FIRST:
		if (nr < 3)
			break;
		/* b1, then b(n-1) .. b2, b0: the first write punches a hole
		 * near the zone start so later contiguity checks stop early */
		second = blocks[1];
		memmove(&blocks[1], &blocks[2], (nr - 2) * sizeof(*blocks));
		reverse(blocks, nr - 1);
		memmove(&blocks[1], &blocks[0], (nr - 1) * sizeof(*blocks));
		blocks[0] = second;
		return;
	default:
		break;
	}
	reverse(blocks, nr);
}
