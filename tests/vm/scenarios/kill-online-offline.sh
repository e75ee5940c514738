# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
# timeout: 280
#
# kill -9 at 20 seeded random moments of `memplug online` and of `memplug
# offline` of dax0.0's 15 blocks: each time a rerun converges (exit 0, all
# online Movable / all offline) and auto_online_blocks keeps its value.
# The seed is printed (metric seed); MEMPLUG_SEED=N on the host replays it.
# shellcheck shell=sh

[ "$MEMPLUG_HAVE_BINARY" = 1 ] || fail "memplug binary missing from the initramfs"
J=$RUN_OUT
seed=${MEMPLUG_SEED:-1}
metric seed "$seed"
nvdimm_devdax >/dev/null
aob0=$(cat $SYS_MEM/auto_online_blocks)
kills=20
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --no-online
assert_json $J '.targets[0].after.online_memblocks' 0 "blocks added offline"

step "three runs of each undisturbed, the fastest timed"
# the first runs pay cold caches: timed, they stretched the kill window
# so far that most kills came after a warm run had ended (4 of 20 hits)
t_on=999999
t_off=999999
for _ in 1 2 3; do
	t0=$(now_ns)
	run_expect 0 memplug online dax0.0
	t=$(elapsed_ms "$t0")
	if [ "$t" -lt "$t_on" ]; then t_on=$t; fi
	t0=$(now_ns)
	run_expect 0 memplug offline dax0.0
	t=$(elapsed_ms "$t0")
	if [ "$t" -lt "$t_off" ]; then t_off=$t; fi
done
metric online_ms "$t_on" ms
metric offline_ms "$t_off" ms

check_online() {
	assert_json $J '.targets[0].after.online_memblocks' 15 "$1: online after rerun"
	assert_json $J '.targets[0].after.zones.Movable' 15 "$1: Movable after rerun"
	assert_eq "$(cat $SYS_MEM/auto_online_blocks)" "$aob0" "$1: auto_online_blocks"
}
check_offline() {
	assert_json $J '.targets[0].after.online_memblocks' 0 "$1: online after rerun"
	assert_json $J '.targets[0].after.total_memblocks' 15 "$1: blocks after rerun"
	assert_eq "$(cat $SYS_MEM/auto_online_blocks)" "$aob0" "$1: auto_online_blocks"
}

hit=0
i=0
for ms in $(kill_moments $((seed + 1)) $kills $((t_on + t_on / 4 + 20))); do
	i=$((i + 1))
	step "online: kill $i/$kills at $ms ms"
	run_killed "$ms" memplug online dax0.0
	[ "$KILLED_RC" = 137 ] && hit=$((hit + 1))
	run_expect 0 memplug online dax0.0
	check_online "online kill $i ($ms ms)"
	run_expect 0 memplug offline dax0.0
done
metric online_killed_mid_run "$hit" of_$kills
[ "$hit" -ge 5 ] || fail "online: only $hit of $kills kills hit a running memplug"

run_expect 0 memplug online dax0.0
hit=0
i=0
for ms in $(kill_moments $((seed + 2)) $kills $((t_off + t_off / 4 + 20))); do
	i=$((i + 1))
	step "offline: kill $i/$kills at $ms ms"
	run_killed "$ms" memplug offline dax0.0
	[ "$KILLED_RC" = 137 ] && hit=$((hit + 1))
	run_expect 0 memplug offline dax0.0
	check_offline "offline kill $i ($ms ms)"
	run_expect 0 memplug online dax0.0
done
metric offline_killed_mid_run "$hit" of_$kills
[ "$hit" -ge 5 ] || fail "offline: only $hit of $kills kills hit a running memplug"
pass "seed $seed: $kills kills each of online and offline, every rerun converged"
