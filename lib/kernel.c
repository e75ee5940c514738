// SPDX-License-Identifier: LGPL-2.1
/* Global facts: block size, auto-online policy, hotplug parameters, and
 * the capabilities of the running kernel. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "private.h"

long long vmstat_value(const char *vmstat, const char *key)
{
	size_t klen = strlen(key);
	const char *p = vmstat;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			return strtoll(p + klen + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/* /proc/vmstat is larger than read_text's buffer: read it whole */
static char *read_big(struct memplug_ctx *ctx, const char *rel)
{
	char *path = root_path(ctx, "%s", rel), *buf;

	if (!path)
		return NULL;
	buf = read_file(ctx, AT_FDCWD, path, TABLE_MAX, NULL);
	free(path);
	return buf;
}

/*
 * /proc/kallsyms runs to megabytes and the kernel formats it per read():
 * read it in large chunks, keeping the tail of each chunk so that a name
 * cut in two is still found.
 */
int kallsyms_fd_has(int fd, const char *symbol, uint64_t cap)
{
	size_t nlen, keep = 0, size = 256 * 1024;
	char *buf, needle[128];
	uint64_t total = 0;
	bool found = false;
	ssize_t n;

	nlen = (size_t)snprintf(needle, sizeof(needle), " %s\n", symbol);
	if (nlen >= sizeof(needle))
		return 0;
	buf = malloc(size);
	while (buf && !found && (n = read(fd, buf + keep, size - keep)) > 0) {
		size_t len = keep + (size_t)n;

		total += (uint64_t)n;
		if (total > cap) {
			free(buf);
			return -1;
		}

		/* "addr T name\n", or "addr t name\t[module]\n" */
		found = memmem(buf, len, needle, nlen) != NULL;
		needle[nlen - 1] = '\t';
		found = found || memmem(buf, len, needle, nlen) != NULL;
		needle[nlen - 1] = '\n';
		keep = len < nlen ? len : nlen;
		memmove(buf, buf + len - keep, keep);
	}
	free(buf);
	return found;
}

static bool kallsyms_has(struct memplug_ctx *ctx, const char *symbol)
{
	char *path = root_path(ctx, "proc/kallsyms");
	int fd, rc;

	fd = path ? root_open_read(ctx, AT_FDCWD, path) : -1;
	if (fd < 0) {
		free(path);
		return false;
	}
	rc = kallsyms_fd_has(fd, symbol, KALLSYMS_MAX);
	close(fd);
	if (rc < 0 && !ctx->bad_file[0])
		snprintf(ctx->bad_file, sizeof(ctx->bad_file),
			 "%s: larger than %llu bytes", path,
			 (unsigned long long)KALLSYMS_MAX);
	free(path);
	return rc > 0;
}

/*
 * Reading kallsyms costs most of a second on a slow machine, and its
 * answer holds until the next boot: keep it in <root>/run/memplug/kallsyms
 * as "BOOT_ID SYMBOL 0|1".  Without a boot_id nothing is kept; a cache
 * that cannot be written (not root) only costs the next run the read.
 */
static bool kallsyms_has_cached(struct memplug_ctx *ctx, const char *symbol)
{
	char *boot_id = read_textf(ctx, "proc/sys/kernel/random/boot_id");
	char *cached = NULL, line[256];
	bool found;
	int n;

	if (!boot_id || strlen(boot_id) > 64) {
		found = kallsyms_has(ctx, symbol);
		goto out;
	}
	cached = run_read(ctx, "kallsyms");
	n = snprintf(line, sizeof(line), "%s %s ", boot_id, symbol);
	if (cached && n < (int)sizeof(line) && !strncmp(cached, line, n) &&
	    (cached[n] == '0' || cached[n] == '1') && !cached[n + 1]) {
		found = cached[n] == '1';
		goto out;
	}
	found = kallsyms_has(ctx, symbol);
	/* never creates run/memplug: only the lock does */
	if (n < (int)sizeof(line) - 3 && run_dir_exists(ctx)) {
		snprintf(line + n, sizeof(line) - n, "%d\n", found);
		run_write(ctx, "kallsyms", line, 0644, false);
	}
out:
	free(cached);
	free(boot_id);
	return found;
}

const char *cmdline_param(const char *cmdline, const char *key)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (p && (p = strstr(p, key))) {
		if ((p == cmdline || p[-1] == ' ') && p[klen] == '=')
			return p + klen + 1;
		p += klen;
	}
	return NULL;
}

/*
 * Parallel deferred onlining (Anolis): no mainline interface, so look for
 * each trace it may leave: the boot parameter, a module parameter, or the
 * kernel function that does the deferred work.
 */
static void detect_parallel(struct memplug_ctx *ctx)
{
	char *cmdline, *path, *text;
	const char *val;
	struct dirent *de;
	DIR *dir;

	if (ctx->parallel_detected)
		return;
	ctx->parallel_detected = true;
	ctx->parallel_hotplug_ratio = -1;
	cmdline = read_textf(ctx, "proc/cmdline");
	val = cmdline ? cmdline_param(cmdline, "parallel_hotplug_ratio") : NULL;
	if (val) {
		ctx->parallel_onlining = true;
		ctx->parallel_hotplug_ratio = strtol(val, NULL, 10);
		ctx->parallel_evidence = "cmdline";
	}
	free(cmdline);
	path = root_path(ctx, "sys/module");
	dir = path ? root_opendir(ctx, path) : NULL;
	while (dir && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		text = read_textf(
			ctx, "sys/module/%s/parameters/parallel_hotplug_ratio",
			de->d_name);
		if (!text)
			continue;
		ctx->parallel_onlining = true;
		ctx->parallel_hotplug_ratio = strtol(text, NULL, 10);
		ctx->parallel_evidence = "module";
		free(text);
		break;
	}
	if (dir)
		closedir(dir);
	free(path);
	if (!ctx->parallel_onlining &&
	    kallsyms_has_cached(ctx, "deferred_online_memory")) {
		ctx->parallel_onlining = true;
		ctx->parallel_evidence = "kallsyms";
	}
	/* ratio 0 turns the deferral off */
	if (ctx->parallel_hotplug_ratio == 0)
		ctx->parallel_onlining = false;
}

/*
 * The page size of the running kernel.  A test tree is read by the same
 * kernel that runs memplug, and its fixtures model machines of the same
 * architecture: no file below the root says it, so the answer is the
 * running kernel's on every root.
 */
static uint64_t page_size(void)
{
	long size = sysconf(_SC_PAGESIZE);

	return size > 0 ? (uint64_t)size : 4096;
}

int scan_kernel(struct memplug_ctx *ctx)
{
	char *path, *text;
	int rc, ratio;

	path = root_path(ctx, SYSFS_MEMORY "/block_size_bytes");
	if (!path)
		return -ENOMEM;
	text = read_text(ctx, path);
	if (!text && errno == ENOENT) {
		/* lsmem's case: a kernel without CONFIG_MEMORY_HOTPLUG */
		rc = set_error(
			ctx, ENOENT,
			"this system has no memory blocks: memory hotplug is not supported by this kernel: cannot read %s",
			path);
		free(path);
		return rc;
	}
	if (!text) {
		rc = set_error(ctx, errno, "cannot read %s", path);
		free(path);
		return rc;
	}
	/* a power of two, at least a page: a block holds whole pages */
	if (parse_u64(text, 16, &ctx->block_size) ||
	    ctx->block_size < (uint64_t)sysconf(_SC_PAGESIZE) ||
	    (ctx->block_size & (ctx->block_size - 1))) {
		rc = set_error(ctx, 0, "invalid block_size_bytes '%s' in %s",
			       text, path);
		free(text);
		free(path);
		return rc;
	}
	free(text);
	free(path);

	ctx->page_size = page_size();
	ctx->kernel_release = read_textf(ctx, "proc/sys/kernel/osrelease");
	ctx->auto_online_blocks =
		read_textf(ctx, SYSFS_MEMORY "/auto_online_blocks");
	text = journal_aob_pending(ctx);
	if (text && ctx->auto_online_blocks &&
	    strcmp(text, ctx->auto_online_blocks))
		err(ctx,
		    "auto_online_blocks is '%s', left by an interrupted memplug: the next reconfigure, online or offline restores '%s'\n",
		    ctx->auto_online_blocks, text);
	free(text);
	ctx->memmap_on_memory =
		read_textf(ctx, SYSFS_HOTPLUG_PARAMS "/memmap_on_memory");
	ctx->online_policy =
		read_textf(ctx, SYSFS_HOTPLUG_PARAMS "/online_policy");
	if (read_intf(ctx, &ratio, SYSFS_HOTPLUG_PARAMS "/auto_movable_ratio"))
		ratio = -1;
	ctx->auto_movable_ratio = ratio;
	ctx->memory_probe = path_existsf(ctx, SYSFS_MEMORY "/probe");

	kernel_counters(ctx);
	/* set by scan_devices(), which sees the dax devices */
	ctx->dax_memmap_knob = MEMPLUG_UNKNOWN;
	return 0;
}

/* the memmap page counts in /proc/vmstat (6.11+) */
void kernel_counters(struct memplug_ctx *ctx)
{
	char *text = read_big(ctx, "proc/vmstat");

	ctx->nr_memmap_pages = text ? vmstat_value(text, "nr_memmap_pages") :
				      -1;
	ctx->nr_memmap_boot_pages =
		text ? vmstat_value(text, "nr_memmap_boot_pages") : -1;
	free(text);
}

void free_kernel(struct memplug_ctx *ctx)
{
	free(ctx->kernel_release);
	free(ctx->auto_online_blocks);
	free(ctx->memmap_on_memory);
	free(ctx->online_policy);
	ctx->kernel_release = ctx->auto_online_blocks = NULL;
	ctx->memmap_on_memory = ctx->online_policy = NULL;
	/* the parallel interface is a fact of the boot: kept for the ctx */
}

enum memmap_param memmap_param(struct memplug_ctx *ctx)
{
	const char *p = ctx->memmap_on_memory;

	if (!p)
		return MEMMAP_PARAM_OFF;
	if (!strcmp(p, "force"))
		return MEMMAP_PARAM_FORCE;
	/* a bool module parameter reads Y/N; the command line takes 1/y too */
	if (!strcmp(p, "Y") || !strcmp(p, "y") || !strcmp(p, "1"))
		return MEMMAP_PARAM_ON;
	return MEMMAP_PARAM_OFF;
}

uint64_t memmap_bytes(struct memplug_ctx *ctx, uint64_t bytes)
{
	return ctx->page_size ? bytes / ctx->page_size * STRUCT_PAGE_BYTES : 0;
}

MEMPLUG_EXPORT uint64_t memplug_get_block_size(struct memplug_ctx *ctx)
{
	return ctx->block_size;
}

MEMPLUG_EXPORT uint64_t memplug_get_page_size(struct memplug_ctx *ctx)
{
	return ctx->page_size;
}

MEMPLUG_EXPORT bool memplug_has_memmap_on_memory(struct memplug_ctx *ctx)
{
	return memmap_param(ctx) != MEMMAP_PARAM_OFF;
}

MEMPLUG_EXPORT uint64_t memplug_get_memmap_size(struct memplug_ctx *ctx,
						uint64_t bytes)
{
	return memmap_bytes(ctx, bytes);
}

MEMPLUG_EXPORT const char *memplug_get_kernel_release(struct memplug_ctx *ctx)
{
	return ctx->kernel_release;
}

MEMPLUG_EXPORT const char *
memplug_get_auto_online_blocks(struct memplug_ctx *ctx)
{
	return ctx->auto_online_blocks;
}

MEMPLUG_EXPORT const char *memplug_get_memmap_on_memory(struct memplug_ctx *ctx)
{
	return ctx->memmap_on_memory;
}

MEMPLUG_EXPORT const char *memplug_get_online_policy(struct memplug_ctx *ctx)
{
	return ctx->online_policy;
}

MEMPLUG_EXPORT long memplug_get_auto_movable_ratio(struct memplug_ctx *ctx)
{
	return ctx->auto_movable_ratio;
}

MEMPLUG_EXPORT enum memplug_tristate
memplug_has_dax_memmap_knob(struct memplug_ctx *ctx)
{
	return ctx->dax_memmap_knob;
}

MEMPLUG_EXPORT bool memplug_has_parallel_onlining(struct memplug_ctx *ctx)
{
	detect_parallel(ctx);
	return ctx->parallel_onlining;
}

MEMPLUG_EXPORT long memplug_get_parallel_hotplug_ratio(struct memplug_ctx *ctx)
{
	detect_parallel(ctx);
	return ctx->parallel_hotplug_ratio;
}

MEMPLUG_EXPORT const char *
memplug_get_parallel_evidence(struct memplug_ctx *ctx)
{
	detect_parallel(ctx);
	return ctx->parallel_evidence;
}

MEMPLUG_EXPORT bool memplug_has_memory_probe(struct memplug_ctx *ctx)
{
	return ctx->memory_probe;
}

MEMPLUG_EXPORT long long memplug_get_nr_memmap_pages(struct memplug_ctx *ctx)
{
	return ctx->nr_memmap_pages;
}

MEMPLUG_EXPORT long long
memplug_get_nr_memmap_boot_pages(struct memplug_ctx *ctx)
{
	return ctx->nr_memmap_boot_pages;
}
