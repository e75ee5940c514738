// SPDX-License-Identifier: LGPL-2.1
/* Block state writes: online in a zone, offline with retries and a bound. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "private.h"

static const char *const online_names[] = {
	[MEMPLUG_ONLINE_MOVABLE] = "online_movable",
	[MEMPLUG_ONLINE_KERNEL] = "online_kernel",
	[MEMPLUG_ONLINE_AUTO] = "online",
};

MEMPLUG_EXPORT const char *
memplug_online_type_name(enum memplug_online_type type)
{
	return type <= MEMPLUG_ONLINE_AUTO ? online_names[type] : "online";
}

MEMPLUG_EXPORT enum memplug_zone
memplug_online_type_zone(enum memplug_online_type type)
{
	switch (type) {
	case MEMPLUG_ONLINE_MOVABLE:
		return MEMPLUG_ZONE_MOVABLE;
	case MEMPLUG_ONLINE_KERNEL:
		return MEMPLUG_ZONE_NORMAL;
	default:
		return MEMPLUG_ZONE_UNKNOWN;
	}
}

static int write_state(struct memplug_block *block, const char *state)
{
	struct memplug_ctx *ctx = block->ctx;
	char *path = root_path(ctx, SYSFS_MEMORY "/memory%lu/state", block->id);
	int rc;

	if (!path)
		return -ENOMEM;
	rc = write_text(ctx, path, state);
	dbg(ctx, "memory%lu: %s: %s\n", block->id, state,
	    rc ? strerror(-rc) : "ok");
	free(path);
	return rc;
}

int block_refresh(struct memplug_block *block)
{
	struct memplug_ctx *ctx = block->ctx;
	char *path = root_path(ctx, SYSFS_MEMORY);
	int fd, rc;

	if (!path)
		return -ENOMEM;
	fd = root_open(ctx, path, O_RDONLY | O_DIRECTORY);
	free(path);
	if (fd < 0)
		return -errno;
	rc = block_read(ctx, fd, block);
	close(fd);
	return rc;
}

MEMPLUG_EXPORT int memplug_block_refresh(struct memplug_block *block)
{
	clear_error(block->ctx);
	return fail(block->ctx, block_refresh(block), "memory%lu: read",
		    block->id);
}

MEMPLUG_EXPORT int memplug_block_online(struct memplug_block *block,
					enum memplug_online_type type)
{
	const char *word = memplug_online_type_name(type);
	int rc;

	clear_error(block->ctx);
	rc = write_state(block, word);
	/* a successful write says what the block is now: no re-read, which
	 * would cost a directory scan and three files per block */
	if (rc) {
		block_refresh(block);
		fail(block->ctx, rc, "memory%lu: write %s", block->id, word);
	} else if (memplug_has_parallel_onlining(block->ctx)) {
		/* the kernel may have deferred it: the block says */
		block_refresh(block);
	} else {
		enum memplug_zone zone = memplug_online_type_zone(type);

		block->state = MEMPLUG_BLOCK_ONLINE;
		if (zone == MEMPLUG_ZONE_UNKNOWN)
			block_refresh(block);
		else /* what valid_zones of an online block reads */
			block_zones_set(block, memplug_zone_name(zone));
	}
	return rc;
}

MEMPLUG_EXPORT int memplug_block_offline(struct memplug_block *block)
{
	int rc;

	clear_error(block->ctx);
	rc = write_state(block, "offline");
	if (rc) {
		block_refresh(block);
		fail(block->ctx, rc, "memory%lu: write offline", block->id);
	} else {
		block->state = MEMPLUG_BLOCK_OFFLINE;
		block_zones_forget(block); /* read again when asked */
	}
	return rc;
}

#define RECORD_ONLINED "onlined"
/*
 * What memplug onlined this boot, and into which zone: lines "FIRST LAST
 * ZONE" (block ids), the newest last.  Only the newest lines that
 * run_read() returns are kept: an old run forgotten reads as "not
 * memplug's".
 */
static void record_onlined(struct memplug_ctx *ctx,
			   struct memplug_block **blocks, unsigned long nr)
{
	char *old = run_read(ctx, RECORD_ONLINED), *text, *keep, *nl;
	size_t len = old ? strlen(old) : 0, cap, used;
	unsigned long i, j;

	cap = len + 2 + nr * 48;
	text = malloc(cap);
	if (!text) {
		free(old);
		return;
	}
	used = (size_t)snprintf(text, cap, "%s%s", old ? old : "",
				len ? "\n" : "");
	free(old);
	for (i = 0; i < nr; i = j) {
		enum memplug_zone z = memplug_block_get_zone(blocks[i]);

		for (j = i + 1;
		     j < nr && blocks[j]->id == blocks[j - 1]->id + 1 &&
		     memplug_block_get_zone(blocks[j]) == z;
		     j++)
			;
		used += (size_t)snprintf(text + used, cap - used,
					 "%lu %lu %s\n", blocks[i]->id,
					 blocks[j - 1]->id,
					 memplug_zone_name(z));
	}
	/* drop the oldest lines, each once: the text can be long */
	for (keep = text; used >= RUN_FILE_MAX - 1 && (nl = strchr(keep, '\n'));
	     keep = nl + 1)
		used -= (size_t)(nl + 1 - keep);
	if (run_write(ctx, RECORD_ONLINED, keep, 0644, false))
		dbg(ctx, "cannot record onlined blocks\n");
	free(text);
}

MEMPLUG_EXPORT enum memplug_zone
memplug_block_get_onlined_zone(struct memplug_block *block)
{
	char *text = run_read(block->ctx, RECORD_ONLINED), *line, *save;
	enum memplug_zone zone = MEMPLUG_ZONE_UNKNOWN;
	unsigned long first, last;
	char name[16];

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%lu %lu %15s", &first, &last, name) == 3 &&
		    first <= block->id && block->id <= last)
			zone = memplug_zone_from_name(name);
	free(text);
	return zone;
}

/* @block at the end of @list, of *@nr entries */
static int list_add(struct memplug_block ***list, unsigned long *nr,
		    struct memplug_block *block)
{
	struct memplug_block **grow;

	grow = realloc(*list, (*nr + 1) * sizeof(*grow));
	if (!grow)
		return -ENOMEM;
	*list = grow;
	(*list)[(*nr)++] = block;
	return 0;
}

static int batch_fail(struct memplug_batch *batch, struct memplug_block *block,
		      int rc)
{
	batch->error = rc;
	return list_add(&batch->failed, &batch->nr_failed, block);
}

/* the error of a batch: how many failed, the first of them, the reason */
static int batch_error(struct memplug_ctx *ctx, struct memplug_batch *batch,
		       const char *what)
{
	clear_error(ctx); /* a write that failed before a retry is past */
	if (!batch->nr_failed)
		return 0;
	if (!batch->error)
		batch->error = -EIO;
	return fail(ctx, batch->error,
		    "%s %lu of %lu blocks failed (memory%lu)", what,
		    batch->nr_failed, batch->nr_failed + batch->done,
		    batch->failed[0]->id);
}

/* a copy of @blocks holding those in @state, in the order of writes */
static struct memplug_block **select_blocks(struct memplug_block **blocks,
					    unsigned long nr,
					    enum memplug_block_state state,
					    enum memplug_order order,
					    unsigned long *count)
{
	struct memplug_block **sel = calloc(nr ? nr : 1, sizeof(*sel));
	unsigned long i;

	*count = 0;
	if (!sel)
		return NULL;
	for (i = 0; i < nr; i++)
		if (blocks[i]->state == state)
			sel[(*count)++] = blocks[i];
	memplug_order_blocks(sel, *count, order);
	return sel;
}

/*
 * Parallel deferred onlining: the blocks whose write succeeded but that do
 * not read online yet come online when the kernel's deferred phase has
 * run.  Poll their state (1 ms, doubling to 64 ms) until each reads online
 * or @timeout_ms has passed: those online go to @done (the batch's
 * onlined blocks, room for all), the others fail with -ETIMEDOUT.
 * Returns how many failed so.
 */
static unsigned long wait_deferred(struct memplug_ctx *ctx,
				   struct memplug_batch *batch,
				   struct memplug_block **done,
				   unsigned int timeout_ms)
{
	uint64_t start = memplug_clock_ns();
	uint64_t deadline = start + (uint64_t)timeout_ms * 1000000ULL;
	unsigned long left = batch->nr_deferred, i, kept;
	struct memplug_block **wait;
	useconds_t pause = 1000;

	if (!left)
		return 0;
	wait = malloc(left * sizeof(*wait));
	if (wait)
		memcpy(wait, batch->deferred, left * sizeof(*wait));
	info(ctx, "%lu blocks deferred by the kernel: waiting up to %u ms\n",
	     left, timeout_ms);
	while (wait) {
		for (i = 0, kept = 0; i < left; i++) {
			block_refresh(wait[i]);
			if (wait[i]->state == MEMPLUG_BLOCK_ONLINE)
				done[batch->done++] = wait[i];
			else
				wait[kept++] = wait[i];
		}
		left = kept;
		if (!left || memplug_clock_ns() >= deadline)
			break;
		usleep(pause);
		if (pause < 64000)
			pause *= 2;
	}
	for (i = 0; i < left; i++)
		batch_fail(batch, wait ? wait[i] : batch->deferred[i],
			   wait ? -ETIMEDOUT : -ENOMEM);
	batch->deferred_ns = memplug_clock_ns() - start;
	if (!wait)
		return 0; /* out of memory, not late */
	free(wait);
	return left;
}

MEMPLUG_EXPORT int
memplug_online_blocks(struct memplug_ctx *ctx, struct memplug_block **blocks,
		      unsigned long nr, enum memplug_online_type type,
		      enum memplug_order order, unsigned int timeout_ms,
		      struct memplug_batch *batch)
{
	struct memplug_block **todo;
	unsigned long count, i, late;
	uint64_t start = memplug_clock_ns();
	bool parallel;

	memset(batch, 0, sizeof(*batch));
	clear_error(ctx);
	order = memplug_order_resolve(order, MEMPLUG_OP_ONLINE);
	todo = select_blocks(blocks, nr, MEMPLUG_BLOCK_OFFLINE, order, &count);
	if (!todo)
		return fail(ctx, -ENOMEM, "online");
	info(ctx, "online %lu blocks %s, %s order\n", count,
	     memplug_online_type_name(type), memplug_order_name(order));
	/* once, before the writes: memplug_block_online() then knows */
	parallel = count && memplug_probe_parallel_onlining(ctx);
	for (i = 0; i < count; i++) {
		int rc = memplug_block_online(todo[i], type);
		enum memplug_block_state state = todo[i]->state;

		if (state == MEMPLUG_BLOCK_ONLINE) {
			if (!rc) /* else someone else onlined it */
				todo[batch->done++] = todo[i];
			continue;
		}
		/*
		 * Not online: deferred when the write was taken, and, with
		 * parallel onlining, when it was refused with EINVAL while
		 * the block reads offline: the device core counts a block
		 * whose deferred phase is pending (an earlier write, e.g.
		 * of a memplug killed while it waited) as online already.
		 */
		if (!rc || (parallel && rc == -EINVAL &&
			    state == MEMPLUG_BLOCK_OFFLINE)) {
			if (list_add(&batch->deferred, &batch->nr_deferred,
				     todo[i]))
				batch_fail(batch, todo[i], -ENOMEM);
		} else {
			batch_fail(batch, todo[i], rc);
		}
	}
	late = wait_deferred(ctx, batch, todo, timeout_ms);
	if (batch->done) {
		memplug_order_blocks(todo, batch->done,
				     MEMPLUG_ORDER_ASCENDING);
		record_onlined(ctx, todo, batch->done);
	}
	free(todo);
	batch->elapsed_ns = memplug_clock_ns() - start;
	if (late) {
		clear_error(ctx);
		return fail(
			ctx, -ETIMEDOUT,
			"online: %lu of %lu blocks failed (memory%lu), %lu deferred by the kernel and not online after %u ms",
			batch->nr_failed, batch->nr_failed + batch->done,
			batch->failed[0]->id, late, timeout_ms);
	}
	return batch_error(ctx, batch, "online:");
}

MEMPLUG_EXPORT int
memplug_offline_blocks(struct memplug_ctx *ctx, struct memplug_block **blocks,
		       unsigned long nr, enum memplug_order order,
		       unsigned int timeout_ms, struct memplug_batch *batch)
{
	uint64_t start = memplug_clock_ns(), deadline;
	struct memplug_block **todo;
	unsigned long count, i, left;
	int rounds = 0;

	memset(batch, 0, sizeof(*batch));
	clear_error(ctx);
	order = memplug_order_resolve(order, MEMPLUG_OP_OFFLINE);
	todo = select_blocks(blocks, nr, MEMPLUG_BLOCK_ONLINE, order, &count);
	if (!todo)
		return fail(ctx, -ENOMEM, "offline");
	info(ctx, "offline %lu blocks, %s order, timeout %u ms\n", count,
	     memplug_order_name(order), timeout_ms);
	deadline = start + (uint64_t)timeout_ms * 1000000ULL;

	left = count;
	while (left) {
		unsigned long kept = 0;

		for (i = 0; i < left; i++) {
			int rc = memplug_block_offline(todo[i]);

			if (!rc || todo[i]->state == MEMPLUG_BLOCK_OFFLINE) {
				batch->done++;
				continue;
			}
			/* busy pages: worth another try until the deadline */
			if (rc == -EBUSY || rc == -EAGAIN || rc == -EINTR ||
			    rc == -ENOMEM)
				todo[kept++] = todo[i];
			else
				batch_fail(batch, todo[i], rc);
			batch->error = rc;
		}
		left = kept;
		if (!left || memplug_clock_ns() >= deadline)
			break;
		rounds++;
		usleep(rounds < 10 ? 20000 : 200000);
	}
	for (i = 0; i < left; i++)
		batch_fail(batch, todo[i],
			   batch->error ? batch->error : -EBUSY);

	free(todo);
	batch->elapsed_ns = memplug_clock_ns() - start;
	return batch_error(ctx, batch, "offline:");
}

MEMPLUG_EXPORT void memplug_batch_release(struct memplug_batch *batch)
{
	free(batch->failed);
	free(batch->deferred);
	batch->failed = batch->deferred = NULL;
	batch->nr_failed = batch->nr_deferred = 0;
}
