/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the C API tests share: checks that print "ok"/"FAIL" lines and
 * count failures, and a context on a generated tree that refuses the live
 * root.  Only <libmemplug.h> is used, as a third-party program would.
 */
#ifndef _MEMPLUG_CAPI_H_
#define _MEMPLUG_CAPI_H_

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmemplug.h>

static int failures;

#define CHECK(cond, ...)                                            \
	do {                                                        \
		if (cond) {                                         \
			printf("ok ");                              \
		} else {                                            \
			printf("FAIL %s:%d: ", __FILE__, __LINE__); \
			failures++;                                 \
		}                                                   \
		printf(__VA_ARGS__);                                \
		printf("\n");                                       \
	} while (0)

#define CHECK_INT(got, want, what)                                       \
	do {                                                             \
		long long g_ = (long long)(got), w_ = (long long)(want); \
		CHECK(g_ == w_, "%s: %lld (want %lld)", what, g_, w_);   \
	} while (0)

#define CHECK_STR(got, want, what)                                      \
	do {                                                            \
		const char *g_ = (got), *w_ = (want);                   \
		CHECK((g_ && w_ && !strcmp(g_, w_)) || (!g_ && !w_),    \
		      "%s: '%s' (want '%s')", what, g_ ? g_ : "(null)", \
		      w_ ? w_ : "(null)");                              \
	} while (0)

/* a scanned context on the tree @root; exits when it is the live root */
static struct memplug_ctx *open_tree(const char *root)
{
	struct memplug_ctx *ctx;
	int rc;

	if (!root || !*root || !strcmp(root, "/")) {
		printf("FAIL: refusing to run on the live root\n");
		exit(2);
	}
	rc = memplug_new(&ctx, root);
	if (rc) {
		printf("FAIL: memplug_new(%s): %d\n", root, rc);
		exit(1);
	}
	if (memplug_is_live(ctx)) {
		printf("FAIL: %s is the live kernel: refusing\n", root);
		exit(2);
	}
	rc = memplug_scan(ctx);
	if (rc) {
		printf("FAIL: memplug_scan(%s): %s\n", root,
		       memplug_get_error(ctx));
		exit(1);
	}
	return ctx;
}

static int done(struct memplug_ctx *ctx)
{
	CHECK(memplug_unref(ctx) == NULL, "last unref frees the context");
	printf("%s: %d failures\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}

#endif /* _MEMPLUG_CAPI_H_ */
