/* SPDX-License-Identifier: GPL-2.0 */
/* What every command of the CLI shares: exit codes, options, errors, JSON. */
#ifndef _MEMPLUG_CLI_H_
#define _MEMPLUG_CLI_H_

#include <json-c/json.h>
#include <libmemplug.h>

/* exit codes: documented in memplug(1), fixed forever */
enum memplug_exit {
	EXIT_OK = 0, /* success, changed or not */
	EXIT_ERROR = 1, /* error, nothing changed */
	EXIT_USAGE = 2, /* bad command line */
	EXIT_PARTIAL = 3, /* some blocks or targets done: the JSON says which */
	EXIT_REFUSED = 4, /* refused for safety */
};

/* one command-line option of a command, in the order --help shows them */
struct cli_option {
	const char *name; /* long name, without dashes */
	int short_name; /* 0 when none */
	const char *arg; /* argument name, NULL for a flag */
	const char *help;
};

#define OPT_END                     \
	{                           \
		NULL, 0, NULL, NULL \
	}

/*
 * Called once per option seen: @index in the command's table, @arg its
 * argument or NULL.  Returns 0, or EXIT_USAGE after printing the error.
 */
typedef int (*cli_option_fn)(int index, const char *arg, void *data);

/*
 * Parse argv[1..] against @opts.  Handles --help and --list-opts itself
 * (sets *done).  Returns 0 and the index of the first operand in *first, or
 * EXIT_USAGE with one line on stderr.
 */
int cli_parse(int argc, char **argv, const char *cmd, const char *usage,
	      const struct cli_option *opts, cli_option_fn fn, void *data,
	      int *first, bool *done);
int cli_usage_error(const char *cmd, const char *format, ...)
	__attribute__((format(printf, 2, 3)));
int cli_error(int code, const char *format, ...)
	__attribute__((format(printf, 2, 3)));
/* a whole decimal number in [min, max] */
int cli_parse_long(const char *cmd, const char *option, const char *arg,
		   long min, long max, long *val);

/* JSON helpers */
/* the shape of every command's JSON: raised only on an incompatible change */
#define JSON_FORMAT_VERSION 2
/* a command's root object, starting with "format_version" */
struct json_object *json_command_root(void);
struct json_object *json_size(uint64_t bytes, bool human);
struct json_object *json_int_or_null(long long val, bool valid);
struct json_object *json_string_or_null(const char *text);
/* a warning as data: {"code": @code, "message": @message} */
struct json_object *json_warning(const char *code, const char *message);
/*
 * The warnings of @items' elements (each an object holding @key and a
 * "warnings" array) as one array, each warning with @key ("target",
 * "source") added first: the root's "warnings" of a command.
 */
struct json_object *json_collect_warnings(struct json_object *items,
					  const char *key);
/* print @obj on stdout; a failed write is kept for json_print_errno() */
void json_print(struct json_object *obj);
/* errno of the first failed json_print(), else 0: main() exits 1 on it */
int json_print_errno(void);
/*
 * An array whose elements @next makes while the array prints (each
 * returned owned, freed once printed; NULL ends it): json_print() of a
 * document holding it writes the rows as they come, in the bytes an
 * array of the same elements prints as.  It prints once.
 */
typedef struct json_object *json_array_next_fn(void *data);
struct json_object *json_array_stream(json_array_next_fn *next, void *data);

/*
 * Online blocks per zone, for a JSON "zones" object: its keys are the
 * zones DMA to unknown, in enum order (the schema's).  A zone a later
 * libmemplug adds counts as "unknown" until the schema names it.
 */
struct zone_counts {
	unsigned long n[MEMPLUG_ZONE_UNKNOWN + 1];
};
void zone_counts_add(struct zone_counts *counts, enum memplug_zone zone);

/* objects.c: one builder per library object */
struct json_object *json_zone_counts(const struct zone_counts *counts);
/* "self", "node:N" or "unknown" */
struct json_object *json_memmap_location(const struct memplug_memmap *m);
struct json_object *json_source(struct memplug_source *src, bool human);
/*
 * What a memplug.conf section can name a dax device by, under the config's
 * key names: {"uuid", "hpa", "memdevs", "resource"}, each null when the
 * device has none; NULL (JSON null) for other sources.
 */
struct json_object *json_source_match(struct memplug_source *src);
/* the block's row: into @row when given (a row of an earlier block,
 * updated in place), else a new object */
struct json_object *json_block(struct json_object *row,
			       struct memplug_block *block, bool human);

struct cli_context {
	struct memplug_ctx *ctx;
	int verbose;
};

/*
 * -v, --verbose: before the command (main) or among its options
 * (cli_parse): raise the count by @more and set the library's log
 * priority to match.  Also names the context cli_parse() counts -v for.
 */
void cli_verbose(struct cli_context *cli, int more);

#endif /* _MEMPLUG_CLI_H_ */
