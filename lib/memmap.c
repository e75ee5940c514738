// SPDX-License-Identifier: LGPL-2.1
/*
 * Where each source's memmap (struct page array, see memmap_bytes()) lives.
 * No sysfs file says it, so predict it from the kernel's rules, then confirm
 * it where zone counts allow: a zone made only of hot-added blocks has
 * present - managed == the memmap pages that live on those blocks.
 */
#include <stdlib.h>
#include <string.h>
#include "private.h"

/* x86-64 and arm64 (4K pages): pageblock_order 9 */
#define PAGEBLOCK_BYTES (2ULL << 20)

static bool node_has_kernel_memory(struct memplug_ctx *ctx, int id)
{
	struct memplug_node *node = memplug_node_get_by_id(ctx, id);

	return node && (node->zones[MEMPLUG_ZONE_NORMAL].managed > 0 ||
			node->zones[MEMPLUG_ZONE_DMA32].managed > 0);
}

/* hot-added memory's memmap is allocated GFP_KERNEL near its node */
static int memmap_node(struct memplug_ctx *ctx, struct memplug_source *src)
{
	int node = src->target_node;
	int i;

	if (node < 0 && src->nr_blocks)
		node = src->blocks[0]->node;
	if (node >= 0 && node_has_kernel_memory(ctx, node))
		return node;
	if (src->numa_node >= 0 && node_has_kernel_memory(ctx, src->numa_node))
		return src->numa_node;
	for (i = 0; i < ctx->nodes.nr; i++)
		if (node_has_kernel_memory(ctx, ctx->nodes.node[i].id))
			return ctx->nodes.node[i].id;
	return -1;
}

static void predict(struct memplug_ctx *ctx, struct memplug_source *src)
{
	struct memplug_memmap *m = &src->memmap;
	const char *param = ctx->kernel.memmap_on_memory;
	enum memmap_param on = memmap_param(ctx);
	bool aligned =
		memmap_bytes(ctx, ctx->kernel.block_size) % PAGEBLOCK_BYTES ==
		0;
	const char *self_reason = NULL;

	m->location = MEMPLUG_MEMMAP_NODE;
	m->node = memmap_node(ctx, src);
	m->observed = false;
	switch (src->type) {
	case MEMPLUG_SOURCE_BOOT:
		m->node = src->nr_blocks ? src->blocks[0]->node : -1;
		snprintf(src->reason, sizeof(src->reason),
			 "boot memory: memmap allocated at boot on its node");
		return;
	case MEMPLUG_SOURCE_HOTPLUG:
		m->location = MEMPLUG_MEMMAP_UNKNOWN;
		snprintf(src->reason, sizeof(src->reason),
			 "hot-added by an unknown driver");
		return;
	case MEMPLUG_SOURCE_DAX:
		if (src->memmap_knob == MEMPLUG_UNKNOWN) {
			snprintf(
				src->reason, sizeof(src->reason),
				"kernel has no dax memmap_on_memory knob: kmem allocates the memmap in ordinary RAM");
			return;
		}
		if (src->memmap_knob == MEMPLUG_NO) {
			snprintf(src->reason, sizeof(src->reason),
				 "dax knob 0");
			return;
		}
		self_reason = "dax knob 1, parameter memmap_on_memory";
		break;
	case MEMPLUG_SOURCE_DIMM:
	case MEMPLUG_SOURCE_VIRTIO_MEM:
		self_reason = "hot-added with parameter memmap_on_memory";
		break;
	}
	if (on == MEMMAP_PARAM_OFF) {
		snprintf(src->reason, sizeof(src->reason),
			 "parameter memmap_on_memory=%s",
			 param ? param : "absent");
		return;
	}
	if (!aligned && on != MEMMAP_PARAM_FORCE) {
		snprintf(src->reason, sizeof(src->reason),
			 "memmap not pageblock aligned");
		return;
	}
	m->location = MEMPLUG_MEMMAP_SELF;
	m->node = -1;
	snprintf(src->reason, sizeof(src->reason), "%s=%s", self_reason, param);
}

enum verdict { V_NONE, V_SELF, V_NODE, V_PREDICTED, V_INCONCLUSIVE };

struct cell {
	long long block_pages; /* online pages of hot-added blocks */
	long long predicted_self; /* memmap pages predicted on the blocks */
	long long memmap_all; /* memmap pages if all were self-hosted */
	bool has_boot;
	enum verdict verdict;
};

/*
 * Confirm by observation, per (node, zone): only where every online block
 * of the zone is hot-added (boot memory has reservations of its own), and
 * the zone's present pages are exactly those blocks.
 */
static void observe(struct memplug_ctx *ctx)
{
	long long pages =
		ctx->kernel.page_size ?
			ctx->kernel.block_size / ctx->kernel.page_size :
			0;
	long long mpages = memmap_bytes(ctx, ctx->kernel.block_size) /
			   (ctx->kernel.page_size ? ctx->kernel.page_size : 1);
	int nz = MEMPLUG_ZONE_NONE, i, n;
	struct cell *cells;
	unsigned long b;

	if (!ctx->nodes.nr)
		return;
	cells = calloc((size_t)ctx->nodes.nr * nz, sizeof(*cells));
	if (!cells)
		return;
	for (b = 0; b < ctx->blocks.nr; b++) {
		struct memplug_block *block = &ctx->blocks.block[b];
		struct memplug_node *node =
			memplug_node_get_by_id(ctx, block->node);
		struct cell *c;

		if (!node || block->state != MEMPLUG_BLOCK_ONLINE ||
		    block->zone >= MEMPLUG_ZONE_NONE)
			continue;
		c = &cells[(node - ctx->nodes.node) * nz + block->zone];
		if (block->source->type == MEMPLUG_SOURCE_BOOT ||
		    block->source->type == MEMPLUG_SOURCE_HOTPLUG) {
			c->has_boot = true;
			continue;
		}
		c->block_pages += pages;
		c->memmap_all += mpages;
		if (block->source->memmap.location == MEMPLUG_MEMMAP_SELF)
			c->predicted_self += mpages;
	}
	for (n = 0; n < ctx->nodes.nr; n++) {
		for (i = 0; i < nz; i++) {
			struct memplug_zone_pages *z =
				&ctx->nodes.node[n].zones[i];
			struct cell *c = &cells[n * nz + i];
			long long delta;

			if (!c->block_pages)
				continue;
			if (c->has_boot || !ctx->nodes.node[n].has_zone[i] ||
			    z->present != c->block_pages ||
			    __builtin_sub_overflow(z->present, z->managed,
						   &delta))
				c->verdict = V_INCONCLUSIVE;
			else if (delta == c->predicted_self)
				c->verdict = V_PREDICTED;
			else if (delta == 0)
				c->verdict = V_NODE;
			else if (delta == c->memmap_all)
				c->verdict = V_SELF;
			else
				c->verdict = V_INCONCLUSIVE;
		}
	}
	for (i = 0; i < ctx->sources.nr; i++) {
		struct memplug_source *src = ctx->sources.source[i];
		struct memplug_memmap *m = &src->memmap;
		enum verdict v = V_NONE;

		for (b = 0; b < src->nr_blocks; b++) {
			struct memplug_block *block = src->blocks[b];
			struct memplug_node *node =
				memplug_node_get_by_id(ctx, block->node);
			enum verdict cv;

			if (block->state != MEMPLUG_BLOCK_ONLINE)
				continue;
			if (!node || block->zone >= MEMPLUG_ZONE_NONE) {
				v = V_INCONCLUSIVE;
				break;
			}
			cv = cells[(node - ctx->nodes.node) * nz + block->zone]
				     .verdict;
			if (cv == V_PREDICTED)
				cv = m->location == MEMPLUG_MEMMAP_SELF ?
					     V_SELF :
					     V_NODE;
			if (v != V_NONE && v != cv)
				cv = V_INCONCLUSIVE;
			v = cv;
		}
		if (v != V_SELF && v != V_NODE)
			continue;
		if (v == V_SELF && m->location != MEMPLUG_MEMMAP_SELF) {
			m->location = MEMPLUG_MEMMAP_SELF;
			m->node = -1;
			snprintf(
				src->reason, sizeof(src->reason),
				"zone present - managed pages equal the memmap: on the device");
		} else if (v == V_NODE && m->location != MEMPLUG_MEMMAP_NODE) {
			char old[sizeof(src->reason)];

			memcpy(old, src->reason, sizeof(old));
			m->location = MEMPLUG_MEMMAP_NODE;
			m->node = memmap_node(ctx, src);
			snprintf(
				src->reason, sizeof(src->reason),
				"zone present == managed pages: not on the device, although %.100s",
				old);
		}
		m->observed = true;
	}
	free(cells);
}

void compute_memmap(struct memplug_ctx *ctx)
{
	int i;

	for (i = 0; i < ctx->sources.nr; i++) {
		struct memplug_source *src = ctx->sources.source[i];

		src->memmap.bytes = src->nr_blocks *
				    memmap_bytes(ctx, ctx->kernel.block_size);
		predict(ctx, src);
	}
	observe(ctx);
}
