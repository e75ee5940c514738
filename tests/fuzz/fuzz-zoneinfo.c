// SPDX-License-Identifier: GPL-2.0
/* Fuzz /proc/zoneinfo into two nodes' zone page counts. */
#include <stdio.h>
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memplug_ctx *ctx = fuzz_ctx();
	struct memplug_node nodes[2] = { { .ctx = ctx, .id = 0 },
					 { .ctx = ctx, .id = 1 } };
	FILE *f = size ? fmemopen((void *)data, size, "r") : NULL;
	int n, z;

	ctx->nodes.node = nodes;
	ctx->nodes.nr = 2;
	if (f) {
		zoneinfo_parse(ctx, f);
		fclose(f);
	}
	for (n = 0; n < 2; n++) {
		for (z = 0; z < MEMPLUG_ZONE_NONE; z++) {
			struct memplug_zone_pages *p = &nodes[n].zones[z];

			if (p->present < 0 || p->managed < 0 || p->spanned < 0)
				abort();
		}
		/* what the checks of offline compute from these numbers */
		memplug_node_movable_ratio_after(&nodes[n], 32768);
	}
	ctx->nodes.node = NULL;
	ctx->nodes.nr = 0;
	memplug_unref(ctx);
	return 0;
}
