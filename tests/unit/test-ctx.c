// SPDX-License-Identifier: GPL-2.0
/* The context through the public API: root, refcount, userdata, logging,
 * the last-error line (fixture vm-small). */
#include <errno.h>
#include <stdarg.h>
#include <syslog.h>
#include "capi.h"

static int logged;
static char last_log[512];

static void capture(struct memplug_ctx *ctx, int priority, const char *file,
		    int line, const char *fn, const char *format, va_list args)
{
	(void)ctx;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	logged++;
	vsnprintf(last_log, sizeof(last_log), format, args);
}

int main(int argc, char **argv)
{
	struct memplug_ctx *ctx, *bad, *env;
	char path[4096];
	int rc, marker;

	ctx = open_tree(argc > 1 ? argv[1] : NULL);
	CHECK_STR(memplug_get_sysfs_root(ctx), argv[1], "sysfs root");
	CHECK(!memplug_is_live(ctx), "a tree is not the live kernel");
	CHECK(memplug_ref(ctx) == ctx, "ref returns the context");
	CHECK(memplug_unref(ctx) == ctx, "unref with a reference left");
	memplug_set_userdata(ctx, &marker);
	CHECK(memplug_get_userdata(ctx) == &marker, "userdata");
	CHECK(memplug_refresh(ctx) == 0, "refresh after a scan");
	CHECK(memplug_clock_ns() > 0, "the clock runs");

	/* a trailing slash is not part of the root */
	snprintf(path, sizeof(path), "%s///", argv[1]);
	rc = memplug_new(&bad, path);
	CHECK(rc == 0, "memplug_new with trailing slashes");
	CHECK_STR(memplug_get_sysfs_root(bad), argv[1], "root without slashes");
	memplug_unref(bad);

	/* a root with no kernel below: one error line naming the file */
	snprintf(path, sizeof(path), "%s/nothing-here", argv[1]);
	rc = memplug_new(&bad, path);
	CHECK(rc == 0, "memplug_new on a missing directory");
	CHECK_STR(memplug_get_error(bad), "no error",
		  "no error before a failure");
	memplug_set_log_fn(bad, capture);
	memplug_set_log_priority(bad, LOG_DEBUG);
	CHECK_INT(memplug_get_log_priority(bad), LOG_DEBUG, "log priority");
	rc = memplug_scan(bad);
	CHECK_INT(rc, -ENOENT, "scan of a missing root");
	CHECK(strstr(memplug_get_error(bad), "block_size_bytes") != NULL,
	      "error names the file: %s", memplug_get_error(bad));
	CHECK(strstr(memplug_get_error(bad), "No such file") != NULL,
	      "error says why: %s", memplug_get_error(bad));
	CHECK(strchr(memplug_get_error(bad), '\n') == NULL,
	      "error is one line");
	CHECK(logged > 0, "debug messages reach the log function (%d)", logged);
	logged = 0;
	memplug_set_log_priority(bad, LOG_ERR);
	memplug_scan(bad);
	CHECK_INT(logged, 0, "no debug messages at LOG_ERR");
	memplug_unref(bad);

	/* NULL root: $MEMPLUG_SYSFS_ROOT */
	setenv("MEMPLUG_SYSFS_ROOT", argv[1], 1);
	rc = memplug_new(&env, NULL);
	CHECK(rc == 0 && !strcmp(memplug_get_sysfs_root(env), argv[1]),
	      "root from $MEMPLUG_SYSFS_ROOT");
	CHECK(memplug_scan(env) == 0, "scan through the environment's root");
	memplug_unref(env);
	unsetenv("MEMPLUG_SYSFS_ROOT");
	return done(ctx);
}
