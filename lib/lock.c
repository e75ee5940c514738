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

MEMPLUG_EXPORT int memplug_lock(struct memplug_ctx *ctx, unsigned int wait_ms)
{
	char *dir = root_path(ctx, "run/memplug"), *path;
	uint64_t deadline = memplug_clock_ns() + (uint64_t)wait_ms * 1000000ULL;
	int fd, rc;

	if (ctx->lock_fd >= 0)
		return 0;
	if (!dir)
		return -ENOMEM;
	/* on a test tree the run directory may not exist yet */
	if (!memplug_is_live(ctx)) {
		char *run = root_path(ctx, "run");

		if (run)
			mkdir(run, 0755);
		free(run);
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		rc = set_error(ctx, errno, "cannot create %s", dir);
		free(dir);
		return rc;
	}
	rc = asprintf(&path, "%s/lock", dir);
	free(dir);
	if (rc < 0)
		return -ENOMEM;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = set_error(ctx, errno, "cannot open %s", path);
		free(path);
		return rc;
	}
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			rc = set_error(ctx, errno, "cannot lock %s", path);
			goto fail;
		}
		if (memplug_clock_ns() >= deadline) {
			rc = set_error(ctx, 0,
				       "another memplug holds %s (waited %u s)",
				       path, wait_ms / 1000);
			rc = -EWOULDBLOCK;
			goto fail;
		}
		usleep(50000);
	}
	free(path);
	ctx->lock_fd = fd;
	return 0;
fail:
	close(fd);
	free(path);
	return rc;
}

MEMPLUG_EXPORT void memplug_unlock(struct memplug_ctx *ctx)
{
	if (ctx->lock_fd < 0)
		return;
	close(ctx->lock_fd);
	ctx->lock_fd = -1;
}
