// SPDX-License-Identifier: GPL-2.0
/* Kernel facts through the public API (fixture cxl-host: 2 GiB blocks,
 * kernel 6.12, memmap_on_memory=Y, dax knob, vmstat memmap counters). */
#include <unistd.h>
#include "capi.h"

#define GiB (1ULL << 30)

int main(int argc, char **argv)
{
	struct memplug_ctx *ctx = open_tree(argc > 1 ? argv[1] : NULL);
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	CHECK_INT(memplug_get_block_size(ctx), 2 * GiB, "block size");
	CHECK_STR(memplug_get_kernel_release(ctx), "6.12.9-amd64", "release");
	CHECK_STR(memplug_get_auto_online_blocks(ctx), "online_movable",
		  "auto_online_blocks");
	CHECK_STR(memplug_get_memmap_on_memory(ctx), "Y", "memmap_on_memory");
	CHECK(memplug_has_memmap_on_memory(ctx), "parameter Y is on");
	CHECK_STR(memplug_get_online_policy(ctx), "contig-zones",
		  "online_policy");
	CHECK_INT(memplug_get_auto_movable_ratio(ctx), 301,
		  "auto_movable_ratio");
	CHECK_INT(memplug_has_dax_memmap_knob(ctx), MEMPLUG_YES, "dax knob");
	CHECK(!memplug_has_parallel_onlining(ctx), "no parallel onlining");
	CHECK_INT(memplug_get_parallel_hotplug_ratio(ctx), -1,
		  "no parallel_hotplug_ratio");
	CHECK(memplug_get_parallel_evidence(ctx) == NULL, "no evidence");
	/* 6.12, no fast_contig parameter: no zone-contiguity fix */
	CHECK(!memplug_has_linear_onlining(ctx), "no linear onlining");
	CHECK(memplug_get_linear_evidence(ctx) == NULL, "no linear evidence");
	CHECK(!memplug_has_memory_probe(ctx), "no probe file");
	CHECK(memplug_get_nr_memmap_pages(ctx) > 0, "nr_memmap_pages");
	CHECK(memplug_get_nr_memmap_boot_pages(ctx) > 0,
	      "nr_memmap_boot_pages");
	CHECK_INT(memplug_get_page_size(ctx), page,
		  "page size of the running kernel");
	/* 64 bytes of struct page per page: 1/64 with 4 KiB pages */
	CHECK_INT(memplug_get_memmap_size(ctx, 2 * GiB), 2 * GiB / page * 64,
		  "memmap of a block");
	CHECK_INT(memplug_get_memmap_size(ctx, 0), 0, "memmap of nothing");
	return done(ctx);
}
