# SPDX-License-Identifier: GPL-2.0
# profile: large
# timeout: 1800
#
# Benchmark (not a meson test; run by run-state-bench.sh, Linux 7.3+):
# bring the 503 blocks (64 GiB) of an unplugged dax0.0 (kmem bound, its
# daxX.Y/state "unplugged") online Movable along each path memplug could
# take, ROUNDS rounds, the paths alternating and each round starting one
# path later:
#
#   rebind   memplug reconfigure (its default here): unbind kmem, bind it
#            again (the blocks come offline), online them descending
#   state    memplug reconfigure --parallel: write online_movable to
#            daxX.Y/state; the kernel adds and onlines the whole device,
#            ascending, in that one write
#   raw      echo online_movable > daxX.Y/state without memplug: the state
#            path's floor
#
# Metrics: plug_<path>_r<N> (ms).  The way back, memplug offline --unplug,
# is timed too (unplug_r<N>).  --force: 64 GiB of Movable on a 3 GiB guest
# is beyond the kernel-memory rule, which memplug would rightly refuse.
# shellcheck shell=sh
# shellcheck disable=SC3043,SC2086 # busybox sh: local; fixed sysfs paths

ROUNDS=3
STATE=$SYS_DAX/dax0.0/state

nvdimm_devdax >/dev/null
/usr/bin/daxctl reconfigure-device --mode=system-ram --no-online dax0.0 >/dev/null 2>&1 ||
	fail "kmem bind"
[ -e $STATE ] || fail "kernel $(uname -r) has no dax state file"
n_movable() { grep -l Movable $SYS_MEM/memory*/valid_zones | while read -r z; do
	[ "$(cat "${z%/valid_zones}/state")" = online ] && echo; done | wc -l; }

raw_write() { echo online_movable >$STATE; }
unplug() {
	timed "unplug_r$1" memplug offline dax0.0 --unplug
	assert_eq "$(cat $STATE)" unplugged "state after unplug"
}
plug() {
	case "$2" in
	rebind) timed "plug_rebind_r$1" memplug reconfigure dax0.0 --mode=system-ram --zone=movable --force ;;
	state) timed "plug_state_r$1" memplug reconfigure dax0.0 --mode=system-ram --zone=movable --force --parallel ;;
	raw) timed "plug_raw_r$1" raw_write ;;
	esac
	assert_ge "$(n_movable)" 503 "$2: blocks online Movable"
}

step "warm-up"
memplug online dax0.0 --force >$TIMED_OUT 2>$TIMED_ERR || fail "warm-up online: $(cat $TIMED_ERR)"
unplug 0
PATHS="rebind state raw"
r=1
while [ $r -le $ROUNDS ]; do
	step "round $r"
	for p in $(rotate $(((r - 1) % 3)) $PATHS); do
		plug $r $p
		unplug $r
	done
	r=$((r + 1))
done
pass "plug paths measured"
