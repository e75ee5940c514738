// SPDX-License-Identifier: GPL-2.0
/* memplug --list-targets: what reconfigure/online/offline accept, for completion. */
#include <stdio.h>
#include "builtin.h"
#include "text.h"

/*
 * One name per line: dax devices, nvdimm namespaces, CXL regions, "all",
 * then the block range of every hot-plugged source (memoryA-B), then the
 * boot memory of each node (boot-nodeN, last: offlining it is rarely what
 * a Tab means, but it is a target like the others).  Silent and exit 1
 * when the memory cannot be read: a completion shows nothing then.  A name
 * that is not a kernel object name (name_ok(): a tree that holds shell or
 * terminal metacharacters, white space or a newline in a device name) is
 * left out, never printed: the shell reads these lines as words.
 */
static void put_name(const char *name)
{
	if (name && name_ok(name))
		puts(name);
}

int cli_list_targets(struct memplug_ctx *ctx)
{
	struct memplug_source *src;
	struct memplug_namespace *ns;
	struct memplug_region *region;

	if (memplug_scan(ctx))
		return EXIT_ERROR;
	memplug_source_foreach(ctx, src)
		if (memplug_source_get_type(src) == MEMPLUG_SOURCE_DAX)
			put_name(memplug_source_get_name(src));
	memplug_namespace_foreach(ctx, ns)
		put_name(memplug_namespace_get_name(ns));
	memplug_region_foreach(ctx, region)
		put_name(memplug_region_get_name(region));
	puts("all");
	memplug_source_foreach(ctx, src) {
		unsigned long n = memplug_source_get_nr_blocks(src);

		if (memplug_source_get_type(src) == MEMPLUG_SOURCE_BOOT || !n)
			continue;
		printf("memory%lu-%lu\n",
		       memplug_block_get_id(memplug_source_get_block(src, 0)),
		       memplug_block_get_id(
			       memplug_source_get_block(src, n - 1)));
	}
	memplug_source_foreach(ctx, src)
		if (memplug_source_get_type(src) == MEMPLUG_SOURCE_BOOT)
			put_name(memplug_source_get_name(src));
	fflush(stdout);
	return EXIT_OK;
}
