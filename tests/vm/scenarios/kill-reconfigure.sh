# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
# timeout: 280
#
# kill -9 at 20 seeded random moments of `reconfigure --mode=system-ram`, on
# the ordered path and on the kernel-auto path (auto_online_blocks changed
# around the kmem bind): each time a rerun converges (exit 0, all 15 blocks
# online Movable) and auto_online_blocks is back to its original value.
# The seed is printed (metric seed); MEMPLUG_SEED=N on the host replays it.
# shellcheck shell=sh

[ "$MEMPLUG_HAVE_BINARY" = 1 ] || fail "memplug binary missing from the initramfs"
J=$RUN_OUT
seed=${MEMPLUG_SEED:-1}
metric seed "$seed"
nvdimm_devdax >/dev/null
aob0=$(cat $SYS_MEM/auto_online_blocks)
kills=20

n=0
for path in ordered kernel-auto; do
	n=$((n + 1))
	if [ $path = ordered ]; then opt=--no-parallel; else opt=--parallel; fi
	step "$path: three runs undisturbed, the fastest timed"
	# the first also loads kmem and warms caches: timed, it stretched the
	# kill window so far that most kills came after a warm run had ended
	t=999999
	for _ in 1 2 3; do
		t0=$(now_ns)
		run_expect 0 memplug reconfigure dax0.0 --mode=system-ram $opt
		ms=$(elapsed_ms "$t0")
		if [ "$ms" -lt "$t" ]; then t=$ms; fi
		run_expect 0 memplug reconfigure dax0.0 --mode=devdax
	done
	metric "${path}_ms" "$t" ms
	hit=0
	i=0
	for ms in $(kill_moments $((seed + n)) $kills $((t + t / 4 + 20))); do
		i=$((i + 1))
		step "$path: kill $i/$kills at $ms ms"
		run_killed "$ms" memplug reconfigure dax0.0 --mode=system-ram $opt
		[ "$KILLED_RC" = 137 ] && hit=$((hit + 1))
		run_expect 0 memplug reconfigure dax0.0 --mode=system-ram $opt
		assert_json $J '.targets[0].after.mode' system-ram "$path kill $i ($ms ms): mode after rerun"
		assert_json $J '.targets[0].after.online_memblocks' 15 "$path kill $i ($ms ms): online after rerun"
		assert_json $J '.targets[0].after.zones.Movable' 15 "$path kill $i ($ms ms): Movable after rerun"
		assert_eq "$(cat $SYS_MEM/auto_online_blocks)" "$aob0" "$path kill $i ($ms ms): auto_online_blocks"
		run_expect 0 memplug reconfigure dax0.0 --mode=devdax
		assert_eq "$(cat $SYS_MEM/auto_online_blocks)" "$aob0" "$path kill $i: auto_online_blocks after devdax"
	done
	metric "${path}_killed_mid_run" "$hit" of_$kills
	[ "$hit" -ge 5 ] || fail "$path: only $hit of $kills kills hit a running memplug"
done
pass "seed $seed: 2 x $kills kills of reconfigure, every rerun converged, auto_online_blocks $aob0"
