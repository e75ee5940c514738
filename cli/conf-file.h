/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One memplug.conf file read safely into memory and pre-scanned strictly
 * for the line numbers of its sections and keys (iniparser has none).
 */
#ifndef _MEMPLUG_CONF_FILE_H_
#define _MEMPLUG_CONF_FILE_H_

#include <stdbool.h>
#include <stddef.h>
#include "strmap.h"

struct config_line {
	/* lower case, trimmed: iniparser's spelling; the header's own copy */
	const char *section;
	char *key; /* NULL for the [section] line itself */
	unsigned int line;
	const char *value; /* iniparser's value of the key (config_load) */
	bool seen; /* iniparser has it too */
};

struct config_file {
	const char *path;
	char *real; /* realpath(path): where it was read from */
	bool link; /* path is a symlink (to real) */
	char *buf; /* the bytes read, NUL-terminated */
	size_t size;
	/*
	 * Sections and keys in file order: the keys of a section follow its
	 * header (a section is never given twice in one file).
	 */
	struct config_line *lines;
	unsigned int nr_lines, cap_lines;
	struct strmap index; /* "section" and "section:key" to lines[] */
};

/*
 * Read @path: a regular file not writable by others, at most
 * CONFIG_MAX_FILE_SIZE bytes, of "[section]", "key = value", comment and
 * blank lines only.  Returns 0; -ENOENT when it does not exist (nothing
 * printed); EXIT_USAGE after printing "memplug: PATH[:LINE]: why".
 */
int config_file_read(struct config_file *cf, const char *path);
void config_file_release(struct config_file *cf);
/*
 * A section's header or one of its keys, by iniparser's name for it:
 * "section" or "section:key"; NULL if the file has none.
 */
struct config_line *config_file_find(const struct config_file *cf,
				     const char *entry);
/* the line of a section's header or of one of its keys, 0 if unknown */
unsigned int config_file_line(const struct config_file *cf, const char *section,
			      const char *key);
/* prints "memplug: PATH:LINE: why" (no ":LINE" when 0); returns EXIT_USAGE */
int config_error(const char *path, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* _MEMPLUG_CONF_FILE_H_ */
