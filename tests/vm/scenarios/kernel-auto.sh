# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
#
# The kernel-side onlining path (what parallel deferred onlining speeds up
# on patched kernels): memplug sets auto_online_blocks to the wanted type
# around the kmem bind, so the kernel onlines the whole range in one
# add_memory call, and restores it afterwards.  Also compared with the
# ordered user-space writes on this stock kernel.
# shellcheck shell=sh

J=$RUN_OUT
nvdimm_devdax >/dev/null
assert_eq "$(cat $SYS_MEM/auto_online_blocks)" offline "auto_online_blocks before"

step "reconfigure --parallel: the kernel onlines every block Movable"
t0=$(now_ns)
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --zone=movable --parallel
metric kernel_auto_15_blocks_ms "$(elapsed_ms "$t0")" ms
assert_eq "$(cat $SYS_MEM/auto_online_blocks)" offline "auto_online_blocks restored"
assert_json $J '.targets[0].after.online_memblocks' 15 "online"
assert_json $J '.targets[0].after.zones.Movable' 15 "Movable"
assert_json $J '.targets[0].steps[0]' "bind dax0.0 to kmem, kernel onlines all blocks online_movable" "step"
assert_json $J '.targets[0].warnings | length' 0 "no race warning on the kernel path"

step "back to devdax, then the ordered path for comparison"
run_expect 0 memplug reconfigure dax0.0 --mode=devdax
t0=$(now_ns)
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --zone=movable --no-parallel
metric ordered_writes_15_blocks_ms "$(elapsed_ms "$t0")" ms
assert_json $J '.targets[0].after.zones.Movable' 15 "Movable"
run_expect 0 memplug list
# the path memplug takes by default: the kernel's where its onlining is
# linear (the contiguity fix) or parallel, ordered writes elsewhere
case "$MEMPLUG_KERNEL" in
7.3-fix | 7.3-parallel) want=kernel ;;
*) want=ordered-writes ;;
esac
assert_json $J '.system.online_path' $want "online_path on kernel $MEMPLUG_KERNEL"
pass "kernel-auto path onlines the device and restores auto_online_blocks"
