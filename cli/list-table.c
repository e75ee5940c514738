// SPDX-License-Identifier: GPL-2.0
/* memplug list --table: the list JSON's sources or blocks via libsmartcols. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <libsmartcols.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "list-table.h"
#include "text.h"

enum cell_kind {
	CELL_TEXT, /* string, number or bool as text; null is empty */
	CELL_SIZE, /* bytes: for humans unless --bytes */
	CELL_ZONES, /* {"Movable": 15, ...}: the non-zero ones */
	CELL_LIST, /* [0, 1]: "0,1" */
	CELL_BLOCKS, /* first_block-last_block */
	CELL_MATCH, /* a key of the source's "match": text, or a list */
};

struct column {
	const char *name;
	const char *key; /* in the row's JSON object */
	enum cell_kind kind;
	int flags; /* SCOLS_FL_* */
	double width; /* width hint: < 1 a fraction of the terminal */
	const char *help;
};

static const struct column source_columns[] = {
	{ "SOURCE", "source", CELL_TEXT, 0, 0,
	  "dax device, DIMM, virtio device or boot-nodeN" },
	{ "TYPE", "type", CELL_TEXT, 0, 0,
	  "dax, dimm, virtio-mem, hotplug or boot" },
	{ "MODE", "mode", CELL_TEXT, 0, 0,
	  "system-ram, devdax, disabled or unknown" },
	{ "SIZE", "size", CELL_SIZE, SCOLS_FL_RIGHT, 0, "size" },
	{ "ONLINE", "online_memblocks", CELL_TEXT, SCOLS_FL_RIGHT, 0,
	  "online blocks" },
	{ "TOTAL", "total_memblocks", CELL_TEXT, SCOLS_FL_RIGHT, 0, "blocks" },
	{ "ZONES", "zones", CELL_ZONES, 0, 0, "online blocks per zone" },
	{ "NODES", "nodes", CELL_LIST, 0, 0, "NUMA nodes of its blocks" },
	{ "BLOCKS", "first_block", CELL_BLOCKS, 0, 0, "first and last block" },
	{ "MEMMAP", "memmap_bytes", CELL_SIZE, SCOLS_FL_RIGHT, 0,
	  "memmap size" },
	{ "MEMMAP-AT", "memmap_location", CELL_TEXT, 0, 0,
	  "self, node:N or unknown" },
	{ "BASIS", "memmap_basis", CELL_TEXT, 0, 0, "predicted or observed" },
	{ "KNOB", "memmap_on_memory_knob", CELL_TEXT, SCOLS_FL_RIGHT, 0,
	  "dax memmap_on_memory attribute" },
	{ "TARGET-NODE", "target_node", CELL_TEXT, SCOLS_FL_RIGHT, 0,
	  "dax target node" },
	{ "NAMESPACE", "namespace", CELL_TEXT, 0, 0, "nvdimm namespace" },
	{ "REGION", "region", CELL_TEXT, 0, 0, "CXL region" },
	{ "REASON", "memmap_reason", CELL_TEXT, SCOLS_FL_TRUNC, 0,
	  "why the memmap is there" },
	{ "UUID", "uuid", CELL_MATCH, 0, 0,
	  "namespace uuid, as memplug.conf's uuid =" },
	{ "HPA", "hpa", CELL_MATCH, 0, 0, "CXL region base, as hpa =" },
	{ "MEMDEVS", "memdevs", CELL_MATCH, 0, 0,
	  "CXL memdev serials, as memdevs =" },
	{ "RESOURCE", "resource", CELL_MATCH, 0, 0,
	  "dax device start, as resource =" },
	{ NULL, NULL, 0, 0, 0, NULL },
};
static const char source_default[] =
	"SOURCE,TYPE,MODE,SIZE,ONLINE,TOTAL,ZONES,NODES,MEMMAP,MEMMAP-AT";

static const struct column block_columns[] = {
	{ "RANGE", "range", CELL_TEXT, 0, 0, "physical address range" },
	{ "SIZE", "size", CELL_SIZE, SCOLS_FL_RIGHT, 0, "block size" },
	{ "STATE", "state", CELL_TEXT, 0, 0,
	  "online, offline, going-offline or unknown" },
	{ "REMOVABLE", "removable", CELL_TEXT, SCOLS_FL_RIGHT, 0,
	  "legacy removable attribute" },
	{ "BLOCK", "block", CELL_TEXT, SCOLS_FL_RIGHT, 0, "block number" },
	{ "NODE", "node", CELL_TEXT, SCOLS_FL_RIGHT, 0, "NUMA node" },
	{ "ZONES", "zones", CELL_TEXT, 0, 0, "valid_zones" },
	{ "SOURCE", "source", CELL_TEXT, 0, 0, "the source it belongs to" },
	{ NULL, NULL, 0, 0, 0, NULL },
};
static const char block_default[] =
	"RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES,SOURCE";

void list_table_help(FILE *out)
{
	const struct column *c;

	fprintf(out, "\ncolumns of --table (default %s):\n", source_default);
	for (c = source_columns; c->name; c++)
		fprintf(out, "    %-12s %s\n", c->name, c->help);
	fprintf(out, "columns of -M --table (default %s):\n", block_default);
	for (c = block_columns; c->name; c++)
		fprintf(out, "    %-12s %s\n", c->name, c->help);
}

void list_table_columns(FILE *out, bool blocks)
{
	const struct column *c;

	for (c = blocks ? block_columns : source_columns; c->name; c++)
		fprintf(out, "%s\n", c->name);
}

/* case-insensitive, '_' for '-': the names --pairs prints are taken too */
static bool same_name(const char *col, const char *name, size_t len)
{
	size_t i;

	if (strlen(col) != len)
		return false;
	for (i = 0; i < len; i++) {
		char a = col[i], b = name[i];

		if (a == '-')
			a = '_';
		if (b == '-')
			b = '_';
		if (tolower((unsigned char)a) != tolower((unsigned char)b))
			return false;
	}
	return true;
}

static const struct column *find_column(const struct column *cols,
					const char *name, size_t len)
{
	for (; cols->name; cols++)
		if (same_name(cols->name, name, len))
			return cols;
	return NULL;
}

#define MAX_COLUMNS 32

/*
 * "A,B" or "+A,B" (appended to the defaults) into @out; -EINVAL names the
 * unknown column, -E2BIG is more than MAX_COLUMNS in all
 */
static int parse_columns(const struct column *cols, const char *defaults,
			 const char *spec, const struct column **out, int *n,
			 const char **bad, size_t *bad_len)
{
	const char *lists[2] = { NULL, NULL };
	int l;

	*n = 0;
	if (!spec || *spec == '+')
		lists[0] = defaults;
	if (spec)
		lists[1] = *spec == '+' ? spec + 1 : spec;
	for (l = 0; l < 2; l++) {
		const char *p = lists[l];

		while (p && *p) {
			size_t len = strcspn(p, ",");
			const struct column *c = find_column(cols, p, len);

			if (*n >= MAX_COLUMNS)
				return -E2BIG;
			if (!c) {
				*bad = p;
				*bad_len = len;
				return -EINVAL;
			}
			out[(*n)++] = c;
			p += len;
			if (*p == ',')
				p++;
		}
	}
	if (*n == 0) {
		*bad = "";
		*bad_len = 0;
		return -EINVAL;
	}
	return 0;
}

static char *size_text(struct json_object *v, bool bytes)
{
	char *s = NULL;

	if (json_object_get_type(v) != json_type_int)
		return strdup(json_object_get_string(v));
	if (bytes) {
		if (asprintf(&s, "%" PRId64, json_object_get_int64(v)) < 0)
			return NULL;
		return s;
	}
	{
		struct json_object *h =
			json_size(json_object_get_int64(v), true);

		s = strdup(json_object_get_string(h));
		json_object_put(h);
	}
	return s;
}

static char *zones_text(struct json_object *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool first = true;

	if (!f)
		return NULL;
	json_object_object_foreach(v, zone, count)
	{
		if (json_object_get_int64(count) == 0)
			continue;
		fprintf(f, "%s%s:%" PRId64, first ? "" : ",", zone,
			json_object_get_int64(count));
		first = false;
	}
	fclose(f);
	return buf;
}

static char *list_text(struct json_object *v)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (i = 0; i < json_object_array_length(v); i++)
		fprintf(f, "%s%s", i ? "," : "",
			json_object_get_string(
				json_object_array_get_idx(v, i)));
	fclose(f);
	return buf;
}

/* the cell's text, malloc'd; NULL for an empty cell */
static char *cell_text(struct json_object *row, const struct column *c,
		       bool bytes)
{
	struct json_object *v = NULL, *last = NULL;
	char *s = NULL;

	if (c->kind == CELL_MATCH) {
		if (!json_object_object_get_ex(row, "match", &v) || !v ||
		    !json_object_object_get_ex(v, c->key, &v) || !v)
			return NULL;
		return json_object_is_type(v, json_type_array) ?
			       list_text(v) :
			       strdup(json_object_get_string(v));
	}
	if (!json_object_object_get_ex(row, c->key, &v) || !v)
		return NULL;
	switch (c->kind) {
	case CELL_TEXT:
		return strdup(json_object_get_string(v));
	case CELL_SIZE:
		return size_text(v, bytes);
	case CELL_ZONES:
		return json_object_is_type(v, json_type_object) ?
			       zones_text(v) :
			       NULL;
	case CELL_LIST:
		return json_object_is_type(v, json_type_array) ? list_text(v) :
								 NULL;
	case CELL_MATCH:
		return NULL;
	case CELL_BLOCKS:
		if (!json_object_object_get_ex(row, "last_block", &last) ||
		    !last)
			return NULL;
		if (asprintf(&s, "%" PRId64 "-%" PRId64,
			     json_object_get_int64(v),
			     json_object_get_int64(last)) < 0)
			return NULL;
		return s;
	}
	return NULL;
}

/*
 * @text (freed) cleaned as every line memplug prints is: kernel names are
 * data, and a cell shows their control bytes as an error line does
 */
static char *cell_clean(char *text)
{
	char *clean = text ? text_clean(text, false) : NULL;

	free(text);
	return clean;
}

int list_table_print(struct json_object *root, bool blocks,
		     const struct list_table_opts *t)
{
	const struct column *cols[MAX_COLUMNS];
	const struct column *all = blocks ? block_columns : source_columns;
	struct json_object *rows;
	struct libscols_table *tb;
	const char *bad;
	size_t bad_len, r;
	int n, i, rc = -ENOMEM;

	rc = parse_columns(all, blocks ? block_default : source_default,
			   t->columns, cols, &n, &bad, &bad_len);
	if (rc == -E2BIG)
		return cli_usage_error("list",
				       "too many columns in -o: at most %d",
				       MAX_COLUMNS);
	if (rc)
		return cli_usage_error("list", "unknown column '%.*s' in -o",
				       (int)bad_len, bad);
	rc = -ENOMEM;
	if (!json_object_object_get_ex(
		    root, blocks ? "memory_blocks" : "sources", &rows))
		return cli_error(EXIT_ERROR, "no %s in the list",
				 blocks ? "memory_blocks" : "sources");

	scols_init_debug(0);
	tb = scols_new_table();
	if (!tb)
		goto out;
	scols_table_enable_raw(tb, t->raw);
	scols_table_enable_export(tb, t->pairs);
	/* MEMMAP_AT="self", as lsblk's MAJ_MIN: names a shell can eval */
	scols_table_enable_shellvar(tb, t->pairs);
	scols_table_enable_noheadings(tb, t->noheadings);
	for (i = 0; i < n; i++)
		if (!scols_table_new_column(tb, cols[i]->name, cols[i]->width,
					    cols[i]->flags))
			goto out;
	for (r = 0; r < json_object_array_length(rows); r++) {
		struct json_object *row = json_object_array_get_idx(rows, r);
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln)
			goto out;
		for (i = 0; i < n; i++) {
			char *text =
				cell_clean(cell_text(row, cols[i], t->bytes));

			/* the line owns the text from here */
			if (text && scols_line_refer_data(ln, i, text)) {
				free(text);
				goto out;
			}
		}
	}
	rc = scols_print_table(tb);
out:
	scols_unref_table(tb);
	if (rc)
		return cli_error(EXIT_ERROR, "cannot print the table: %s",
				 strerror(rc < 0 ? -rc : rc));
	return EXIT_OK;
}
