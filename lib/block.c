// SPDX-License-Identifier: LGPL-2.1
/* Memory blocks: /sys/devices/system/memory/memoryN. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include "private.h"

static const char *const zone_names[NR_ZONES] = {
	[MEMPLUG_ZONE_DMA] = "DMA",	  [MEMPLUG_ZONE_DMA32] = "DMA32",
	[MEMPLUG_ZONE_NORMAL] = "Normal", [MEMPLUG_ZONE_MOVABLE] = "Movable",
	[MEMPLUG_ZONE_NONE] = "none",	  [MEMPLUG_ZONE_UNKNOWN] = "unknown",
};

MEMPLUG_EXPORT const char *memplug_zone_name(enum memplug_zone zone)
{
	return (unsigned int)zone < NR_ZONES ? zone_names[zone] : "unknown";
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

enum memplug_block_state block_state_parse(const char *text)
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

/* distinct texts looked up before a new one is added: past these (only a
 * malformed tree has so many), each text is stored without a search */
#define VALID_ZONES_SEARCHED 64

static const struct valid_zones *valid_zones_intern(struct memplug_ctx *ctx,
						    const char *text)
{
	struct valid_zones *vz, **grow;
	size_t len = strlen(text);
	int i;

	for (i = 0; i < ctx->blocks.nr_valid_zones && i < VALID_ZONES_SEARCHED;
	     i++)
		if (!strcmp(ctx->blocks.valid_zones[i]->text, text))
			return ctx->blocks.valid_zones[i];
	grow = realloc(ctx->blocks.valid_zones,
		       (ctx->blocks.nr_valid_zones + 1) * sizeof(*grow));
	if (!grow)
		return NULL;
	ctx->blocks.valid_zones = grow;
	vz = malloc(sizeof(*vz) + len + 1);
	if (!vz)
		return NULL;
	memcpy(vz->text, text, len + 1);
	vz->mask = zone_mask_parse(text, &vz->first);
	ctx->blocks.valid_zones[ctx->blocks.nr_valid_zones++] = vz;
	return vz;
}

static void valid_zones_free(struct memplug_ctx *ctx)
{
	int i;

	for (i = 0; i < ctx->blocks.nr_valid_zones; i++)
		free(ctx->blocks.valid_zones[i]);
	free(ctx->blocks.valid_zones);
	ctx->blocks.valid_zones = NULL;
	ctx->blocks.nr_valid_zones = 0;
}

void block_zones_set(struct memplug_block *block, const char *text)
{
	const struct valid_zones *vz =
		text ? valid_zones_intern(block->ctx, text) : NULL;
	unsigned int mask = vz ? vz->mask : 0;

	block->valid_zones = vz;
	block->zone = vz ? vz->first : MEMPLUG_ZONE_UNKNOWN;
	/* an online block names one zone, or "none" */
	if (block->state == MEMPLUG_BLOCK_ONLINE && mask & (mask - 1))
		block->zone = MEMPLUG_ZONE_UNKNOWN;
	block->zones_read = true;
}

/*
 * valid_zones of an offline block is computed by the kernel on each read
 * and only matters to whoever asks where the block may go: read it then.
 */
void block_zones(struct memplug_block *block)
{
	char *text;

	if (block->zones_read)
		return;
	text = read_textf(block->ctx, SYSFS_MEMORY "/memory%lu/valid_zones",
			  block->id);
	block_zones_set(block, text);
	free(text);
}

void block_zones_forget(struct memplug_block *block)
{
	block->valid_zones = NULL;
	block->zone = MEMPLUG_ZONE_UNKNOWN;
	block->zones_read = false;
}

/* "memoryN/" into @buf (room for 32): its length */
static int block_dir(char *buf, unsigned long id)
{
	char digits[24];
	int n = 0, len;

	do
		digits[n++] = '0' + id % 10;
	while ((id /= 10));
	memcpy(buf, "memory", 6);
	for (len = 6; n;)
		buf[len++] = digits[--n];
	buf[len++] = '/';
	buf[len] = '\0';
	return len;
}

/* the file in @path failed: is its block directory memoryN/ gone? */
static bool block_gone(int memfd, char *path, int n)
{
	struct stat st;
	bool gone;

	if (errno != ENOENT && errno != ENOTDIR)
		return false;
	path[n - 1] = '\0';
	gone = fstatat(memfd, path, &st, AT_SYMLINK_NOFOLLOW) ||
	       !S_ISDIR(st.st_mode);
	path[n - 1] = '/';
	return gone;
}

/*
 * "memoryN" with N in canonical decimal (no sign, space or leading zero,
 * no overflow): the only names the kernel gives blocks.  Anything else in
 * the directory is not a block.
 */
bool block_name_id(const char *name, unsigned long *id)
{
	const char *p = name + 6;
	unsigned long v = 0;

	if (strncmp(name, "memory", 6) || *p < '0' || *p > '9' ||
	    (p[0] == '0' && p[1]))
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || __builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (unsigned long)(*p - '0'), &v))
			return false;
	}
	*id = v;
	return true;
}

/*
 * state, and valid_zones unless the block is offline, opened by paths
 * relative to the memory directory: three or six system calls per block.
 * The node comes from the node directories (block_nodes()) and removable
 * only when asked for.
 */
int block_read(struct memplug_ctx *ctx, int memfd, struct memplug_block *block)
{
	char path[64], *text;
	int n;

	block->ctx = ctx;
	n = block_dir(path, block->id);
	strcpy(path + n, "state");
	text = read_text_at(ctx, memfd, path);
	if (!text && block_gone(memfd, path, n))
		goto gone;
	block->state = block_state_parse(text);
	free(text);
	block_zones_forget(block);
	if (block->state == MEMPLUG_BLOCK_OFFLINE)
		return 0;
	strcpy(path + n, "valid_zones");
	text = read_text_at(ctx, memfd, path);
	if (!text && block_gone(memfd, path, n))
		goto gone;
	block_zones_set(block, text);
	free(text);
	return 0;
gone:
	/* removed while read (virtio-mem unplug, an unbind): never online */
	block->state = MEMPLUG_BLOCK_UNKNOWN;
	block_zones_forget(block);
	return -ENOENT;
}

/*
 * Each nodeN directory links the memory blocks it holds: a few
 * getdents() per node instead of a directory scan per block.  A block
 * whose node does not exist has none (-1).
 */
static void block_nodes(struct memplug_ctx *ctx)
{
	char *path = root_path(ctx, SYSFS_NODE);
	struct dirent *de, *me;
	DIR *dir, *ndir;

	dir = path ? root_opendir(ctx, path) : NULL;
	free(path);
	while (dir && (de = readdir(dir))) {
		int nid = name_number(de->d_name, "node");

		ndir = nid < 0 ? NULL : opendir_at(ctx, dir, de->d_name);
		while (ndir && (me = readdir(ndir))) {
			int id = name_number(me->d_name, "memory");
			struct memplug_block *block =
				id < 0 ? NULL :
					 memplug_block_get_by_id(ctx, id);

			/* a block spanning nodes counts for the lowest */
			if (block && (block->node < 0 || nid < block->node))
				block->node = nid;
		}
		if (ndir)
			closedir(ndir);
	}
	if (dir)
		closedir(dir);
}

/* removable is a per-kernel constant since 5.7 (commit 53cdc1cb29e8) */
static bool removable_is_global(struct memplug_ctx *ctx)
{
	unsigned int major = 0, minor = 0;

	return ctx->kernel.kernel_release &&
	       sscanf(ctx->kernel.kernel_release, "%u.%u", &major, &minor) ==
		       2 &&
	       (major > 5 || (major == 5 && minor >= 7));
}

static int cmp_block(const void *a, const void *b)
{
	const struct memplug_block *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int scan_blocks(struct memplug_ctx *ctx)
{
	char *path = root_path(ctx, SYSFS_MEMORY);
	unsigned long cap = 0, i, kept;
	struct dirent *de;
	int memfd, rc = 0;
	DIR *dir;

	if (!path)
		return -ENOMEM;
	dir = root_opendir(ctx, path);
	if (!dir) {
		rc = set_error(ctx, errno, "cannot read %s", path);
		free(path);
		return rc;
	}
	free(path);
	while ((de = readdir(dir))) {
		unsigned long id;

		/* the block's start, id * block_size, must be an address */
		if (!block_name_id(de->d_name, &id) ||
		    id > UINT64_MAX / ctx->kernel.block_size)
			continue;
		if (ctx->blocks.nr == cap) {
			struct memplug_block *grow;

			cap = cap ? cap * 2 : 256;
			grow = realloc(ctx->blocks.block, cap * sizeof(*grow));
			if (!grow) {
				closedir(dir);
				return -ENOMEM;
			}
			ctx->blocks.block = grow;
		}
		memset(&ctx->blocks.block[ctx->blocks.nr], 0,
		       sizeof(*ctx->blocks.block));
		ctx->blocks.block[ctx->blocks.nr].node = -1;
		ctx->blocks.block[ctx->blocks.nr].removable = REMOVABLE_UNREAD;
		ctx->blocks.block[ctx->blocks.nr++].id = id;
	}
	ctx->blocks.removable = REMOVABLE_UNREAD;
	ctx->blocks.removable_global = removable_is_global(ctx);
	memfd = dirfd(dir);
	if (ctx->blocks.nr) /* qsort(NULL, 0) is undefined */
		qsort(ctx->blocks.block, ctx->blocks.nr,
		      sizeof(*ctx->blocks.block), cmp_block);
	close_batch_begin(ctx, memfd);
	for (i = 0, kept = 0; i < ctx->blocks.nr && !rc; i++) {
		rc = block_read(ctx, memfd, &ctx->blocks.block[i]);
		if (rc == -ENOENT) { /* removed while we read: drop it */
			rc = 0;
			continue;
		}
		ctx->blocks.block[kept++] = ctx->blocks.block[i];
	}
	close_batch_end(ctx);
	if (!rc)
		ctx->blocks.nr = kept;
	closedir(dir);
	if (!rc)
		block_nodes(ctx);
	return rc;
}

void free_blocks(struct memplug_ctx *ctx)
{
	valid_zones_free(ctx);
	free(ctx->blocks.block);
	ctx->blocks.block = NULL;
	ctx->blocks.nr = 0;
}

MEMPLUG_EXPORT enum memplug_block_state
memplug_block_read_state(struct memplug_ctx *ctx, unsigned long id)
{
	char *text = read_textf(ctx, SYSFS_MEMORY "/memory%lu/state", id);
	enum memplug_block_state state = block_state_parse(text);

	free(text);
	return state;
}

MEMPLUG_EXPORT struct memplug_block *
memplug_block_get_first(struct memplug_ctx *ctx)
{
	return ctx->blocks.nr ? &ctx->blocks.block[0] : NULL;
}

MEMPLUG_EXPORT struct memplug_block *
memplug_block_get_next(struct memplug_block *block)
{
	struct memplug_ctx *ctx = block->ctx;

	return block + 1 < ctx->blocks.block + ctx->blocks.nr ? block + 1 :
								NULL;
}

MEMPLUG_EXPORT struct memplug_block *
memplug_block_get_by_id(struct memplug_ctx *ctx, unsigned long id)
{
	struct memplug_block key = { .id = id };

	if (!ctx->blocks.nr)
		return NULL;
	return bsearch(&key, ctx->blocks.block, ctx->blocks.nr, sizeof(key),
		       cmp_block);
}

MEMPLUG_EXPORT struct memplug_ctx *
memplug_block_get_ctx(struct memplug_block *block)
{
	return block->ctx;
}

MEMPLUG_EXPORT unsigned long memplug_block_get_id(struct memplug_block *block)
{
	return block->id;
}

MEMPLUG_EXPORT uint64_t memplug_block_get_start(struct memplug_block *block)
{
	return (uint64_t)block->id * block->ctx->kernel.block_size;
}

MEMPLUG_EXPORT uint64_t memplug_block_get_size(struct memplug_block *block)
{
	return block->ctx->kernel.block_size;
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
	block_zones(block);
	return block->zone;
}

MEMPLUG_EXPORT const char *
memplug_block_get_valid_zones(struct memplug_block *block)
{
	block_zones(block);
	return block->valid_zones ? block->valid_zones->text : NULL;
}

MEMPLUG_EXPORT bool memplug_block_can_online_to(struct memplug_block *block,
						enum memplug_zone zone)
{
	if (block->state != MEMPLUG_BLOCK_OFFLINE ||
	    (unsigned int)zone >= MEMPLUG_ZONE_NONE)
		return false;
	block_zones(block);
	return block->valid_zones && block->valid_zones->mask & (1u << zone);
}

MEMPLUG_EXPORT enum memplug_tristate
memplug_block_is_removable(struct memplug_block *block)
{
	struct memplug_ctx *ctx = block->ctx;
	char *text;

	if (block->removable != REMOVABLE_UNREAD)
		return block->removable;
	if (ctx->blocks.removable != REMOVABLE_UNREAD &&
	    ctx->blocks.removable_global)
		return block->removable = ctx->blocks.removable;
	text = read_textf(ctx, SYSFS_MEMORY "/memory%lu/removable", block->id);
	block->removable = !text	      ? MEMPLUG_UNKNOWN :
			   !strcmp(text, "1") ? MEMPLUG_YES :
			   !strcmp(text, "0") ? MEMPLUG_NO :
						MEMPLUG_UNKNOWN;
	free(text);
	if (block->removable != MEMPLUG_UNKNOWN)
		ctx->blocks.removable = block->removable;
	return block->removable;
}

MEMPLUG_EXPORT struct memplug_source *
memplug_block_get_source(struct memplug_block *block)
{
	return block->source;
}
