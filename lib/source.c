// SPDX-License-Identifier: LGPL-2.1
/*
 * Memory sources: who owns each block.  Dax devices claim their ranges
 * first (scan_devices); the rest is an ACPI memory device (it links the
 * block as physical_node), a virtio-mem device (its iomem range), or boot
 * memory, grouped per node.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "private.h"

struct memplug_source *source_new(struct memplug_ctx *ctx, const char *name,
				  enum memplug_source_type type)
{
	struct memplug_source *src, **grow;

	grow = realloc(ctx->sources.source,
		       (ctx->sources.nr + 1) * sizeof(*grow));
	if (!grow)
		return NULL;
	ctx->sources.source = grow;
	src = calloc(1, sizeof(*src));
	if (!src)
		return NULL;
	src->name = strdup(name);
	if (!src->name) {
		free(src);
		return NULL;
	}
	src->ctx = ctx;
	src->type = type;
	src->mode = MEMPLUG_MODE_SYSTEM_RAM;
	src->target_node = -1;
	src->numa_node = -1;
	src->memmap_knob = MEMPLUG_UNKNOWN;
	ctx->sources.source[ctx->sources.nr++] = src;
	return src;
}

int source_add_block(struct memplug_source *src, struct memplug_block *block)
{
	struct memplug_block **grow;

	if (block->source)
		return 0;
	/* grow in powers of two */
	if (!(src->nr_blocks & (src->nr_blocks - 1)) || !src->nr_blocks) {
		grow = realloc(src->blocks,
			       (src->nr_blocks ? src->nr_blocks * 2 : 1) *
				       sizeof(*grow));
		if (!grow)
			return -ENOMEM;
		src->blocks = grow;
	}
	src->blocks[src->nr_blocks++] = block;
	block->source = src;
	return 0;
}

static struct memplug_source *find_source(struct memplug_ctx *ctx,
					  const char *name)
{
	int i;

	for (i = 0; i < ctx->sources.nr; i++)
		if (!strcmp(ctx->sources.source[i]->name, name))
			return ctx->sources.source[i];
	return NULL;
}

static struct memplug_source *get_source(struct memplug_ctx *ctx,
					 const char *name,
					 enum memplug_source_type type)
{
	struct memplug_source *src = find_source(ctx, name);

	return src ? src : source_new(ctx, name, type);
}

static const struct iomem_range *iomem_ram(struct memplug_ctx *ctx,
					   uint64_t start)
{
	int i;

	for (i = 0; i < ctx->iomem.nr; i++) {
		const struct iomem_range *r = &ctx->iomem.range[i];

		if (start >= r->start && start <= r->end &&
		    !strncmp(r->name, "System RAM", 10))
			return r;
	}
	return NULL;
}

/*
 * ACPI memory devices (PNP0C80) link each of their blocks as
 * physical_node, physical_node1, ... (the block links back as
 * firmware_node): a walk over the devices instead of a readlink per
 * block.  Returns the device of each block, indexed like ctx->blocks.
 */
static char **acpi_dimms(struct memplug_ctx *ctx)
{
	char *path = root_path(ctx, "sys/bus/acpi/devices"), *link;
	char **names =
		calloc(ctx->blocks.nr ? ctx->blocks.nr : 1, sizeof(*names));
	struct dirent *de, *pe;
	DIR *dir, *ddir;

	dir = path && names ? root_opendir(ctx, path) : NULL;
	while (dir && (de = readdir(dir))) {
		char *dpath;

		/* a link up to LNXSYSTM:00/...: resolved from the root */
		dpath = strncmp(de->d_name, "PNP0C80:", 8) ?
				NULL :
				root_path(ctx, "sys/bus/acpi/devices/%s",
					  de->d_name);
		ddir = dpath ? root_opendir(ctx, dpath) : NULL;
		free(dpath);
		while (ddir && (pe = readdir(ddir))) {
			struct memplug_block *block = NULL;
			char *base;

			if (strncmp(pe->d_name, "physical_node", 13))
				continue;
			link = root_path(ctx, "sys/bus/acpi/devices/%s/%s",
					 de->d_name, pe->d_name);
			base = link ? link_basename(ctx, link) : NULL;
			free(link);
			if (base && name_number(base, "memory") >= 0)
				block = memplug_block_get_by_id(
					ctx, name_number(base, "memory"));
			if (block && !names[block - ctx->blocks.block])
				names[block - ctx->blocks.block] =
					strdup(de->d_name);
			free(base);
		}
		if (ddir)
			closedir(ddir);
	}
	if (dir)
		closedir(dir);
	free(path);
	return names;
}

static struct memplug_source *
classify(struct memplug_ctx *ctx, struct memplug_block *block, const char *dimm)
{
	const struct iomem_range *ram;
	char name[32];

	if (dimm)
		return get_source(ctx, dimm, MEMPLUG_SOURCE_DIMM);
	ram = iomem_ram(ctx, memplug_block_get_start(block));
	if (ram && !strcmp(ram->name, "System RAM (virtio_mem)"))
		return get_source(ctx, ram->parent ? ram->parent : "virtio-mem",
				  MEMPLUG_SOURCE_VIRTIO_MEM);
	if (ram && strcmp(ram->name, "System RAM"))
		return get_source(ctx, ram->parent ? ram->parent : ram->name,
				  MEMPLUG_SOURCE_HOTPLUG);
	if (block->node >= 0)
		snprintf(name, sizeof(name), "boot-node%d", block->node);
	else
		snprintf(name, sizeof(name), "boot");
	return get_source(ctx, name, MEMPLUG_SOURCE_BOOT);
}

static unsigned long first_block(const struct memplug_source *src)
{
	return src->nr_blocks ? src->blocks[0]->id : (unsigned long)-1;
}

static int cmp_source(const void *a, const void *b)
{
	const struct memplug_source *x = *(struct memplug_source *const *)a;
	const struct memplug_source *y = *(struct memplug_source *const *)b;
	unsigned long fx = first_block(x), fy = first_block(y);

	if (fx != fy)
		return fx < fy ? -1 : 1;
	return strverscmp(x->name, y->name);
}

int scan_sources(struct memplug_ctx *ctx)
{
	char **dimms = acpi_dimms(ctx);
	unsigned long i;
	int rc = 0;

	if (!dimms)
		return -ENOMEM;
	for (i = 0; i < ctx->blocks.nr && !rc; i++) {
		struct memplug_block *block = &ctx->blocks.block[i];
		struct memplug_source *src;

		if (block->source)
			continue;
		src = classify(ctx, block, dimms[i]);
		if (!src || source_add_block(src, block))
			rc = -ENOMEM;
	}
	for (i = 0; i < ctx->blocks.nr; i++)
		free(dimms[i]);
	free(dimms);
	if (rc)
		return rc;
	for (i = 0; i < (unsigned long)ctx->sources.nr; i++) {
		struct memplug_source *src = ctx->sources.source[i];

		if (src->type != MEMPLUG_SOURCE_DAX)
			src->size = src->nr_blocks * ctx->kernel.block_size;
	}
	if (ctx->sources.nr)
		qsort(ctx->sources.source, ctx->sources.nr,
		      sizeof(*ctx->sources.source), cmp_source);
	for (i = 0; i < (unsigned long)ctx->sources.nr; i++)
		ctx->sources.source[i]->index = (int)i;
	return 0;
}

void free_sources(struct memplug_ctx *ctx)
{
	int i;

	for (i = 0; i < ctx->sources.nr; i++) {
		struct memplug_source *src = ctx->sources.source[i];

		free(src->name);
		free(src->namespace);
		free(src->region);
		free(src->blocks);
		free(src);
	}
	free(ctx->sources.source);
	ctx->sources.source = NULL;
	ctx->sources.nr = 0;
}

static const char *const type_names[] = {
	[MEMPLUG_SOURCE_DAX] = "dax",
	[MEMPLUG_SOURCE_BOOT] = "boot",
	[MEMPLUG_SOURCE_DIMM] = "dimm",
	[MEMPLUG_SOURCE_VIRTIO_MEM] = "virtio-mem",
	[MEMPLUG_SOURCE_HOTPLUG] = "hotplug",
};

MEMPLUG_EXPORT const char *
memplug_source_type_name(enum memplug_source_type type)
{
	return type <= MEMPLUG_SOURCE_HOTPLUG ? type_names[type] : "unknown";
}

static const char *const mode_names[] = {
	[MEMPLUG_MODE_SYSTEM_RAM] = "system-ram",
	[MEMPLUG_MODE_DEVDAX] = "devdax",
	[MEMPLUG_MODE_DISABLED] = "disabled",
	[MEMPLUG_MODE_UNKNOWN] = "unknown",
};

MEMPLUG_EXPORT const char *memplug_mode_name(enum memplug_mode mode)
{
	return mode <= MEMPLUG_MODE_UNKNOWN ? mode_names[mode] : "unknown";
}

static const char *const dax_state_names[] = {
	[MEMPLUG_DAX_STATE_UNPLUGGED] = "unplugged",
	[MEMPLUG_DAX_STATE_OFFLINE] = "offline",
	[MEMPLUG_DAX_STATE_ONLINE] = "online",
	[MEMPLUG_DAX_STATE_ONLINE_KERNEL] = "online_kernel",
	[MEMPLUG_DAX_STATE_ONLINE_MOVABLE] = "online_movable",
};

MEMPLUG_EXPORT const char *memplug_dax_state_name(enum memplug_dax_state state)
{
	return state < MEMPLUG_DAX_STATE_UNKNOWN ? dax_state_names[state] :
						   NULL;
}

/* the state a daxX.Y/state file holds; UNKNOWN for anything else */
enum memplug_dax_state dax_state_from_text(const char *text)
{
	int s;

	for (s = MEMPLUG_DAX_STATE_UNPLUGGED; s < MEMPLUG_DAX_STATE_UNKNOWN;
	     s++)
		if (!strcmp(text, dax_state_names[s]))
			return s;
	return MEMPLUG_DAX_STATE_UNKNOWN;
}

MEMPLUG_EXPORT struct memplug_source *
memplug_source_get_first(struct memplug_ctx *ctx)
{
	return ctx->sources.nr ? ctx->sources.source[0] : NULL;
}

MEMPLUG_EXPORT struct memplug_source *
memplug_source_get_next(struct memplug_source *src)
{
	struct memplug_ctx *ctx = src->ctx;

	return src->index + 1 < ctx->sources.nr ?
		       ctx->sources.source[src->index + 1] :
		       NULL;
}

MEMPLUG_EXPORT struct memplug_source *
memplug_source_get_by_name(struct memplug_ctx *ctx, const char *name)
{
	int i;

	for (i = 0; i < ctx->sources.nr; i++)
		if (memplug_source_has_name(ctx->sources.source[i], name))
			return ctx->sources.source[i];
	return NULL;
}

MEMPLUG_EXPORT bool memplug_source_has_name(struct memplug_source *src,
					    const char *name)
{
	return !strcmp(src->name, name) ||
	       (src->namespace && !strcmp(src->namespace, name)) ||
	       (src->region && !strcmp(src->region, name));
}

MEMPLUG_EXPORT struct memplug_ctx *
memplug_source_get_ctx(struct memplug_source *src)
{
	return src->ctx;
}

MEMPLUG_EXPORT const char *memplug_source_get_name(struct memplug_source *src)
{
	return src->name;
}

MEMPLUG_EXPORT enum memplug_source_type
memplug_source_get_type(struct memplug_source *src)
{
	return src->type;
}

MEMPLUG_EXPORT enum memplug_mode
memplug_source_get_mode(struct memplug_source *src)
{
	return src->mode;
}

MEMPLUG_EXPORT uint64_t memplug_source_get_size(struct memplug_source *src)
{
	return src->size;
}

MEMPLUG_EXPORT int memplug_source_get_target_node(struct memplug_source *src)
{
	return src->target_node;
}

MEMPLUG_EXPORT int memplug_source_get_numa_node(struct memplug_source *src)
{
	return src->numa_node;
}

MEMPLUG_EXPORT enum memplug_tristate
memplug_source_get_memmap_knob(struct memplug_source *src)
{
	return src->memmap_knob;
}

MEMPLUG_EXPORT enum memplug_dax_state
memplug_source_get_dax_state(struct memplug_source *src)
{
	return src->dax_state;
}

MEMPLUG_EXPORT unsigned long
memplug_source_get_nr_range_blocks(struct memplug_source *src)
{
	return src->nr_range_blocks;
}

MEMPLUG_EXPORT const char *
memplug_source_get_namespace(struct memplug_source *src)
{
	return src->namespace;
}

MEMPLUG_EXPORT const char *memplug_source_get_region(struct memplug_source *src)
{
	return src->region;
}

MEMPLUG_EXPORT bool memplug_source_has_range(struct memplug_source *src)
{
	return src->type != MEMPLUG_SOURCE_DAX || src->has_range;
}

MEMPLUG_EXPORT uint64_t memplug_source_get_start(struct memplug_source *src)
{
	if (src->has_range)
		return src->start;
	return src->nr_blocks ? memplug_block_get_start(src->blocks[0]) : 0;
}

MEMPLUG_EXPORT unsigned long
memplug_source_get_nr_blocks(struct memplug_source *src)
{
	return src->nr_blocks;
}

MEMPLUG_EXPORT struct memplug_block *
memplug_source_get_block(struct memplug_source *src, unsigned long index)
{
	return index < src->nr_blocks ? src->blocks[index] : NULL;
}

MEMPLUG_EXPORT unsigned long
memplug_source_count_state(struct memplug_source *src,
			   enum memplug_block_state state)
{
	unsigned long i, n = 0;

	for (i = 0; i < src->nr_blocks; i++)
		n += src->blocks[i]->state == state;
	return n;
}

MEMPLUG_EXPORT unsigned long
memplug_source_count_zone(struct memplug_source *src, enum memplug_zone zone)
{
	unsigned long i, n = 0;

	for (i = 0; i < src->nr_blocks; i++)
		n += src->blocks[i]->state == MEMPLUG_BLOCK_ONLINE &&
		     src->blocks[i]->zone == zone;
	return n;
}

MEMPLUG_EXPORT void memplug_source_get_memmap(struct memplug_source *src,
					      struct memplug_memmap *memmap)
{
	*memmap = src->memmap;
	memmap->reason = src->reason;
}
