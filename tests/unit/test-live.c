// SPDX-License-Identifier: GPL-2.0
/* memplug_is_live() names the live kernel by the directory, not the string. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <libmemplug.h>

static int failures;

/* only memplug_new() and memplug_is_live(): nothing is read or written */
static void check(const char *root, bool want)
{
	struct memplug_ctx *ctx;

	if (memplug_new(&ctx, root)) {
		printf("FAIL %s: memplug_new\n", root);
		failures++;
		return;
	}
	if (memplug_is_live(ctx) != want) {
		printf("FAIL %s: is_live %d, want %d\n", root, !want, want);
		failures++;
	} else {
		printf("ok %s: is_live %d\n", root, want);
	}
	memplug_unref(ctx);
}

int main(int argc, char **argv)
{
	char link[PATH_MAX], sub[PATH_MAX];

	if (argc != 2)
		return 2;
	snprintf(link, sizeof(link), "%s/slash", argv[1]);
	snprintf(sub, sizeof(sub), "%s/sys/..", argv[1]);
	if (symlink("/", link)) {
		perror("symlink");
		return 1;
	}
	check("/", true);
	check("//", true);
	check("/.", true);
	check("/sys/..", true);
	check(link, true);
	check(argv[1], false);
	check(sub, false);
	unlink(link);
	return failures ? 1 : 0;
}
