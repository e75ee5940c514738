// SPDX-License-Identifier: GPL-2.0
/* Fuzz /proc/iomem: the range tree and who owns each range. */
#include <stdio.h>
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memplug_ctx *ctx = fuzz_ctx();
	FILE *f = size ? fmemopen((void *)data, size, "r") : NULL;
	int i;

	if (f) {
		iomem_parse(ctx, f);
		fclose(f);
	}
	for (i = 0; i < ctx->iomem.nr; i++)
		if (ctx->iomem.range[i].end < ctx->iomem.range[i].start ||
		    !ctx->iomem.range[i].name)
			abort();
	free_iomem(ctx);
	memplug_unref(ctx);
	return 0;
}
