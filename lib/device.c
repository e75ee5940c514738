// SPDX-License-Identifier: LGPL-2.1
/*
 * Devices that own memory: dax devices (each one a memory source), the
 * nvdimm namespaces and CXL regions behind them.  libdaxctl, libndctl and
 * libcxl read the live /sys only, so the model reads these attributes
 * itself, below the sysfs root; the libraries drive the live writes.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "private.h"

/* the entries of a directory below the root whose names start with @prefix */
static char **list_dir(struct memplug_ctx *ctx, const char *rel,
		       const char *prefix, int *count)
{
	char *path = root_path(ctx, "%s", rel), **names = NULL;
	size_t plen = strlen(prefix);
	struct dirent *de;
	int cap = 0;
	DIR *dir;

	*count = 0;
	dir = path ? root_opendir(ctx, path) : NULL;
	free(path);
	while (dir && (de = readdir(dir))) {
		if (strncmp(de->d_name, prefix, plen) || !de->d_name[plen])
			continue;
		if (*count == cap) {
			char **grow;

			cap = cap ? cap * 2 : 16;
			grow = realloc(names, cap * sizeof(*grow));
			if (!grow)
				break;
			names = grow;
		}
		names[(*count)++] = strdup(de->d_name);
	}
	if (dir)
		closedir(dir);
	return names;
}

static void free_list(char **names, int count)
{
	while (count-- > 0)
		free(names[count]);
	free(names);
}

static int cmp_name(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* the path component that starts with @prefix and ends in a digit */
static char *path_component(const char *path, const char *prefix)
{
	size_t plen = strlen(prefix);
	const char *p = path;

	while (p && *p) {
		size_t clen = strcspn(p, "/");

		if (clen > plen && !strncmp(p, prefix, plen) &&
		    p[plen] >= '0' && p[plen] <= '9')
			return strndup(p, clen);
		p = p[clen] ? p + clen + 1 : NULL;
	}
	return NULL;
}

/* ndbus0/region0/dax0.1/dax0.0: dax0.1's namespace attribute names it */
static void dax_backing(struct memplug_ctx *ctx, struct memplug_source *src,
			const char *devpath)
{
	if (!devpath)
		return;
	if (strstr(devpath, "/ndbus")) {
		char *parent = strdup(devpath), *slash;

		slash = parent ? strrchr(parent, '/') : NULL;
		if (slash) {
			*slash = '\0';
			src->namespace =
				read_textf(ctx, "%s/namespace", parent);
		}
		free(parent);
	} else if (strstr(devpath, "/dax_region")) {
		src->region = path_component(devpath, "region");
	}
}

/*
 * kmem adds only the whole blocks inside a range: blocks first..last-1.
 * Every step is checked (a range may end at 2^64 - 1) and the walk goes
 * over the blocks that exist, never over the ids a range could hold.
 */
void add_range_blocks(struct memplug_source *src, uint64_t start, uint64_t end)
{
	struct memplug_ctx *ctx = src->ctx;
	uint64_t bs = ctx->kernel.block_size, first, last;
	unsigned long lo = 0, hi = ctx->blocks.nr;

	if (!bs || end < start)
		return;
	first = start / bs + (start % bs != 0);
	last = end / bs + (end % bs == bs - 1);
	if (!src->has_range || start < src->start)
		src->start = start;
	if (!src->has_range || end > src->end)
		src->end = end;
	src->has_range = true;
	if (last > first &&
	    __builtin_add_overflow(src->nr_range_blocks, last - first,
				   &src->nr_range_blocks))
		src->nr_range_blocks = ULONG_MAX;
	while (lo < hi) { /* the first block with id >= first */
		unsigned long mid = lo + (hi - lo) / 2;

		if (ctx->blocks.block[mid].id < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ctx->blocks.nr && ctx->blocks.block[lo].id < last; lo++)
		source_add_block(src, &ctx->blocks.block[lo]);
}

static void dax_range(struct memplug_ctx *ctx, struct memplug_source *src,
		      const char *dir)
{
	uint64_t start, end;
	int i, n, count;
	char **maps;

	maps = list_dir(ctx, dir, "mapping", &count);
	for (n = 0; n < count; n++) {
		char *map;

		if (asprintf(&map, "%s/%s", dir, maps[n]) < 0)
			continue;
		if (!read_u64f(ctx, &start, 0, "%s/start", map) &&
		    !read_u64f(ctx, &end, 0, "%s/end", map) && end > start)
			add_range_blocks(src, start, end);
		free(map);
	}
	free_list(maps, count);
	if (src->has_range)
		return;
	/* older kernels: one range from resource + size */
	if (!read_u64f(ctx, &start, 0, "%s/resource", dir) && src->size) {
		if (!__builtin_add_overflow(start, src->size - 1, &end))
			add_range_blocks(src, start, end);
		return;
	}
	for (i = 0; i < ctx->iomem.nr; i++)
		if (!strcmp(ctx->iomem.range[i].name, src->name))
			add_range_blocks(src, ctx->iomem.range[i].start,
					 ctx->iomem.range[i].end);
}

static int scan_dax(struct memplug_ctx *ctx)
{
	int i, count;
	char **names = list_dir(ctx, SYSFS_DAX "/devices", "dax", &count);

	if (count)
		qsort(names, count, sizeof(*names), cmp_name);
	for (i = 0; i < count; i++) {
		char *dir, *link, *driver, *state;
		struct memplug_source *src;
		int knob;

		if (asprintf(&dir, SYSFS_DAX "/devices/%s", names[i]) < 0)
			break;
		src = source_new(ctx, names[i], MEMPLUG_SOURCE_DAX);
		if (!src) {
			free(dir);
			break;
		}
		/* source_new() set what a missing attribute leaves */
		read_u64f(ctx, &src->size, 0, "%s/size", dir);
		read_intf(ctx, &src->target_node, "%s/target_node", dir);
		read_intf(ctx, &src->numa_node, "%s/numa_node", dir);
		if (!read_intf(ctx, &knob, "%s/memmap_on_memory", dir) &&
		    (knob == 0 || knob == 1))
			src->memmap_knob = knob;
		if (src->memmap_knob != MEMPLUG_UNKNOWN)
			ctx->devices.dax_memmap_knob = MEMPLUG_YES;
		else if (ctx->devices.dax_memmap_knob == MEMPLUG_UNKNOWN)
			ctx->devices.dax_memmap_knob = MEMPLUG_NO;
		link = root_path(ctx, "%s/driver", dir);
		driver = link ? link_basename(ctx, link) : NULL;
		src->mode = !driver		    ? MEMPLUG_MODE_DISABLED :
			    !strcmp(driver, "kmem") ? MEMPLUG_MODE_SYSTEM_RAM :
			    !strcmp(driver, "device_dax") ?
						      MEMPLUG_MODE_DEVDAX :
						      MEMPLUG_MODE_UNKNOWN;
		free(driver);
		free(link);
		state = read_textf(ctx, "%s/state", dir);
		if (state)
			src->dax_state = dax_state_from_text(state);
		free(state);
		link = root_path(ctx, "%s", dir);
		if (link) {
			char *devpath = link_resolve(ctx, link);

			dax_backing(ctx, src, devpath);
			free(devpath);
		}
		free(link);
		dax_range(ctx, src, dir);
		free(dir);
	}
	free_list(names, count);
	return 0;
}

static const char *ns_mode(const char *kernel_mode)
{
	if (!kernel_mode)
		return NULL;
	if (!strcmp(kernel_mode, "memory"))
		return "fsdax";
	if (!strcmp(kernel_mode, "dax"))
		return "devdax";
	if (!strcmp(kernel_mode, "safe"))
		return "sector";
	return kernel_mode;
}

/* the memdev behind each region target, for its serial number */
static void region_memdevs(struct memplug_ctx *ctx, struct memplug_region *r,
			   const char *dir)
{
	int ways = 0, k;

	if (read_intf(ctx, &ways, "%s/interleave_ways", dir) || ways < 1 ||
	    ways > 16)
		return;
	r->serials = calloc((size_t)ways, sizeof(*r->serials));
	r->serial_ok = calloc((size_t)ways, sizeof(*r->serial_ok));
	if (!r->serials || !r->serial_ok)
		return;
	r->nr_memdevs = (unsigned int)ways;
	for (k = 0; k < ways; k++) {
		/* regionZ/targetK names an endpoint decoder; its port's uport
		 * is the memdev */
		char *dec = read_textf(ctx, "%s/target%d", dir, k);
		char *link = NULL, *ep = NULL, *uport = NULL, *mem = NULL;
		char *slash;

		if (dec && *dec)
			link = root_path(ctx, SYSFS_CXL "/%s", dec);
		ep = link ? link_resolve(ctx, link) : NULL;
		slash = ep ? strrchr(ep, '/') : NULL;
		if (slash) {
			*slash = '\0';
			uport = root_path(ctx, "%s/uport", ep);
		}
		mem = uport ? link_basename(ctx, uport) : NULL;
		if (mem && !read_u64f(ctx, &r->serials[k], 0,
				      SYSFS_CXL "/%s/serial", mem))
			r->serial_ok[k] = true;
		free(mem);
		free(uport);
		free(ep);
		free(link);
		free(dec);
	}
}

/* a uuid attribute; NULL when absent, malformed or all zero */
static char *read_uuid(struct memplug_ctx *ctx, const char *dir)
{
	char *u = read_textf(ctx, "%s/uuid", dir);

	if (u && (strlen(u) != 36 ||
		  !strcmp(u, "00000000-0000-0000-0000-000000000000"))) {
		free(u);
		u = NULL;
	}
	return u;
}

static void scan_namespaces(struct memplug_ctx *ctx)
{
	int i, count, j;
	char **names = list_dir(ctx, SYSFS_ND, "namespace", &count);

	if (count)
		qsort(names, count, sizeof(*names), cmp_name);
	ctx->devices.namespace =
		count ? calloc(count + 1, sizeof(*ctx->devices.namespace)) :
			NULL;
	for (i = 0; i < count && ctx->devices.namespace; i++) {
		struct memplug_namespace *ns =
			&ctx->devices.namespace[ctx->devices.nr_namespaces];
		char *dir, *mode, *holder;

		if (asprintf(&dir, SYSFS_ND "/%s", names[i]) < 0)
			break;
		read_u64f(ctx, &ns->size, 0, "%s/size", dir);
		if (!ns->size) { /* an idle seed, not a namespace yet */
			free(dir);
			continue;
		}
		ns->ctx = ctx;
		ns->name = strdup(names[i]);
		mode = read_textf(ctx, "%s/mode", dir);
		ns->mode = ns_mode(mode) ? strdup(ns_mode(mode)) : NULL;
		free(mode);
		ns->numa_node = ns->target_node = -1;
		read_intf(ctx, &ns->numa_node, "%s/numa_node", dir);
		read_intf(ctx, &ns->target_node, "%s/target_node", dir);
		ns->uuid = read_uuid(ctx, dir);
		holder = read_textf(ctx, "%s/holder", dir);
		/* content, not a path: only a plain name such as dax0.1 */
		if (holder && name_is_plain(holder)) {
			char *hdir, *hmode;

			if (asprintf(&hdir, SYSFS_ND "/%s", holder) >= 0) {
				hmode = read_textf(ctx, "%s/mode", hdir);
				if (hmode && !strcmp(hmode, "ram"))
					ns->map = strdup("mem");
				else if (hmode && !strcmp(hmode, "pmem"))
					ns->map = strdup("dev");
				if (!strncmp(holder, "dax", 3))
					ns->dax_uuid = read_uuid(ctx, hdir);
				free(hmode);
				free(hdir);
			}
		}
		free(holder);
		for (j = 0; j < ctx->sources.nr; j++) {
			struct memplug_source *src = ctx->sources.source[j];

			/* the first: a hostile tree may name two */
			if (src->namespace && !ns->dax &&
			    !strcmp(src->namespace, ns->name))
				ns->dax = strdup(src->name);
		}
		free(dir);
		ctx->devices.nr_namespaces++;
	}
	free_list(names, count);
}

static void scan_regions(struct memplug_ctx *ctx)
{
	int i, count, j;
	char **names = list_dir(ctx, SYSFS_CXL, "region", &count);

	if (count)
		qsort(names, count, sizeof(*names), cmp_name);
	ctx->devices.region =
		count ? calloc(count + 1, sizeof(*ctx->devices.region)) : NULL;
	for (i = 0; i < count && ctx->devices.region; i++) {
		struct memplug_region *r =
			&ctx->devices.region[ctx->devices.nr_regions];
		int commit;
		char *dir;

		if (asprintf(&dir, SYSFS_CXL "/%s", names[i]) < 0)
			break;
		r->ctx = ctx;
		r->name = strdup(names[i]);
		r->mode = read_textf(ctx, "%s/mode", dir);
		read_u64f(ctx, &r->size, 0, "%s/size", dir);
		/* an unset resource reads as -1 */
		r->has_resource =
			!read_u64f(ctx, &r->resource, 0, "%s/resource", dir) &&
			r->resource != UINT64_MAX;
		r->committed = !read_intf(ctx, &commit, "%s/commit", dir) &&
			       commit == 1;
		region_memdevs(ctx, r, dir);
		for (j = 0; j < ctx->sources.nr; j++) {
			struct memplug_source *src = ctx->sources.source[j];

			/* the first: a hostile tree may name two */
			if (src->region && !r->dax &&
			    !strcmp(src->region, r->name))
				r->dax = strdup(src->name);
		}
		free(dir);
		ctx->devices.nr_regions++;
	}
	free_list(names, count);
}

int scan_devices(struct memplug_ctx *ctx)
{
	int rc;

	ctx->devices.dax_memmap_knob = MEMPLUG_UNKNOWN;
	rc = scan_dax(ctx);

	if (rc)
		return rc;
	scan_namespaces(ctx);
	scan_regions(ctx);
	return 0;
}

static void namespace_release(struct memplug_namespace *ns)
{
	free(ns->name);
	free(ns->mode);
	free(ns->map);
	free(ns->dax);
	free(ns->uuid);
	free(ns->dax_uuid);
}

static void region_release(struct memplug_region *region)
{
	free(region->name);
	free(region->mode);
	free(region->dax);
	free(region->serials);
	free(region->serial_ok);
}

void free_devices(struct memplug_ctx *ctx)
{
	struct device_set *dev = &ctx->devices;
	int i;

	for (i = 0; i < dev->nr_namespaces; i++)
		namespace_release(&dev->namespace[i]);
	for (i = 0; i < dev->nr_regions; i++)
		region_release(&dev->region[i]);
	free(dev->namespace);
	free(dev->region);
	memset(dev, 0, sizeof(*dev));
	dev->dax_memmap_knob = MEMPLUG_UNKNOWN;
}

MEMPLUG_EXPORT enum memplug_tristate
memplug_has_dax_memmap_knob(struct memplug_ctx *ctx)
{
	return ctx->devices.dax_memmap_knob;
}

#define ARRAY_ACCESSORS(type, arr, nr)                                    \
	MEMPLUG_EXPORT struct memplug_##type *memplug_##type##_get_first( \
		struct memplug_ctx *ctx)                                  \
	{                                                                 \
		return ctx->devices.nr ? &ctx->devices.arr[0] : NULL;     \
	}

ARRAY_ACCESSORS(namespace, namespace, nr_namespaces)
ARRAY_ACCESSORS(region, region, nr_regions)

MEMPLUG_EXPORT struct memplug_namespace *
memplug_namespace_get_next(struct memplug_namespace *ns)
{
	struct memplug_ctx *ctx = ns->ctx;

	return ns + 1 < ctx->devices.namespace + ctx->devices.nr_namespaces ?
		       ns + 1 :
		       NULL;
}

MEMPLUG_EXPORT struct memplug_region *
memplug_region_get_next(struct memplug_region *region)
{
	struct memplug_ctx *ctx = region->ctx;

	return region + 1 < ctx->devices.region + ctx->devices.nr_regions ?
		       region + 1 :
		       NULL;
}

MEMPLUG_EXPORT struct memplug_ctx *
memplug_namespace_get_ctx(struct memplug_namespace *ns)
{
	return ns->ctx;
}

MEMPLUG_EXPORT struct memplug_ctx *
memplug_region_get_ctx(struct memplug_region *region)
{
	return region->ctx;
}

MEMPLUG_EXPORT const char *
memplug_namespace_get_name(struct memplug_namespace *ns)
{
	return ns->name;
}

MEMPLUG_EXPORT const char *
memplug_namespace_get_mode(struct memplug_namespace *ns)
{
	return ns->mode;
}

MEMPLUG_EXPORT uint64_t memplug_namespace_get_size(struct memplug_namespace *ns)
{
	return ns->size;
}

MEMPLUG_EXPORT const char *
memplug_namespace_get_map(struct memplug_namespace *ns)
{
	return ns->map;
}

MEMPLUG_EXPORT int memplug_namespace_get_numa_node(struct memplug_namespace *ns)
{
	return ns->numa_node;
}

MEMPLUG_EXPORT int
memplug_namespace_get_target_node(struct memplug_namespace *ns)
{
	return ns->target_node;
}

MEMPLUG_EXPORT const char *
memplug_namespace_get_dax(struct memplug_namespace *ns)
{
	return ns->dax;
}

MEMPLUG_EXPORT const char *
memplug_namespace_get_uuid(struct memplug_namespace *ns)
{
	return ns->uuid;
}

MEMPLUG_EXPORT const char *
memplug_namespace_get_dax_uuid(struct memplug_namespace *ns)
{
	return ns->dax_uuid;
}

MEMPLUG_EXPORT const char *memplug_region_get_name(struct memplug_region *r)
{
	return r->name;
}

MEMPLUG_EXPORT const char *memplug_region_get_mode(struct memplug_region *r)
{
	return r->mode;
}

MEMPLUG_EXPORT uint64_t memplug_region_get_size(struct memplug_region *r)
{
	return r->size;
}

MEMPLUG_EXPORT bool memplug_region_get_resource(struct memplug_region *r,
						uint64_t *resource)
{
	if (r->has_resource)
		*resource = r->resource;
	return r->has_resource;
}

MEMPLUG_EXPORT bool memplug_region_is_committed(struct memplug_region *r)
{
	return r->committed;
}

MEMPLUG_EXPORT const char *memplug_region_get_dax(struct memplug_region *r)
{
	return r->dax;
}

MEMPLUG_EXPORT unsigned int
memplug_region_get_nr_memdevs(struct memplug_region *r)
{
	return r->nr_memdevs;
}

MEMPLUG_EXPORT bool memplug_region_get_memdev_serial(struct memplug_region *r,
						     unsigned int index,
						     uint64_t *serial)
{
	if (index >= r->nr_memdevs || !r->serial_ok[index])
		return false;
	*serial = r->serials[index];
	return true;
}
