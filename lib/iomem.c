// SPDX-License-Identifier: LGPL-2.1
/*
 * /proc/iomem names who added each System RAM range: "System RAM (kmem)"
 * under a dax device, "System RAM (virtio_mem)" under a virtio device.
 * Without root the addresses read as zero and nothing can be attributed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "private.h"

#define IOMEM_DEPTH 8

int scan_iomem(struct memplug_ctx *ctx)
{
	char *path = root_path(ctx, "proc/iomem"), *line = NULL;
	char *parents[IOMEM_DEPTH] = { NULL };
	size_t len = 0;
	int cap = 0, i;
	FILE *f;

	f = path ? fopen(path, "re") : NULL;
	free(path);
	if (!f)
		return 0;
	while (getline(&line, &len, f) > 0) {
		unsigned long long start, end;
		int indent = 0, depth, n = 0;
		char *name;

		while (line[indent] == ' ')
			indent++;
		depth = indent / 2;
		if (depth >= IOMEM_DEPTH ||
		    sscanf(line + indent, "%llx-%llx : %n", &start, &end, &n) !=
			    2 ||
		    !n)
			continue;
		name = line + indent + n;
		name[strcspn(name, "\n")] = '\0';
		free(parents[depth]);
		parents[depth] = strdup(name);
		for (i = depth + 1; i < IOMEM_DEPTH; i++) {
			free(parents[i]);
			parents[i] = NULL;
		}
		if (!end)
			continue; /* zeroed for non-root readers */
		if (ctx->nr_iomem == cap) {
			struct iomem_range *grow;

			cap = cap ? cap * 2 : 64;
			grow = realloc(ctx->iomem, cap * sizeof(*grow));
			if (!grow)
				break;
			ctx->iomem = grow;
		}
		ctx->iomem[ctx->nr_iomem].start = start;
		ctx->iomem[ctx->nr_iomem].end = end;
		ctx->iomem[ctx->nr_iomem].name = strdup(name);
		ctx->iomem[ctx->nr_iomem].parent =
			depth && parents[depth - 1] ?
				strdup(parents[depth - 1]) :
				NULL;
		ctx->nr_iomem++;
	}
	for (i = 0; i < IOMEM_DEPTH; i++)
		free(parents[i]);
	free(line);
	fclose(f);
	return 0;
}

void free_iomem(struct memplug_ctx *ctx)
{
	int i;

	for (i = 0; i < ctx->nr_iomem; i++) {
		free(ctx->iomem[i].name);
		free(ctx->iomem[i].parent);
	}
	free(ctx->iomem);
	ctx->iomem = NULL;
	ctx->nr_iomem = 0;
}
