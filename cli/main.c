// SPDX-License-Identifier: GPL-2.0
/* main(): the command table, the options every command shares, and the
 * check that stdout took every byte. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <spawn.h>
#include <syslog.h>
#include <sys/wait.h>
#include <unistd.h>
#include "config.h"
#include "builtin.h"
#include "suggest.h"
#include "text.h"

static int cmd_help(int argc, char **argv, struct cli_context *cli);

static const struct cli_command commands[] = {
	{ "list", cmd_list,
	  "report memory sources, blocks and memmap placement" },
	{ "reconfigure", cmd_reconfigure,
	  "switch dax devices, namespaces, CXL regions to system-ram or devdax" },
	{ "online", cmd_online, "online the blocks of sources or block lists" },
	{ "offline", cmd_offline,
	  "offline the blocks of sources or block lists" },
	{ "apply", cmd_apply,
	  "bring what memplug.conf names to its configured state" },
	{ "config", cmd_config, "check memplug.conf or show it as JSON" },
	{ "version", cmd_version, "print the version" },
	{ "help", cmd_help, "show help for a command" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"usage: memplug [--sysfs-root=DIR] [-v] COMMAND [ARGS]\n\n"
		"    --sysfs-root=DIR  read and write the kernel below DIR (also $MEMPLUG_SYSFS_ROOT)\n"
		"    -v, --verbose     progress and library debug messages on stderr\n"
		"    --list-cmds       list the commands, one per line\n"
		"    --version         print the version\n\n"
		"commands:\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "    %-12s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\nSee 'memplug help COMMAND' or memplug-COMMAND(1).\n");
}

static const struct cli_command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* one line, exit 2: "unknown command 'lst': did you mean 'list'?" */
static int unknown_command(const char *cmd, const char *name)
{
	const char *names[NR_COMMANDS], *near;
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		names[i] = commands[i].name;
	near = suggest_word(name, names, NR_COMMANDS);
	if (near)
		return cli_usage_error(
			cmd, "unknown command '%s': did you mean '%s'?", name,
			near);
	return cli_usage_error(cmd, "unknown command '%s'", name);
}

/* "memplug --verbos": the same, among the options before a command */
static int unknown_option(const char *arg)
{
	static const char *const names[] = {
		"--sysfs-root",	  "--verbose", "--list-cmds",
		"--list-targets", "--version", "--help",
	};
	char name[64];
	const char *near;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg, "="), arg);
	near = suggest_word(name, names, sizeof(names) / sizeof(names[0]));
	if (near)
		return cli_usage_error(
			NULL, "unknown option '%s': did you mean '%s'?", arg,
			near);
	return cli_usage_error(NULL, "unknown option '%s'", arg);
}

/* `man -w PAGE` succeeds: the page is installed where man(1) looks */
static bool man_page_installed(const char *page)
{
	char *args[] = { "man", "-w", (char *)page, NULL };
	posix_spawn_file_actions_t fa;
	int status;
	pid_t pid;
	bool ok;

	if (posix_spawn_file_actions_init(&fa))
		return false;
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	ok = !posix_spawnp(&pid, "man", &fa, NULL, args, environ) &&
	     waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	     WEXITSTATUS(status) == 0;
	posix_spawn_file_actions_destroy(&fa);
	return ok;
}

/* like git help: the man page when installed, else COMMAND --help */
static int cmd_help(int argc, char **argv, struct cli_context *cli)
{
	const struct cli_command *cmd;
	char *args[] = { NULL, "--help", NULL };
	char page[64];

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return unknown_command("help", argv[1]);
	if (cmd->fn == cmd_help)
		return cli_usage_error("help", "unknown command '%s'", argv[1]);
	snprintf(page, sizeof(page), "memplug-%s", cmd->name);
	if (man_page_installed(page)) {
		fflush(stdout);
		execlp("man", "man", page, (char *)NULL);
	}
	args[0] = argv[1];
	return cmd->fn(2, args, cli);
}

/* the library's messages carry kernel text: one clean line each */
static void log_stderr(struct memplug_ctx *ctx, int priority, const char *file,
		       int line, const char *fn, const char *format,
		       va_list args)
{
	char *msg = NULL;

	if (vasprintf(&msg, format, args) < 0)
		return;
	text_line(stderr, "memplug: %s: %s", fn, msg);
	free(msg);
}

/*
 * JSON that did not reach stdout (a full disk, a closed pipe) must not
 * look like success: one line, and exit 1 unless the command already
 * failed with its own code.
 */
static int check_stdout(int rc)
{
	int err = json_print_errno();

	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout) && !err)
		return rc;
	if (!err)
		err = errno ? errno : EIO;
	cli_error(EXIT_ERROR, "cannot write to stdout: %s", strerror(err));
	return rc ? rc : EXIT_ERROR;
}

int main(int argc, char **argv)
{
	const struct cli_command *cmd;
	struct cli_context cli = { 0 };
	const char *root = NULL;
	bool list_targets = false;
	int i, rc;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *arg = argv[i];

		if (!strncmp(arg, "--sysfs-root=", 13)) {
			root = arg + 13;
		} else if (!strcmp(arg, "--sysfs-root")) {
			if (i + 1 >= argc)
				return cli_usage_error(
					NULL,
					"option --sysfs-root needs an argument");
			root = argv[++i];
		} else if (!strcmp(arg, "-v") || !strcmp(arg, "--verbose")) {
			cli.verbose++;
		} else if (!strcmp(arg, "--list-cmds")) {
			size_t c;

			for (c = 0; c < NR_COMMANDS; c++)
				puts(commands[c].name);
			return check_stdout(EXIT_OK);
		} else if (!strcmp(arg, "--list-targets")) {
			list_targets = true;
		} else if (!strcmp(arg, "--version")) {
			return check_stdout(cmd_version(1, argv, &cli));
		} else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			return check_stdout(EXIT_OK);
		} else {
			return unknown_option(arg);
		}
	}
	if (root && !*root)
		return cli_usage_error(NULL, "--sysfs-root is empty");
	if (list_targets) {
		if (i < argc)
			return cli_usage_error(
				NULL, "--list-targets takes no command");
		rc = memplug_new(&cli.ctx, root);
		if (rc)
			return EXIT_ERROR;
		rc = cli_list_targets(cli.ctx);
		memplug_unref(cli.ctx);
		return check_stdout(rc);
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = find_command(argv[i]);
	if (!cmd)
		return unknown_command(NULL, argv[i]);
	rc = memplug_new(&cli.ctx, root);
	if (rc)
		return cli_error(EXIT_ERROR, "cannot create context: %s",
				 strerror(-rc));
	memplug_set_log_fn(cli.ctx, log_stderr);
	cli_verbose(&cli, 0);
	rc = cmd->fn(argc - i, argv + i, &cli);
	memplug_unref(cli.ctx);
	return check_stdout(rc);
}
