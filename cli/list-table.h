/* SPDX-License-Identifier: GPL-2.0 */
/* memplug list --table: the list JSON printed as a table by libsmartcols. */
#ifndef _MEMPLUG_LIST_TABLE_H_
#define _MEMPLUG_LIST_TABLE_H_

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>
#include "memplug.h"

struct list_table_opts {
	bool enabled; /* --table, or implied by the options below */
	const char *columns; /* -o: "A,B" or "+A,B"; NULL: the defaults */
	bool pairs; /* --pairs: NAME="value" */
	bool raw; /* --raw: no alignment */
	bool noheadings;
	bool bytes; /* sizes in bytes, not for humans */
};

/*
 * Print the "sources" (or with @blocks the "memory_blocks") of the list
 * JSON @root.  Returns an exit code; a bad -o is a usage error.
 */
int list_table_print(struct json_object *root, bool blocks,
		     const struct list_table_opts *t);
/* the columns, for list --help */
void list_table_help(FILE *out);
/* the column names of the table (of -M with @blocks), one a line: what
 * list --list-columns prints for the completion of -o */
void list_table_columns(FILE *out, bool blocks);

#endif /* _MEMPLUG_LIST_TABLE_H_ */
