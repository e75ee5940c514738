/* SPDX-License-Identifier: GPL-2.0 */
/* The commands main() dispatches to: cmd_NAME lives in cli/cmd-NAME.c. */
#ifndef _MEMPLUG_BUILTIN_H_
#define _MEMPLUG_BUILTIN_H_

#include "memplug.h"

struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv, struct cli_context *cli);
	const char *summary;
};

int cmd_list(int argc, char **argv, struct cli_context *cli);
int cmd_reconfigure(int argc, char **argv, struct cli_context *cli);
int cmd_online(int argc, char **argv, struct cli_context *cli);
int cmd_offline(int argc, char **argv, struct cli_context *cli);
int cmd_version(int argc, char **argv, struct cli_context *cli);

#endif /* _MEMPLUG_BUILTIN_H_ */
