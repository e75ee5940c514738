// SPDX-License-Identifier: LGPL-2.1
/*
 * Every open below the sysfs root goes through one directory fd of the
 * root: openat2() with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so that no
 * symlink, "..", or absolute path in a tree reaches outside it (the kernel's
 * own relative sysfs links still work).  Kernels before 5.6 lack openat2:
 * there the file is opened and then where it really is is checked.  Reads
 * take regular files only, never block, and are bounded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include "private.h"

/* the root directory itself: opened once, compared to "/" by dev/ino */
int confine_init(struct memplug_ctx *ctx, const char *root)
{
	struct stat st, slash;
	size_t len;

	ctx->fs.root_fd = -1;
	ctx->fs.root = strdup(root);
	if (!ctx->fs.root)
		return -ENOMEM;
	len = strlen(ctx->fs.root);
	while (len > 0 && ctx->fs.root[len - 1] == '/')
		ctx->fs.root[--len] = '\0';
	ctx->fs.root_fd = open(ctx->fs.root[0] ? ctx->fs.root : "/",
			       O_PATH | O_DIRECTORY | O_CLOEXEC);
	ctx->fs.live = ctx->fs.root_fd >= 0 && !fstat(ctx->fs.root_fd, &st) &&
		       !stat("/", &slash) && st.st_dev == slash.st_dev &&
		       st.st_ino == slash.st_ino;
	if (ctx->fs.live)
		ctx->fs.root[0] = '\0'; /* "/.", "/sys/..", a link to /: "/" */
	return 0;
}

void confine_release(struct memplug_ctx *ctx)
{
	if (ctx->fs.root_fd >= 0)
		close(ctx->fs.root_fd);
	ctx->fs.root_fd = -1;
	free(ctx->fs.root);
	ctx->fs.root = NULL;
}

void confine_scan_begin(struct memplug_ctx *ctx)
{
	ctx->fs.bad_file[0] = '\0';
}

const char *confine_bad_file(struct memplug_ctx *ctx)
{
	return ctx->fs.bad_file[0] ? ctx->fs.bad_file : NULL;
}

/* @path below the root as root_path() builds it, or already relative */
static const char *relative(struct memplug_ctx *ctx, const char *path)
{
	size_t len = strlen(ctx->fs.root);

	if (len && !strncmp(path, ctx->fs.root, len) &&
	    (path[len] == '/' || !path[len]))
		path += len;
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

/* before openat2 (5.6): open, then ask the kernel where the file is */
static int open_checked(struct memplug_ctx *ctx, int dirfd, const char *rel,
			int flags)
{
	char proc[64], real[PATH_MAX], *root;
	int fd = openat(dirfd, rel, flags), ok;
	ssize_t len;

	if (fd < 0 || ctx->fs.live)
		return fd;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	len = readlink(proc, real, sizeof(real) - 1);
	root = realpath(ctx->fs.root, NULL);
	ok = len > 0 && root;
	if (ok) {
		size_t rlen = strlen(root);

		real[len] = '\0';
		ok = !strncmp(real, root, rlen) &&
		     (real[rlen] == '/' || !real[rlen]);
	}
	free(root);
	if (!ok) {
		close(fd);
		errno = EXDEV;
		return -1;
	}
	return fd;
}

/* openat2() came with 5.6: before it, every open is checked by hand */
static bool no_openat2;

int root_openat(struct memplug_ctx *ctx, int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (unsigned int)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	const char *rel = path;
	int fd;

	if (dirfd == ctx->fs.root_fd || dirfd == AT_FDCWD) {
		dirfd = ctx->fs.root_fd;
		rel = relative(ctx, path);
	}
	if (dirfd < 0) {
		errno = ENOENT;
		return -1;
	}
	if (!no_openat2) {
		fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
		if (fd >= 0 || errno != ENOSYS)
			return fd;
		no_openat2 = true;
	}
	return open_checked(ctx, dirfd, rel, flags | O_CLOEXEC);
}

int root_open(struct memplug_ctx *ctx, const char *path, int flags)
{
	return root_openat(ctx, AT_FDCWD, path, flags);
}

DIR *root_opendir(struct memplug_ctx *ctx, const char *path)
{
	int fd = root_open(ctx, path, O_RDONLY | O_DIRECTORY);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);

	if (!dir && fd >= 0)
		close(fd);
	return dir;
}

static const char *type_name(mode_t mode)
{
	return S_ISFIFO(mode) ? "a FIFO" :
	       S_ISCHR(mode)  ? "a character device" :
	       S_ISBLK(mode)  ? "a block device" :
	       S_ISSOCK(mode) ? "a socket" :
	       S_ISDIR(mode)  ? "a directory" :
				"not a regular file";
}

/*
 * A kernel file that is no regular file or is larger than any kernel
 * writes it is hostile or broken: the first one is kept and fails the
 * scan with one line naming it (memplug_scan).
 */
static void bad_file(struct memplug_ctx *ctx, const char *path, const char *why)
{
	if (!ctx->fs.bad_file[0])
		snprintf(ctx->fs.bad_file, sizeof(ctx->fs.bad_file), "%s: %s",
			 path, why);
	dbg(ctx, "%s: %s\n", path, why);
}

/*
 * A scan reads two files of each memory block, four system calls a file;
 * on a host with thousands of blocks the system calls are most of the
 * time.  Between close_batch_begin() and close_batch_end() the fds that
 * were read are closed 64 at a time, one close_range() for each run of
 * consecutive numbers among them: every number in such a run is an fd
 * this context opened and still holds, so no other fd can be in it.
 */
#define CLOSE_BATCH_MAX                                              \
	((int)(sizeof(((struct confine_state *)0)->close_batch.fd) / \
	       sizeof(int)))

static void close_batch_flush(struct memplug_ctx *ctx)
{
	int *fd = ctx->fs.close_batch.fd, n = ctx->fs.close_batch.nr, i, j, k,
	    t;

	/* the kernel hands out the lowest free number: mostly sorted */
	for (i = 1; i < n; i++) {
		for (t = fd[i], j = i; j > 0 && fd[j - 1] > t; j--)
			fd[j] = fd[j - 1];
		fd[j] = t;
	}
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && fd[j] == fd[j - 1] + 1; j++)
			;
		/* close_range() came with 5.9: before it, one by one */
		if (syscall(SYS_close_range, (unsigned int)fd[i],
			    (unsigned int)fd[j - 1], 0U))
			for (k = i; k < j; k++)
				close(fd[k]);
	}
	ctx->fs.close_batch.nr = 0;
}

void close_batch_begin(struct memplug_ctx *ctx, int dirfd)
{
	struct statfs fs;

	ctx->fs.close_batch.on = true;
	ctx->fs.close_batch.nr = 0;
	ctx->fs.close_batch.sysfs_dirfd =
		dirfd >= 0 && !fstatfs(dirfd, &fs) && fs.f_type == SYSFS_MAGIC ?
			dirfd :
			-1;
}

void close_batch_end(struct memplug_ctx *ctx)
{
	int saved = errno;

	close_batch_flush(ctx);
	ctx->fs.close_batch.on = false;
	ctx->fs.close_batch.sysfs_dirfd = -1;
	errno = saved;
}

void root_close(struct memplug_ctx *ctx, int fd)
{
	int saved = errno;

	if (!ctx->fs.close_batch.on) {
		close(fd);
	} else {
		ctx->fs.close_batch.fd[ctx->fs.close_batch.nr++] = fd;
		if (ctx->fs.close_batch.nr == CLOSE_BATCH_MAX)
			close_batch_flush(ctx);
	}
	errno = saved;
}

/*
 * A file below a directory on a real sysfs, reached without crossing a
 * mount point or a symlink, is a kernfs attribute: a regular file (or a
 * directory, whose read fails), never a FIFO or a device.  -2 when this
 * does not apply (no openat2, another directory).
 */
static int open_sysfs_attr(struct memplug_ctx *ctx, int dirfd, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV |
			   RESOLVE_NO_SYMLINKS,
	};

	int fd;

	if (no_openat2 || !ctx->fs.close_batch.on || dirfd < 0 ||
	    dirfd != ctx->fs.close_batch.sysfs_dirfd)
		return -2;
	fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		no_openat2 = true;
		return -2;
	}
	return fd;
}

int root_open_read(struct memplug_ctx *ctx, int dirfd, const char *path)
{
	struct stat st;
	int fd, saved;

	fd = open_sysfs_attr(ctx, dirfd, path);
	if (fd >= 0)
		return fd;
	if (fd == -1 && errno == ENOENT)
		return -1;

	/* O_NONBLOCK: a FIFO opens at once and is then refused */
	fd = root_openat(ctx, dirfd, path, O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		saved = errno;
		if (saved == EXDEV || saved == ELOOP)
			bad_file(ctx, path, "leads outside the sysfs root");
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		bad_file(ctx, path,
			 fstat(fd, &st) ? "cannot stat" :
					  type_name(st.st_mode));
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

char *read_file(struct memplug_ctx *ctx, int dirfd, const char *path,
		size_t cap, size_t *lenp)
{
	size_t len = 0, size = cap <= TEXT_MAX * 4 ? cap + 2 : 4096;
	char *buf = NULL, *grow;
	int fd = root_open_read(ctx, dirfd, path), saved;
	ssize_t n;

	if (fd < 0)
		return NULL;
	for (;;) {
		if (len + 1 >= size || !buf) {
			if (buf)
				size *= 2;
			grow = realloc(buf, size);
			if (!grow) {
				saved = ENOMEM;
				goto fail;
			}
			buf = grow;
		}
		n = read(fd, buf + len, size - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			goto fail;
		}
		if (!n)
			break;
		len += (size_t)n;
		/* an attribute comes whole in one read(): cap + 1 asked */
		if (cap <= TEXT_MAX * 4 && len <= cap)
			break;
		if (len > cap) {
			char why[64];

			snprintf(why, sizeof(why), "larger than %zu bytes",
				 cap);
			bad_file(ctx, path, why);
			saved = EFBIG;
			goto fail;
		}
	}
	root_close(ctx, fd);
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
fail:
	root_close(ctx, fd);
	free(buf);
	errno = saved;
	return NULL;
}

/*
 * File content used as a path component (a namespace's holder, a link's
 * last component) must be a plain name: not empty, no '/', not "." or
 * "..", printable ASCII.
 */
bool name_is_plain(const char *name)
{
	const char *p;

	if (!name || !*name || !strcmp(name, ".") || !strcmp(name, "..") ||
	    strlen(name) > NAME_MAX)
		return false;
	for (p = name; *p; p++)
		if (*p == '/' || *p <= ' ' || *p >= 0x7f)
			return false;
	return true;
}
