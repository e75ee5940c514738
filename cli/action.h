/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What reconfigure, online and offline share: options and the run loop
 * (action.c), per-target reports in one JSON shape (report.c), targets
 * (target.c), and the block phases with their safety checks (phase.c).
 */
#ifndef _MEMPLUG_ACTION_H_
#define _MEMPLUG_ACTION_H_

#include "memplug.h"

/* the options reconfigure, online and offline have in common */
struct action_opts {
	enum memplug_online_type online_type;
	bool zone_given;
	enum memplug_order order;
	bool dry_run;
	bool force;
	bool unplug; /* offline: then remove the memory (dax state) */
	long timeout_s;
	long wait_s;
	/* apply: warnings of the run itself ({target: null, code, message}),
	 * ahead of the targets' in the root's "warnings"; NULL: none */
	struct json_object *warnings;
};

#define ACTION_OPTS_INIT                                                       \
	{                                                                      \
		.online_type = MEMPLUG_ONLINE_MOVABLE,                         \
		.order = MEMPLUG_ORDER_DEFAULT, .timeout_s = 120, .wait_s = 30 \
	}

/*
 * The options reconfigure, online and offline share: the first entries of
 * each command's option table, bound by this enum (a command numbers its
 * own options from NR_ACTION_OPTIONS on), never by position.
 */
enum action_option {
	OPT_ZONE,
	OPT_ORDER,
	OPT_DRY_RUN,
	OPT_FORCE,
	OPT_TIMEOUT,
	OPT_WAIT,
	NR_ACTION_OPTIONS,
};

#define ACTION_CLI_OPTIONS                                                    \
	[OPT_ZONE] = { "zone", 'z', "ZONE",                                   \
		       "movable (default), normal or auto, any case" },       \
	[OPT_ORDER] = { "order", 0, "ORDER",                                  \
			"block order: descending, ascending, hole-first, "    \
			"default" },                                          \
	[OPT_DRY_RUN] = { "dry-run", 0, NULL,                                 \
			  "print the plan, change nothing" },                 \
	[OPT_FORCE] = { "force", 'f', NULL, "do what safety checks refuse" }, \
	[OPT_TIMEOUT] = { "timeout", 't', "SECONDS",                          \
			  "bound for offlining and for blocks the kernel "    \
			  "defers (default 120)" },                           \
	[OPT_WAIT] = { "wait", 'w', "SECONDS",                                \
		       "wait for another memplug (default 30)" }

/* parse shared option @index; returns 1 when it is not a shared one */
int action_option(struct action_opts *o, const char *cmd, int index,
		  const char *arg);

/* one target's entry in the "targets" array */
struct report {
	const char *target;
	struct json_object *obj;
	struct json_object *steps;
	struct json_object *warnings;
	struct json_object *timings;
	struct json_object *failed;
	/* blocks the kernel deferred (parallel onlining), NULL: none */
	struct json_object *deferred;
	const char *result; /* changed, unchanged, planned, partial, ... */
	int exit;
	bool changed;
};

/* ---- report.c ---- */
void report_init(struct report *r, const char *target);
void report_step(struct report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* a warning: @code (stable, kebab-case) and its message, into the JSON
 * and on stderr */
void report_warn(struct report *r, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void report_time(struct report *r, const char *phase, uint64_t ns);
/* the keys every target has: "action" (@action when unset), and "source",
 * "before" and "after" as null when the target resolved to nothing */
void report_shape(struct report *r, const char *action);
/* ends the target with an error result and exit code; returns @exit */
int report_fail(struct report *r, int exit, const char *result, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

/*
 * The end of one device write: a failure (the library's error line) ends
 * the target, a success marks it changed and rereads the model.  A rescan
 * that fails (the device vanished) ends the target too.
 */
int report_applied(struct memplug_ctx *ctx, struct report *r, int rc);

/* the blocks a target names: a source, or memoryN / memoryN-M */
struct target {
	const char *name;
	char *source; /* a source's name, NULL for a block list */
	unsigned long first, last; /* a block list */
};

/* ---- target.c ---- */
/*
 * Targets as the command line gives them: "all", block lists (memoryN,
 * memoryN-M) and kernel device names (name_ok()); anything else (white
 * space, signs, overflow, shell or terminal metacharacters) is EXIT_USAGE
 * with one line naming it.
 */
int target_check_args(const char *cmd, int argc, char **argv);
/* resolves @name against the scanned model; a failure ends the report */
int target_parse(struct memplug_ctx *ctx, struct report *r, const char *name,
		 struct target *t);
void target_release(struct target *t);
/* adds target_state() to the report as @key ("before", "after") */
void report_state(struct memplug_ctx *ctx, struct report *r,
		  const struct target *t, const char *key);
/* the target's blocks now (after any rescan); caller frees */
struct memplug_block **target_blocks(struct memplug_ctx *ctx,
				     const struct target *t, unsigned long *nr);
struct memplug_source *target_source(struct memplug_ctx *ctx,
				     const struct target *t);
/* mode, block counts, zones, memmap location of a target, as JSON */
struct json_object *target_state(struct memplug_ctx *ctx,
				 const struct target *t);

/* ---- phase.c ----
 * Phases over a set of blocks, with reports.  Each returns EXIT_OK, or the
 * exit code of the failure after recording it in @r.
 */
int phase_online(struct memplug_ctx *ctx, struct report *r,
		 struct memplug_block **blocks, unsigned long nr,
		 const struct action_opts *o);
int phase_offline(struct memplug_ctx *ctx, struct report *r,
		  struct memplug_block **blocks, unsigned long nr,
		  const struct action_opts *o);
/* online blocks in the wrong zone: warn, and with --force move them */
int phase_fix_zones(struct memplug_ctx *ctx, struct report *r,
		    struct memplug_block **blocks, unsigned long nr,
		    const struct action_opts *o);

/*
 * A kmem device whose memory is absent (Linux 7.3's "unplugged"): bring
 * it back.  @whole_device (the state must read unplugged): write the
 * online type to daxX.Y/state, the
 * kernel adds and onlines the whole device in one operation; else unbind
 * kmem, so that binding it again adds the blocks for memplug's ordered
 * online.  Ends with the model read again.
 */
int phase_plug(struct memplug_ctx *ctx, struct report *r,
	       const struct target *t, const struct action_opts *o,
	       bool whole_device);
/* the device's memory is absent: no block present of those it spans */
bool memory_absent(struct memplug_source *src);

/* the whole of memplug online/offline for one target */
int block_action(struct memplug_ctx *ctx, struct report *r, const char *name,
		 const struct action_opts *o, enum memplug_op op);

/* ---- verify.c ---- */
/* what a target must look like after a write command */
struct end_state {
	enum memplug_mode mode; /* UNKNOWN: any (block lists) */
	enum memplug_block_state blocks; /* ONLINE, OFFLINE, UNKNOWN: any */
	enum memplug_zone zone; /* of the online blocks; UNKNOWN: any */
	int memmap; /* 1 on the device, 0 in node RAM, -1 any */
	bool unplugged; /* no block present; else all the device's are */
};

/*
 * Read the kernel again and compare the target with @want: EXIT_OK when
 * it matches, else the target ends partial (something changed) or error
 * with what differs.
 */
int verify_end_state(struct memplug_ctx *ctx, struct report *r,
		     const struct target *t, const struct end_state *want);

/* ---- action.c ----
 * lock, run @fn per target, print one JSON object, return the exit code */
typedef int (*action_fn)(struct memplug_ctx *ctx, struct report *r,
			 const char *name, const struct action_opts *o,
			 void *data);
int action_run(struct cli_context *cli, const char *cmd, int argc, char **argv,
	       const struct action_opts *o, action_fn fn, void *data);

#endif /* _MEMPLUG_ACTION_H_ */
