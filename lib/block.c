// SPDX-License-Identifier: LGPL-2.1
/* Memory blocks: /sys/devices/system/memory/memoryN. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "private.h"

static const char *const zone_names[MEMPLUG_NR_ZONES] = {
	[MEMPLUG_ZONE_DMA] = "DMA",	  [MEMPLUG_ZONE_DMA32] = "DMA32",
	[MEMPLUG_ZONE_NORMAL] = "Normal", [MEMPLUG_ZONE_MOVABLE] = "Movable",
	[MEMPLUG_ZONE_NONE] = "none",	  [MEMPLUG_ZONE_UNKNOWN] = "unknown",
};

MEMPLUG_EXPORT const char *memplug_zone_name(enum memplug_zone zone)
{
	return zone < MEMPLUG_NR_ZONES ? zone_names[zone] : "unknown";
}

MEMPLUG_EXPORT enum memplug_zone memplug_zone_from_name(const char *name)
{
	int z;

	for (z = 0; z < MEMPLUG_ZONE_UNKNOWN; z++)
		if (!strcasecmp(name, zone_names[z]))
			return z;
	return MEMPLUG_ZONE_UNKNOWN;
}

static const char *const state_names[] = {
	[MEMPLUG_BLOCK_ONLINE] = "online",
	[MEMPLUG_BLOCK_OFFLINE] = "offline",
	[MEMPLUG_BLOCK_GOING_OFFLINE] = "going-offline",
	[MEMPLUG_BLOCK_UNKNOWN] = "unknown",
};

MEMPLUG_EXPORT const char *
memplug_block_state_name(enum memplug_block_state state)
{
	return state <= MEMPLUG_BLOCK_UNKNOWN ? state_names[state] : "unknown";
}

static enum memplug_block_state state_parse(const char *text)
{
	int s;

	for (s = 0; text && s < MEMPLUG_BLOCK_UNKNOWN; s++)
		if (!strcmp(text, state_names[s]))
			return s;
	return MEMPLUG_BLOCK_UNKNOWN;
}

/*
 * valid_zones: "Movable", "Normal Movable", "none", ...  Every word must be
 * a zone the kernel names, else the whole value is unknown (mask 0).
 */
unsigned int zone_mask_parse(const char *text, enum memplug_zone *first)
{
	char *copy, *word, *save = NULL;
	unsigned int mask = 0;
	bool have_first = false;

	*first = MEMPLUG_ZONE_UNKNOWN;
	if (!text || !*text)
		return 0;
	copy = strdup(text);
	if (!copy)
		return 0;
	for (word = strtok_r(copy, " \t", &save); word;
	     word = strtok_r(NULL, " \t", &save)) {
		enum memplug_zone z = MEMPLUG_ZONE_UNKNOWN;
		int i;

		for (i = 0; i < MEMPLUG_ZONE_UNKNOWN; i++)
			if (!strcmp(word, zone_names[i]))
				z = i;
		if (z == MEMPLUG_ZONE_UNKNOWN) {
			mask = 0;
			*first = MEMPLUG_ZONE_UNKNOWN;
			break;
		}
		if (!have_first) {
			*first = z;
			have_first = true;
		}
		mask |= 1u << z;
	}
	free(copy);
	return mask;
}

static char *read_at(int dirfd, const char *name)
{
	char buf[256];
	ssize_t len;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0)
		return NULL;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	buf[len] = '\0';
	return strdup(buf);
}

/* a nodeN link whose target does not exist counts as no node */
static int block_node(int dirfd)
{
	struct dirent *de;
	int fd, node = -1;
	DIR *dir;

	fd = dup(dirfd);
	if (fd < 0)
		return -1;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -1;
	}
	while ((de = readdir(dir))) {
		char *end;
		long n;

		if (strncmp(de->d_name, "node", 4) || !de->d_name[4])
			continue;
		n = strtol(de->d_name + 4, &end, 10);
		if (*end || n < 0)
			continue;
		if (faccessat(dirfd, de->d_name, F_OK, 0) == 0)
			node = (int)n;
		break;
	}
	closedir(dir);
	return node;
}

int block_read(struct memplug_ctx *ctx, int memfd, struct memplug_block *block)
{
	char name[32], *text;
	int dirfd;

	snprintf(name, sizeof(name), "memory%lu", block->id);
	dirfd = openat(memfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	block->ctx = ctx;
	text = read_at(dirfd, "state");
	block->state = state_parse(text);
	free(text);
	block->valid_zones = read_at(dirfd, "valid_zones");
	block->zone_mask = zone_mask_parse(block->valid_zones, &block->zone);
	/* an online block names one zone, or "none" */
	if (block->state == MEMPLUG_BLOCK_ONLINE && block->zone_mask &&
	    (block->zone_mask & (block->zone_mask - 1)))
		block->zone = MEMPLUG_ZONE_UNKNOWN;
	text = read_at(dirfd, "removable");
	block->removable = !text	      ? MEMPLUG_UNKNOWN :
			   !strcmp(text, "1") ? MEMPLUG_YES :
			   !strcmp(text, "0") ? MEMPLUG_NO :
						MEMPLUG_UNKNOWN;
	free(text);
	block->node = block_node(dirfd);
	close(dirfd);
	return 0;
}

static int cmp_block(const void *a, const void *b)
{
	const struct memplug_block *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int scan_blocks(struct memplug_ctx *ctx)
{
	char *path = root_path(ctx, SYSFS_MEMORY);
	unsigned long cap = 0, i;
	struct dirent *de;
	int memfd, rc = 0;
	DIR *dir;

	if (!path)
		return -ENOMEM;
	dir = opendir(path);
	if (!dir) {
		rc = set_error(ctx, errno, "cannot read %s", path);
		free(path);
		return rc;
	}
	free(path);
	while ((de = readdir(dir))) {
		unsigned long id;
		char *end;

		if (strncmp(de->d_name, "memory", 6) || !de->d_name[6])
			continue;
		id = strtoul(de->d_name + 6, &end, 10);
		if (*end)
			continue;
		if (ctx->nr_blocks == cap) {
			struct memplug_block *grow;

			cap = cap ? cap * 2 : 256;
			grow = realloc(ctx->blocks, cap * sizeof(*grow));
			if (!grow) {
				closedir(dir);
				return -ENOMEM;
			}
			ctx->blocks = grow;
		}
		memset(&ctx->blocks[ctx->nr_blocks], 0, sizeof(*ctx->blocks));
		ctx->blocks[ctx->nr_blocks++].id = id;
	}
	memfd = dirfd(dir);
	qsort(ctx->blocks, ctx->nr_blocks, sizeof(*ctx->blocks), cmp_block);
	for (i = 0; i < ctx->nr_blocks && !rc; i++) {
		rc = block_read(ctx, memfd, &ctx->blocks[i]);
		if (rc == -ENOENT) /* removed while we read: drop it */
			rc = 0;
	}
	closedir(dir);
	return rc;
}

void free_blocks(struct memplug_ctx *ctx)
{
	unsigned long i;

	for (i = 0; i < ctx->nr_blocks; i++)
		free(ctx->blocks[i].valid_zones);
	free(ctx->blocks);
	ctx->blocks = NULL;
	ctx->nr_blocks = 0;
}

MEMPLUG_EXPORT struct memplug_block *
memplug_block_get_first(struct memplug_ctx *ctx)
{
	return ctx->nr_blocks ? &ctx->blocks[0] : NULL;
}

MEMPLUG_EXPORT struct memplug_block *
memplug_block_get_next(struct memplug_block *block)
{
	struct memplug_ctx *ctx = block->ctx;

	return block + 1 < ctx->blocks + ctx->nr_blocks ? block + 1 : NULL;
}

MEMPLUG_EXPORT struct memplug_block *
memplug_block_get_by_id(struct memplug_ctx *ctx, unsigned long id)
{
	struct memplug_block key = { .id = id };

	if (!ctx->nr_blocks)
		return NULL;
	return bsearch(&key, ctx->blocks, ctx->nr_blocks, sizeof(key),
		       cmp_block);
}

MEMPLUG_EXPORT unsigned long memplug_block_get_id(struct memplug_block *block)
{
	return block->id;
}

MEMPLUG_EXPORT uint64_t memplug_block_get_start(struct memplug_block *block)
{
	return (uint64_t)block->id * block->ctx->block_size;
}

MEMPLUG_EXPORT uint64_t memplug_block_get_size(struct memplug_block *block)
{
	return block->ctx->block_size;
}

MEMPLUG_EXPORT enum memplug_block_state
memplug_block_get_state(struct memplug_block *block)
{
	return block->state;
}

MEMPLUG_EXPORT int memplug_block_get_node(struct memplug_block *block)
{
	return block->node;
}

MEMPLUG_EXPORT enum memplug_zone
memplug_block_get_zone(struct memplug_block *block)
{
	return block->zone;
}

MEMPLUG_EXPORT const char *
memplug_block_get_valid_zones(struct memplug_block *block)
{
	return block->valid_zones;
}

MEMPLUG_EXPORT bool memplug_block_can_online_to(struct memplug_block *block,
						enum memplug_zone zone)
{
	return block->state == MEMPLUG_BLOCK_OFFLINE &&
	       zone < MEMPLUG_ZONE_NONE && (block->zone_mask & (1u << zone));
}

MEMPLUG_EXPORT enum memplug_tristate
memplug_block_is_removable(struct memplug_block *block)
{
	return block->removable;
}

MEMPLUG_EXPORT struct memplug_source *
memplug_block_get_source(struct memplug_block *block)
{
	return block->source;
}
