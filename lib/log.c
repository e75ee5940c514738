// SPDX-License-Identifier: LGPL-2.1
/* Logging and the last-error line: the bottom of the library. */
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

/* $MEMPLUG_LOG (debug, info, err or 0..7), read like $MEMPLUG_SYSFS_ROOT:
 * ignored when setuid */
static int priority_from_env(void)
{
	const char *env = secure_getenv("MEMPLUG_LOG");

	if (!env)
		return LOG_ERR;
	if (!strcmp(env, "debug"))
		return LOG_DEBUG;
	if (!strcmp(env, "info"))
		return LOG_INFO;
	if (!strcmp(env, "err"))
		return LOG_ERR;
	/* a syslog priority number, as memplug(1) documents */
	if (env[0] >= '0' && env[0] <= '7' && !env[1])
		return env[0] - '0';
	return 0;
}

void log_init(struct memplug_ctx *ctx)
{
	ctx->log.fn = log_stderr;
	ctx->log.priority = priority_from_env();
}

void memplug_log(struct memplug_ctx *ctx, int priority, const char *file,
		 int line, const char *fn, const char *format, ...)
{
	int saved = errno; /* logging never changes what callers test */
	va_list args;

	va_start(args, format);
	ctx->log.fn(ctx, priority, file, line, fn, format, args);
	va_end(args);
	errno = saved;
}

/* the error line: @format, then ": strerror(@errnum)" unless 0 */
static void error_line(struct memplug_ctx *ctx, int errnum, const char *format,
		       va_list args)
{
	int len =
		vsnprintf(ctx->log.error, sizeof(ctx->log.error), format, args);

	if (errnum && len >= 0 && (size_t)len < sizeof(ctx->log.error))
		snprintf(ctx->log.error + len, sizeof(ctx->log.error) - len,
			 ": %s", strerror(errnum));
	dbg(ctx, "%s\n", ctx->log.error);
}

int set_error(struct memplug_ctx *ctx, int errnum, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	error_line(ctx, errnum, format, args);
	va_end(args);
	return -(errnum ? errnum : EINVAL);
}

void clear_error(struct memplug_ctx *ctx)
{
	ctx->log.error[0] = '\0';
}

int fail(struct memplug_ctx *ctx, int rc, const char *format, ...)
{
	va_list args;

	if (!rc || ctx->log.error[0])
		return rc;
	va_start(args, format);
	error_line(ctx, rc < 0 ? -rc : rc, format, args);
	va_end(args);
	return rc;
}

MEMPLUG_EXPORT const char *memplug_get_error(struct memplug_ctx *ctx)
{
	/* every failing call sets it (fail()): empty only after success */
	return ctx->log.error[0] ? ctx->log.error : "no error";
}

MEMPLUG_EXPORT void memplug_set_log_fn(struct memplug_ctx *ctx,
				       memplug_log_fn log_fn)
{
	ctx->log.fn = log_fn ? log_fn : log_stderr;
}

MEMPLUG_EXPORT int memplug_get_log_priority(struct memplug_ctx *ctx)
{
	return ctx->log.priority;
}

MEMPLUG_EXPORT void memplug_set_log_priority(struct memplug_ctx *ctx,
					     int priority)
{
	ctx->log.priority = priority;
}
