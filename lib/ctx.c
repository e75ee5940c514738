// SPDX-License-Identifier: LGPL-2.1
/* The library context: sysfs root, logging, refcount, the scanned model. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "private.h"

static void log_stderr(struct memplug_ctx *ctx, int priority, const char *file,
		       int line, const char *fn, const char *format,
		       va_list args)
{
	(void)ctx;
	(void)priority;
	(void)file;
	(void)line;
	fprintf(stderr, "libmemplug: %s: ", fn);
	vfprintf(stderr, format, args);
}

void memplug_log(struct memplug_ctx *ctx, int priority, const char *file,
		 int line, const char *fn, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	ctx->log_fn(ctx, priority, file, line, fn, format, args);
	va_end(args);
}

int set_error(struct memplug_ctx *ctx, int errnum, const char *format, ...)
{
	va_list args;
	int len;

	va_start(args, format);
	len = vsnprintf(ctx->error, sizeof(ctx->error), format, args);
	va_end(args);
	if (errnum && len >= 0 && (size_t)len < sizeof(ctx->error))
		snprintf(ctx->error + len, sizeof(ctx->error) - len, ": %s",
			 strerror(errnum));
	dbg(ctx, "%s\n", ctx->error);
	return -(errnum ? errnum : EINVAL);
}

MEMPLUG_EXPORT const char *memplug_get_error(struct memplug_ctx *ctx)
{
	return ctx->error[0] ? ctx->error : "unknown error";
}

static int priority_from_env(void)
{
	const char *env = getenv("MEMPLUG_LOG");

	if (!env)
		return LOG_ERR;
	if (!strcmp(env, "debug"))
		return LOG_DEBUG;
	if (!strcmp(env, "info"))
		return LOG_INFO;
	return LOG_ERR;
}

MEMPLUG_EXPORT int memplug_new(struct memplug_ctx **out, const char *root)
{
	struct memplug_ctx *ctx;
	size_t len;

	if (!root || !*root)
		root = getenv("MEMPLUG_SYSFS_ROOT");
	if (!root || !*root)
		root = "/";
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->refcount = 1;
	ctx->lock_fd = -1;
	ctx->log_fn = log_stderr;
	ctx->log_priority = priority_from_env();
	ctx->root = strdup(root);
	if (!ctx->root) {
		free(ctx);
		return -ENOMEM;
	}
	len = strlen(ctx->root);
	while (len > 0 && ctx->root[len - 1] == '/')
		ctx->root[--len] = '\0';
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
	free(ctx->root);
	free(ctx);
	return NULL;
}

MEMPLUG_EXPORT void memplug_set_log_fn(struct memplug_ctx *ctx,
				       memplug_log_fn log_fn)
{
	ctx->log_fn = log_fn ? log_fn : log_stderr;
}

MEMPLUG_EXPORT int memplug_get_log_priority(struct memplug_ctx *ctx)
{
	return ctx->log_priority;
}

MEMPLUG_EXPORT void memplug_set_log_priority(struct memplug_ctx *ctx,
					     int priority)
{
	ctx->log_priority = priority;
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

MEMPLUG_EXPORT const char *memplug_get_sysfs_root(struct memplug_ctx *ctx)
{
	return ctx->root[0] ? ctx->root : "/";
}

MEMPLUG_EXPORT bool memplug_is_live(struct memplug_ctx *ctx)
{
	return ctx->root[0] == '\0';
}

MEMPLUG_EXPORT int memplug_scan(struct memplug_ctx *ctx)
{
	int rc;

	free_model(ctx);
	ctx->error[0] = '\0';
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
	if (rc) {
		free_model(ctx);
		return rc;
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
	if (!ctx->block_size)
		return memplug_scan(ctx);
	kernel_counters(ctx);
	node_counters(ctx);
	compute_memmap(ctx);
	return 0;
}
