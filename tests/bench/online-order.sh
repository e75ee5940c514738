# SPDX-License-Identifier: GPL-2.0
# profile: large
# timeout: 1500
#
# Benchmark (not registered as a meson test): time to online / offline the
# 503 blocks (64 GiB) of dax0.0 Movable with memplug, daxctl, chmem and raw
# shell loops, alternating, ROUNDS rounds each, in one boot. Each run emits
#   metric online_<variant>_r<N> <ms> ms
# and run-vm-bench.sh turns them into a table of medians and ratios.
# Every run starts from a verified state (all offline before an online run,
# all online before an offline run); resets are not timed.
# shellcheck shell=sh
# shellcheck disable=SC3043,SC2086 # busybox sh: local; block lists are split on purpose

# rounds of the online/offline runs and of the (slow: ~50 s a round under
# TCG) reconfigure runs; a copy with smaller values gives a quicker run
ROUNDS=3
RECONF_ROUNDS=3
OUT=/tmp/bench.out
ERR=/tmp/bench.err

dev="$(nvdimm_devdax)"
assert_eq "$dev" dax0.0 "dax device"

# ------------------------------------------------------------ helpers
# desc LIST...: the arguments in reverse order
desc() { printf '%s\n' "$@" | sort -t y -k 2 -nr; }
# the dax blocks, ascending / descending / hole-first (second-lowest first,
# then the rest from the top down)
set_blocks() {
	ASC="$(blocks_in_state offline)"
	N=$(count_lines "$ASC")
	DESC="$(desc $ASC)"
	second="$(echo "$ASC" | sed -n 2p)"
	HOLE="$second $(echo "$DESC" | grep -vx "$second")"
	# chmem takes a block range: util-linux chmem walks it in ascending
	# order, reading state (and with -z valid_zones) before each write
	RANGE="$(echo "$ASC" | head -n 1 | sed 's/memory//')-$(echo "$DESC" | head -n 1 | sed 's/memory//')"
	BOOT_ONLINE=$(n_online)
}

# reset_offline / reset_online: untimed; verify the state afterwards
reset_offline() {
	local b s
	for b in $DESC; do
		read -r s <$SYS_MEM/$b/state
		[ "$s" = offline ] || echo offline >$SYS_MEM/$b/state ||
			fail "reset: offline $b"
	done
	assert_eq "$(n_online)" "$BOOT_ONLINE" "reset: all dax blocks offline"
}
reset_online() {
	local b s
	for b in $DESC; do
		read -r s <$SYS_MEM/$b/state
		[ "$s" = online ] || echo online_movable >$SYS_MEM/$b/state ||
			fail "reset: online $b"
	done
	assert_eq "$(n_online)" $((BOOT_ONLINE + N)) "reset: all dax blocks online"
}
check_online() {
	assert_eq "$(n_online)" $((BOOT_ONLINE + N)) "$1: all $N blocks online"
	assert_eq "$(block_zone "$(echo "$ASC" | head -n 1)")" Movable "$1: zone"
}
check_offline() {
	assert_eq "$(n_online)" "$BOOT_ONLINE" "$1: all $N blocks offline"
}

# raw loops: one sysfs write per block, nothing else
raw_online() {
	local b
	for b in "$@"; do echo online_movable >$SYS_MEM/$b/state; done
}
raw_offline() {
	local b
	for b in "$@"; do echo offline >$SYS_MEM/$b/state; done
}

# ------------------------------------------------------------ reconfigure
# devdax -> system-ram (online Movable) with each tool, then back to devdax
# (untimed, with memplug).
back_to_devdax() {
	memplug offline "$dev" >$OUT 2>$ERR || fail "offline before devdax: $(cat $ERR)"
	memplug reconfigure "$dev" --mode=devdax >$OUT 2>$ERR || fail "back to devdax: $(cat $ERR)"
	assert_eq "$(dax_driver "$dev")" device_dax "back to devdax"
}
BOOT_ONLINE=$(n_online)
r=1
while [ $r -le $RECONF_ROUNDS ]; do
	step "reconfigure round $r"
	timed reconfigure_memplug_r$r memplug reconfigure "$dev" --mode=system-ram --zone=movable --force
	log "memplug reconfigure round $r: timings_ms $(/usr/bin/jq -c '.targets[0].timings_ms' $OUT)"
	assert_eq "$(dax_driver "$dev")" kmem "memplug reconfigure: kmem"
	assert_ge "$(n_online)" $((BOOT_ONLINE + 500)) "memplug reconfigure: blocks online"
	back_to_devdax
	timed reconfigure_daxctl_r$r /usr/bin/daxctl reconfigure-device --mode=system-ram "$dev"
	assert_eq "$(dax_driver "$dev")" kmem "daxctl reconfigure: kmem"
	assert_ge "$(n_online)" $((BOOT_ONLINE + 500)) "daxctl reconfigure: blocks online"
	back_to_devdax
	r=$((r + 1))
done

# ------------------------------------------------------------ online/offline
step "system-ram, blocks offline"
/usr/bin/daxctl reconfigure-device --mode=system-ram --no-online "$dev" >$OUT 2>$ERR ||
	fail "daxctl reconfigure --no-online: $(cat $ERR)"
set_blocks
assert_ge "$N" 500 "dax blocks"
metric blocks "$N" blocks
log "dax blocks: $N ($(echo "$ASC" | head -n 1) .. $(echo "$DESC" | head -n 1)), boot blocks online: $BOOT_ONLINE"

r=1
while [ $r -le $ROUNDS ]; do
	step "online round $r"
	reset_offline
	timed online_memplug_r$r memplug online "$dev" --zone=movable --force
	check_online "memplug online"
	reset_offline
	timed online_daxctl_r$r /usr/bin/daxctl online-memory "$dev"
	check_online "daxctl online-memory"
	reset_offline
	# shellcheck disable=SC2086
	timed online_rawasc_r$r raw_online $ASC
	check_online "raw ascending"
	reset_offline
	# shellcheck disable=SC2086
	timed online_rawdesc_r$r raw_online $DESC
	check_online "raw descending"
	reset_offline
	timed online_memplugasc_r$r memplug online "$dev" --zone=movable --force --order=ascending
	check_online "memplug ascending"
	reset_offline
	timed online_chmem_r$r /usr/sbin/chmem -b -e -z Movable "$RANGE"
	check_online "chmem -e"

	step "offline round $r"
	reset_online
	timed offline_memplug_r$r memplug offline "$dev"
	check_offline "memplug offline"
	reset_online
	timed offline_daxctl_r$r /usr/bin/daxctl offline-memory "$dev"
	check_offline "daxctl offline-memory"
	reset_online
	# shellcheck disable=SC2086
	timed offline_rawdesc_r$r raw_offline $DESC
	check_offline "raw descending"
	reset_online
	# shellcheck disable=SC2086
	timed offline_rawhole_r$r raw_offline $HOLE
	check_offline "raw hole-first"
	reset_online
	timed offline_chmem_r$r /usr/sbin/chmem -b -d "$RANGE"
	check_offline "chmem -d"
	r=$((r + 1))
done

# ------------------------------------------------------------ scaling
# The top K blocks only (8, 16, 32 GiB; the 64 GiB figures are the rounds
# above): memplug (descending), a raw ascending loop, and a raw loop in
# daxctl's order.  daxctl online-memory takes whole devices only, so its
# order is replayed: libdaxctl writes the blocks in readdir() order of the
# device's node directory.
node_dir="$(readlink -f $SYS_MEM/$(echo "$ASC" | head -n 1)/node*)"
DAXORDER="$(find "$node_dir/" -maxdepth 1 -name 'memory*' | sed 's,.*/,,')"
for k in 64 128 256; do
	step "scaling: top $k blocks"
	top="$(echo "$ASC" | tail -n $k)"
	lo="$(echo "$top" | head -n 1)"
	hi="$(echo "$top" | tail -n 1)"
	echo "$top" >/tmp/top
	daxtop="$(echo "$DAXORDER" | grep -Fx -f /tmp/top)"
	assert_eq "$(count_lines "$daxtop")" "$k" "daxctl-order blocks, top $k"
	reset_offline
	timed scale${k}_memplug_r1 memplug online "${lo}-${hi#memory}" --zone=movable --force
	assert_eq "$(n_online)" $((BOOT_ONLINE + k)) "memplug top $k"
	reset_offline
	# shellcheck disable=SC2086
	timed scale${k}_rawasc_r1 raw_online $top
	assert_eq "$(n_online)" $((BOOT_ONLINE + k)) "raw ascending top $k"
	reset_offline
	# shellcheck disable=SC2086
	timed scale${k}_rawdax_r1 raw_online $daxtop
	assert_eq "$(n_online)" $((BOOT_ONLINE + k)) "raw daxctl order top $k"
done

# ------------------------------------------------------------ syscalls
# strace_online TOOL CMD...: all blocks offline -> CMD (must exit 0) under
# strace -c -> all online; sets $calls and emits syscalls_TOOL_online and
# syscalls_per_block_TOOL_online
strace_online() {
	local tool="$1"
	shift
	/usr/bin/strace -c -f -o /tmp/strace.txt "$@" >$OUT 2>$ERR ||
		fail "strace $*: $(head -c 600 $ERR)"
	check_online "$tool online under strace"
	calls=$(awk '$NF == "total" { print $4 }' /tmp/strace.txt)
	log "strace -c $tool: $(tail -n 1 /tmp/strace.txt)"
	metric syscalls_${tool}_online "$calls" calls
	metric syscalls_per_block_${tool}_online "$(awk -v c="$calls" -v n="$N" 'BEGIN { printf "%.2f", c / n }')" calls/block
}
if [ -x /usr/bin/strace ]; then
	step "strace -c memplug online"
	reset_offline
	# the same command as a dry run: the scan and the report, no writes
	/usr/bin/strace -c -f -o /tmp/strace.txt memplug online "$dev" --zone=movable --force --dry-run >$OUT 2>$ERR ||
		fail "strace memplug online --dry-run: $(head -c 600 $ERR)"
	dry=$(awk '$NF == "total" { print $4 }' /tmp/strace.txt)
	metric syscalls_memplug_online_dry_run "$dry" calls
	strace_online memplug memplug online "$dev" --zone=movable --force
	metric syscalls_per_block_memplug_writes "$(awk -v c="$calls" -v d="$dry" -v n="$N" 'BEGIN { printf "%.2f", (c - d) / n }')" calls/block
	reset_offline
	strace_online daxctl /usr/bin/daxctl online-memory "$dev"
	reset_offline
	strace_online chmem /usr/sbin/chmem -b -e -z Movable "$RANGE"
	reset_offline
fi

pass "online-order benchmark: $N blocks, $ROUNDS rounds"
