// SPDX-License-Identifier: LGPL-2.1
/* The top of the library: the context, its refcount, and the scan of the
 * whole model in order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "private.h"

MEMPLUG_EXPORT int memplug_new(struct memplug_ctx **out, const char *root)
{
	struct memplug_ctx *ctx;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->refcount = 1;
	ctx->lock_fd = -1;
	log_init(ctx);
	if (root_init(ctx, root)) {
		free(ctx);
		return -ENOMEM;
	}
	*out = ctx;
	return 0;
}

MEMPLUG_EXPORT struct memplug_ctx *memplug_ref(struct memplug_ctx *ctx)
{
	if (ctx)
		ctx->refcount++;
	return ctx;
}

static void free_model(struct memplug_ctx *ctx)
{
	free_sources(ctx);
	free_devices(ctx);
	free_iomem(ctx);
	free_nodes(ctx);
	free_blocks(ctx);
	free_kernel(ctx);
}

MEMPLUG_EXPORT struct memplug_ctx *memplug_unref(struct memplug_ctx *ctx)
{
	if (!ctx || --ctx->refcount > 0)
		return ctx;
	free_model(ctx);
	memplug_unlock(ctx);
	confine_release(ctx);
	free(ctx);
	return NULL;
}

MEMPLUG_EXPORT void memplug_set_userdata(struct memplug_ctx *ctx,
					 void *userdata)
{
	ctx->userdata = userdata;
}

MEMPLUG_EXPORT void *memplug_get_userdata(struct memplug_ctx *ctx)
{
	return ctx->userdata;
}

MEMPLUG_EXPORT int memplug_scan(struct memplug_ctx *ctx)
{
	int rc;

	free_model(ctx);
	clear_error(ctx);
	confine_scan_begin(ctx);
	rc = scan_kernel(ctx);
	if (!rc)
		rc = scan_blocks(ctx);
	if (!rc)
		rc = scan_nodes(ctx);
	if (!rc)
		rc = scan_iomem(ctx);
	if (!rc)
		rc = scan_devices(ctx);
	if (!rc)
		rc = scan_sources(ctx);
	/* a FIFO, a device, a link out of the root, a huge file: say which */
	if (!rc && confine_bad_file(ctx))
		rc = set_error(ctx, 0, "%s", confine_bad_file(ctx));
	if (rc) {
		free_model(ctx);
		return fail(ctx, rc, "scan of the sysfs root '%s'",
			    memplug_get_sysfs_root(ctx));
	}
	compute_memmap(ctx);
	return 0;
}

/*
 * After block writes through this context: the blocks keep the states
 * the writes gave them; re-read what those writes moved (node and zone
 * pages, vmstat) and place the memmap again.  A full memplug_scan()
 * costs six reads per block; this costs a few files per node.
 */
MEMPLUG_EXPORT int memplug_refresh(struct memplug_ctx *ctx)
{
	if (!ctx->kernel.block_size)
		return memplug_scan(ctx);
	kernel_counters(ctx);
	node_counters(ctx);
	compute_memmap(ctx);
	return 0;
}
