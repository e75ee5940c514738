// SPDX-License-Identifier: LGPL-2.1
/*
 * What memplug keeps in <root>/run/memplug: the lock, the journal of
 * auto_online_blocks and the records of what it onlined and unplugged.  Every component is opened
 * without following symlinks and every file is created with a fixed mode,
 * whatever the caller's umask.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "private.h"

#define JOURNAL_AOB "auto_online_blocks.saved"

/* a directory below @dirfd, never through a symlink; created 0755 */
static int subdir(int dirfd, const char *name, bool create)
{
	int fd = openat(dirfd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(dirfd, name, 0755) && errno != EEXIST)
			return -1;
		fd = openat(dirfd, name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	return fd;
}

int run_dir_open(struct memplug_ctx *ctx, bool create)
{
	int run, fd;

	if (ctx->fs.root_fd < 0) {
		errno = ENOENT;
		return -1;
	}
	run = subdir(ctx->fs.root_fd, "run", create);
	if (run < 0)
		return -1;
	fd = subdir(run, "memplug", create);
	close(run);
	return fd;
}

char *run_read(struct memplug_ctx *ctx, const char *name)
{
	int dir = run_dir_open(ctx, false), fd, saved;
	char buf[RUN_FILE_MAX];
	struct stat st;
	ssize_t len;

	if (dir < 0)
		return NULL;
	fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	saved = errno;
	close(dir);
	if (fd < 0) {
		errno = saved;
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0)
		return NULL;
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	return strdup(buf);
}

int run_write(struct memplug_ctx *ctx, const char *name, const char *text,
	      mode_t mode, bool durable)
{
	int dir = run_dir_open(ctx, true), fd, rc = 0;
	size_t len = strlen(text);
	char tmp[96];

	if (dir < 0)
		return -errno;
	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	unlinkat(dir, tmp, 0);
	fd = openat(dir, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		rc = -errno;
		close(dir);
		return rc;
	}
	if (fchmod(fd, mode) || write(fd, text, len) != (ssize_t)len ||
	    (durable && fsync(fd)))
		rc = errno ? -errno : -EIO;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && renameat(dir, tmp, dir, name))
		rc = -errno;
	if (rc)
		unlinkat(dir, tmp, 0);
	else if (durable && fsync(dir))
		rc = -errno;
	close(dir);
	return rc;
}

int run_remove(struct memplug_ctx *ctx, const char *name)
{
	int dir = run_dir_open(ctx, false), rc = 0;

	if (dir < 0)
		return errno == ENOENT ? 0 : -errno;
	if (unlinkat(dir, name, 0) && errno != ENOENT)
		rc = -errno;
	else if (fsync(dir))
		rc = -errno;
	close(dir);
	return rc;
}

static bool aob_valid(const char *text)
{
	static const char *const values[] = { "offline", "online",
					      "online_kernel",
					      "online_movable" };
	size_t i;

	for (i = 0; text && i < sizeof(values) / sizeof(values[0]); i++)
		if (!strcmp(text, values[i]))
			return true;
	return false;
}

int journal_aob_save(struct memplug_ctx *ctx, const char *original)
{
	int rc;

	if (!aob_valid(original))
		return set_error(ctx, EINVAL,
				 "auto_online_blocks reads '%.32s'", original);
	rc = run_write(ctx, JOURNAL_AOB, original, 0600, true);
	if (rc)
		return set_error(
			ctx, -rc,
			"cannot journal auto_online_blocks in run/memplug");
	return 0;
}

int journal_aob_clear(struct memplug_ctx *ctx)
{
	return run_remove(ctx, JOURNAL_AOB);
}

char *journal_aob_pending(struct memplug_ctx *ctx)
{
	char *text = run_read(ctx, JOURNAL_AOB);

	if (text && !aob_valid(text)) {
		free(text);
		return NULL;
	}
	return text;
}

/*
 * A run killed between changing auto_online_blocks and restoring it left
 * the journal: put the original value back, then drop the journal.
 */
int journal_aob_repair(struct memplug_ctx *ctx)
{
	char *original = journal_aob_pending(ctx), *path;
	int rc;

	if (!original)
		return 0;
	path = root_path(ctx, SYSFS_MEMORY "/auto_online_blocks");
	rc = path ? write_text(ctx, path, original) : -ENOMEM;
	if (rc) {
		rc = set_error(
			ctx, -rc,
			"cannot restore auto_online_blocks to '%s' left by an interrupted memplug",
			original);
	} else {
		err(ctx,
		    "restored auto_online_blocks to '%s' (an interrupted memplug had changed it)\n",
		    original);
		rc = journal_aob_clear(ctx);
	}
	free(path);
	free(original);
	return rc;
}
