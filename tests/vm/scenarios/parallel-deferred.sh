# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
# qemu: -smp 2
#
# Parallel deferred onlining (the test bed's 7.3 with parallel_hotplug_ratio,
# Anolis' interface), as the kernel shows it and as memplug meets it:
# - the kernel: the ratio's parameter file, deferred_online_memory in
#   kallsyms; a block written online_movable into a populated zone reads
#   offline at first and online after the deferred phase; the first block
#   of an empty zone is not deferred; offlining a queued block cancels it;
#   a kernel hot-add (auto_online_blocks) returns with every block online;
# - memplug: list reports the parallel kernel and the path it takes;
#   online of a block list exits 0 with every block online and none
#   reported failed; reconfigure takes the kernel's path and ends online.
# shellcheck shell=sh
# shellcheck disable=SC2086 # block lists are split on purpose

J=$RUN_OUT
AUTO=$SYS_MEM/auto_online_blocks
RATIO=/sys/module/kernel/parameters/parallel_hotplug_ratio

step "the kernel has the interface"
[ -r "$RATIO" ] || fail "no $RATIO: not the test bed's parallel kernel"
assert_ne "$(cat $RATIO)" 0 "parallel_hotplug_ratio"
grep -q ' deferred_online_memory$' /proc/kallsyms ||
	fail "deferred_online_memory not in /proc/kallsyms"

step "memplug list sees it"
run_expect 0 memplug list
assert_json $J '.system.capabilities.parallel_onlining' true "parallel_onlining"
assert_json $J '.system.online_path' kernel "online_path"

dev="$(nvdimm_devdax)"
assert_eq "$dev" dax0.0 "dax device"
/usr/bin/daxctl reconfigure-device --mode=system-ram --no-online "$dev" \
	>/dev/null 2>&1 || fail "kmem bind without online"
BLOCKS="$(blocks_in_state offline)"
N=$(count_lines "$BLOCKS")
assert_ge "$N" 8 "offline blocks of $dev"
first="$(echo "$BLOCKS" | head -n 1)"
rest="$(echo "$BLOCKS" | sed 1d)"

step "first block into the empty Movable zone: not deferred"
echo online_movable >$SYS_MEM/$first/state || fail "online $first"
assert_eq "$(cat $SYS_MEM/$first/state)" online "$first right after the write"

step "the others: deferred, then online"
deferred=0
for b in $rest; do
	echo online_movable >$SYS_MEM/$b/state || fail "online $b"
	[ "$(cat $SYS_MEM/$b/state)" = offline ] && deferred=$((deferred + 1))
done
log "$deferred of $((N - 1)) blocks read offline right after their write"
assert_ge "$deferred" 1 "blocks deferred"
settle settle_sysfs 60
for b in $BLOCKS; do
	assert_eq "$(block_zone $b)" Movable "$b zone"
done

step "list agrees with the kernel while a deferred phase runs"
run_expect 0 memplug offline "$dev"
echo online_movable >$SYS_MEM/$first/state || fail "online $first"
for b in $rest; do
	echo online_movable >$SYS_MEM/$b/state || fail "online $b"
done
c0=$(n_online)
run_expect 0 memplug list -M
c1=$(n_online)
listed=$(/usr/bin/jq '[.memory_blocks[] | select(.state == "online")] | length' $J)
log "online blocks: $c0 before list, $listed in list, $c1 after"
assert_ge "$listed" "$c0" "list's online blocks vs the kernel before it"
assert_ge "$c1" "$listed" "the kernel's online blocks after list vs list"
for id in $(/usr/bin/jq '.memory_blocks[] | select(.state == "online") | .block' $J); do
	assert_eq "$(cat $SYS_MEM/memory$id/state)" online "memory$id listed online"
done
settle settle_list 60

step "offline all; a queued block that is offlined again stays offline"
run_expect 0 memplug offline "$dev"
b1="$(echo "$rest" | head -n 1)"
echo online_movable >$SYS_MEM/$first/state || fail "online $first again"
echo online_movable >$SYS_MEM/$b1/state || fail "online $b1"
if [ "$(cat $SYS_MEM/$b1/state)" = offline ]; then
	echo offline >$SYS_MEM/$b1/state || fail "offline queued $b1"
	sleep 1
	assert_eq "$(cat $SYS_MEM/$b1/state)" offline "cancelled $b1"
	log "offlining a queued block cancelled it"
else
	# the deferred phase was quicker than the read: offline it again, the
	# block list below starts from every block but $first offline
	log "$b1 was online before it could be cancelled"
	echo offline >$SYS_MEM/$b1/state || fail "offline $b1"
fi
echo offline >$SYS_MEM/$first/state || fail "offline $first"

step "memplug online of a block list: deferred blocks are not failures"
list="$(echo "$rest" | tr '\n' ' ')"
run_expect 0 memplug online $list --zone=movable
assert_json $J '[.targets[].failed_blocks[]] | length' 0 "failed_blocks"
assert_json $J '[.targets[] | select(.result != "changed")] | length' 0 "every target changed"
assert_eq "$(($(count_lines "$(blocks_in_state offline)")))" 1 "only $first left offline"
assert_json $J '.changed' true "changed"
echo online_movable >$SYS_MEM/$first/state || fail "online $first"
run_expect 0 memplug online $list --zone=movable
assert_json $J '.changed' false "rerun changes nothing"

step "memplug reconfigure: the kernel's path, every block online"
run_expect 0 memplug offline "$dev"
run_expect 0 memplug reconfigure "$dev" --mode=devdax
run_expect 0 memplug reconfigure "$dev" --mode=system-ram --zone=movable
assert_eq "$(count_lines "$(blocks_in_state offline)")" 0 "no block offline"
for b in $BLOCKS; do
	assert_eq "$(block_zone $b)" Movable "$b zone after reconfigure"
done

step "kernel hot-add with auto-online: all online when the bind returns"
run_expect 0 memplug offline "$dev"
run_expect 0 memplug reconfigure "$dev" --mode=devdax
echo online_movable >$AUTO || fail "auto_online_blocks"
/usr/bin/daxctl reconfigure-device --mode=system-ram --force "$dev" \
	>/dev/null 2>&1 || fail "daxctl with auto-online"
echo offline >$AUTO
assert_eq "$(count_lines "$(blocks_in_state offline)")" 0 "offline right after the bind"
pass "parallel deferred onlining: $deferred of $((N - 1)) per-block writes deferred"
