// SPDX-License-Identifier: GPL-2.0
/* memplug version */
#include <stdio.h>
#include "config.h"
#include "builtin.h"

int cmd_version(int argc, char **argv, struct cli_context *cli)
{
	puts(MEMPLUG_VERSION);
	return EXIT_OK;
}
