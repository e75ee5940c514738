// SPDX-License-Identifier: GPL-2.0
/*
 * The online path per kernel.  The kernel's whole-device online (kmem bind
 * with auto_online_blocks, Linux 7.3's daxX.Y/state) onlines the blocks in
 * ascending order; before the zone-contiguity fix each block rescans the
 * zone span, so that is quadratic (64 GiB: 2.9 s ascending, 0.55 s
 * descending on 6.1), and memplug's descending writes win.  With parallel
 * deferred onlining, or with the fix, the kernel's path is the cheaper or
 * the equal one, and it is taken.  Only confirmed evidence counts: a
 * command line that asks for parallel onlining proves nothing.
 */
#include "online-path.h"

struct online_path online_path_choose(struct memplug_ctx *ctx, int force)
{
	if (force == 0)
		return (struct online_path){ ONLINE_ORDERED, "--no-parallel" };
	if (force == 1)
		return (struct online_path){ ONLINE_KERNEL, "--parallel" };
	if (memplug_probe_parallel_onlining(ctx))
		return (struct online_path){ ONLINE_KERNEL,
					     "parallel-onlining" };
	if (memplug_has_linear_onlining(ctx))
		return (struct online_path){ ONLINE_KERNEL,
					     "linear-zone-contiguity" };
	return (struct online_path){ ONLINE_ORDERED, "ascending-quadratic" };
}

const char *online_method_name(enum online_method method)
{
	return method == ONLINE_KERNEL ? "kernel" : "ordered-writes";
}
