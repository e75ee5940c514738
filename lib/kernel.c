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
	if (rc < 0)
		err(ctx, "%s: larger than %llu bytes, not read to its end\n",
		    path, (unsigned long long)KALLSYMS_MAX);
	free(path);
	return rc > 0;
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
 * Parallel deferred onlining (Anolis) has no mainline interface.  It is
 * switched on by parallel_hotplug_ratio= on the command line, which a
 * kernel without it ignores: the command line only says that the operator
 * asked, and memplug looks further only then.  A module parameter file
 * that the kernel registered confirms it here, cheaply; the kernel
 * function that does the deferred work (kallsyms) is looked for only by
 * memplug_probe_parallel_onlining().  Nothing here writes.
 */
static void detect_parallel(struct memplug_ctx *ctx)
{
	struct parallel_facts *par = &ctx->kernel.parallel;
	char *cmdline, *path, *text;
	const char *val;
	struct dirent *de;
	DIR *dir;

	if (par->detected)
		return;
	par->detected = true;
	par->ratio = -1;
	cmdline = read_textf(ctx, "proc/cmdline");
	val = cmdline ? cmdline_param(cmdline, "parallel_hotplug_ratio") : NULL;
	if (val) {
		par->requested = true;
		par->ratio = strtol(val, NULL, 10);
	}
	free(cmdline);
	if (!par->requested)
		return;
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
		par->confirmed = true;
		par->ratio = strtol(text, NULL, 10);
		par->evidence = "module";
		free(text);
		break;
	}
	if (dir)
		closedir(dir);
	free(path);
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
	if (parse_u64(text, 16, &ctx->kernel.block_size) ||
	    ctx->kernel.block_size < (uint64_t)sysconf(_SC_PAGESIZE) ||
	    (ctx->kernel.block_size & (ctx->kernel.block_size - 1))) {
		rc = set_error(ctx, 0, "invalid block_size_bytes '%s' in %s",
			       text, path);
		free(text);
		free(path);
		return rc;
	}
	free(text);
	free(path);

	ctx->kernel.page_size = page_size();
	ctx->kernel.kernel_release =
		read_textf(ctx, "proc/sys/kernel/osrelease");
	ctx->kernel.auto_online_blocks =
		read_textf(ctx, SYSFS_MEMORY "/auto_online_blocks");
	text = journal_aob_pending(ctx);
	if (text && ctx->kernel.auto_online_blocks &&
	    strcmp(text, ctx->kernel.auto_online_blocks))
		err(ctx,
		    "auto_online_blocks is '%s', left by an interrupted memplug: the next reconfigure, online or offline restores '%s'\n",
		    ctx->kernel.auto_online_blocks, text);
	free(text);
	ctx->kernel.memmap_on_memory =
		read_textf(ctx, SYSFS_HOTPLUG_PARAMS "/memmap_on_memory");
	ctx->kernel.online_policy =
		read_textf(ctx, SYSFS_HOTPLUG_PARAMS "/online_policy");
	ctx->kernel.fast_contig =
		read_textf(ctx, SYSFS_HOTPLUG_PARAMS "/fast_contig");
	if (read_intf(ctx, &ratio, SYSFS_HOTPLUG_PARAMS "/auto_movable_ratio"))
		ratio = -1;
	ctx->kernel.auto_movable_ratio = ratio;
	ctx->kernel.memory_probe = path_existsf(ctx, SYSFS_MEMORY "/probe");

	kernel_counters(ctx);
	return 0;
}

/* the memmap page counts in /proc/vmstat (6.11+) */
void kernel_counters(struct memplug_ctx *ctx)
{
	char *text = read_big(ctx, "proc/vmstat");

	ctx->kernel.nr_memmap_pages =
		text ? vmstat_value(text, "nr_memmap_pages") : -1;
	ctx->kernel.nr_memmap_boot_pages =
		text ? vmstat_value(text, "nr_memmap_boot_pages") : -1;
	free(text);
}

void free_kernel(struct memplug_ctx *ctx)
{
	free(ctx->kernel.kernel_release);
	free(ctx->kernel.auto_online_blocks);
	free(ctx->kernel.memmap_on_memory);
	free(ctx->kernel.online_policy);
	free(ctx->kernel.fast_contig);
	ctx->kernel.kernel_release = ctx->kernel.auto_online_blocks = NULL;
	ctx->kernel.memmap_on_memory = ctx->kernel.online_policy = NULL;
	ctx->kernel.fast_contig = NULL;
	/* the parallel interface is a fact of the boot: kept for the ctx */
}

enum memmap_param memmap_param(struct memplug_ctx *ctx)
{
	const char *p = ctx->kernel.memmap_on_memory;

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
	return ctx->kernel.page_size ?
		       bytes / ctx->kernel.page_size * STRUCT_PAGE_BYTES :
		       0;
}

MEMPLUG_EXPORT uint64_t memplug_get_block_size(struct memplug_ctx *ctx)
{
	return ctx->kernel.block_size;
}

MEMPLUG_EXPORT uint64_t memplug_get_page_size(struct memplug_ctx *ctx)
{
	return ctx->kernel.page_size;
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
	return ctx->kernel.kernel_release;
}

MEMPLUG_EXPORT const char *
memplug_get_auto_online_blocks(struct memplug_ctx *ctx)
{
	return ctx->kernel.auto_online_blocks;
}

MEMPLUG_EXPORT const char *memplug_get_memmap_on_memory(struct memplug_ctx *ctx)
{
	return ctx->kernel.memmap_on_memory;
}

MEMPLUG_EXPORT const char *memplug_get_online_policy(struct memplug_ctx *ctx)
{
	return ctx->kernel.online_policy;
}

MEMPLUG_EXPORT long memplug_get_auto_movable_ratio(struct memplug_ctx *ctx)
{
	return ctx->kernel.auto_movable_ratio;
}

/* ratio 0 turns the deferral off */
MEMPLUG_EXPORT bool memplug_has_parallel_onlining(struct memplug_ctx *ctx)
{
	detect_parallel(ctx);
	return ctx->kernel.parallel.confirmed &&
	       ctx->kernel.parallel.ratio != 0;
}

MEMPLUG_EXPORT bool memplug_parallel_onlining_requested(struct memplug_ctx *ctx)
{
	detect_parallel(ctx);
	return ctx->kernel.parallel.requested;
}

MEMPLUG_EXPORT long memplug_get_parallel_hotplug_ratio(struct memplug_ctx *ctx)
{
	detect_parallel(ctx);
	return ctx->kernel.parallel.ratio;
}

MEMPLUG_EXPORT const char *
memplug_get_parallel_evidence(struct memplug_ctx *ctx)
{
	detect_parallel(ctx);
	return ctx->kernel.parallel.evidence;
}

/*
 * The one costly look: /proc/kallsyms (megabytes, formatted by the kernel
 * per read) for the function that does the deferred work, only when the
 * command line asks for parallel onlining and nothing cheaper confirmed
 * it, and once per context.  Reads only.
 */
MEMPLUG_EXPORT bool memplug_probe_parallel_onlining(struct memplug_ctx *ctx)
{
	struct parallel_facts *par = &ctx->kernel.parallel;

	detect_parallel(ctx);
	if (par->requested && !par->confirmed && !par->probed) {
		par->probed = true;
		if (kallsyms_has(ctx, "deferred_online_memory")) {
			par->confirmed = true;
			par->evidence = "kallsyms";
		}
	}
	return memplug_has_parallel_onlining(ctx);
}

/*
 * "MAJOR.MINOR" at the start of a release string ("7.4.0-1-amd64"): each
 * at most five digits, the minor followed by anything but a digit.
 * Returns false for anything else.
 */
bool release_version(const char *release, unsigned int *major,
		     unsigned int *minor)
{
	unsigned int v[2] = { 0, 0 };
	const char *p = release;
	int i, n;

	if (!p)
		return false;
	for (i = 0; i < 2; i++) {
		/* six digits at most are read: a sixth is refused */
		for (n = 0; *p >= '0' && *p <= '9' && n <= 5; p++, n++)
			v[i] = v[i] * 10 + (unsigned int)(*p - '0');
		if (!n || n > 5 || (i == 0 && *p++ != '.'))
			return false;
	}
	*major = v[0];
	*minor = v[1];
	return true;
}

/*
 * The zone-contiguity fix: onlining a block updates its zone's contiguity
 * in O(1), not by a walk of the zone span, so ascending onlining (the
 * kernel's own, when it onlines a whole device) is linear.  A parameter
 * file that says so is the kernel's word (a patched kernel, where the fix
 * is switched at boot: Y or N); without one, upstream Linux 7.4 and later
 * have it.  Both were read by the scan; nothing more is read here.
 */
static const char *linear_evidence(struct memplug_ctx *ctx)
{
	const char *p = ctx->kernel.fast_contig;
	unsigned int major, minor;

	if (p && (!strcmp(p, "Y") || !strcmp(p, "y") || !strcmp(p, "1")))
		return "module";
	if (p && (!strcmp(p, "N") || !strcmp(p, "n") || !strcmp(p, "0")))
		return NULL;
	if (release_version(ctx->kernel.kernel_release, &major, &minor) &&
	    (major > 7 || (major == 7 && minor >= 4)))
		return "release";
	return NULL;
}

MEMPLUG_EXPORT bool memplug_has_linear_onlining(struct memplug_ctx *ctx)
{
	return linear_evidence(ctx) != NULL;
}

MEMPLUG_EXPORT const char *memplug_get_linear_evidence(struct memplug_ctx *ctx)
{
	return linear_evidence(ctx);
}

MEMPLUG_EXPORT bool memplug_has_memory_probe(struct memplug_ctx *ctx)
{
	return ctx->kernel.memory_probe;
}

MEMPLUG_EXPORT long long memplug_get_nr_memmap_pages(struct memplug_ctx *ctx)
{
	return ctx->kernel.nr_memmap_pages;
}

MEMPLUG_EXPORT long long
memplug_get_nr_memmap_boot_pages(struct memplug_ctx *ctx)
{
	return ctx->kernel.nr_memmap_boot_pages;
}
