// SPDX-License-Identifier: LGPL-2.1
/*
 * /proc/iomem names who added each System RAM range: "System RAM (kmem)"
 * under a dax device, "System RAM (virtio_mem)" under a virtio device.
 * Without root the addresses read as zero and nothing can be attributed.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "private.h"

#define IOMEM_DEPTH 8

/* one hex number of a range, strictly: digits only, no overflow */
static const char *hex_u64(const char *p, uint64_t *val)
{
	uint64_t v = 0;
	const char *start = p;

	for (; isxdigit((unsigned char)*p); p++) {
		unsigned int d = isdigit((unsigned char)*p) ?
					 (unsigned int)(*p - '0') :
					 (unsigned int)(tolower(*p) - 'a' + 10);

		if (v >> 60)
			return NULL;
		v = v << 4 | d;
	}
	*val = v;
	return p > start ? p : NULL;
}

bool iomem_parse_line(char *line, int *depth, uint64_t *start, uint64_t *end,
		      char **name)
{
	int indent = 0;
	const char *p;

	while (line[indent] == ' ')
		indent++;
	*depth = indent / 2;
	p = hex_u64(line + indent, start);
	if (!p || *p != '-')
		return false;
	p = hex_u64(p + 1, end);
	if (!p || strncmp(p, " : ", 3) || *end < *start)
		return false;
	*name = line + (p + 3 - line);
	(*name)[strcspn(*name, "\n")] = '\0';
	return true;
}

/* the ranges of an iomem text, each with the name of its parent */
int iomem_parse(struct memplug_ctx *ctx, FILE *f)
{
	char *parents[IOMEM_DEPTH] = { NULL }, *line = NULL;
	size_t len = 0;
	int cap = 0, i;

	while (getline(&line, &len, f) > 0) {
		uint64_t start, end;
		char *name;
		int depth;

		if (!iomem_parse_line(line, &depth, &start, &end, &name) ||
		    depth >= IOMEM_DEPTH)
			continue;
		free(parents[depth]);
		parents[depth] = strdup(name);
		for (i = depth + 1; i < IOMEM_DEPTH; i++) {
			free(parents[i]);
			parents[i] = NULL;
		}
		if (!end)
			continue; /* zeroed for non-root readers */
		if (ctx->iomem.nr == cap) {
			struct iomem_range *grow;

			cap = cap ? cap * 2 : 64;
			grow = realloc(ctx->iomem.range, cap * sizeof(*grow));
			if (!grow)
				break;
			ctx->iomem.range = grow;
		}
		ctx->iomem.range[ctx->iomem.nr].start = start;
		ctx->iomem.range[ctx->iomem.nr].end = end;
		ctx->iomem.range[ctx->iomem.nr].name = strdup(name);
		ctx->iomem.range[ctx->iomem.nr].parent =
			depth && parents[depth - 1] ?
				strdup(parents[depth - 1]) :
				NULL;
		if (!ctx->iomem.range[ctx->iomem.nr].name) {
			free(ctx->iomem.range[ctx->iomem.nr].parent);
			break;
		}
		ctx->iomem.nr++;
	}
	for (i = 0; i < IOMEM_DEPTH; i++)
		free(parents[i]);
	free(line);
	return 0;
}

int scan_iomem(struct memplug_ctx *ctx)
{
	char *path = root_path(ctx, "proc/iomem"), *text;
	size_t len = 0;
	int rc = 0;
	FILE *f;

	text = path ? read_file(ctx, AT_FDCWD, path, TABLE_MAX, &len) : NULL;
	f = text && len ? fmemopen(text, len, "r") : NULL;
	if (f) {
		rc = iomem_parse(ctx, f);
		fclose(f);
	}
	free(text);
	free(path);
	return rc;
}

void free_iomem(struct memplug_ctx *ctx)
{
	int i;

	for (i = 0; i < ctx->iomem.nr; i++) {
		free(ctx->iomem.range[i].name);
		free(ctx->iomem.range[i].parent);
	}
	free(ctx->iomem.range);
	ctx->iomem.range = NULL;
	ctx->iomem.nr = 0;
}
