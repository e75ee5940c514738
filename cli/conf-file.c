// SPDX-License-Identifier: GPL-2.0
/* Read one memplug.conf file as untrusted input and map its line numbers. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "conf.h"
#include "conf-file.h"
#include "memplug.h"
#include "text.h"

/* file names and values are anyone's bytes: cleaned for the terminal */
int config_error(const char *path, unsigned int line, const char *fmt, ...)
{
	char *msg = NULL;
	va_list args;

	va_start(args, fmt);
	if (vasprintf(&msg, fmt, args) < 0)
		msg = NULL;
	va_end(args);
	if (line)
		text_line(stderr, "memplug: %s:%u: %s", path, line,
			  msg ? msg : "out of memory");
	else
		text_line(stderr, "memplug: %s: %s", path,
			  msg ? msg : "out of memory");
	free(msg);
	return EXIT_USAGE;
}

/*
 * sudo's rules for sudoers and its includedir: memplug runs as root from
 * udev and does what these files say, so only root may be able to change
 * them.  The file, and the directory that holds it (a conf.d symlink
 * followed), are owned by root (or by the user running memplug, who gains
 * nothing) and writable by no one else: not by others, a sticky bit
 * notwithstanding, and by the group only when it is root's.  @dir is NULL
 * for the file itself.  Errors name the file, and where a symlink led.
 */
static int check_trust(const struct config_file *cf, const struct stat *st,
		       const char *dir)
{
	char shown[2 * PATH_MAX + 8], who[PATH_MAX + 32];

	if (cf->link)
		snprintf(shown, sizeof(shown), "%s -> %s", cf->path, cf->real);
	else
		snprintf(shown, sizeof(shown), "%s", cf->path);
	who[0] = '\0';
	if (dir)
		snprintf(who, sizeof(who), "directory %s is ", dir);
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return config_error(
			shown, 0,
			"%sowned by uid %u, not root: refusing to use it", who,
			(unsigned int)st->st_uid);
	if (st->st_mode & S_IWOTH)
		return config_error(
			shown, 0,
			"%swritable by everyone%s, refusing to use it", who,
			dir && (st->st_mode & S_ISVTX) ? " (sticky or not)" :
							 "");
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0)
		return config_error(
			shown, 0,
			"%swritable by group %u, not root: refusing to use it",
			who, (unsigned int)st->st_gid);
	return 0;
}

static int read_bounded(struct config_file *cf, int fd)
{
	struct stat st;
	size_t len = 0;
	ssize_t n;
	int rc;

	if (fstat(fd, &st) < 0)
		return config_error(cf->path, 0, "cannot stat: %s",
				    strerror(errno));
	if (!S_ISREG(st.st_mode))
		return config_error(cf->path, 0, "not a regular file");
	rc = check_trust(cf, &st, NULL);
	if (rc)
		return rc;
	if (st.st_size > CONFIG_MAX_FILE_SIZE)
		return config_error(cf->path, 0, "larger than %d bytes",
				    CONFIG_MAX_FILE_SIZE);
	cf->buf = malloc(CONFIG_MAX_FILE_SIZE + 2);
	if (!cf->buf)
		return config_error(cf->path, 0, "out of memory");
	/* read one byte more than allowed: a file that grew is caught too */
	while (len <= CONFIG_MAX_FILE_SIZE) {
		n = read(fd, cf->buf + len, CONFIG_MAX_FILE_SIZE + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return config_error(cf->path, 0, "cannot read: %s",
					    strerror(errno));
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > CONFIG_MAX_FILE_SIZE)
		return config_error(cf->path, 0, "larger than %d bytes",
				    CONFIG_MAX_FILE_SIZE);
	cf->buf[len] = '\0';
	cf->size = len;
	if (memchr(cf->buf, '\0', len))
		return config_error(cf->path, 0, "contains a NUL byte");
	return 0;
}

/* [start, end) without surrounding white space */
static void trim(const char **start, const char **end)
{
	while (*start < *end && isspace((unsigned char)**start))
		(*start)++;
	while (*end > *start && isspace((unsigned char)(*end)[-1]))
		(*end)--;
}

static char *lower_dup(const char *start, const char *end)
{
	char *s = strndup(start, (size_t)(end - start));
	char *p;

	if (s)
		for (p = s; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return s;
}

/* iniparser's name of a section (@key NULL) or of a key: "section:key" */
static char *entry_name(const char *section, const char *key)
{
	char *entry;

	if (!key)
		return strdup(section);
	if (asprintf(&entry, "%s:%s", section, key) < 0)
		return NULL;
	return entry;
}

/* takes @key; @section is copied for a header, shared by its keys */
static int add_line(struct config_file *cf, const char *section, char *key,
		    unsigned int line)
{
	char *entry = entry_name(section, key);
	struct config_line *l;
	unsigned int first;
	int rc = 0;

	if (!entry) {
		free(key);
		return config_error(cf->path, line, "out of memory");
	}
	if (strmap_get(&cf->index, entry, &first)) {
		if (key)
			rc = config_error(
				cf->path, line,
				"duplicate key '%s' in [%s] (first at line %u)",
				key, section, cf->lines[first].line);
		else
			rc = config_error(
				cf->path, line,
				"duplicate section [%s] (first at line %u)",
				section, cf->lines[first].line);
		goto out;
	}
	if (cf->nr_lines == cf->cap_lines) {
		unsigned int cap = cf->cap_lines ? cf->cap_lines * 2 : 64;

		l = reallocarray(cf->lines, cap, sizeof(*l));
		if (!l)
			goto oom;
		cf->lines = l;
		cf->cap_lines = cap;
	}
	l = &cf->lines[cf->nr_lines];
	memset(l, 0, sizeof(*l));
	l->section = key ? section : strdup(section);
	l->line = line;
	if (!l->section || strmap_add(&cf->index, entry, cf->nr_lines)) {
		if (!key)
			free((char *)l->section);
		goto oom;
	}
	l->key = key;
	key = NULL;
	cf->nr_lines++;
	goto out;
oom:
	rc = config_error(cf->path, line, "out of memory");
out:
	free(key);
	free(entry);
	return rc;
}

static bool valid_key_name(const char *key)
{
	for (; *key; key++)
		if (!isalnum((unsigned char)*key) && !strchr("._-", *key))
			return false;
	return true;
}

/* iniparser's rules, stricter: no continuation lines, no global keys */
static int prescan(struct config_file *cf)
{
	const char *p = cf->buf, *eol, *start, *end, *eq;
	const char *section = NULL;
	unsigned int line = 0;
	char *name;
	int rc;

	for (; *p; p = *eol ? eol + 1 : eol) {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		line++;
		if (eol - p > CONFIG_MAX_LINE)
			return config_error(cf->path, line,
					    "line longer than %d characters",
					    CONFIG_MAX_LINE);
		start = p;
		end = eol;
		for (const char *c = start; c < end; c++)
			if (iscntrl((unsigned char)*c) && *c != '\t' &&
			    !(*c == '\r' && c + 1 == end))
				return config_error(cf->path, line,
						    "control character 0x%02x",
						    (unsigned char)*c);
		trim(&start, &end);
		/*
		 * iniparser joins the next line to any line that ends in a
		 * backslash before it looks for comments: a comment ending in
		 * one would swallow the line after it.
		 */
		if (start != end && end[-1] == '\\')
			return config_error(
				cf->path, line,
				"line ends in '\\': continuation lines are not supported (not even in comments)");
		if (start == end || *start == '#' || *start == ';')
			continue;
		if (*start == '[') {
			if (end[-1] != ']')
				return config_error(
					cf->path, line,
					"section header without ']'");
			start++;
			end--;
			trim(&start, &end);
			if (start == end)
				return config_error(cf->path, line,
						    "empty section name");
			name = lower_dup(start, end);
			if (!name)
				return config_error(cf->path, line,
						    "out of memory");
			if (strpbrk(name, "[]:")) {
				free(name);
				return config_error(
					cf->path, line,
					"section name with '[', ']' or ':'");
			}
			rc = add_line(cf, name, NULL, line);
			free(name);
			if (rc)
				return rc;
			section = cf->lines[cf->nr_lines - 1].section;
			continue;
		}
		eq = memchr(start, '=', (size_t)(end - start));
		if (!eq)
			return config_error(
				cf->path, line,
				"syntax error: want [section] or key = value");
		if (!section)
			return config_error(cf->path, line,
					    "key outside of a section");
		end = eq;
		trim(&start, &end);
		if (start == end)
			return config_error(cf->path, line,
					    "key without a name");
		name = lower_dup(start, end);
		if (!name)
			return config_error(cf->path, line, "out of memory");
		if (!valid_key_name(name)) {
			rc = config_error(cf->path, line, "bad key name '%s'",
					  name);
			free(name);
			return rc;
		}
		rc = add_line(cf, section, name, line);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Opens @cf->path in its real directory (symlinks followed) after checking
 * that directory, so that the directory checked is the one the file is
 * read from.  Returns the fd, or -1 with *@rc set: -ENOENT, or EXIT_USAGE
 * after the error.
 */
static int open_trusted(struct config_file *cf, int *rc)
{
	char *dir, *slash;
	struct stat st;
	int dfd, fd = -1;

	cf->real = realpath(cf->path, NULL);
	if (!cf->real) {
		*rc = errno == ENOENT ?
			      -ENOENT :
			      config_error(cf->path, 0, "cannot open: %s",
					   strerror(errno));
		return -1;
	}
	cf->link = !lstat(cf->path, &st) && S_ISLNK(st.st_mode);
	dir = strdup(cf->real);
	if (!dir) {
		*rc = config_error(cf->path, 0, "out of memory");
		return -1;
	}
	slash = strrchr(dir, '/');
	slash[slash == dir] = '\0'; /* "/x" is in "/" */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st) < 0) {
		*rc = config_error(cf->path, 0, "cannot open directory %s: %s",
				   dir, strerror(errno));
		goto out;
	}
	*rc = check_trust(cf, &st, dir);
	if (*rc)
		goto out;
	/* O_NONBLOCK: a FIFO in place of the file must not hang memplug */
	fd = openat(dfd, strrchr(cf->real, '/') + 1,
		    O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0)
		*rc = errno == ENOENT ?
			      -ENOENT :
			      config_error(cf->path, 0, "cannot open: %s",
					   strerror(errno));
out:
	if (dfd >= 0)
		close(dfd);
	free(dir);
	return fd;
}

int config_file_read(struct config_file *cf, const char *path)
{
	int fd, rc = 0;

	memset(cf, 0, sizeof(*cf));
	cf->path = path;
	fd = open_trusted(cf, &rc);
	if (fd < 0)
		return rc;
	rc = read_bounded(cf, fd);
	close(fd);
	if (!rc)
		rc = prescan(cf);
	return rc;
}

void config_file_release(struct config_file *cf)
{
	unsigned int i;

	for (i = 0; i < cf->nr_lines; i++) {
		if (!cf->lines[i].key)
			free((char *)cf->lines[i].section);
		free(cf->lines[i].key);
	}
	free(cf->lines);
	strmap_release(&cf->index);
	free(cf->real);
	free(cf->buf);
	memset(cf, 0, sizeof(*cf));
}

struct config_line *config_file_find(const struct config_file *cf,
				     const char *entry)
{
	unsigned int i;

	return strmap_get(&cf->index, entry, &i) ? &cf->lines[i] : NULL;
}

unsigned int config_file_line(const struct config_file *cf, const char *section,
			      const char *key)
{
	const struct config_line *l;
	char *entry = entry_name(section, key);

	if (!entry)
		return 0;
	l = config_file_find(cf, entry);
	free(entry);
	return l ? l->line : 0;
}
