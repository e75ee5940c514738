/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memplug reconfigure's work on one target, shared with memplug apply, which
 * runs it with the options of a memplug.conf section.
 */
#ifndef _MEMPLUG_RECONFIGURE_H_
#define _MEMPLUG_RECONFIGURE_H_

#include "action.h"

struct reconfigure_opts {
	struct action_opts action;
	enum memplug_mode mode;
	int memmap; /* -1: leave the knob, 0/1: wanted */
	bool no_online;
	int parallel; /* -1: auto, 0: never, 1: always */
};

/* an action_fn: @data is a struct reconfigure_opts */
int reconfigure_target(struct memplug_ctx *ctx, struct report *r,
		       const char *name, const struct action_opts *ao,
		       void *data);

#endif /* _MEMPLUG_RECONFIGURE_H_ */
