// SPDX-License-Identifier: GPL-2.0
/* Option tables: one per command, driving getopt, --help and --list-opts. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <string.h>
#include "memplug.h"
#include "suggest.h"
#include "text.h"
#include "vocab.h"

/* "memplug: [CMD: ]MESSAGE", one line, no control characters */
static void error_line(const char *cmd, const char *format, va_list args)
{
	char *msg = NULL;

	if (vasprintf(&msg, format, args) < 0)
		msg = NULL;
	text_line(stderr, "memplug: %s%s%s", cmd ? cmd : "", cmd ? ": " : "",
		  msg ? msg : "out of memory");
	free(msg);
}

int cli_usage_error(const char *cmd, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	error_line(cmd, format, args);
	va_end(args);
	return EXIT_USAGE;
}

int cli_error(int code, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	error_line(NULL, format, args);
	va_end(args);
	return code;
}

int cli_parse_long(const char *cmd, const char *option, const char *arg,
		   long min, long max, long *val)
{
	if (!vocab_long(arg, min, max, val))
		return cli_usage_error(cmd, "invalid --%s '%s': want %ld..%ld",
				       option, arg, min, max);
	return 0;
}

/* the command's context, for a -v after the command */
static struct cli_context *verbose_cli;

void cli_verbose(struct cli_context *cli, int more)
{
	verbose_cli = cli;
	cli->verbose += more;
	if (cli->verbose && cli->ctx)
		memplug_set_log_priority(
			cli->ctx, cli->verbose > 1 ? LOG_DEBUG : LOG_INFO);
}

/* "unknown option '--zome=x': did you mean '--zone'?" */
static int unknown_option(const char *cmd, const char *arg,
			  const struct cli_option *opts, int n)
{
	const char **names = NULL, *near = NULL;
	char typed[64];
	int i;

	if (!strncmp(arg, "--", 2))
		names = calloc(n + 1, sizeof(*names));
	if (names) {
		for (i = 0; i < n; i++)
			names[i] = opts[i].name;
		names[n] = "verbose";
		snprintf(typed, sizeof(typed), "%.*s",
			 (int)strcspn(arg + 2, "="), arg + 2);
		near = suggest_word(typed, names, n + 1);
	}
	free(names);
	if (near)
		return cli_usage_error(
			cmd, "unknown option '%s': did you mean '--%s'?", arg,
			near);
	return cli_usage_error(cmd, "unknown option '%s'", arg);
}

static void print_help(const char *cmd, const char *usage,
		       const struct cli_option *opts)
{
	const struct cli_option *o;

	printf("usage: memplug %s %s\n\n", cmd, usage);
	for (o = opts; o->name; o++) {
		char left[64];

		snprintf(left, sizeof(left), "%s%c%s--%s%s%s",
			 o->short_name ? "-" : "    ",
			 o->short_name ? o->short_name : ' ',
			 o->short_name ? ", " : "", o->name, o->arg ? "=" : "",
			 o->arg ? o->arg : "");
		printf("    %-30s %s\n", left, o->help);
	}
}

int cli_parse(int argc, char **argv, const char *cmd, const char *usage,
	      const struct cli_option *opts, cli_option_fn fn, void *data,
	      int *first, bool *done)
{
	struct option *lopts;
	char shorts[128] = "";
	int n = 0, i, c, rc = 0;

	*done = false;
	while (opts[n].name)
		n++;
	lopts = calloc(n + 4, sizeof(*lopts));
	if (!lopts)
		return cli_error(EXIT_ERROR, "out of memory");
	for (i = 0; i < n; i++) {
		lopts[i].name = opts[i].name;
		lopts[i].has_arg = opts[i].arg ? required_argument :
						 no_argument;
		lopts[i].val = 256 + i;
		if (opts[i].short_name) {
			size_t len = strlen(shorts);

			shorts[len] = (char)opts[i].short_name;
			shorts[len + 1] = opts[i].arg ? ':' : '\0';
			shorts[len + 2] = '\0';
		}
	}
	lopts[n].name = "help";
	lopts[n].val = 'h';
	lopts[n + 1].name = "list-opts";
	lopts[n + 1].val = 1;
	/* -v after the command as before it */
	lopts[n + 2].name = "verbose";
	lopts[n + 2].val = 'v';
	strcat(shorts, "hv");
	opterr = 0;
	optind = 1;
	while (!rc &&
	       (c = getopt_long(argc, argv, shorts, lopts, NULL)) != -1) {
		if (c == 'h') {
			print_help(cmd, usage, opts);
			*done = true;
			break;
		}
		if (c == 'v') {
			if (verbose_cli)
				cli_verbose(verbose_cli, 1);
			continue;
		}
		if (c == 1) {
			/* "--zone=": the completion then adds no space */
			for (i = 0; i < n; i++)
				printf("--%s%s%s", opts[i].name,
				       opts[i].arg ? "=" : "",
				       i + 1 < n ? " " : "\n");
			*done = true;
			break;
		}
		if (c == '?' || c == ':') {
			if (optopt >= 256 && optopt - 256 < n)
				rc = cli_usage_error(
					cmd, "option --%s needs an argument",
					opts[optopt - 256].name);
			else if (optopt)
				rc = cli_usage_error(
					cmd, "unknown option '-%c'", optopt);
			else
				rc = unknown_option(cmd, argv[optind - 1], opts,
						    n);
			break;
		}
		for (i = 0; i < n; i++)
			if (c == 256 + i || c == opts[i].short_name)
				break;
		/* "--config=": no option means anything by an empty value */
		if (i < n && opts[i].arg && optarg && !*optarg)
			rc = cli_usage_error(cmd, "empty --%s: want %s",
					     opts[i].name, opts[i].arg);
		else if (i < n)
			rc = fn(i, optarg, data);
	}
	free(lopts);
	*first = optind;
	return rc;
}
