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
struct json_object *json_size(uint64_t bytes, bool human);
struct json_object *json_int_or_null(long long val, bool valid);
struct json_object *json_string_or_null(const char *text);
/* print @obj on stdout; a failed write is kept for json_print_errno() */
void json_print(struct json_object *obj);
/* errno of the first failed json_print(), else 0: main() exits 1 on it */
int json_print_errno(void);

/* objects.c: one builder per library object */
struct json_object *json_zone_counts(const unsigned long counts[]);
/* "self", "node:N" or "unknown" */
struct json_object *json_memmap_location(const struct memplug_memmap *m);
struct json_object *json_source(struct memplug_source *src, bool human);
struct json_object *json_block(struct memplug_block *block, bool human);

struct cli_context {
	struct memplug_ctx *ctx;
	int verbose;
};

#endif /* _MEMPLUG_CLI_H_ */
