/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a whole device's memory goes online on this kernel: the one place
 * that chooses, used by reconfigure, apply and online, and shown by list.
 */
#ifndef _MEMPLUG_ONLINE_PATH_H_
#define _MEMPLUG_ONLINE_PATH_H_

#include "memplug.h"

enum online_method {
	ONLINE_ORDERED, /* memplug's own block writes, in --order */
	ONLINE_KERNEL, /* the kernel onlines the whole device at once */
};

struct online_path {
	enum online_method method;
	/* why, a stable name: list's online_path_reason, or the option */
	const char *reason;
};

/*
 * The path on this kernel: the kernel's when its onlining is parallel
 * (confirmed: may read /proc/kallsyms once, see
 * memplug_probe_parallel_onlining()) or linear (the zone-contiguity fix),
 * else memplug's ordered writes, since the kernel onlines a device in
 * ascending order, which is quadratic there.  @force: -1 lets the kernel
 * decide, 0 (--no-parallel) and 1 (--parallel) choose.
 */
struct online_path online_path_choose(struct memplug_ctx *ctx, int force);
/* "kernel" or "ordered-writes": list's online_path */
const char *online_method_name(enum online_method method);

#endif /* _MEMPLUG_ONLINE_PATH_H_ */
