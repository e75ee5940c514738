# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
# timeout: 280
#
# Linux 7.3's whole-device state (daxX.Y/state) in each of its values, and
# memplug's verdict against it: a kmem device bound with its memory offline
# (state "offline"), unplugged by memplug (offline --unplug) or behind its
# back (echo unplugged), brought back to system-ram Movable by the rebind
# path and by the whole-device write (--parallel), taken to devdax from
# unplugged, and kill -9 during the state write followed by a rerun that
# converges.  Every write command's exit 0 is checked against the kernel.
# shellcheck shell=sh

[ "$MEMPLUG_HAVE_BINARY" = 1 ] || fail "memplug binary missing from the initramfs"
J=$RUN_OUT
DAX=/sys/bus/dax/devices/dax0.0
nvdimm_devdax >/dev/null
src() { echo ".sources[] | select(.source == \"dax0.0\") | $1"; }
movable_online() {
	assert_eq "$(count_lines "$(blocks_of_node 0 | while read -r b; do
		[ "$(cat $SYS_MEM/"$b"/state)" = online ] &&
			[ "$(block_zone "$b")" = Movable ] && echo "$b"; done)")" \
		15 "$1: blocks online Movable (sysfs)"
}

step "bound by daxctl with its memory offline: state offline, warned"
run_expect 0 /usr/bin/daxctl reconfigure-device --mode=system-ram --no-online dax0.0
[ -e $DAX/state ] || fail "kernel $(uname -r) has no dax state file"
assert_eq "$(cat $DAX/state)" offline "state after a bind with offline blocks"
run_expect 0 memplug list
assert_json $J "$(src .state)" offline "list state"
assert_json $J "$(src .total_memblocks)" 15 "total_memblocks"
assert_json $J "$(src .online_memblocks)" 0 "online_memblocks"
assert_json $J "$(src '.warnings[0].code')" memory-offline "warning code"
assert_json $J '.warnings[0].source' dax0.0 "top-level warning"

step "reconfigure onlines the offline device block by block"
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --zone=movable
assert_json $J '.targets[0].result' changed "result"
assert_json $J '.targets[0].after.zones.Movable' 15 "after Movable"
movable_online "offline -> system-ram"
assert_eq "$(cat $DAX/state)" offline "the state file keeps the last whole-device operation"
run_expect 0 memplug list
assert_json $J "$(src '.warnings | length')" 0 "no warning once online"

step "an unmet zone request is refused, not unchanged"
run_expect 4 memplug reconfigure dax0.0 --mode=system-ram --zone=normal
assert_json $J '.targets[0].result' refused "result"
assert_contains "$(cat $RUN_ERR)" "memplug onlined them into Movable earlier" "cause"
assert_contains "$(cat $RUN_ERR)" "--zone=normal --force" "the command that would do it"
movable_online "after the refusal"

step "offline --unplug: memory removed, kmem stays bound"
run_expect 0 memplug offline dax0.0 --unplug
assert_json $J '.targets[0].after.total_memblocks' 0 "after total"
assert_eq "$(cat $DAX/state)" unplugged "state after --unplug"
assert_eq "$(dax_driver dax0.0)" kmem "driver after --unplug"
assert_eq "$(count_lines "$(blocks_of_node 0 | while read -r b; do
	[ "$(cat $SYS_MEM/"$b"/state)" = offline ] && echo "$b"; done)")" 0 "no offline block left"
run_expect 0 memplug offline dax0.0 --unplug
assert_json $J '.changed' false "--unplug twice"

step "list never calls an unplugged device healthy"
run_expect 0 memplug list
assert_json $J "$(src .state)" unplugged "list state"
assert_json $J "$(src .mode)" system-ram "list mode"
assert_json $J "$(src .total_memblocks)" 0 "total_memblocks"
assert_json $J "$(src .range_memblocks)" 15 "range_memblocks"
assert_json $J "$(src '.warnings[0].code')" memory-unplugged "warning code: unplugged by memplug"

step "reconfigure brings it back: unbind, bind, ordered online"
# --no-parallel: this path on every kernel (on a parallel one the default is
# the whole-device write, tested below)
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --zone=movable --no-parallel
assert_json $J '.targets[0].steps[0]' "unbind dax0.0 from kmem (its memory is not present)" "first step"
assert_json $J '.targets[0].after.online_memblocks' 15 "after online"
movable_online "unplugged -> system-ram (rebind)"
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --zone=movable
assert_json $J '.changed' false "idempotent"

step "unplugged behind memplug's back, then the whole-device write"
echo unplugged >$DAX/state
run_expect 0 memplug list
assert_json $J "$(src '.warnings[0].code')" memory-absent "warning code: unplugged behind memplug's back"
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --zone=movable --parallel
assert_json $J '.targets[0].steps[0]' "write online_movable to dax0.0/state: the kernel adds and onlines its 15 blocks" "state write step"
assert_eq "$(cat $DAX/state)" online_movable "state after the write"
movable_online "unplugged -> system-ram (state write)"

step "online of an unplugged device"
echo unplugged >$DAX/state
run_expect 0 memplug online dax0.0
movable_online "online after unplugged"

step "from unplugged to devdax"
echo unplugged >$DAX/state
run_expect 0 memplug reconfigure dax0.0 --mode=devdax
assert_eq "$(dax_driver dax0.0)" device_dax "driver"
assert_json $J '.targets[0].after.mode' devdax "after mode"

step "kill -9 during the state write, then a rerun converges"
for ms in 5 40 150; do
	run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --no-online
	echo unplugged >$DAX/state
	run_killed "$ms" memplug reconfigure dax0.0 --mode=system-ram --parallel
	log "kill at $ms ms: exit $KILLED_RC, state $(cat $DAX/state)"
	run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --zone=movable
	movable_online "rerun after kill at $ms ms"
	run_expect 0 memplug reconfigure dax0.0 --mode=devdax
done

pass "every dax state reported, reached and left; exits match the kernel"
