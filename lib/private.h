/* SPDX-License-Identifier: LGPL-2.1 */
#ifndef _MEMPLUG_PRIVATE_H_
#define _MEMPLUG_PRIVATE_H_

#include <dirent.h>
#include <stdio.h>
#include <syslog.h>
#include <sys/types.h>
#include "libmemplug.h"

#define MEMPLUG_EXPORT __attribute__((visibility("default")))

#define SYSFS_MEMORY "sys/devices/system/memory"
#define SYSFS_NODE "sys/devices/system/node"
#define SYSFS_DAX "sys/bus/dax"
#define SYSFS_ND "sys/bus/nd/devices"
#define SYSFS_CXL "sys/bus/cxl/devices"
#define SYSFS_HOTPLUG_PARAMS "sys/module/memory_hotplug/parameters"

/* sizeof(struct page) on 64-bit kernels: the memmap costs this per page */
#define STRUCT_PAGE_BYTES 64

/* the zones of enum memplug_zone, a bound the library keeps to itself
 * (libmemplug.h publishes no count): a zone added to the enum, after
 * MEMPLUG_ZONE_UNKNOWN, raises it */
#define NR_ZONES (MEMPLUG_ZONE_UNKNOWN + 1)

/* removable is read on first use: lsmem shows it, nothing else needs it */
#define REMOVABLE_UNREAD (-2)

/*
 * One valid_zones text and the zones it names, kept once per context: a
 * host reads a handful of distinct texts ("Normal", "none", "Movable
 * Normal") over thousands of blocks.
 */
struct valid_zones {
	unsigned int mask; /* every zone named; 0 when any word is unknown */
	enum memplug_zone first; /* the first zone named, or UNKNOWN */
	char text[];
};

/* 48 bytes a block: a 16 TiB host of 256 MiB blocks holds 65,536 */
struct memplug_block {
	struct memplug_ctx *ctx;
	unsigned long id;
	struct memplug_source *source;
	const struct valid_zones *valid_zones; /* NULL when unreadable */
	int node;
	enum memplug_block_state state;
	enum memplug_zone zone;
	bool zones_read; /* valid_zones and zone */
	signed char removable; /* enum memplug_tristate, or REMOVABLE_UNREAD */
};

struct memplug_node {
	struct memplug_ctx *ctx;
	int id;
	long long mem_total;
	unsigned long nr_blocks;
	unsigned long nr_online;
	enum memplug_tristate has_cpus; /* read on first ask */
	bool has_zone[NR_ZONES];
	struct memplug_zone_pages zones[NR_ZONES];
};

struct memplug_source {
	struct memplug_ctx *ctx;
	int index; /* in ctx->sources */
	char *name;
	enum memplug_source_type type;
	enum memplug_mode mode;
	uint64_t size;
	int target_node;
	int numa_node;
	enum memplug_tristate memmap_knob;
	enum memplug_dax_state dax_state;
	unsigned long nr_range_blocks; /* whole blocks in its ranges */
	char *namespace;
	char *region;
	bool has_range;
	uint64_t start, end; /* inclusive byte range, when has_range */
	struct memplug_block **blocks;
	unsigned long nr_blocks;
	struct memplug_memmap memmap;
	char reason[160];
};

struct memplug_namespace {
	struct memplug_ctx *ctx;
	char *name;
	char *mode;
	uint64_t size;
	char *map;
	int numa_node;
	int target_node;
	char *dax;
	char *uuid; /* the label's, NULL when none (label-less) */
	char *dax_uuid; /* a devdax namespace's info block's */
};

struct memplug_region {
	struct memplug_ctx *ctx;
	char *name;
	char *mode;
	uint64_t size;
	bool has_resource;
	uint64_t resource;
	bool committed;
	char *dax;
	unsigned int nr_memdevs; /* interleave ways: target0..N-1 */
	uint64_t *serials; /* per target, valid where serial_ok */
	bool *serial_ok;
};

/* an address range named in /proc/iomem, with the range that holds it */
struct iomem_range {
	uint64_t start, end;
	char *name;
	char *parent;
};

/* parallel deferred onlining: facts of the boot, read on first ask */
struct parallel_facts {
	bool detected; /* the cheap evidence was read */
	bool requested; /* parallel_hotplug_ratio= on the command line */
	bool confirmed; /* the running kernel has it */
	bool probed; /* kallsyms was looked at */
	long ratio; /* -1 when not given */
	const char *evidence; /* "module", "kallsyms" or NULL */
};

/* log.c: where messages go, and the last failed call's error line */
struct log_state {
	memplug_log_fn fn;
	int priority;
	char error[512];
};

/* confine.c: the root every path is opened beneath */
struct confine_state {
	char *root; /* without trailing slash; "" for "/" */
	int root_fd; /* O_PATH of the root: every open goes beneath it */
	bool live; /* the root is "/" itself (by dev/ino) */
	char bad_file[320]; /* the first hostile kernel file of a scan */
	struct {
		bool on; /* between close_batch_begin() and _end() */
		int nr; /* fds read, not closed yet */
		int fd[64];
		int sysfs_dirfd; /* a directory on a real sysfs, or -1 */
	} close_batch;
};

/* kernel.c: global facts, rebuilt by each scan (parallel: once a ctx) */
struct kernel_facts {
	uint64_t block_size;
	uint64_t page_size;
	char *kernel_release;
	char *auto_online_blocks;
	char *memmap_on_memory;
	char *online_policy;
	char *fast_contig; /* memory_hotplug.fast_contig, NULL: none */
	long auto_movable_ratio;
	bool memory_probe;
	long long nr_memmap_pages;
	long long nr_memmap_boot_pages;
	struct parallel_facts parallel;
};

/* block.c: every memory block, and what blocks share */
struct block_set {
	struct memplug_block *block; /* sorted by id */
	unsigned long nr;
	int removable; /* the kernel-wide value (5.7+), REMOVABLE_UNREAD */
	bool removable_global; /* the kernel is 5.7 or later */
	struct valid_zones **valid_zones; /* interned by block_zones_set() */
	int nr_valid_zones;
};

/* node.c */
struct node_set {
	struct memplug_node *node; /* sorted by id */
	int nr;
};

/* source.c: what each block belongs to */
struct source_set {
	struct memplug_source **source;
	int nr;
};

/* device.c: nvdimm namespaces, CXL regions, the dax memmap knob */
struct device_set {
	struct memplug_namespace *namespace;
	int nr_namespaces;
	struct memplug_region *region;
	int nr_regions;
	enum memplug_tristate dax_memmap_knob; /* any dax device's */
};

/* iomem.c */
struct iomem_set {
	struct iomem_range *range;
	int nr;
};

/*
 * The context: each member is owned by the file named at its type, which
 * alone writes it; the others read it.
 */
struct memplug_ctx {
	int refcount; /* ctx.c */
	void *userdata; /* ctx.c */
	int lock_fd; /* lock.c (ctx.c starts it at -1) */
	struct log_state log;
	struct confine_state fs;
	/* the model, rebuilt by memplug_scan() */
	struct kernel_facts kernel;
	struct block_set blocks;
	struct node_set nodes;
	struct source_set sources;
	struct device_set devices;
	struct iomem_set iomem;
};

/*
 * The layers of the library, lowest first; a file calls only into files
 * below it (tests/unit/check-layering.py derives the calls from the
 * objects and fails on an upward one):
 *   log, lazy, confine, sysfs, rundir, order, kernel, iomem, block, node,
 *   source, device, memmap, hotplug, lock, dax, namespace, ctx
 */

/* ---- log.c: logging and the last-error line ---------------------------- */
void log_init(struct memplug_ctx *ctx);
void memplug_log(struct memplug_ctx *ctx, int priority, const char *file,
		 int line, const char *fn, const char *format, ...)
	__attribute__((format(printf, 6, 7)));

#define memplug_log_cond(ctx, prio, ...)                                     \
	do {                                                                 \
		if (memplug_get_log_priority(ctx) >= prio)                   \
			memplug_log(ctx, prio, __FILE__, __LINE__, __func__, \
				    __VA_ARGS__);                            \
	} while (0)

/* every level keeps errno as it was */
#define dbg(ctx, ...) memplug_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)
#define info(ctx, ...) memplug_log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define notice(ctx, ...) memplug_log_cond(ctx, LOG_NOTICE, __VA_ARGS__)
#define warn(ctx, ...) memplug_log_cond(ctx, LOG_WARNING, __VA_ARGS__)
#define err(ctx, ...) memplug_log_cond(ctx, LOG_ERR, __VA_ARGS__)

/* records the one-line error memplug_get_error() returns; returns -@errnum */
int set_error(struct memplug_ctx *ctx, int errnum, const char *format, ...)
	__attribute__((format(printf, 3, 4)));
void clear_error(struct memplug_ctx *ctx);
/*
 * The end of every exported call that can fail: an error set below (with
 * its real reason) stands; else @format and strerror(-@rc) become it.
 * Such a call clears the error when it starts.  Returns @rc.
 */
int fail(struct memplug_ctx *ctx, int rc, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- confine.c: opens beneath the root fd; bounded reads of files ------- */
/* @root (trailing slashes dropped) opened; -ENOMEM */
int confine_init(struct memplug_ctx *ctx, const char *root);
void confine_release(struct memplug_ctx *ctx);
/* a scan starts with no hostile file; the first one it met, or NULL */
void confine_scan_begin(struct memplug_ctx *ctx);
const char *confine_bad_file(struct memplug_ctx *ctx);
/* @path below the root (as root_path builds it) or relative to @dirfd
 * (AT_FDCWD: the root); flags as open(2) */
int root_openat(struct memplug_ctx *ctx, int dirfd, const char *path,
		int flags);
int root_open(struct memplug_ctx *ctx, const char *path, int flags);
DIR *root_opendir(struct memplug_ctx *ctx, const char *path);
/* a regular file, opened non-blocking; else -1 and the scan fails */
int root_open_read(struct memplug_ctx *ctx, int dirfd, const char *path);
/*
 * close(@fd), or between close_batch_begin() and close_batch_end() later,
 * with the run of consecutive fds it belongs to in one close_range()
 */
void root_close(struct memplug_ctx *ctx, int fd);
/*
 * @dirfd (-1: none): the directory the batch reads below.  When it is on a
 * real sysfs, files below it are opened without crossing a mount or a
 * symlink, so they are kernfs attributes and need no fstat().
 */
void close_batch_begin(struct memplug_ctx *ctx, int dirfd);
void close_batch_end(struct memplug_ctx *ctx);
/* the whole file, NUL-terminated, at most @cap bytes; NULL + errno */
char *read_file(struct memplug_ctx *ctx, int dirfd, const char *path,
		size_t cap, size_t *len);
/* file content fit to be one path component */
bool name_is_plain(const char *name);
/* read caps: a sysfs attribute is one page; /proc tables are small */
#define TEXT_MAX 4096
#define TABLE_MAX (16 << 20)
#define KALLSYMS_MAX (256ULL << 20)

/* ---- sysfs.c: the root, every path below it, and the clock ------------- */
/* @root, else $MEMPLUG_SYSFS_ROOT, else "/"; -ENOMEM */
int root_init(struct memplug_ctx *ctx, const char *root);
char *root_path(struct memplug_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* read a whole small file, trailing newline stripped; NULL + errno */
char *read_text(struct memplug_ctx *ctx, const char *path);
/* the same, PATH relative to the open directory DIRFD */
char *read_text_at(struct memplug_ctx *ctx, int dirfd, const char *path);
/*
 * Formatted readers: the path is FMT below the root.  read_textf returns
 * the text or NULL + errno; the others 0 or a negative errno, leaving
 * *@val untouched on failure (so a default set before stays).
 */
char *read_textf(struct memplug_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int read_u64f(struct memplug_ctx *ctx, uint64_t *val, int base, const char *fmt,
	      ...) __attribute__((format(printf, 4, 5)));
int read_intf(struct memplug_ctx *ctx, int *val, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool path_existsf(struct memplug_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int write_text(struct memplug_ctx *ctx, const char *path, const char *text);
/* a subdirectory of an open directory (beneath it), or NULL */
DIR *opendir_at(struct memplug_ctx *ctx, DIR *parent, const char *name);
/* N of a directory entry named PREFIXN ("node3", "memory42"), or -1 */
int name_number(const char *name, const char *prefix);
/* the last component of a symlink's target, NULL + errno */
char *link_basename(struct memplug_ctx *ctx, const char *path);
/* the symlink target resolved to a path relative to the root, or NULL */
char *link_resolve(struct memplug_ctx *ctx, const char *path);
int parse_u64(const char *text, int base, uint64_t *val);

/* ---- rundir.c: <root>/run/memplug, no symlinks, fixed modes ------------ */
/* run_read() returns at most RUN_FILE_MAX - 1 bytes of a file */
#define RUN_FILE_MAX 4096
int run_dir_open(struct memplug_ctx *ctx, bool create);
char *run_read(struct memplug_ctx *ctx, const char *name);
int run_write(struct memplug_ctx *ctx, const char *name, const char *text,
	      mode_t mode, bool durable);
int run_remove(struct memplug_ctx *ctx, const char *name);
/* the journal of auto_online_blocks around the kernel-auto path */
int journal_aob_save(struct memplug_ctx *ctx, const char *original);
int journal_aob_clear(struct memplug_ctx *ctx);
char *journal_aob_pending(struct memplug_ctx *ctx);
int journal_aob_repair(struct memplug_ctx *ctx);

/*
 * Parsers of kernel text, pure or on a stream, that the fuzz targets in
 * tests/fuzz call directly, are declared with the file that owns them.
 */

/* ---- kernel.c: global facts -------------------------------------------- */
int scan_kernel(struct memplug_ctx *ctx);
void kernel_counters(struct memplug_ctx *ctx);
void free_kernel(struct memplug_ctx *ctx);
/* the memory_hotplug.memmap_on_memory parameter, the one reading of it */
enum memmap_param { MEMMAP_PARAM_OFF, MEMMAP_PARAM_ON, MEMMAP_PARAM_FORCE };
enum memmap_param memmap_param(struct memplug_ctx *ctx);
/* the size of the memmap of @bytes of memory */
uint64_t memmap_bytes(struct memplug_ctx *ctx, uint64_t bytes);

/* the value of key= in a command line; of "key N" in vmstat;
 * whether a kallsyms stream defines @symbol */
const char *cmdline_param(const char *cmdline, const char *key);
long long vmstat_value(const char *vmstat, const char *key);
/* at most @cap bytes are read: -1 beyond, else 0/1 */
int kallsyms_fd_has(int fd, const char *symbol, uint64_t cap);
/* "MAJOR.MINOR" at the start of a kernel release; false if not so */
bool release_version(const char *release, unsigned int *major,
		     unsigned int *minor);

/* ---- iomem.c ------------------------------------------------------------ */
int scan_iomem(struct memplug_ctx *ctx);
void free_iomem(struct memplug_ctx *ctx);

/* one line "  start-end : name"; the ranges into ctx->iomem */
bool iomem_parse_line(char *line, int *depth, uint64_t *start, uint64_t *end,
		      char **name);
int iomem_parse(struct memplug_ctx *ctx, FILE *f);

/* ---- block.c ------------------------------------------------------------ */
int scan_blocks(struct memplug_ctx *ctx);
void free_blocks(struct memplug_ctx *ctx);
int block_read(struct memplug_ctx *ctx, int memfd, struct memplug_block *block);
/* read valid_zones if not yet read; take TEXT (NULL: unreadable) as
 * valid_zones; drop what was read */
void block_zones(struct memplug_block *block);
void block_zones_set(struct memplug_block *block, const char *text);
void block_zones_forget(struct memplug_block *block);
unsigned int zone_mask_parse(const char *text, enum memplug_zone *first);

/* parsers (also fuzzed): a block's state, its directory name */
enum memplug_block_state block_state_parse(const char *text);
bool block_name_id(const char *name, unsigned long *id);

/* ---- node.c ------------------------------------------------------------- */
int scan_nodes(struct memplug_ctx *ctx);
void node_counters(struct memplug_ctx *ctx);
void free_nodes(struct memplug_ctx *ctx);
/* MemTotal of nodeN/meminfo in bytes, -1 when unreadable */
long long node_meminfo_total(struct memplug_ctx *ctx, int id);

/* parser (also fuzzed): MemTotal in a meminfo text, bytes or -1 */
long long meminfo_total_parse(const char *text);

/* the zone page counts of /proc/zoneinfo into ctx->nodes */
void zoneinfo_parse(struct memplug_ctx *ctx, FILE *f);

/* ---- source.c ----------------------------------------------------------- */
int scan_sources(struct memplug_ctx *ctx);
void free_sources(struct memplug_ctx *ctx);
struct memplug_source *source_new(struct memplug_ctx *ctx, const char *name,
				  enum memplug_source_type type);
enum memplug_dax_state dax_state_from_text(const char *text);
int source_add_block(struct memplug_source *source,
		     struct memplug_block *block);
/* ---- device.c ----------------------------------------------------------- */
int scan_devices(struct memplug_ctx *ctx);
void free_devices(struct memplug_ctx *ctx);

/* the whole blocks of the byte range [start, end] (also fuzzed) */
void add_range_blocks(struct memplug_source *src, uint64_t start, uint64_t end);

/* ---- memmap.c ----------------------------------------------------------- */
void compute_memmap(struct memplug_ctx *ctx);

/* ---- hotplug.c ---------------------------------------------------------- */
/* read @block again; 0 or a negative errno, and no error line: for a
 * caller that tolerates the failure (memplug_block_refresh() sets one) */
int block_refresh(struct memplug_block *block);

#endif /* _MEMPLUG_PRIVATE_H_ */
