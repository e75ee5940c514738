/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * libmemplug: a model of hot-pluggable memory (memory blocks, nodes, zones,
 * the devices that own the blocks, and where each block's memmap lives) and
 * the kernel I/O that changes it.  Every kernel path is read below one sysfs
 * root, so the same code runs on a live kernel, in a VM or on a test tree.
 *
 * The library never prints and never parses argv: messages go through the
 * log callback, results through return values.
 *
 * Contract.  Getters (memplug_get_*, memplug_has_*, memplug_*_get_*) and
 * memplug_scan() read the kernel and write nothing; the few that read more
 * than the scan did say so.  Actions (enable, set, online, offline, lock)
 * change the kernel or <root>/run/memplug and document any wait or retry.
 * No call changes signal dispositions, signal masks or timers: that policy
 * is the caller's (tests/unit/check-imports.py keeps it so).  Every call
 * that fails returns a negative errno and leaves one line saying what
 * failed and why in memplug_get_error() (tests/unit/test_errors.py).
 *
 * Objects: a context owns every block, node, source, namespace and region;
 * each object reaches it with memplug_<object>_get_ctx().  Calls that
 * change one object take that object.
 *
 * ABI: every symbol is versioned by libmemplug.sym and listed in
 * libmemplug.symbols.  Until the first release (0.1.0, soname 0) all of
 * them are in one version node, LIBMEMPLUG_0, and may still change.  Once
 * a release has shipped, its node is frozen: a later symbol goes into a
 * new node named for the release that adds it and inheriting the last
 * one; removing a symbol or changing a signature bumps the soname.  No
 * public constant sizes a caller's array: an enum may gain values in a
 * later release.
 */
#ifndef _LIBMEMPLUG_H_
#define _LIBMEMPLUG_H_

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct memplug_ctx;
struct memplug_block;
struct memplug_node;
struct memplug_source;
struct memplug_namespace;
struct memplug_region;

/* ---- context ----------------------------------------------------------- */

typedef void (*memplug_log_fn)(struct memplug_ctx *ctx, int priority,
			       const char *file, int line, const char *fn,
			       const char *format, va_list args);

/*
 * memplug_new - create a context reading the kernel below @sysfs_root.
 * NULL means $MEMPLUG_SYSFS_ROOT, or "/" when that is unset.  Returns 0 or a
 * negative errno.  The context starts with one reference.
 */
int memplug_new(struct memplug_ctx **ctx, const char *sysfs_root);
struct memplug_ctx *memplug_ref(struct memplug_ctx *ctx);
struct memplug_ctx *memplug_unref(struct memplug_ctx *ctx);
void memplug_set_log_fn(struct memplug_ctx *ctx, memplug_log_fn log_fn);
int memplug_get_log_priority(struct memplug_ctx *ctx);
void memplug_set_log_priority(struct memplug_ctx *ctx, int priority);
void memplug_set_userdata(struct memplug_ctx *ctx, void *userdata);
void *memplug_get_userdata(struct memplug_ctx *ctx);
const char *memplug_get_sysfs_root(struct memplug_ctx *ctx);
/* true when the root directory is / itself (same device and inode, so
 * "/.", "/sys/.." or a symlink to / too): the live kernel, writes are real */
bool memplug_is_live(struct memplug_ctx *ctx);
/* the monotonic clock, in ns, that batch timings (elapsed_ns) use */
uint64_t memplug_clock_ns(void);

/*
 * memplug_scan - (re)read the whole model.  Invalidates every block, node,
 * source, namespace and region pointer taken before.  On failure returns a
 * negative errno and memplug_get_error() names what was wrong.
 */
int memplug_scan(struct memplug_ctx *ctx);
/*
 * memplug_refresh - after block writes made through this context
 * (memplug_block_online() and friends): re-read node and zone page counts
 * and vmstat, and place the memmap again.  Blocks keep the states the
 * writes gave them and every pointer stays valid; a change made by someone
 * else needs memplug_scan().
 */
int memplug_refresh(struct memplug_ctx *ctx);
/* one line naming the last failure ("... : No such file or directory") */
const char *memplug_get_error(struct memplug_ctx *ctx);

/* ---- kernel facts (valid after memplug_scan) ---------------------------- */

enum memplug_tristate {
	MEMPLUG_UNKNOWN = -1,
	MEMPLUG_NO = 0,
	MEMPLUG_YES = 1,
};

uint64_t memplug_get_block_size(struct memplug_ctx *ctx);
/*
 * The page size of the running kernel (sysconf), also on a test tree: no
 * file below a root says it, and trees model machines of the running
 * architecture.  Zone page counts are in these pages.
 */
uint64_t memplug_get_page_size(struct memplug_ctx *ctx);
/* the memmap (struct page array) of @bytes of memory, in bytes */
uint64_t memplug_get_memmap_size(struct memplug_ctx *ctx, uint64_t bytes);
/* NULL when the kernel does not expose it */
const char *memplug_get_kernel_release(struct memplug_ctx *ctx);
const char *memplug_get_auto_online_blocks(struct memplug_ctx *ctx);
/* the memory_hotplug.memmap_on_memory parameter as the kernel reads it */
const char *memplug_get_memmap_on_memory(struct memplug_ctx *ctx);
/* that parameter is on: Y, y, 1 or force (absent or anything else: off) */
bool memplug_has_memmap_on_memory(struct memplug_ctx *ctx);
const char *memplug_get_online_policy(struct memplug_ctx *ctx);
long memplug_get_auto_movable_ratio(struct memplug_ctx *ctx); /* -1: none */
/* the dax memmap_on_memory knob: UNKNOWN when no dax device can tell */
enum memplug_tristate memplug_has_dax_memmap_knob(struct memplug_ctx *ctx);
/*
 * Parallel deferred onlining.  These getters read the command line and
 * module parameter files once per context and nothing else: _requested is
 * parallel_hotplug_ratio= on the command line (a kernel without the
 * feature ignores it), _has is the running kernel confirmed to have it
 * (with a ratio other than 0), the evidence says what confirmed it
 * ("module": a parameter file; "kallsyms": the kernel's
 * deferred_online_memory), NULL while unconfirmed.
 */
bool memplug_has_parallel_onlining(struct memplug_ctx *ctx);
bool memplug_parallel_onlining_requested(struct memplug_ctx *ctx);
long memplug_get_parallel_hotplug_ratio(struct memplug_ctx *ctx); /* -1 */
const char *memplug_get_parallel_evidence(struct memplug_ctx *ctx);
/*
 * Confirm a requested but unconfirmed parallel onlining by reading
 * /proc/kallsyms (megabytes; once per context, only when requested).
 * Reads only.  Returns memplug_has_parallel_onlining() afterwards.
 */
bool memplug_probe_parallel_onlining(struct memplug_ctx *ctx);
/*
 * Linear onlining: the kernel has the zone-contiguity fix (onlining a
 * block updates its zone's contiguity in O(1) instead of walking the
 * zone span), so ascending onlining, the kernel's own order when it
 * onlines a whole device, costs no more than descending.  The evidence
 * says why: "module" (memory_hotplug.fast_contig reads Y or 1, a patched
 * kernel's boot switch; N or 0 there means no fix, whatever the release)
 * or "release" (Linux 7.4 or later, from the release the scan read);
 * NULL without the fix.  Reads nothing beyond the scan.
 */
bool memplug_has_linear_onlining(struct memplug_ctx *ctx);
const char *memplug_get_linear_evidence(struct memplug_ctx *ctx);
bool memplug_has_memory_probe(struct memplug_ctx *ctx);
/* /proc/vmstat counters, -1 when the kernel has none */
long long memplug_get_nr_memmap_pages(struct memplug_ctx *ctx);
long long memplug_get_nr_memmap_boot_pages(struct memplug_ctx *ctx);

/* ---- zones ---------------------------------------------------------------- */

/*
 * The values never change; a later release may add zones the kernel has
 * (Highmem, Device) after MEMPLUG_ZONE_UNKNOWN, so there is no count: a
 * caller that keeps something per zone bounds it by the zones it knows
 * and treats any other value as MEMPLUG_ZONE_UNKNOWN.
 */
enum memplug_zone {
	MEMPLUG_ZONE_DMA = 0,
	MEMPLUG_ZONE_DMA32 = 1,
	MEMPLUG_ZONE_NORMAL = 2,
	MEMPLUG_ZONE_MOVABLE = 3,
	MEMPLUG_ZONE_NONE = 4, /* an online block that spans zones or nodes */
	MEMPLUG_ZONE_UNKNOWN = 5, /* unreadable or unparsable valid_zones */
};

/* the kernel's spelling: "DMA", "DMA32", "Normal", "Movable", "none";
 * "unknown" for MEMPLUG_ZONE_UNKNOWN and any value this version lacks */
const char *memplug_zone_name(enum memplug_zone zone);
/* case-insensitive; returns MEMPLUG_ZONE_UNKNOWN for anything else */
enum memplug_zone memplug_zone_from_name(const char *name);

/* ---- memory blocks ------------------------------------------------------- */

enum memplug_block_state {
	MEMPLUG_BLOCK_ONLINE,
	MEMPLUG_BLOCK_OFFLINE,
	MEMPLUG_BLOCK_GOING_OFFLINE,
	MEMPLUG_BLOCK_UNKNOWN,
};

const char *memplug_block_state_name(enum memplug_block_state state);

struct memplug_block *memplug_block_get_first(struct memplug_ctx *ctx);
struct memplug_block *memplug_block_get_next(struct memplug_block *block);
#define memplug_block_foreach(ctx, block)                         \
	for (block = memplug_block_get_first(ctx); block != NULL; \
	     block = memplug_block_get_next(block))
struct memplug_block *memplug_block_get_by_id(struct memplug_ctx *ctx,
					      unsigned long id);

struct memplug_ctx *memplug_block_get_ctx(struct memplug_block *block);
unsigned long memplug_block_get_id(struct memplug_block *block);
uint64_t memplug_block_get_start(struct memplug_block *block);
uint64_t memplug_block_get_size(struct memplug_block *block);
enum memplug_block_state memplug_block_get_state(struct memplug_block *block);
/*
 * The state of block memory@id read now, without a scan (one file): for a
 * caller that acts on one block among thousands, e.g. per udev event.
 * MEMPLUG_BLOCK_UNKNOWN when there is no such block or it is unreadable.
 */
enum memplug_block_state memplug_block_read_state(struct memplug_ctx *ctx,
						  unsigned long id);
int memplug_block_get_node(struct memplug_block *block); /* -1: unknown */
/* online: the zone it is in; offline: the zone a plain online would pick */
enum memplug_zone memplug_block_get_zone(struct memplug_block *block);
/* the raw valid_zones text, NULL when unreadable */
const char *memplug_block_get_valid_zones(struct memplug_block *block);
/* an offline block that may be onlined into @zone */
bool memplug_block_can_online_to(struct memplug_block *block,
				 enum memplug_zone zone);
enum memplug_tristate memplug_block_is_removable(struct memplug_block *block);
struct memplug_source *memplug_block_get_source(struct memplug_block *block);

/* ---- nodes ---------------------------------------------------------------- */

struct memplug_node *memplug_node_get_first(struct memplug_ctx *ctx);
struct memplug_node *memplug_node_get_next(struct memplug_node *node);
#define memplug_node_foreach(ctx, node)                        \
	for (node = memplug_node_get_first(ctx); node != NULL; \
	     node = memplug_node_get_next(node))
struct memplug_node *memplug_node_get_by_id(struct memplug_ctx *ctx, int id);

struct memplug_ctx *memplug_node_get_ctx(struct memplug_node *node);
int memplug_node_get_id(struct memplug_node *node);
long long memplug_node_get_mem_total(struct memplug_node *node); /* -1 */
/* MemTotal of node @id read now, not at the scan, in bytes; -1 */
long long memplug_node_read_mem_total(struct memplug_ctx *ctx, int id);
unsigned long memplug_node_get_nr_blocks(struct memplug_node *node);
unsigned long memplug_node_get_nr_online(struct memplug_node *node);
/* nodeN/cpulist names a CPU (true when unreadable) */
bool memplug_node_has_cpus(struct memplug_node *node);

struct memplug_zone_pages {
	long long present;
	long long managed;
	long long spanned;
};

/* false when /proc/zoneinfo has no such zone on the node */
bool memplug_node_get_zone_pages(struct memplug_node *node,
				 enum memplug_zone zone,
				 struct memplug_zone_pages *pages);

/*
 * Kernel-zone pressure on a node: the memmap of Movable memory lives in
 * kernel zones.  Returns the Movable:kernel ratio (in percent) the node
 * would have after @nr_kernel_pages of kernel-zone memory go offline, or
 * -1 when the node has no kernel zone left at all.
 */
long memplug_node_movable_ratio_after(struct memplug_node *node,
				      long long nr_kernel_pages);
/* the kernel docs' warning threshold for Movable:kernel memory, 3:1 */
#define MEMPLUG_MOVABLE_RATIO_LIMIT 300

/* ---- memory sources ----------------------------------------------------- */

enum memplug_source_type {
	MEMPLUG_SOURCE_DAX, /* a dax device (nvdimm namespace, CXL region) */
	MEMPLUG_SOURCE_BOOT, /* memory present at boot, or probe-added */
	MEMPLUG_SOURCE_DIMM, /* an ACPI memory device (pc-dimm, NVDIMM-N) */
	MEMPLUG_SOURCE_VIRTIO_MEM,
	MEMPLUG_SOURCE_HOTPLUG, /* hot-added, owner unknown */
};

enum memplug_mode {
	MEMPLUG_MODE_SYSTEM_RAM,
	MEMPLUG_MODE_DEVDAX,
	MEMPLUG_MODE_DISABLED,
	MEMPLUG_MODE_UNKNOWN,
};

/*
 * The kernel's whole-device state of a kmem-bound dax device
 * (daxX.Y/state, Linux 7.3): NONE where the kernel has no such file.  It
 * tells the device's last whole-device operation, not its blocks: after
 * blocks were onlined one by one it still reads "offline".  Memory present
 * or absent is what the blocks say; UNPLUGGED means none are present.
 */
enum memplug_dax_state {
	MEMPLUG_DAX_STATE_NONE,
	MEMPLUG_DAX_STATE_UNPLUGGED,
	MEMPLUG_DAX_STATE_OFFLINE,
	MEMPLUG_DAX_STATE_ONLINE,
	MEMPLUG_DAX_STATE_ONLINE_KERNEL,
	MEMPLUG_DAX_STATE_ONLINE_MOVABLE,
	MEMPLUG_DAX_STATE_UNKNOWN, /* the file holds something else */
};

enum memplug_memmap_location {
	MEMPLUG_MEMMAP_SELF, /* on the hot-added block itself */
	MEMPLUG_MEMMAP_NODE, /* in ordinary RAM of memplug_memmap.node */
	MEMPLUG_MEMMAP_UNKNOWN,
};

struct memplug_memmap {
	enum memplug_memmap_location location;
	int node; /* with MEMPLUG_MEMMAP_NODE, -1 if unknown */
	bool observed; /* confirmed by zone present - managed pages */
	uint64_t bytes;
	const char *reason;
};

const char *memplug_source_type_name(enum memplug_source_type type);
const char *memplug_mode_name(enum memplug_mode mode);
/* "unplugged", "offline", "online", ...; NULL for NONE and UNKNOWN */
const char *memplug_dax_state_name(enum memplug_dax_state state);

struct memplug_source *memplug_source_get_first(struct memplug_ctx *ctx);
struct memplug_source *memplug_source_get_next(struct memplug_source *source);
#define memplug_source_foreach(ctx, source)                          \
	for (source = memplug_source_get_first(ctx); source != NULL; \
	     source = memplug_source_get_next(source))
/* by source name, or the name of its namespace or CXL region */
struct memplug_source *memplug_source_get_by_name(struct memplug_ctx *ctx,
						  const char *name);
/* @name is the source's, its namespace's or its CXL region's */
bool memplug_source_has_name(struct memplug_source *source, const char *name);
struct memplug_ctx *memplug_source_get_ctx(struct memplug_source *source);

const char *memplug_source_get_name(struct memplug_source *source);
enum memplug_source_type memplug_source_get_type(struct memplug_source *source);
enum memplug_mode memplug_source_get_mode(struct memplug_source *source);
uint64_t memplug_source_get_size(struct memplug_source *source);
int memplug_source_get_target_node(struct memplug_source *source); /* -1 */
int memplug_source_get_numa_node(struct memplug_source *source); /* -1 */
/* the dax memmap_on_memory knob: NO, YES, or UNKNOWN when there is none */
enum memplug_tristate
memplug_source_get_memmap_knob(struct memplug_source *source);
const char *memplug_source_get_namespace(struct memplug_source *source);
const char *memplug_source_get_region(struct memplug_source *source);
/* a dax device's daxX.Y/state */
enum memplug_dax_state
memplug_source_get_dax_state(struct memplug_source *source);
/*
 * The whole blocks a dax device's ranges span: what kmem adds when it
 * binds.  Fewer present blocks than this on a system-ram
 * device means memory is missing (unplugged, or a partial bind).  0 for
 * other sources, or when the range is unreadable.
 */
unsigned long memplug_source_get_nr_range_blocks(struct memplug_source *source);
/* false when the source's address range cannot be read (not root) */
bool memplug_source_has_range(struct memplug_source *source);
uint64_t memplug_source_get_start(struct memplug_source *source);

/* the blocks of a source, in address order */
unsigned long memplug_source_get_nr_blocks(struct memplug_source *source);
struct memplug_block *memplug_source_get_block(struct memplug_source *source,
					       unsigned long index);
unsigned long memplug_source_count_state(struct memplug_source *source,
					 enum memplug_block_state state);
/* online blocks in @zone */
unsigned long memplug_source_count_zone(struct memplug_source *source,
					enum memplug_zone zone);
void memplug_source_get_memmap(struct memplug_source *source,
			       struct memplug_memmap *memmap);

/* ---- nvdimm namespaces and CXL regions ------------------------------------ */

struct memplug_namespace *memplug_namespace_get_first(struct memplug_ctx *ctx);
struct memplug_namespace *
memplug_namespace_get_next(struct memplug_namespace *ns);
#define memplug_namespace_foreach(ctx, ns)                      \
	for (ns = memplug_namespace_get_first(ctx); ns != NULL; \
	     ns = memplug_namespace_get_next(ns))
struct memplug_ctx *memplug_namespace_get_ctx(struct memplug_namespace *ns);
const char *memplug_namespace_get_name(struct memplug_namespace *ns);
/* "raw", "fsdax", "devdax", "sector" (ndctl's names) */
const char *memplug_namespace_get_mode(struct memplug_namespace *ns);
uint64_t memplug_namespace_get_size(struct memplug_namespace *ns);
/* "mem" or "dev" for fsdax/devdax, NULL otherwise */
const char *memplug_namespace_get_map(struct memplug_namespace *ns);
int memplug_namespace_get_numa_node(struct memplug_namespace *ns);
int memplug_namespace_get_target_node(struct memplug_namespace *ns);
const char *memplug_namespace_get_dax(struct memplug_namespace *ns);
/*
 * The uuid in the namespace's label (NULL for a
 * label-less namespace), and for a devdax namespace the uuid of its info
 * block, which ndctl list prints as "uuid" (NULL otherwise).  Both survive
 * reboots: memplug.conf names namespaces by either.
 */
const char *memplug_namespace_get_uuid(struct memplug_namespace *ns);
const char *memplug_namespace_get_dax_uuid(struct memplug_namespace *ns);

struct memplug_region *memplug_region_get_first(struct memplug_ctx *ctx);
struct memplug_region *memplug_region_get_next(struct memplug_region *region);
#define memplug_region_foreach(ctx, region)                          \
	for (region = memplug_region_get_first(ctx); region != NULL; \
	     region = memplug_region_get_next(region))
struct memplug_ctx *memplug_region_get_ctx(struct memplug_region *region);
const char *memplug_region_get_name(struct memplug_region *region);
const char *memplug_region_get_mode(struct memplug_region *region);
uint64_t memplug_region_get_size(struct memplug_region *region);
/* false when the region's resource is unreadable or unset */
bool memplug_region_get_resource(struct memplug_region *region,
				 uint64_t *resource);
bool memplug_region_is_committed(struct memplug_region *region);
const char *memplug_region_get_dax(struct memplug_region *region);
/*
 * The memory devices behind a region, one per target
 * (interleave way), and the serial number of the one at @index; false when
 * it cannot be read.
 */
unsigned int memplug_region_get_nr_memdevs(struct memplug_region *region);
bool memplug_region_get_memdev_serial(struct memplug_region *region,
				      unsigned int index, uint64_t *serial);

/* ---- changing state ------------------------------------------------------
 * Every write goes below the sysfs root.  On the live kernel (root "/")
 * device binding goes through libdaxctl and libndctl, module loading
 * through libkmod; on any other root the same sysfs files are written
 * directly, which is what tests model.
 */

/* the value written to a block's state file */
enum memplug_online_type {
	MEMPLUG_ONLINE_MOVABLE, /* "online_movable" */
	MEMPLUG_ONLINE_KERNEL, /* "online_kernel" */
	MEMPLUG_ONLINE_AUTO, /* "online": the kernel's online_policy decides */
};

const char *memplug_online_type_name(enum memplug_online_type type);
/* the zone an online type must end in; MEMPLUG_ZONE_UNKNOWN for auto */
enum memplug_zone memplug_online_type_zone(enum memplug_online_type type);

/*
 * The order of block writes is a policy: on kernels before the 2026
 * zone-contiguity fix each online rescans the zone span up to the first
 * hole, so ascending onlining is quadratic.
 */
enum memplug_order {
	MEMPLUG_ORDER_ASCENDING, /* lowest address first: chmem, a loop */
	MEMPLUG_ORDER_DESCENDING, /* highest address first */
	MEMPLUG_ORDER_HOLE_FIRST, /* second-lowest first, then top down */
	MEMPLUG_ORDER_DEFAULT, /* the fastest known for the operation */
	MEMPLUG_ORDER_UNKNOWN, /* memplug_order_from_name(): no such name */
};

enum memplug_op {
	MEMPLUG_OP_ONLINE,
	MEMPLUG_OP_OFFLINE,
};

const char *memplug_order_name(enum memplug_order order);
/* returns MEMPLUG_ORDER_UNKNOWN for an unknown name */
enum memplug_order memplug_order_from_name(const char *name);
/* resolves MEMPLUG_ORDER_DEFAULT: descending to online, hole-first off */
enum memplug_order memplug_order_resolve(enum memplug_order order,
					 enum memplug_op op);
/* sorts @blocks (any order on entry) into the order of writes */
void memplug_order_blocks(struct memplug_block **blocks, unsigned long nr,
			  enum memplug_order order);

/*
 * One state write; returns 0 or a negative errno (EINVAL if already so).
 * With parallel deferred onlining (memplug_has_parallel_onlining()) the
 * kernel may take the write and online the block later, in its deferred
 * phase (ms to s): there the state is read again after the write, and a
 * deferred block reads offline.  memplug_online_blocks() waits for it.
 */
int memplug_block_online(struct memplug_block *block,
			 enum memplug_online_type type);
int memplug_block_offline(struct memplug_block *block);
/* re-read state, zones and node of one block */
int memplug_block_refresh(struct memplug_block *block);

struct memplug_batch {
	unsigned long done; /* blocks changed */
	unsigned long nr_failed;
	struct memplug_block **failed; /* still not in the wanted state */
	int error; /* negative errno of the last failure */
	uint64_t elapsed_ns;
	/*
	 * Online: the blocks the kernel deferred (the write was taken, or
	 * refused as still pending, and the block did not read online
	 * yet).  Those that came online within the bound count in done,
	 * the others are in failed (-ETIMEDOUT).
	 */
	unsigned long nr_deferred;
	struct memplug_block **deferred;
	uint64_t deferred_ns; /* the part of elapsed_ns spent waiting */
};

/*
 * The zone memplug onlined @block into during this boot (its record in
 * run/memplug), MEMPLUG_ZONE_UNKNOWN when memplug did not online it or the
 * record is gone.  Reads the record; writes nothing.
 */
enum memplug_zone memplug_block_get_onlined_zone(struct memplug_block *block);
/*
 * memplug_online_blocks - online the offline ones among @blocks, in @order.
 * Blocks already online are left alone.  Returns 0 when every block is
 * online afterwards, else a negative errno with @batch naming the failures.
 * With parallel deferred onlining (memplug_probe_parallel_onlining(),
 * which reads /proc/kallsyms once when the command line asks for it and
 * nothing cheaper confirmed it) a block the kernel deferred is waited for,
 * its state polled (1 ms, doubling to 64 ms) for up to @timeout_ms after
 * the last write; one still not online then fails with -ETIMEDOUT.  There
 * a write refused with -EINVAL while the block reads offline is waited
 * for too: the device core counts a block whose deferred phase is still
 * pending (from an earlier write) as online.  Only blocks that read
 * online are recorded as memplug's (run/memplug).
 */
int memplug_online_blocks(struct memplug_ctx *ctx,
			  struct memplug_block **blocks, unsigned long nr,
			  enum memplug_online_type type,
			  enum memplug_order order, unsigned int timeout_ms,
			  struct memplug_batch *batch);
/*
 * memplug_offline_blocks - offline the online ones among @blocks, retrying
 * the busy ones (sleeping 20-200 ms between rounds) until @timeout_ms has
 * passed.  It touches no signal state: a block's offline write can block
 * in the kernel until a signal is pending, so a caller that wants
 * @timeout_ms to bound such a write arranges a signal itself (memplug(1)
 * arms SIGALRM, without SA_RESTART); the write then fails with -EINTR.
 */
int memplug_offline_blocks(struct memplug_ctx *ctx,
			   struct memplug_block **blocks, unsigned long nr,
			   enum memplug_order order, unsigned int timeout_ms,
			   struct memplug_batch *batch);
void memplug_batch_release(struct memplug_batch *batch);

/* ---- dax devices ----------------------------------------------------------- */

/* write the dax device's memmap_on_memory knob (the device must be unbound) */
int memplug_dax_set_memmap_knob(struct memplug_source *source, bool on);
/* bind to kmem (system-ram); the kernel may online per auto_online_blocks */
int memplug_dax_enable_ram(struct memplug_source *source);
/* bind to device_dax (devdax) */
int memplug_dax_enable_devdax(struct memplug_source *source);
/* unbind from its driver: refuses (-EBUSY) while any block is online */
int memplug_dax_disable(struct memplug_source *source);
/*
 * memplug_dax_set_state - write daxX.Y/state (Linux 7.3, kmem bound):
 * UNPLUGGED offlines and removes all the device's memory, keeping kmem
 * bound; ONLINE, ONLINE_KERNEL or ONLINE_MOVABLE hot-adds and
 * onlines the whole device in one kernel operation (only from UNPLUGGED).
 * -EOPNOTSUPP when the kernel has no such file; the write's errno else.
 */
int memplug_dax_set_state(struct memplug_source *source,
			  enum memplug_dax_state state);
/*
 * Whether memplug unplugged the device this boot (memplug_dax_set_state
 * with UNPLUGGED, no bind or online write since): its record in
 * run/memplug, read, never written.
 */
bool memplug_dax_unplugged_by_memplug(struct memplug_source *source);
/*
 * The pid of a process that has the devdax character device open or
 * mapped, 0 when none, -1 when it cannot be told.
 */
int memplug_dax_user(struct memplug_source *source);

/* ---- nvdimm namespaces ------------------------------------------------------ */

/*
 * Reconfigure a raw or fsdax namespace to devdax (destroys its data).
 * Live kernel only: -EOPNOTSUPP on any other sysfs root.
 */
int memplug_namespace_to_devdax(struct memplug_namespace *ns);

/* ---- one memplug at a time --------------------------------------------- */

/*
 * Take the machine-wide lock (<root>/run/memplug/lock), waiting up to
 * @wait_ms.  Returns 0, -EWOULDBLOCK on time-out, or another -errno.
 * Holding it, first restores auto_online_blocks when a killed
 * memplug_dax_enable_ram_online() left it changed (its journal in
 * <root>/run/memplug).
 */
int memplug_lock(struct memplug_ctx *ctx, unsigned int wait_ms);
void memplug_unlock(struct memplug_ctx *ctx);

/* ---- parallel (kernel-side) onlining ------------------------------------ */

/*
 * Bind @source to kmem with auto_online_blocks set to @type, so that the
 * kernel onlines the whole range in one hotplug operation (the path that
 * parallel deferred onlining speeds up), then restore auto_online_blocks.
 * The original value is journaled (fsync'd) in <root>/run/memplug first,
 * so that a SIGKILL in between is repaired by the next memplug_lock().
 * Touches no signal state (a caller that must not be stopped between the
 * change and the restore holds its signals) and does not wait: with
 * deferred onlining, pages reach the allocator after the blocks read
 * online; memplug_node_read_mem_total() observes that.
 */
int memplug_dax_enable_ram_online(struct memplug_source *source,
				  enum memplug_online_type type);

#ifdef __cplusplus
}
#endif

#endif /* _LIBMEMPLUG_H_ */
