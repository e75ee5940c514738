// SPDX-License-Identifier: GPL-2.0
/*
 * memplug reconfigure: take a dax device (or the namespace or CXL region
 * behind one) to devdax or system-ram, with zone and memmap placement, in
 * one command that says exactly what changed.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "action.h"
#include "builtin.h"
#include "online-path.h"
#include "reconfigure.h"
#include "signals.h"
#include "vocab.h"

enum {
	OPT_MODE = NR_ACTION_OPTIONS,
	OPT_MEMMAP,
	OPT_NO_MEMMAP,
	OPT_NO_ONLINE,
	OPT_PARALLEL,
	OPT_NO_PARALLEL,
};

static const struct cli_option reconfigure_options[] = {
	ACTION_CLI_OPTIONS,
	[OPT_MODE] = { "mode", 'm', "MODE", "system-ram or devdax (required)" },
	[OPT_MEMMAP] = { "memmap-on-memory", 0, NULL,
			 "put the memmap on the device itself" },
	[OPT_NO_MEMMAP] = { "no-memmap-on-memory", 0, NULL,
			    "put the memmap in ordinary RAM" },
	[OPT_NO_ONLINE] = { "no-online", 'N', NULL,
			    "add the blocks but leave them offline" },
	[OPT_PARALLEL] = { "parallel", 0, NULL,
			   "let the kernel online the whole device in one operation" },
	[OPT_NO_PARALLEL] = { "no-parallel", 0, NULL,
			      "online block by block from user space" },
	OPT_END,
};

/* the online phase of a plan, before the blocks exist to be counted */
static void plan_online(struct report *r, const struct reconfigure_opts *o)
{
	report_step(r, "online the new blocks %s (%s)",
		    memplug_online_type_name(o->action.online_type),
		    memplug_order_name(memplug_order_resolve(
			    o->action.order, MEMPLUG_OP_ONLINE)));
}

static int reconfigure_option(int index, const char *arg, void *data)
{
	struct reconfigure_opts *o = data;

	switch (index) {
	case OPT_MODE:
		if (!vocab_mode(arg, &o->mode))
			return cli_usage_error("reconfigure",
					       "invalid --mode '%s': want %s",
					       arg, VOCAB_WANT_MODE);
		return 0;
	case OPT_MEMMAP:
	case OPT_NO_MEMMAP:
		o->memmap = index == OPT_MEMMAP;
		return 0;
	case OPT_NO_ONLINE:
		o->no_online = true;
		return 0;
	case OPT_PARALLEL:
	case OPT_NO_PARALLEL:
		o->parallel = index == OPT_PARALLEL;
		return 0;
	}
	return action_option(&o->action, "reconfigure", index, arg);
}

/* the target's source after a rescan; gone ends the target */
static struct memplug_source *
still_there(struct memplug_ctx *ctx, struct report *r, const struct target *t)
{
	struct memplug_source *src = target_source(ctx, t);

	if (!src)
		report_fail(r, r->changed ? EXIT_PARTIAL : EXIT_ERROR,
			    r->changed ? "partial" : "error",
			    "%s vanished during the change", t->source);
	return src;
}

/*
 * A raw or fsdax namespace becomes devdax only with --force.  *@is_ns says
 * whether @name is a namespace at all; the exit code says how it went.
 */
static int convert_namespace(struct memplug_ctx *ctx, struct report *r,
			     const char *name, const struct reconfigure_opts *o,
			     bool *is_ns)
{
	struct memplug_namespace *ns, *found = NULL;
	const char *mode = NULL;
	int rc;

	memplug_namespace_foreach(ctx, ns)
		if (!strcmp(memplug_namespace_get_name(ns), name))
			found = ns;
	mode = found ? memplug_namespace_get_mode(found) : NULL;
	*is_ns = mode != NULL;
	if (!mode)
		return EXIT_OK; /* not a namespace: let target_parse say so */
	json_object_object_add(r->obj, "namespace_mode",
			       json_object_new_string(mode));
	if (!strcmp(mode, "devdax"))
		return EXIT_OK;
	if (!o->action.force)
		return report_fail(
			r, EXIT_REFUSED, "refused",
			"%s is in %s mode: converting it to devdax destroys its data; add --force",
			name, mode);
	report_step(r, "convert %s from %s to devdax", name, mode);
	if (o->action.dry_run) {
		r->result = "planned";
		return EXIT_OK;
	}
	rc = memplug_namespace_to_devdax(found);
	return report_applied(ctx, r, rc);
}

static int check_memmap_request(struct memplug_ctx *ctx, struct report *r,
				struct memplug_source *src,
				const struct reconfigure_opts *o)
{
	enum memplug_tristate knob = memplug_source_get_memmap_knob(src);

	if (o->memmap < 0)
		return EXIT_OK;
	if (knob == MEMPLUG_UNKNOWN)
		return report_fail(
			r, EXIT_REFUSED, "refused",
			"kernel %s has no dax memmap_on_memory knob (needs 6.9+)",
			memplug_get_kernel_release(ctx) ?: "");
	if (o->memmap == 1 && !memplug_has_memmap_on_memory(ctx))
		return report_fail(
			r, EXIT_REFUSED, "refused",
			"kernel booted without memory_hotplug.memmap_on_memory=1: the dax knob has no effect, the memmap would stay in ordinary RAM");
	return EXIT_OK;
}

static int set_knob(struct memplug_ctx *ctx, struct report *r,
		    struct memplug_source *src,
		    const struct reconfigure_opts *o)
{
	if (o->memmap < 0 || memplug_source_get_memmap_knob(src) == o->memmap)
		return EXIT_OK;
	report_step(r, "set %s memmap_on_memory=%d",
		    memplug_source_get_name(src), o->memmap);
	if (o->action.dry_run)
		return EXIT_OK;
	if (memplug_dax_set_memmap_knob(src, o->memmap))
		return report_fail(r, EXIT_ERROR, "error", "%s",
				   memplug_get_error(ctx));
	r->changed = true;
	return EXIT_OK;
}

/* the kernel onlines the whole device (online_path_choose()) */
static bool use_parallel(struct memplug_ctx *ctx,
			 const struct reconfigure_opts *o)
{
	return !o->no_online &&
	       online_path_choose(ctx, o->parallel).method == ONLINE_KERNEL;
}

/*
 * The kernel onlines the whole device while kmem binds.  Signals are held
 * while auto_online_blocks is changed, so that it is always restored (the
 * library journals it against SIGKILL).  With deferred onlining the pages
 * may reach the allocator after the blocks read online.  Done at once when
 * the target node's MemTotal grew by every byte the device adds (memmap in
 * node RAM: kmem's blocks are all managed pages); else, as with the memmap
 * on the device, wait for MemTotal to stay the same over three polls (at
 * most ~12 s).  The timing is reported as settle_ms.
 */
static int kernel_online(struct memplug_ctx *ctx, struct report *r,
			 struct memplug_source *src,
			 enum memplug_online_type type)
{
	int node = memplug_source_get_target_node(src);
	long long want = (long long)memplug_source_get_nr_range_blocks(src) *
			 (long long)memplug_get_block_size(ctx);
	long long before, last = -2, cur;
	int rc, stable = 0, polls = 0;
	uint64_t t0;
	sigset_t old;

	before = node < 0 ? -1 : memplug_node_read_mem_total(ctx, node);
	signals_hold(&old);
	rc = memplug_dax_enable_ram_online(src, type);
	signals_release(&old);
	if (rc || node < 0)
		return rc;
	t0 = memplug_clock_ns();
	while (stable < 3 && polls++ < 1200) {
		cur = memplug_node_read_mem_total(ctx, node);
		if (before >= 0 && want > 0 && cur - before == want)
			break;
		stable = cur == last ? stable + 1 : 0;
		last = cur;
		usleep(stable ? 10000 : 5000);
	}
	report_time(r, "settle_ms", memplug_clock_ns() - t0);
	return 0;
}

/* devdax or disabled -> kmem, then the blocks online */
static int to_system_ram(struct memplug_ctx *ctx, struct report *r,
			 const struct target *t,
			 const struct reconfigure_opts *o)
{
	struct memplug_source *src = still_there(ctx, r, t);
	bool parallel = use_parallel(ctx, o);
	const char *aob = memplug_get_auto_online_blocks(ctx);
	const char *name;
	int pid, rc;

	if (!src)
		return r->exit;
	name = memplug_source_get_name(src);

	if (memplug_source_get_mode(src) == MEMPLUG_MODE_DEVDAX) {
		pid = memplug_dax_user(src);
		if (pid > 0)
			return report_fail(r, EXIT_REFUSED, "refused",
					   "/dev/%s is in use by pid %d", name,
					   pid);
	}
	rc = set_knob(ctx, r, src, o);
	if (rc)
		return rc;
	if (aob && strcmp(aob, "offline") && !parallel)
		report_warn(
			r, "auto-online",
			"auto_online_blocks is '%s': the kernel onlines the blocks itself when kmem binds",
			aob);
	if (parallel)
		report_step(r, "bind %s to kmem, kernel onlines all blocks %s",
			    name,
			    memplug_online_type_name(o->action.online_type));
	else
		report_step(r, "bind %s to kmem", name);
	if (o->action.dry_run) {
		r->result = "planned";
		if (!o->no_online && !parallel)
			plan_online(r, o);
		return EXIT_OK;
	}
	if (parallel)
		rc = kernel_online(ctx, r, src, o->action.online_type);
	else
		rc = memplug_dax_enable_ram(src);
	return report_applied(ctx, r, rc);
}

/* the blocks of a system-ram source: online, in the wanted zone */
static int online_blocks(struct memplug_ctx *ctx, struct report *r,
			 const struct target *t,
			 const struct reconfigure_opts *o)
{
	struct memplug_block **blocks;
	unsigned long nr;
	int rc = EXIT_OK;

	if (o->action.dry_run && !target_source(ctx, t))
		return EXIT_OK;
	blocks = target_blocks(ctx, t, &nr);
	if (!o->no_online)
		rc = phase_online(ctx, r, blocks, nr, &o->action);
	if (!rc)
		rc = phase_fix_zones(ctx, r, blocks, nr, &o->action);
	free(blocks);
	if (r->changed && !o->action.dry_run)
		memplug_refresh(ctx);
	return rc;
}

static int offline_and_unbind(struct memplug_ctx *ctx, struct report *r,
			      const struct target *t,
			      const struct reconfigure_opts *o)
{
	struct memplug_source *src;
	struct memplug_block **blocks;
	unsigned long nr;
	int rc;

	blocks = target_blocks(ctx, t, &nr);
	rc = phase_offline(ctx, r, blocks, nr, &o->action);
	free(blocks);
	if (rc)
		return rc; /* still bound: the blocks that stay online say why */
	report_step(r, "unbind %s from kmem", t->source);
	if (o->action.dry_run)
		return EXIT_OK;
	src = still_there(ctx, r, t);
	if (!src)
		return r->exit;
	return report_applied(ctx, r, memplug_dax_disable(src));
}

static int wanted_system_ram(struct memplug_ctx *ctx, struct report *r,
			     const struct target *t,
			     const struct reconfigure_opts *o)
{
	struct memplug_source *src = target_source(ctx, t);
	enum memplug_tristate knob = memplug_source_get_memmap_knob(src);
	bool knob_change = o->memmap >= 0 && knob != o->memmap;
	int rc;

	rc = check_memmap_request(ctx, r, src, o);
	if (rc)
		return rc;
	if (memory_absent(src)) {
		/* the whole-device write cannot change the knob: rebind */
		bool whole = use_parallel(ctx, o) && !knob_change &&
			     memplug_source_get_dax_state(src) ==
				     MEMPLUG_DAX_STATE_UNPLUGGED;

		rc = phase_plug(ctx, r, t, &o->action, whole);
		if (rc)
			return rc;
		if (o->action.dry_run && !whole) {
			/* a dry run unbound nothing: plan what follows */
			set_knob(ctx, r, src, o);
			report_step(r, "bind %s to kmem", t->source);
			if (!o->no_online)
				plan_online(r, o);
			return EXIT_OK;
		}
		if (o->action.dry_run)
			return EXIT_OK;
	} else if (memplug_source_get_mode(src) == MEMPLUG_MODE_SYSTEM_RAM &&
		   knob_change) {
		if (!o->action.force)
			return report_fail(
				r, EXIT_REFUSED, "refused",
				"%s is system-ram with memmap_on_memory=%d: changing it needs offline, unbind, rebind; add --force",
				t->source, knob);
		rc = offline_and_unbind(ctx, r, t, o);
		if (rc)
			return rc;
		if (o->action.dry_run) {
			set_knob(ctx, r, target_source(ctx, t), o);
			report_step(r, "bind %s to kmem", t->source);
			plan_online(r, o);
			return EXIT_OK;
		}
	}
	src = still_there(ctx, r, t);
	if (!src)
		return r->exit;
	if (memplug_source_get_mode(src) != MEMPLUG_MODE_SYSTEM_RAM) {
		rc = to_system_ram(ctx, r, t, o);
		if (rc)
			return rc;
	}
	return online_blocks(ctx, r, t, o);
}

static int wanted_devdax(struct memplug_ctx *ctx, struct report *r,
			 const struct target *t,
			 const struct reconfigure_opts *o)
{
	struct memplug_source *src = target_source(ctx, t);
	int rc;

	if (o->memmap == 1)
		return report_fail(
			r, EXIT_ERROR, "error",
			"--memmap-on-memory goes with --mode=system-ram");
	if (memplug_source_get_mode(src) == MEMPLUG_MODE_SYSTEM_RAM) {
		rc = offline_and_unbind(ctx, r, t, o);
		if (rc)
			return rc;
	}
	src = still_there(ctx, r, t);
	if (!src)
		return r->exit;
	if (!o->action.dry_run &&
	    memplug_source_get_mode(src) == MEMPLUG_MODE_DEVDAX)
		return EXIT_OK;
	if (o->action.dry_run &&
	    memplug_source_get_mode(src) == MEMPLUG_MODE_DEVDAX &&
	    !json_object_array_length(r->steps))
		return EXIT_OK;
	report_step(r, "bind %s to device_dax", t->source);
	if (o->action.dry_run) {
		r->result = "planned";
		return EXIT_OK;
	}
	return report_applied(ctx, r, memplug_dax_enable_devdax(src));
}

int reconfigure_target(struct memplug_ctx *ctx, struct report *r,
		       const char *name, const struct action_opts *ao,
		       void *data)
{
	const struct reconfigure_opts *o = data;
	struct memplug_source *src;
	struct target t = { 0 };
	bool is_ns;
	int rc;

	json_object_object_add(r->obj, "action",
			       json_object_new_string("reconfigure"));
	rc = convert_namespace(ctx, r, name, o, &is_ns);
	if (rc ||
	    (is_ns && o->action.dry_run && json_object_array_length(r->steps)))
		goto out;
	rc = target_parse(ctx, r, name, &t);
	if (rc)
		goto out;
	src = target_source(ctx, &t);
	if (!src || memplug_source_get_type(src) != MEMPLUG_SOURCE_DAX) {
		rc = report_fail(
			r, EXIT_ERROR, "error",
			"%s is not a dax device, namespace or CXL region: use memplug online/offline for block lists",
			name);
		goto out;
	}
	json_object_object_add(
		r->obj, "source",
		json_object_new_string(memplug_source_get_name(src)));
	report_state(ctx, r, &t, "before");
	if (o->mode == MEMPLUG_MODE_SYSTEM_RAM)
		rc = wanted_system_ram(ctx, r, &t, o);
	else
		rc = wanted_devdax(ctx, r, &t, o);
	if (!rc && !o->action.dry_run) {
		struct end_state want = {
			.mode = o->mode,
			.blocks = o->no_online ? MEMPLUG_BLOCK_UNKNOWN :
						 MEMPLUG_BLOCK_ONLINE,
			.zone = memplug_online_type_zone(o->action.online_type),
			.memmap = o->memmap,
		};

		rc = verify_end_state(ctx, r, &t, &want);
	}
	if (o->action.dry_run)
		json_object_object_add(r->obj, "after", NULL);
	else
		report_state(ctx, r, &t, "after");
out:
	target_release(&t);
	return rc;
}

int cmd_reconfigure(int argc, char **argv, struct cli_context *cli)
{
	struct reconfigure_opts o = {
		.action = ACTION_OPTS_INIT,
		.mode = MEMPLUG_MODE_UNKNOWN,
		.memmap = -1,
		.parallel = -1,
	};
	bool done;
	int first, rc;

	rc = cli_parse(argc, argv, "reconfigure",
		       "TARGET... --mode=MODE [options]", reconfigure_options,
		       reconfigure_option, &o, &first, &done);
	if (rc || done)
		return rc;
	if (o.mode == MEMPLUG_MODE_UNKNOWN)
		return cli_usage_error(
			"reconfigure",
			"--mode=system-ram or --mode=devdax is required");
	rc = target_check_args("reconfigure", argc - first, argv + first);
	if (rc)
		return rc;
	return action_run(cli, "reconfigure", argc - first, argv + first,
			  &o.action, reconfigure_target, &o);
}
