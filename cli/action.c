// SPDX-License-Identifier: GPL-2.0
/* Targets, reports and block phases shared by reconfigure/online/offline. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "action.h"

int action_option(struct action_opts *o, const char *cmd, const char *name,
		  const char *arg)
{
	enum memplug_order order;

	if (!strcmp(name, "zone")) {
		if (!strcmp(arg, "movable"))
			o->online_type = MEMPLUG_ONLINE_MOVABLE;
		else if (!strcmp(arg, "normal") || !strcmp(arg, "kernel"))
			o->online_type = MEMPLUG_ONLINE_KERNEL;
		else if (!strcmp(arg, "auto"))
			o->online_type = MEMPLUG_ONLINE_AUTO;
		else
			return cli_usage_error(
				cmd,
				"invalid --zone '%s': want movable, normal or auto",
				arg);
		o->zone_given = true;
	} else if (!strcmp(name, "order")) {
		order = memplug_order_from_name(arg);
		if (order == MEMPLUG_ORDER_UNKNOWN)
			return cli_usage_error(
				cmd,
				"invalid --order '%s': want descending, ascending, hole-first or default",
				arg);
		o->order = order;
	} else if (!strcmp(name, "dry-run")) {
		o->dry_run = true;
	} else if (!strcmp(name, "force")) {
		o->force = true;
	} else if (!strcmp(name, "timeout")) {
		return cli_parse_long(cmd, "timeout", arg, 0, 86400,
				      &o->timeout_s);
	} else if (!strcmp(name, "wait")) {
		return cli_parse_long(cmd, "wait", arg, 0, 86400, &o->wait_s);
	} else {
		return 1;
	}
	return 0;
}

void report_init(struct report *r, const char *target)
{
	memset(r, 0, sizeof(*r));
	r->target = target;
	r->obj = json_object_new_object();
	json_object_object_add(r->obj, "target",
			       json_object_new_string(target));
	r->steps = json_object_new_array();
	r->warnings = json_object_new_array();
	r->timings = json_object_new_object();
	r->failed = json_object_new_array();
	r->result = "unchanged";
}

static void add_line(struct json_object *arr, const char *fmt, va_list args)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, args);
	json_object_array_add(arr, json_object_new_string(buf));
}

void report_step(struct report *r, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	add_line(r->steps, fmt, args);
	va_end(args);
}

void report_warn(struct report *r, const char *fmt, ...)
{
	va_list args;
	char buf[512];

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	json_object_array_add(r->warnings, json_object_new_string(buf));
	fprintf(stderr, "memplug: %s: warning: %s\n", r->target, buf);
}

void report_time(struct report *r, const char *phase, uint64_t ns)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.3f", (double)ns / 1e6);
	json_object_object_add(r->timings, phase,
			       json_object_new_double_s((double)ns / 1e6, buf));
}

int report_fail(struct report *r, int exit, const char *result, const char *fmt,
		...)
{
	va_list args;
	char buf[512];

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	json_object_object_add(r->obj, "error", json_object_new_string(buf));
	fprintf(stderr, "memplug: %s: %s\n", r->target, buf);
	r->exit = exit;
	r->result = result;
	return exit;
}

static uint64_t clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- targets ---------------------------------------------------------- */

static bool parse_block_list(const char *name, unsigned long *first,
			     unsigned long *last)
{
	char *end;

	if (strncmp(name, "memory", 6) || name[6] < '0' || name[6] > '9')
		return false;
	*first = strtoul(name + 6, &end, 10);
	*last = *first;
	if (*end == '-') {
		const char *p = end + 1;

		if (!strncmp(p, "memory", 6))
			p += 6;
		if (*p < '0' || *p > '9')
			return false;
		*last = strtoul(p, &end, 10);
	}
	return !*end && *last >= *first;
}

int target_parse(struct memplug_ctx *ctx, struct report *r, const char *name,
		 struct target *t)
{
	struct memplug_source *src;
	unsigned long id;

	memset(t, 0, sizeof(*t));
	t->name = name;
	if (parse_block_list(name, &t->first, &t->last)) {
		for (id = t->first; id <= t->last; id++)
			if (!memplug_block_get_by_id(ctx, id))
				return report_fail(r, EXIT_ERROR, "error",
						   "no memory block memory%lu",
						   id);
		return EXIT_OK;
	}
	src = memplug_source_get_by_name(ctx, name);
	if (!src)
		return report_fail(
			r, EXIT_ERROR, "error",
			"no dax device, namespace, region or memory block named '%s'",
			name);
	t->source = strdup(memplug_source_get_name(src));
	return EXIT_OK;
}

void target_release(struct target *t)
{
	free(t->source);
	t->source = NULL;
}

void report_state(struct memplug_ctx *ctx, struct report *r,
		  const struct target *t, const char *key)
{
	json_object_object_add(r->obj, key, target_state(ctx, t));
}

struct memplug_source *target_source(struct memplug_ctx *ctx,
				     const struct target *t)
{
	return t->source ? memplug_source_get_by_name(ctx, t->source) : NULL;
}

struct memplug_block **target_blocks(struct memplug_ctx *ctx,
				     const struct target *t, unsigned long *nr)
{
	struct memplug_source *src = target_source(ctx, t);
	struct memplug_block **blocks;
	unsigned long i, n;

	n = src	      ? memplug_source_get_nr_blocks(src) :
	    t->source ? 0 :
			t->last - t->first + 1;
	blocks = calloc(n ? n : 1, sizeof(*blocks));
	*nr = 0;
	if (!blocks)
		return NULL;
	for (i = 0; i < n; i++) {
		struct memplug_block *b =
			src ? memplug_source_get_block(src, i) :
			      memplug_block_get_by_id(ctx, t->first + i);

		if (b)
			blocks[(*nr)++] = b;
	}
	return blocks;
}

struct json_object *target_state(struct memplug_ctx *ctx,
				 const struct target *t)
{
	unsigned long zones[MEMPLUG_NR_ZONES] = { 0 }, nr, i, online = 0;
	struct memplug_source *src = target_source(ctx, t);
	struct memplug_block **blocks = target_blocks(ctx, t, &nr);
	struct json_object *obj = json_object_new_object(), *zo;
	struct memplug_memmap m = { .location = MEMPLUG_MEMMAP_UNKNOWN };
	char buf[32];
	int z;

	for (i = 0; blocks && i < nr; i++) {
		if (memplug_block_get_state(blocks[i]) != MEMPLUG_BLOCK_ONLINE)
			continue;
		online++;
		zones[memplug_block_get_zone(blocks[i])]++;
	}
	free(blocks);
	json_object_object_add(
		obj, "mode",
		json_object_new_string(
			src ? memplug_mode_name(memplug_source_get_mode(src)) :
			      "system-ram"));
	json_object_object_add(obj, "online_memblocks",
			       json_object_new_int64(online));
	json_object_object_add(obj, "total_memblocks",
			       json_object_new_int64(nr));
	zo = json_object_new_object();
	for (z = 0; z < MEMPLUG_NR_ZONES; z++)
		json_object_object_add(zo, memplug_zone_name(z),
				       json_object_new_int64(zones[z]));
	json_object_object_add(obj, "zones", zo);
	if (src)
		memplug_source_get_memmap(src, &m);
	if (m.location == MEMPLUG_MEMMAP_SELF)
		snprintf(buf, sizeof(buf), "self");
	else if (m.location == MEMPLUG_MEMMAP_NODE && m.node >= 0)
		snprintf(buf, sizeof(buf), "node:%d", m.node);
	else
		snprintf(buf, sizeof(buf), "unknown");
	json_object_object_add(obj, "memmap_location",
			       json_object_new_string(buf));
	if (src && memplug_source_get_memmap_knob(src) >= 0)
		json_object_object_add(
			obj, "memmap_on_memory_knob",
			json_object_new_int(
				memplug_source_get_memmap_knob(src)));
	return obj;
}

/* ---- phases ----------------------------------------------------------- */

static void record_failed(struct report *r, struct memplug_batch *batch)
{
	unsigned long i;

	for (i = 0; i < batch->nr_failed; i++)
		json_object_array_add(
			r->failed, json_object_new_int64(memplug_block_get_id(
					   batch->failed[i])));
}

/* a batch's timing, change and failures into the report; frees the batch */
static int end_batch(struct report *r, struct memplug_batch *batch, int rc,
		     const char *phase, const char *what)
{
	unsigned long done = batch->done;

	report_time(r, phase, batch->elapsed_ns);
	if (done)
		r->changed = true;
	if (rc)
		record_failed(r, batch);
	memplug_batch_release(batch);
	if (!rc)
		return EXIT_OK;
	return report_fail(r, done ? EXIT_PARTIAL : EXIT_ERROR,
			   done ? "partial" : "error", "%lu blocks %s: %s",
			   (unsigned long)json_object_array_length(r->failed),
			   what, strerror(-rc));
}

static unsigned long count_state(struct memplug_block **blocks,
				 unsigned long nr,
				 enum memplug_block_state state)
{
	unsigned long i, n = 0;

	for (i = 0; i < nr; i++)
		n += memplug_block_get_state(blocks[i]) == state;
	return n;
}

int phase_online(struct memplug_ctx *ctx, struct report *r,
		 struct memplug_block **blocks, unsigned long nr,
		 const struct action_opts *o)
{
	unsigned long todo = count_state(blocks, nr, MEMPLUG_BLOCK_OFFLINE);
	enum memplug_order order =
		memplug_order_resolve(o->order, MEMPLUG_OP_ONLINE);
	struct memplug_batch batch;
	char what[64];
	int rc;

	if (!todo)
		return EXIT_OK;
	report_step(r, "online %lu blocks %s (%s)", todo,
		    memplug_online_type_name(o->online_type),
		    memplug_order_name(order));
	if (o->dry_run) {
		r->result = "planned";
		return EXIT_OK;
	}
	rc = memplug_online_blocks(ctx, blocks, nr, o->online_type, order,
				   &batch);
	snprintf(what, sizeof(what), "failed to online");
	return end_batch(r, &batch, rc, "online_ms", what);
}

/* refuse to offline kernel-zone memory the node's Movable memory needs */
static int check_kernel_zones(struct memplug_ctx *ctx, struct report *r,
			      struct memplug_block **blocks, unsigned long nr,
			      const struct action_opts *o)
{
	long long pages = memplug_get_block_size(ctx) / 4096;
	struct memplug_node *node;
	unsigned long i;

	memplug_node_foreach(ctx, node) {
		long long kernel_pages = 0;
		long ratio;

		for (i = 0; i < nr; i++) {
			enum memplug_zone z = memplug_block_get_zone(blocks[i]);

			if (memplug_block_get_state(blocks[i]) ==
				    MEMPLUG_BLOCK_ONLINE &&
			    memplug_block_get_node(blocks[i]) ==
				    memplug_node_get_id(node) &&
			    z != MEMPLUG_ZONE_MOVABLE)
				kernel_pages += pages;
		}
		if (!kernel_pages)
			continue;
		ratio = memplug_node_movable_ratio_after(node, kernel_pages);
		if (ratio >= 0 && ratio <= MEMPLUG_MOVABLE_RATIO_LIMIT)
			continue;
		if (o->force) {
			report_warn(
				r,
				"node %d: Movable:kernel memory above 3:1 after offlining (forced)",
				memplug_node_get_id(node));
			continue;
		}
		return report_fail(
			r, EXIT_REFUSED, "refused",
			"node %d would keep too little kernel-zone memory for its Movable memory (Movable:kernel above 3:1); add --force",
			memplug_node_get_id(node));
	}
	return EXIT_OK;
}

int phase_offline(struct memplug_ctx *ctx, struct report *r,
		  struct memplug_block **blocks, unsigned long nr,
		  const struct action_opts *o)
{
	unsigned long todo =
		nr - count_state(blocks, nr, MEMPLUG_BLOCK_OFFLINE);
	enum memplug_order order =
		memplug_order_resolve(o->order, MEMPLUG_OP_OFFLINE);
	struct memplug_batch batch;
	char what[64];
	int rc;

	if (!todo)
		return EXIT_OK;
	rc = check_kernel_zones(ctx, r, blocks, nr, o);
	if (rc)
		return rc;
	report_step(r, "offline %lu blocks (%s)", todo,
		    memplug_order_name(order));
	if (o->dry_run) {
		r->result = "planned";
		return EXIT_OK;
	}
	rc = memplug_offline_blocks(ctx, blocks, nr, order,
				    (unsigned int)o->timeout_s * 1000, &batch);
	snprintf(what, sizeof(what), "still online after %ld s", o->timeout_s);
	return end_batch(r, &batch, rc, "offline_ms", what);
}

int phase_fix_zones(struct memplug_ctx *ctx, struct report *r,
		    struct memplug_block **blocks, unsigned long nr,
		    const struct action_opts *o)
{
	enum memplug_zone want = memplug_online_type_zone(o->online_type);
	struct memplug_block **wrong;
	unsigned long i, n = 0;
	int rc, orc;

	if (want == MEMPLUG_ZONE_UNKNOWN)
		return EXIT_OK; /* auto: whatever the kernel chose is right */
	wrong = calloc(nr ? nr : 1, sizeof(*wrong));
	if (!wrong)
		return report_fail(r, EXIT_ERROR, "error", "out of memory");
	for (i = 0; i < nr; i++)
		if (memplug_block_get_state(blocks[i]) ==
			    MEMPLUG_BLOCK_ONLINE &&
		    memplug_block_get_zone(blocks[i]) != want)
			wrong[n++] = blocks[i];
	if (!n) {
		free(wrong);
		return EXIT_OK;
	}
	report_warn(
		r,
		"%lu blocks online in %s, not %s (onlined behind memplug's back: auto_online_blocks or a udev rule), memory%lu..memory%lu%s",
		n, memplug_zone_name(memplug_block_get_zone(wrong[0])),
		memplug_zone_name(want), memplug_block_get_id(wrong[0]),
		memplug_block_get_id(wrong[n - 1]),
		o->force ? "" : "; --force moves them");
	if (!o->force) {
		free(wrong);
		return EXIT_OK;
	}
	report_step(r, "move %lu blocks to %s", n, memplug_zone_name(want));
	rc = phase_offline(ctx, r, wrong, n, o);
	/* whatever went offline comes back online, in the right zone */
	orc = phase_online(ctx, r, wrong, n, o);
	free(wrong);
	return rc ? rc : orc;
}

/* online or offline the blocks of one target, with before and after */
int block_action(struct memplug_ctx *ctx, struct report *r, const char *name,
		 const struct action_opts *o, enum memplug_op op)
{
	bool online = op == MEMPLUG_OP_ONLINE;
	struct memplug_block **blocks;
	struct memplug_source *src;
	unsigned long nr;
	struct target t;
	int rc;

	rc = target_parse(ctx, r, name, &t);
	if (rc)
		return rc;
	src = target_source(ctx, &t);
	json_object_object_add(
		r->obj, "source",
		src ? json_object_new_string(memplug_source_get_name(src)) :
		      NULL);
	json_object_object_add(r->obj, "action",
			       json_object_new_string(online ? "online" :
							       "offline"));
	report_state(ctx, r, &t, "before");
	if (online && src &&
	    memplug_source_get_mode(src) != MEMPLUG_MODE_SYSTEM_RAM) {
		rc = report_fail(
			r, EXIT_ERROR, "error",
			"%s is in %s mode: use memplug reconfigure --mode=system-ram",
			memplug_source_get_name(src),
			memplug_mode_name(memplug_source_get_mode(src)));
		goto out;
	}
	blocks = target_blocks(ctx, &t, &nr);
	rc = online ? phase_online(ctx, r, blocks, nr, o) :
		      phase_offline(ctx, r, blocks, nr, o);
	if (!rc && online)
		rc = phase_fix_zones(ctx, r, blocks, nr, o);
	free(blocks);
out:
	if (!o->dry_run && r->changed)
		memplug_refresh(ctx);
	if (o->dry_run)
		json_object_object_add(r->obj, "after", NULL);
	else
		report_state(ctx, r, &t, "after");
	target_release(&t);
	return rc;
}

/* ---- the run ------------------------------------------------------------ */

/*
 * The exit code of several targets: partial when anything changed and
 * anything failed; otherwise the gravest failure (partial, refused, error).
 */
static int combine(int exit_code, bool changed)
{
	if (exit_code & (1 << EXIT_PARTIAL))
		return EXIT_PARTIAL;
	if (exit_code & ((1 << EXIT_REFUSED) | (1 << EXIT_ERROR)))
		return changed			       ? EXIT_PARTIAL :
		       exit_code & (1 << EXIT_REFUSED) ? EXIT_REFUSED :
							 EXIT_ERROR;
	return EXIT_OK;
}

/* "all" means every dax device */
static char **expand_targets(struct memplug_ctx *ctx, int argc, char **argv,
			     int *count)
{
	struct memplug_source *src;
	char **names = NULL;
	int i, n = 0, cap = 0;

	for (i = 0; i < argc; i++) {
		bool all = !strcmp(argv[i], "all");

		src = all ? memplug_source_get_first(ctx) : NULL;
		do {
			const char *name = all ? NULL : argv[i];

			if (all) {
				if (!src)
					break;
				if (memplug_source_get_type(src) ==
				    MEMPLUG_SOURCE_DAX)
					name = memplug_source_get_name(src);
				src = memplug_source_get_next(src);
			}
			if (!name)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				names = realloc(names, cap * sizeof(*names));
				if (!names)
					return NULL;
			}
			names[n++] = strdup(name);
		} while (all);
	}
	*count = n;
	return names;
}

int action_run(struct cli_context *cli, const char *cmd, int argc, char **argv,
	       const struct action_opts *o, action_fn fn, void *data)
{
	struct memplug_ctx *ctx = cli->ctx;
	struct json_object *root, *targets;
	bool changed = false, would = false;
	int i, rc, count = 0, seen = 0;
	char **names;

	if (argc < 1)
		return cli_usage_error(
			cmd,
			"no target (dax device, namespace, region, memoryN-M or all)");
	if (!o->dry_run) {
		rc = memplug_lock(ctx, (unsigned int)o->wait_s * 1000);
		if (rc)
			return cli_error(EXIT_ERROR, "%s",
					 memplug_get_error(ctx));
	}
	rc = memplug_scan(ctx);
	if (rc)
		return cli_error(EXIT_ERROR, "%s", memplug_get_error(ctx));
	names = expand_targets(ctx, argc, argv, &count);

	root = json_object_new_object();
	targets = json_object_new_array();
	for (i = 0; i < count; i++) {
		uint64_t start = clock_ns();
		struct report r;
		int trc;

		report_init(&r, names[i]);
		trc = fn(ctx, &r, names[i], o, data);
		if (trc == EXIT_OK && r.exit)
			trc = r.exit;
		report_time(&r, "total_ms", clock_ns() - start);
		if (r.changed && !strcmp(r.result, "unchanged"))
			r.result = "changed";
		if (trc != EXIT_OK && r.changed)
			r.result = "partial";
		if (!strcmp(r.result, "planned"))
			would = true;
		changed |= r.changed;
		seen |= 1 << trc;
		json_object_object_add(r.obj, "result",
				       json_object_new_string(r.result));
		json_object_object_add(r.obj, "steps", r.steps);
		json_object_object_add(r.obj, "warnings", r.warnings);
		json_object_object_add(r.obj, "failed_blocks", r.failed);
		json_object_object_add(r.obj, "timings_ms", r.timings);
		if (!json_object_object_get_ex(r.obj, "error", NULL))
			json_object_object_add(r.obj, "error", NULL);
		json_object_array_add(targets, r.obj);
		free(names[i]);
	}
	free(names);
	json_object_object_add(root, "changed",
			       json_object_new_boolean(changed));
	json_object_object_add(root, "dry_run",
			       json_object_new_boolean(o->dry_run));
	json_object_object_add(root, "would_change",
			       json_object_new_boolean(o->dry_run ? would :
								    changed));
	json_object_object_add(root, "targets", targets);
	json_print(root);
	json_object_put(root);
	memplug_unlock(ctx);
	return combine(seen, changed);
}
