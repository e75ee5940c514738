// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz a dax device's mappingN start and end (and the block size): the
 * blocks it claims are whole blocks inside the range, found quickly.
 * Input: "BLOCKSIZE_HEX\nSTART\nEND" (start and end as sysfs prints them).
 */
#include "fuzz.h"

#define NR 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *line[3], *save = NULL;
	struct memplug_ctx *ctx = fuzz_ctx();
	struct memplug_block blocks[NR];
	struct memplug_source *src;
	uint64_t bs, start, end, top;
	unsigned long i, k, nr = 0;
	int n;

	for (n = 0; n < 3; n++)
		line[n] = strtok_r(n ? NULL : text, "\n", &save);
	if (!line[2] || parse_u64(line[0], 16, &bs) ||
	    parse_u64(line[1], 0, &start) || parse_u64(line[2], 0, &end) ||
	    bs < 4096 || (bs & (bs - 1)))
		goto out;
	/* blocks 0..31 and the 32 highest ids a block of this size can have,
	 * ascending and unique as scan_blocks leaves them */
	memset(blocks, 0, sizeof(blocks));
	top = UINT64_MAX / bs;
	for (i = 0; i < NR / 2 && i <= top; i++)
		blocks[nr++].id = i;
	for (k = NR / 2; k-- > 0;)
		if (top >= k && top - k > (nr ? blocks[nr - 1].id : 0))
			blocks[nr++].id = top - k;
	for (i = 0; i < nr; i++)
		blocks[i].ctx = ctx;
	ctx->kernel.block_size = bs;
	ctx->blocks.block = blocks;
	ctx->blocks.nr = nr;
	src = source_new(ctx, "dax0.0", MEMPLUG_SOURCE_DAX);
	if (!src)
		abort();
	add_range_blocks(src, start, end);
	for (i = 0; i < src->nr_blocks; i++) {
		uint64_t b = src->blocks[i]->id * bs;

		if (b < start || b + (bs - 1) > end)
			abort();
	}
	free_sources(ctx);
	ctx->blocks.block = NULL;
	ctx->blocks.nr = 0;
out:
	memplug_unref(ctx);
	free(text);
	return 0;
}
