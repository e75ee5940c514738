// SPDX-License-Identifier: GPL-2.0
/* The run loop of reconfigure/online/offline: shared options, the lock,
 * one report per target, one JSON object, one exit code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "action.h"
#include "vocab.h"

int action_option(struct action_opts *o, const char *cmd, int index,
		  const char *arg)
{
	switch (index) {
	case OPT_ZONE:
		if (!vocab_online_zone(arg, &o->online_type))
			return cli_usage_error(cmd,
					       "invalid --zone '%s': want %s",
					       arg, VOCAB_WANT_ONLINE_ZONE);
		o->zone_given = true;
		return 0;
	case OPT_ORDER:
		if (!vocab_order(arg, &o->order))
			return cli_usage_error(cmd,
					       "invalid --order '%s': want %s",
					       arg, VOCAB_WANT_ORDER);
		return 0;
	case OPT_DRY_RUN:
		o->dry_run = true;
		return 0;
	case OPT_FORCE:
		o->force = true;
		return 0;
	case OPT_TIMEOUT:
		return cli_parse_long(cmd, "timeout", arg, 0, VOCAB_TIMEOUT_MAX,
				      &o->timeout_s);
	case OPT_WAIT:
		return cli_parse_long(cmd, "wait", arg, 0, VOCAB_WAIT_MAX,
				      &o->wait_s);
	}
	return 1;
}

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

/* the run's own warnings, then every target's */
static struct json_object *action_warnings(const struct action_opts *o,
					   struct json_object *targets)
{
	struct json_object *own = json_collect_warnings(targets, "target");
	struct json_object *all;
	size_t i, n = o->warnings ? json_object_array_length(o->warnings) : 0;

	if (!n)
		return own;
	all = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(all,
				      json_object_get(json_object_array_get_idx(
					      o->warnings, i)));
	for (i = 0; i < json_object_array_length(own); i++)
		json_object_array_add(
			all,
			json_object_get(json_object_array_get_idx(own, i)));
	json_object_put(own);
	return all;
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

	root = json_command_root();
	targets = json_object_new_array();
	for (i = 0; i < count; i++) {
		uint64_t start = memplug_clock_ns();
		struct report r;
		int trc;

		report_init(&r, names[i]);
		trc = fn(ctx, &r, names[i], o, data);
		if (trc == EXIT_OK && r.exit)
			trc = r.exit;
		report_time(&r, "total_ms", memplug_clock_ns() - start);
		report_shape(&r, cmd);
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
		if (r.deferred)
			json_object_object_add(r.obj, "deferred_blocks",
					       r.deferred);
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
	json_object_object_add(root, "warnings", action_warnings(o, targets));
	json_print(root);
	json_object_put(root);
	memplug_unlock(ctx);
	return combine(seen, changed);
}
