// SPDX-License-Identifier: LGPL-2.1
/*
 * The sysfs root and file access below it (the only place that builds
 * paths), and the clock.  Above the log, below every model file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/stat.h>
#include "private.h"

int root_init(struct memplug_ctx *ctx, const char *root)
{
	if (!root || !*root)
		root = secure_getenv("MEMPLUG_SYSFS_ROOT");
	if (!root || !*root)
		root = "/";
	return confine_init(ctx, root);
}

MEMPLUG_EXPORT const char *memplug_get_sysfs_root(struct memplug_ctx *ctx)
{
	return ctx->fs.root[0] ? ctx->fs.root : "/";
}

/* the directory itself, by dev/ino: "/.", "/sys/.." or a link to / are live */
MEMPLUG_EXPORT bool memplug_is_live(struct memplug_ctx *ctx)
{
	return ctx->fs.live;
}

MEMPLUG_EXPORT uint64_t memplug_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

char *root_path(struct memplug_ctx *ctx, const char *fmt, ...)
{
	char *rel, *path;
	va_list args;
	int rc;

	va_start(args, fmt);
	rc = vasprintf(&rel, fmt, args);
	va_end(args);
	if (rc < 0)
		return NULL;
	rc = asprintf(&path, "%s/%s", ctx->fs.root,
		      rel[0] == '/' ? rel + 1 : rel);
	free(rel);
	return rc < 0 ? NULL : path;
}

char *read_text_at(struct memplug_ctx *ctx, int dirfd, const char *path)
{
	size_t len;
	char *text = read_file(ctx, dirfd, path, TEXT_MAX, &len);

	if (!text) { /* callers tell ENOENT apart */
		int saved = errno;

		dbg(ctx, "read %s: %s\n", path, strerror(saved));
		errno = saved;
		return NULL;
	}
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	text[len] = '\0';
	return text;
}

char *read_text(struct memplug_ctx *ctx, const char *path)
{
	return read_text_at(ctx, AT_FDCWD, path);
}

int parse_u64(const char *text, int base, uint64_t *val)
{
	unsigned long long v;
	char *end;

	if (!text || !*text || *text == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, base);
	if (errno || end == text || *end)
		return -EINVAL;
	*val = v;
	return 0;
}

static char *vread_textf(struct memplug_ctx *ctx, const char *fmt, va_list args)
{
	char *rel, *path, *text;
	int rc, saved;

	rc = vasprintf(&rel, fmt, args);
	if (rc < 0)
		return NULL;
	path = root_path(ctx, "%s", rel);
	free(rel);
	if (!path)
		return NULL;
	text = read_text(ctx, path);
	saved = errno;
	free(path);
	errno = saved;
	return text;
}

char *read_textf(struct memplug_ctx *ctx, const char *fmt, ...)
{
	va_list args;
	char *text;

	va_start(args, fmt);
	text = vread_textf(ctx, fmt, args);
	va_end(args);
	return text;
}

int read_u64f(struct memplug_ctx *ctx, uint64_t *val, int base, const char *fmt,
	      ...)
{
	va_list args;
	char *text;
	int rc;

	va_start(args, fmt);
	text = vread_textf(ctx, fmt, args);
	va_end(args);
	if (!text)
		return -errno;
	rc = parse_u64(text, base, val);
	free(text);
	return rc;
}

int read_intf(struct memplug_ctx *ctx, int *val, const char *fmt, ...)
{
	va_list args;
	char *text, *end;
	long v;

	va_start(args, fmt);
	text = vread_textf(ctx, fmt, args);
	va_end(args);
	if (!text)
		return -errno;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < INT_MIN || v > INT_MAX) {
		free(text);
		return -EINVAL;
	}
	free(text);
	*val = (int)v;
	return 0;
}

/*
 * Kernel attributes are regular files, never symlinks: a write goes
 * nowhere else, and never waits on a FIFO.
 */
int write_text(struct memplug_ctx *ctx, const char *path, const char *text)
{
	size_t len = strlen(text);
	struct stat st;
	ssize_t rc;
	int fd, saved;

	fd = root_open(ctx, path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		saved = errno;
		dbg(ctx, "open %s: %s\n", path, strerror(saved));
		return -saved;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		dbg(ctx, "%s: not a regular file\n", path);
		return -EINVAL;
	}
	rc = write(fd, text, len);
	saved = errno;
	close(fd);
	if (rc < 0) {
		dbg(ctx, "write '%s' to %s: %s\n", text, path, strerror(saved));
		return -saved;
	}
	return (size_t)rc == len ? 0 : -EIO;
}

bool path_existsf(struct memplug_ctx *ctx, const char *fmt, ...)
{
	char *rel, *path;
	va_list args;
	int rc, fd;

	va_start(args, fmt);
	rc = vasprintf(&rel, fmt, args);
	va_end(args);
	if (rc < 0)
		return false;
	path = root_path(ctx, "%s", rel);
	free(rel);
	fd = path ? root_open(ctx, path, O_PATH) : -1;
	free(path);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* the last component of a symlink's target, when it is a plain name */
char *link_basename(struct memplug_ctx *ctx, const char *path)
{
	char buf[PATH_MAX], *slash, *dir = strdup(path);
	const char *base;
	ssize_t len = -1;
	int fd = -1;

	slash = dir ? strrchr(dir, '/') : NULL;
	if (slash) {
		*slash = '\0';
		base = slash + 1;
		fd = root_open(ctx, dir, O_PATH | O_DIRECTORY);
		if (fd >= 0)
			len = readlinkat(fd, base, buf, sizeof(buf) - 1);
	}
	if (len < 0)
		dbg(ctx, "readlink %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(dir);
	if (len < 0)
		return NULL;
	buf[len] = '\0';
	slash = strrchr(buf, '/');
	base = slash ? slash + 1 : buf;
	return name_is_plain(base) ? strdup(base) : NULL;
}

char *link_resolve(struct memplug_ctx *ctx, const char *path)
{
	char *real = realpath(path, NULL), *rel;
	size_t rlen = strlen(ctx->fs.root);

	if (!real)
		return NULL;
	/* the root itself may be a path through symlinks */
	if (rlen) {
		char *rroot = realpath(ctx->fs.root, NULL);

		if (!rroot) {
			free(real);
			return NULL;
		}
		rlen = strlen(rroot);
		if (strncmp(real, rroot, rlen) || real[rlen] != '/') {
			free(rroot);
			free(real);
			return NULL;
		}
		free(rroot);
	}
	rel = strdup(real + rlen + 1);
	free(real);
	return rel;
}

DIR *opendir_at(struct memplug_ctx *ctx, DIR *parent, const char *name)
{
	int fd = root_openat(ctx, dirfd(parent), name, O_RDONLY | O_DIRECTORY);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);

	if (!dir && fd >= 0)
		close(fd);
	return dir;
}

int name_number(const char *name, const char *prefix)
{
	size_t len = strlen(prefix);
	char *end;
	long n;

	if (strncmp(name, prefix, len) || name[len] < '0' || name[len] > '9' ||
	    (name[len] == '0' && name[len + 1])) /* canonical: no "node07" */
		return -1;
	n = strtol(name + len, &end, 10);
	return *end || n > INT_MAX ? -1 : (int)n;
}
