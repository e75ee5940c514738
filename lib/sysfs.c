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
	size_t len;

	if (!root || !*root)
		root = secure_getenv("MEMPLUG_SYSFS_ROOT");
	if (!root || !*root)
		root = "/";
	ctx->root = strdup(root);
	if (!ctx->root)
		return -ENOMEM;
	len = strlen(ctx->root);
	while (len > 0 && ctx->root[len - 1] == '/')
		ctx->root[--len] = '\0';
	return 0;
}

MEMPLUG_EXPORT const char *memplug_get_sysfs_root(struct memplug_ctx *ctx)
{
	return ctx->root[0] ? ctx->root : "/";
}

MEMPLUG_EXPORT bool memplug_is_live(struct memplug_ctx *ctx)
{
	return ctx->root[0] == '\0';
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
	rc = asprintf(&path, "%s/%s", ctx->root, rel[0] == '/' ? rel + 1 : rel);
	free(rel);
	return rc < 0 ? NULL : path;
}

char *read_text_at(struct memplug_ctx *ctx, int dirfd, const char *path)
{
	char buf[4096];
	ssize_t len;
	int fd, saved;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) { /* callers tell ENOENT apart: dbg() keeps errno */
		dbg(ctx, "open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	len = read(fd, buf, sizeof(buf) - 1);
	saved = errno;
	close(fd);
	if (len < 0) {
		dbg(ctx, "read %s: %s\n", path, strerror(saved));
		errno = saved;
		return NULL;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	buf[len] = '\0';
	return strdup(buf);
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

int write_text(struct memplug_ctx *ctx, const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t rc;
	int fd, saved;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		saved = errno;
		dbg(ctx, "open %s: %s\n", path, strerror(saved));
		return -saved;
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
	bool found;
	int rc;

	va_start(args, fmt);
	rc = vasprintf(&rel, fmt, args);
	va_end(args);
	if (rc < 0)
		return false;
	path = root_path(ctx, "%s", rel);
	free(rel);
	found = path && access(path, F_OK) == 0;
	free(path);
	return found;
}

char *link_basename(struct memplug_ctx *ctx, const char *path)
{
	char buf[PATH_MAX], *slash;
	ssize_t len;

	len = readlink(path, buf, sizeof(buf) - 1);
	if (len < 0) {
		dbg(ctx, "readlink %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf[len] = '\0';
	slash = strrchr(buf, '/');
	return strdup(slash ? slash + 1 : buf);
}

char *link_resolve(struct memplug_ctx *ctx, const char *path)
{
	char *real = realpath(path, NULL), *rel;
	size_t rlen = strlen(ctx->root);

	if (!real)
		return NULL;
	/* the root itself may be a path through symlinks */
	if (rlen) {
		char *rroot = realpath(ctx->root, NULL);

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

DIR *opendir_at(DIR *parent, const char *name)
{
	int fd =
		openat(dirfd(parent), name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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

	if (strncmp(name, prefix, len) || name[len] < '0' || name[len] > '9')
		return -1;
	n = strtol(name + len, &end, 10);
	return *end || n > INT_MAX ? -1 : (int)n;
}
