// SPDX-License-Identifier: GPL-2.0
/*
 * memplug apply: bring every memplug.conf target present now to its
 * configured state, with reconfigure's own steps, JSON and exit codes.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "action.h"
#include "block-list.h"
#include "builtin.h"
#include "conf-match.h"
#include "config.h"
#include "reconfigure.h"
#include "text.h"
#include "vocab.h"

struct apply_opts {
	struct action_opts action; /* dry_run and wait only */
	const char *config;
	const char *device;
	const char *block;
	unsigned long block_nr; /* N of --block=memoryN, once checked */
};

enum {
	OPT_APPLY_CONFIG,
	OPT_APPLY_DEVICE,
	OPT_APPLY_BLOCK,
	OPT_APPLY_DRY_RUN,
	OPT_APPLY_WAIT,
};

static const struct cli_option apply_options[] = {
	[OPT_APPLY_CONFIG] = { "config", 'c', "PATH",
			       "read this file or directory, not memplug.conf" },
	[OPT_APPLY_DEVICE] = { "device", 'd', "NAME",
			       "only the section matching this device (udev)" },
	[OPT_APPLY_BLOCK] = { "block", 0, "memoryN",
			      "online this block's device if configured (udev)" },
	[OPT_APPLY_DRY_RUN] = { "dry-run", 0, NULL,
				"print the plan, change nothing" },
	[OPT_APPLY_WAIT] = { "wait", 'w', "SECONDS",
			     "wait for another memplug (default 30)" },
	OPT_END,
};

static int apply_option(int index, const char *arg, void *data)
{
	struct apply_opts *o = data;

	switch (index) {
	case OPT_APPLY_CONFIG:
		o->config = arg;
		return 0;
	case OPT_APPLY_DEVICE:
		o->device = arg;
		return 0;
	case OPT_APPLY_BLOCK:
		o->block = arg;
		return 0;
	case OPT_APPLY_DRY_RUN:
		o->action.dry_run = true;
		return 0;
	default:
		return cli_parse_long("apply", "wait", arg, 0, VOCAB_WAIT_MAX,
				      &o->action.wait_s);
	}
}

struct apply_run {
	struct conf_match *matches;
	unsigned int nr;
	struct reconfigure_opts *opts; /* one per match */
};

/* a section's settings as the options of memplug reconfigure */
static void settings_to_opts(const struct config_settings *s,
			     const struct action_opts *cli,
			     struct reconfigure_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->action = *cli;
	o->action.online_type = s->zone;
	o->action.zone_given = true;
	o->action.order = s->order;
	o->action.timeout_s = s->timeout_s;
	o->action.force = false; /* never at boot: no data-losing steps */
	o->mode = s->mode;
	o->memmap = s->memmap == CONFIG_MEMMAP_KEEP ? -1 :
		    s->memmap == CONFIG_MEMMAP_YES  ? 1 :
						      0;
	o->no_online = !s->online;
	o->parallel = -1;
}

static int apply_target(struct memplug_ctx *ctx, struct report *r,
			const char *name, const struct action_opts *ao,
			void *data)
{
	struct apply_run *run = data;
	char where[512];
	unsigned int i;

	for (i = 0; i < run->nr; i++)
		if (!strcmp(run->matches[i].device, name))
			break;
	if (i == run->nr)
		return report_fail(r, EXIT_ERROR, "error",
				   "%s: no section matches it any more", name);
	conf_where(run->matches[i].target, where, sizeof(where));
	/* the model was scanned again: the device went away since? */
	if (!run->matches[i].refused[0] &&
	    !conf_match_holds(ctx, run->matches[i].target, name)) {
		json_object_object_add(
			r->obj, "section",
			json_object_new_string(
				run->matches[i].target->section));
		json_object_object_add(r->obj, "config",
				       json_object_new_string(where));
		report_warn(r, "[%s] no longer matches %s: skipped",
			    run->matches[i].target->section, name);
		return EXIT_OK;
	}
	json_object_object_add(
		r->obj, "section",
		json_object_new_string(run->matches[i].target->section));
	json_object_object_add(r->obj, "config", json_object_new_string(where));
	if (run->matches[i].refused[0]) {
		json_object_object_add(r->obj, "action",
				       json_object_new_string("reconfigure"));
		json_object_object_add(r->obj, "source", NULL);
		json_object_object_add(r->obj, "before", NULL);
		json_object_object_add(r->obj, "after", NULL);
		return report_fail(r, EXIT_REFUSED, "refused", "%s",
				   run->matches[i].refused);
	}
	return reconfigure_target(ctx, r, name, ao, &run->opts[i]);
}

/* nothing to do: the JSON shape of a run without targets */
static int print_nothing(const struct apply_opts *o)
{
	struct json_object *root = json_command_root();

	json_object_object_add(root, "changed", json_object_new_boolean(false));
	json_object_object_add(root, "dry_run",
			       json_object_new_boolean(o->action.dry_run));
	json_object_object_add(root, "would_change",
			       json_object_new_boolean(false));
	json_object_object_add(root, "targets", json_object_new_array());
	json_object_object_add(root, "warnings",
			       o->action.warnings ?
				       json_object_get(o->action.warnings) :
				       json_object_new_array());
	json_print(root);
	json_object_put(root);
	return EXIT_OK;
}

/* memoryN: the block's number, or EXIT_USAGE */
static int block_id(const char *name, unsigned long *id)
{
	/* decimal digits only: strtoul took "memory 40", "memory-40" */
	if (!parse_block_name(name, id))
		return cli_usage_error("apply",
				       "--block wants memoryN, not '%s'", name);
	return EXIT_OK;
}

/* the dax device whose offline block memory@id is, NULL if none */
static struct memplug_source *block_source(struct memplug_ctx *ctx,
					   unsigned long id)
{
	struct memplug_source *src = NULL;
	struct memplug_block *block = memplug_block_get_by_id(ctx, id);

	/* only an offline block of a dax device is ours to online */
	if (block && memplug_block_get_state(block) == MEMPLUG_BLOCK_OFFLINE)
		src = memplug_block_get_source(block);
	if (src && memplug_source_get_type(src) != MEMPLUG_SOURCE_DAX)
		src = NULL;
	return src;
}

/* keep only the match of the device --device or --block names */
static int restrict_matches(struct memplug_ctx *ctx, struct apply_run *run,
			    const struct apply_opts *o)
{
	struct memplug_source *src;
	unsigned int i, kept = 0;

	if (o->device)
		src = memplug_source_get_by_name(ctx, o->device);
	else
		src = block_source(ctx, o->block_nr);
	for (i = 0; i < run->nr; i++) {
		struct conf_match *m = &run->matches[i];
		bool keep = src ? m->source == src :
				  o->device && !strcmp(m->device, o->device);

		if (keep && o->block) {
			const struct config_settings *s = &m->target->settings;
			int knob = memplug_source_get_memmap_knob(src);

			/*
			 * Online now only what needs no other step first:
			 * a memmap change needs kmem unbound, which is the
			 * unit's job (memplug-apply@.service).
			 */
			keep = !m->refused[0] &&
			       s->mode == MEMPLUG_MODE_SYSTEM_RAM &&
			       s->online &&
			       !(s->memmap == CONFIG_MEMMAP_YES && knob == 0) &&
			       !(s->memmap == CONFIG_MEMMAP_NO && knob == 1);
		}
		if (keep)
			run->matches[kept++] = *m;
	}
	run->nr = kept;
	if (!kept && o->device)
		text_line(stderr, "memplug: apply: no section matches %s",
			  o->device);
	return EXIT_OK;
}

/*
 * Which sections name which devices, decided under the lock: while apply
 * waited for it another memplug (or the kernel) may have removed a device
 * or changed the identity behind its name.  A block event for memory that
 * is no offline block of a dax device does not wait at all.
 */
/*
 * At boot a devdax namespace reads "raw" until its dax driver claims it:
 * the boot run waits for such a namespace (bounded) before it refuses it,
 * as a truly raw one must be.  A section matched to a device is never a
 * namespace refusal.
 */
#define SETTLE_MS 20000
#define SETTLE_POLL_MS 250

static bool namespace_settling(const struct apply_run *run)
{
	unsigned int i;

	for (i = 0; i < run->nr; i++)
		if (!run->matches[i].source && run->matches[i].refused[0])
			return true;
	return false;
}

/*
 * The sections that matched no device, as the run's warnings: at boot a
 * section that names nothing would otherwise do nothing silently.  A run
 * for one device (--device, --block: udev) has no word on the others.
 */
static void unmatched_warnings(struct json_object *notes, struct apply_opts *o)
{
	size_t i, n = json_object_array_length(notes);
	struct json_object *w;

	if (o->device || o->block || !n)
		return;
	o->action.warnings = json_object_new_array();
	for (i = 0; i < n; i++) {
		w = json_object_new_object();
		json_object_object_add(w, "target", NULL);
		json_object_object_add(
			w, "code", json_object_new_string("section-unmatched"));
		json_object_object_add(
			w, "message",
			json_object_get(json_object_array_get_idx(notes, i)));
		json_object_array_add(o->action.warnings, w);
	}
}

static int lock_and_match(struct cli_context *cli, const struct config *cfg,
			  struct apply_run *run, struct apply_opts *o)
{
	struct json_object *notes = NULL;
	long waited;
	int rc;

	if (o->block) {
		/* udev runs this for every block added: only an offline
		 * block can be ours, and its state is one file to read where
		 * a scan reads every block's */
		if (memplug_block_read_state(cli->ctx, o->block_nr) !=
		    MEMPLUG_BLOCK_OFFLINE)
			return EXIT_OK;
		if (memplug_scan(cli->ctx))
			return cli_error(EXIT_ERROR, "%s",
					 memplug_get_error(cli->ctx));
		if (!block_source(cli->ctx, o->block_nr))
			return EXIT_OK;
	}
	if (!o->action.dry_run &&
	    memplug_lock(cli->ctx, (unsigned int)o->action.wait_s * 1000))
		return cli_error(EXIT_ERROR, "%s", memplug_get_error(cli->ctx));
	for (waited = 0;; waited += SETTLE_POLL_MS) {
		if (memplug_scan(cli->ctx))
			return cli_error(EXIT_ERROR, "%s",
					 memplug_get_error(cli->ctx));
		free(run->matches);
		run->matches = NULL;
		run->nr = 0;
		json_object_put(notes);
		notes = json_object_new_array();
		rc = conf_match_all(cli->ctx, cfg, &run->matches, &run->nr,
				    notes);
		if (rc || o->device || o->block || o->action.dry_run ||
		    !namespace_settling(run) || waited >= SETTLE_MS ||
		    waited / 1000 >= o->action.wait_s)
			break;
		usleep(SETTLE_POLL_MS * 1000);
	}
	if (!rc)
		unmatched_warnings(notes, o);
	json_object_put(notes);
	if (!rc && (o->device || o->block))
		rc = restrict_matches(cli->ctx, run, o);
	return rc;
}

int cmd_apply(int argc, char **argv, struct cli_context *cli)
{
	struct apply_opts o = { .action = ACTION_OPTS_INIT };
	struct apply_run run = { 0 };
	struct config cfg;
	char **names = NULL;
	unsigned int i;
	bool done;
	int first, rc;

	rc = cli_parse(argc, argv, "apply", "[--device=NAME] [options]",
		       apply_options, apply_option, &o, &first, &done);
	if (rc || done)
		return rc;
	if (first < argc)
		return cli_usage_error(
			"apply", "no arguments (did you mean --device=%s?)",
			argv[first]);
	if (o.device && o.block)
		return cli_usage_error(
			"apply", "--device and --block exclude each other");
	if (o.block && block_id(o.block, &o.block_nr))
		return EXIT_USAGE;
	rc = config_load(&cfg, o.config, MEMPLUG_SYSCONFDIR);
	if (rc)
		goto out;
	if (cfg.nr_targets)
		rc = lock_and_match(cli, &cfg, &run, &o);
	if (rc)
		goto out;
	if (!run.nr) {
		/* udev runs --block per offline block: not one line each */
		if (!cfg.nr_targets && !o.block)
			text_line(stderr,
				  "memplug: apply: no target configured in %s",
				  cfg.path);
		rc = print_nothing(&o);
		goto out;
	}
	run.opts = calloc(run.nr, sizeof(*run.opts));
	names = calloc(run.nr, sizeof(*names));
	if (!run.opts || !names) {
		rc = cli_error(EXIT_ERROR, "out of memory");
		goto out;
	}
	for (i = 0; i < run.nr; i++) {
		settings_to_opts(&run.matches[i].target->settings, &o.action,
				 &run.opts[i]);
		names[i] = run.matches[i].device;
	}
	rc = action_run(cli, "apply", (int)run.nr, names, &o.action,
			apply_target, &run);
out:
	free(names);
	free(run.opts);
	free(run.matches);
	json_object_put(o.action.warnings);
	config_release(&cfg);
	memplug_unlock(cli->ctx);
	return rc;
}
