// SPDX-License-Identifier: LGPL-2.1
/* One memplug at a time per machine: flock on <root>/run/memplug/lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "private.h"

static int lock(struct memplug_ctx *ctx, unsigned int wait_ms)
{
	char *path = root_path(ctx, "run/memplug/lock");
	uint64_t deadline = memplug_clock_ns() + (uint64_t)wait_ms * 1000000ULL;
	int dir, fd, rc;

	if (ctx->lock_fd >= 0) {
		free(path);
		return 0;
	}
	if (!path)
		return -ENOMEM; /* fail() names it */
	/* run/ and run/memplug/ may not exist yet on a test tree; neither
	 * they nor the lock may be symlinks (O_NOFOLLOW on each) */
	dir = run_dir_open(ctx, true);
	if (dir < 0) {
		rc = set_error(ctx, errno, "cannot open the directory of %s",
			       path);
		free(path);
		return rc;
	}
	fd = openat(dir, "lock",
		    O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
		    0644);
	close(dir);
	if (fd < 0) {
		rc = set_error(ctx, errno, "cannot open %s", path);
		free(path);
		return rc;
	}
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			rc = set_error(ctx, errno, "cannot lock %s", path);
			goto out_close;
		}
		if (memplug_clock_ns() >= deadline) {
			rc = set_error(ctx, 0,
				       "another memplug holds %s (waited %u s)",
				       path, wait_ms / 1000);
			rc = -EWOULDBLOCK;
			goto out_close;
		}
		usleep(50000);
	}
	free(path);
	ctx->lock_fd = fd;
	/* finish what a killed run left half done */
	if (journal_aob_repair(ctx))
		err(ctx, "%s\n", memplug_get_error(ctx));
	return 0;
out_close:
	close(fd);
	free(path);
	return rc;
}

MEMPLUG_EXPORT int memplug_lock(struct memplug_ctx *ctx, unsigned int wait_ms)
{
	clear_error(ctx);
	return fail(ctx, lock(ctx, wait_ms), "lock run/memplug/lock");
}

MEMPLUG_EXPORT void memplug_unlock(struct memplug_ctx *ctx)
{
	if (ctx->lock_fd < 0)
		return;
	close(ctx->lock_fd);
	ctx->lock_fd = -1;
}
