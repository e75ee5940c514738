/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memplug config snapshot: the present dax devices' mode, zone, online
 * state and memmap placement as a memplug.conf naming each device by the
 * stable identity list shows in "match".
 */
#ifndef _MEMPLUG_CONF_SNAPSHOT_H_
#define _MEMPLUG_CONF_SNAPSHOT_H_

#include <stdio.h>
#include <libmemplug.h>

/*
 * Print to @out one section per dax device of the scanned model of @ctx
 * (a device with no readable identity, or neither system-ram nor devdax,
 * is a comment saying why it is left out).  Returns EXIT_OK.
 */
int config_snapshot(struct memplug_ctx *ctx, FILE *out);

#endif /* _MEMPLUG_CONF_SNAPSHOT_H_ */
