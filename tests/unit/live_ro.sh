#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# live_ro.sh COMMAND [ARG...]: run COMMAND against this machine's own live
# kernel with no way to change it: in a private mount namespace where /,
# /sys and /proc are remounted read-only, so that even a bug that tried to
# write could not reach the host's /sys, /proc or /run.  Refuses to run
# (exit 77, or 1 under CI=true) when it cannot set that up: it never runs
# COMMAND unguarded.
set -u
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
	echo "live_ro: needs root and unshare(1) for a read-only mount namespace" >&2
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi
exec unshare --mount --propagation private /bin/bash -c '
	set -e
	for m in / /sys /proc; do
		mount -o remount,bind,ro "$m"
	done
	# prove it: a write must fail before anything runs
	if touch /sys/.memplug-ro-probe 2>/dev/null ||
	   touch /run/.memplug-ro-probe 2>/dev/null; then
		echo "live_ro: the namespace is not read-only: refusing" >&2
		exit 1
	fi
	exec "$@"' live_ro "$@"
