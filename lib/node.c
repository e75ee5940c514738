// SPDX-License-Identifier: LGPL-2.1
/* NUMA nodes: MemTotal from nodeN/meminfo, zone pages from /proc/zoneinfo. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include "private.h"

/*
 * "Node 0 MemTotal:       16303104 kB" somewhere in @text: the bytes, or -1
 * when absent, malformed or beyond what a long long holds.
 */
long long meminfo_total_parse(const char *text)
{
	const char *p = text;
	long long kb, bytes;
	char *end;

	while (p && (p = strstr(p, "MemTotal:"))) {
		p += 9;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		kb = strtoll(p, &end, 10);
		if (errno || strncmp(end, " kB", 3) ||
		    __builtin_mul_overflow(kb, 1024, &bytes))
			return -1;
		return bytes;
	}
	return -1;
}

long long node_meminfo_total(struct memplug_ctx *ctx, int id)
{
	char *path = root_path(ctx, SYSFS_NODE "/node%d/meminfo", id);
	char *text = path ? read_file(ctx, AT_FDCWD, path, TEXT_MAX * 4, NULL) :
			    NULL;
	long long bytes = text ? meminfo_total_parse(text) : -1;

	free(text);
	free(path);
	return bytes;
}

static int cmp_node(const void *a, const void *b)
{
	const struct memplug_node *x = a, *y = b;

	return x->id - y->id;
}

/*
 * "Node 0, zone   Normal" starts a zone; its "spanned", "present" and
 * "managed" lines follow before the next header.
 */
void zoneinfo_parse(struct memplug_ctx *ctx, FILE *f)
{
	struct memplug_zone_pages *pages = NULL;
	char line[512];

	while (fgets(line, sizeof(line), f)) {
		char zone[32], key[32];
		long long val;
		int id;

		if (sscanf(line, "Node %d, zone %31s", &id, zone) == 2) {
			struct memplug_node *node =
				memplug_node_get_by_id(ctx, id);
			enum memplug_zone z = memplug_zone_from_name(zone);

			pages = NULL;
			if (node && z < MEMPLUG_ZONE_NONE) {
				node->has_zone[z] = true;
				pages = &node->zones[z];
			}
			continue;
		}
		if (!pages || sscanf(line, " %31s %lld", key, &val) != 2 ||
		    val < 0)
			continue;
		if (!strcmp(key, "spanned"))
			pages->spanned = val;
		else if (!strcmp(key, "present"))
			pages->present = val;
		else if (!strcmp(key, "managed"))
			pages->managed = val;
	}
}

static void scan_zoneinfo(struct memplug_ctx *ctx)
{
	char *path = root_path(ctx, "proc/zoneinfo"), *text;
	size_t len = 0;
	FILE *f;

	text = path ? read_file(ctx, AT_FDCWD, path, TABLE_MAX, &len) : NULL;
	f = text && len ? fmemopen(text, len, "r") : NULL;
	if (f) {
		zoneinfo_parse(ctx, f);
		fclose(f);
	}
	free(text);
	free(path);
}

int scan_nodes(struct memplug_ctx *ctx)
{
	char *path = root_path(ctx, SYSFS_NODE);
	struct dirent *de;
	unsigned long i;
	int cap = 0;
	DIR *dir;

	if (!path)
		return -ENOMEM;
	dir = root_opendir(ctx, path);
	free(path);
	/* a kernel without NUMA support has no node directory */
	while (dir && (de = readdir(dir))) {
		int id = name_number(de->d_name, "node");

		if (id < 0)
			continue;
		if (ctx->nodes.nr == cap) {
			struct memplug_node *grow;

			cap = cap ? cap * 2 : 8;
			grow = realloc(ctx->nodes.node, cap * sizeof(*grow));
			if (!grow) {
				closedir(dir);
				return -ENOMEM;
			}
			ctx->nodes.node = grow;
		}
		memset(&ctx->nodes.node[ctx->nodes.nr], 0,
		       sizeof(*ctx->nodes.node));
		ctx->nodes.node[ctx->nodes.nr].has_cpus = MEMPLUG_UNKNOWN;
		ctx->nodes.node[ctx->nodes.nr++].id = id;
	}
	if (dir)
		closedir(dir);
	if (ctx->nodes.nr) /* qsort(NULL, 0) is undefined */
		qsort(ctx->nodes.node, ctx->nodes.nr, sizeof(*ctx->nodes.node),
		      cmp_node);
	for (i = 0; i < (unsigned long)ctx->nodes.nr; i++)
		ctx->nodes.node[i].ctx = ctx;
	node_counters(ctx);
	return 0;
}

/* what block state changes move: MemTotal, block counts, zone pages */
void node_counters(struct memplug_ctx *ctx)
{
	unsigned long i;

	for (i = 0; i < (unsigned long)ctx->nodes.nr; i++) {
		struct memplug_node *node = &ctx->nodes.node[i];

		node->mem_total = node_meminfo_total(ctx, node->id);
		node->nr_blocks = node->nr_online = 0;
		memset(node->has_zone, 0, sizeof(node->has_zone));
		memset(node->zones, 0, sizeof(node->zones));
	}
	for (i = 0; i < ctx->blocks.nr; i++) {
		struct memplug_block *block = &ctx->blocks.block[i];
		struct memplug_node *node =
			memplug_node_get_by_id(ctx, block->node);

		if (!node)
			continue;
		node->nr_blocks++;
		if (block->state == MEMPLUG_BLOCK_ONLINE)
			node->nr_online++;
	}
	scan_zoneinfo(ctx);
}

void free_nodes(struct memplug_ctx *ctx)
{
	free(ctx->nodes.node);
	ctx->nodes.node = NULL;
	ctx->nodes.nr = 0;
}

MEMPLUG_EXPORT struct memplug_node *
memplug_node_get_first(struct memplug_ctx *ctx)
{
	return ctx->nodes.nr ? &ctx->nodes.node[0] : NULL;
}

MEMPLUG_EXPORT struct memplug_node *
memplug_node_get_next(struct memplug_node *node)
{
	struct memplug_ctx *ctx = node->ctx;

	return node + 1 < ctx->nodes.node + ctx->nodes.nr ? node + 1 : NULL;
}

MEMPLUG_EXPORT struct memplug_node *
memplug_node_get_by_id(struct memplug_ctx *ctx, int id)
{
	struct memplug_node key = { .id = id };

	if (!ctx->nodes.nr || id < 0)
		return NULL;
	return bsearch(&key, ctx->nodes.node, ctx->nodes.nr, sizeof(key),
		       cmp_node);
}

MEMPLUG_EXPORT struct memplug_ctx *
memplug_node_get_ctx(struct memplug_node *node)
{
	return node->ctx;
}

MEMPLUG_EXPORT int memplug_node_get_id(struct memplug_node *node)
{
	return node->id;
}

MEMPLUG_EXPORT long long memplug_node_read_mem_total(struct memplug_ctx *ctx,
						     int id)
{
	return node_meminfo_total(ctx, id);
}

MEMPLUG_EXPORT long long memplug_node_get_mem_total(struct memplug_node *node)
{
	return node->mem_total;
}

MEMPLUG_EXPORT unsigned long
memplug_node_get_nr_blocks(struct memplug_node *node)
{
	return node->nr_blocks;
}

MEMPLUG_EXPORT unsigned long
memplug_node_get_nr_online(struct memplug_node *node)
{
	return node->nr_online;
}

MEMPLUG_EXPORT bool
memplug_node_get_zone_pages(struct memplug_node *node, enum memplug_zone zone,
			    struct memplug_zone_pages *pages)
{
	if ((unsigned int)zone >= MEMPLUG_ZONE_NONE || !node->has_zone[zone])
		return false;
	*pages = node->zones[zone];
	return true;
}

MEMPLUG_EXPORT bool memplug_node_has_cpus(struct memplug_node *node)
{
	char *text;

	if (node->has_cpus == MEMPLUG_UNKNOWN) {
		text = read_textf(node->ctx, SYSFS_NODE "/node%d/cpulist",
				  node->id);
		/* unreadable: assume CPUs, the careful answer for safety */
		node->has_cpus = !text || text[strspn(text, " \t\n")] ?
					 MEMPLUG_YES :
					 MEMPLUG_NO;
		free(text);
	}
	return node->has_cpus == MEMPLUG_YES;
}

MEMPLUG_EXPORT long memplug_node_movable_ratio_after(struct memplug_node *node,
						     long long nr_kernel_pages)
{
	const struct memplug_zone_pages *z = node->zones;
	long long movable = z[MEMPLUG_ZONE_MOVABLE].present, kernel, pct;

	/* numbers from zoneinfo: beyond a long long is beyond any limit */
	if (__builtin_add_overflow(z[MEMPLUG_ZONE_DMA].present,
				   z[MEMPLUG_ZONE_DMA32].present, &kernel) ||
	    __builtin_add_overflow(kernel, z[MEMPLUG_ZONE_NORMAL].present,
				   &kernel) ||
	    __builtin_sub_overflow(kernel, nr_kernel_pages, &kernel))
		return -1;
	if (kernel <= 0)
		return movable > 0 ? -1 : 0;
	if (__builtin_mul_overflow(movable, 100, &pct))
		return LONG_MAX;
	return (long)(pct / kernel);
}
