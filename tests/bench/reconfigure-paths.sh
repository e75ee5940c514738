# SPDX-License-Identifier: GPL-2.0
# profile: large
# timeout: 1800
# append: memory_hotplug.memmap_on_memory=1
#
# Benchmark (not a meson test; run by run-reconf-bench.sh): devdax ->
# system-ram Movable of the 503 blocks (64 GiB) of dax0.0 along each path a
# user gets, ROUNDS rounds in one boot after an untimed warm-up bind; the
# paths alternate and each round starts one path later than the last:
#
#   memplug    memplug reconfigure --zone=movable (memmap in node RAM)
#   daxctl     daxctl reconfigure-device --mode=system-ram (bind + online)
#   split      the same in two timed phases: daxctl reconfigure-device
#              --no-online (the kmem bind alone), then daxctl online-memory
#   kauto      the kernel's own auto-online: auto_online_blocks=online_movable,
#              then daxctl reconfigure-device --force; the kernel onlines
#              every block inside the bind (ascending), so this is bind +
#              online in one phase; its online share is kauto - split bind
#   memplugord memplug reconfigure --no-parallel: its own ordered writes
#   memplugkern memplug reconfigure --parallel: the kernel onlines the
#              device inside the kmem bind (auto_online_blocks), as kauto
#              (both only with --paths)
#   memplugmom memplug reconfigure --memmap-on-memory (6.9+ kernels with the
#              dax memmap_on_memory knob; the kernel is booted with
#              memory_hotplug.memmap_on_memory=1, which changes nothing for
#              the other paths: pmem's knob defaults to 0)
#
# Metrics: reconf_<path>_r<N> (whole command), phase_<path>_<phase>_r<N>
# (memplug's JSON timings_ms, the split phases), and after each memplug run
# the memory left: mem_<path>_{node0_memtotal,node0_memfree,kernel_free}_kb
# and mem_<path>_movable_{present,managed} (pages) with _r<N>.
# kernel_free = free pages of node 0's DMA, DMA32 and Normal zones (the
# memory the kernel itself can allocate from), in kB.
# Every run starts from devdax with the knob at 0 and all blocks gone; the
# way back (memplug offline, memplug reconfigure --mode=devdax) is not timed.
# shellcheck shell=sh
# shellcheck disable=SC3043,SC2086 # busybox sh: local; fixed sysfs paths

ROUNDS=3
OUT=/tmp/bench.out
ERR=/tmp/bench.err
AUTO=$SYS_MEM/auto_online_blocks

dev="$(nvdimm_devdax)"
assert_eq "$dev" dax0.0 "dax device"
BOOT_ONLINE=$(n_online)
KNOB=$SYS_DAX/$dev/memmap_on_memory
PARAM="$(cat /sys/module/memory_hotplug/parameters/memmap_on_memory 2>/dev/null || echo none)"
MOM=0
[ -e "$KNOB" ] && [ "$PARAM" = Y ] && MOM=1
log "kernel $(uname -r), memmap_on_memory parameter $PARAM, dax knob $([ -e "$KNOB" ] && cat "$KNOB" || echo absent), target_node $(cat $SYS_DAX/$dev/target_node 2>/dev/null || echo ?)"
metric memmap_paths_measured $MOM bool

# all dax blocks online Movable (one grep each: forks are slow under TCG)
n_movable() { echo $(($(grep -lx Movable $SYS_MEM/memory*/valid_zones | wc -l))); }
check_ram() {
	assert_eq "$(dax_driver "$dev")" kmem "$1: kmem"
	assert_ge "$(n_online)" $((BOOT_ONLINE + DEV_BLOCKS)) "$1: blocks online"
	assert_eq "$(($(grep -lx offline $SYS_MEM/memory*/state | wc -l)))" 0 "$1: blocks left offline"
	assert_ge "$(n_movable)" "$DEV_BLOCKS" "$1: blocks in Movable"
}
back_to_devdax() {
	memplug offline "$dev" >$OUT 2>$ERR || fail "offline before devdax: $(cat $ERR)"
	memplug reconfigure "$dev" --mode=devdax >$OUT 2>$ERR || fail "back to devdax: $(cat $ERR)"
	assert_eq "$(dax_driver "$dev")" device_dax "back to devdax"
	if [ -e "$KNOB" ] && [ "$(cat "$KNOB")" != 0 ]; then
		echo 0 >"$KNOB" || fail "knob back to 0"
	fi
	assert_eq "$(n_online)" "$BOOT_ONLINE" "back to devdax: boot blocks only"
}
# memplug_phases PATH R: memplug's own phase timings from its JSON
memplug_phases() {
	/usr/bin/jq -r '.targets[0].timings_ms | to_entries[] | "\(.key) \(.value)"' $OUT |
		while read -r k v; do
			metric "phase_$1_${k%_ms}_r$2" "$v" ms
		done
}
# memory_after PATH R: what the node has left after the run
kernel_free_kb() {
	awk '$1 == "Node" { cur = ($2 == "0," && ($4 == "DMA" || $4 == "DMA32" || $4 == "Normal")) }
		cur && $1 == "pages" && $2 == "free" { s += $3 }
		END { print s * 4 }' /proc/zoneinfo
}
memory_after() {
	metric "mem_$1_node0_memtotal_kb_r$2" "$(node_memtotal_kb 0)" kB
	metric "mem_$1_node0_memfree_kb_r$2" "$(awk '/MemFree/ { print $4 }' $SYS_NODE/node0/meminfo)" kB
	metric "mem_$1_kernel_free_kb_r$2" "$(kernel_free_kb)" kB
	metric "mem_$1_movable_present_r$2" "$(zone_present 0 Movable)" pages
	metric "mem_$1_movable_managed_r$2" "$(zone_managed 0 Movable)" pages
}

assert_eq "$(cat $AUTO)" offline "auto_online_blocks at boot"
metric mem_boot_node0_memtotal_kb "$(node_memtotal_kb 0)" kB
metric mem_boot_kernel_free_kb "$(kernel_free_kb)" kB
nomom=""
[ -e "$KNOB" ] && nomom=--no-memmap-on-memory

# one function per path; each starts from devdax and ends there
path_memplug() {
	# shellcheck disable=SC2086 # $nomom is empty or one option
	timed reconf_memplug_r$1 memplug reconfigure "$dev" --mode=system-ram --zone=movable --force $nomom
	memplug_phases memplug "$1"
	settle settle_memplug_r$1
	check_ram "memplug"
	memory_after memplug "$1"
	back_to_devdax
}
# timed_ok NAME CMD...: like timed, but a failing CMD is a result, not
# the end of the run: daxctl 76.1 reports blocks a parallel kernel defers
# as failed ("failed to online N memory sections") although they come
# online a moment later; metric NAME_exit carries its exit status
timed_ok() {
	local name="$1" t0 rc=0
	shift
	t0=$(now_ns)
	"$@" >$OUT 2>$ERR || rc=$?
	metric "$name" "$(elapsed_ms "$t0")" ms
	metric "${name%_r*}_exit_r${name##*_r}" "$rc" status
	[ "$rc" -eq 0 ] || log "$name: '$*' exited $rc: $(head -c 300 $ERR)"
}
# memplug forced onto each of its two paths (--paths memplugord memplugkern):
# memplug_forced NAME LABEL ROUND OPTION...
memplug_forced() {
	local name="$1" label="$2" r="$3"
	shift 3
	timed reconf_${name}_r$r memplug reconfigure "$dev" --mode=system-ram --zone=movable --force "$@"
	settle settle_${name}_r$r
	check_ram "$label"
	back_to_devdax
}
# shellcheck disable=SC2086 # $nomom is empty or one option
path_memplugord() { memplug_forced memplugord "memplug --no-parallel" "$1" --no-parallel $nomom; }
# shellcheck disable=SC2086 # $nomom is empty or one option
path_memplugkern() { memplug_forced memplugkern "memplug --parallel" "$1" --parallel $nomom; }
path_daxctl() {
	timed_ok reconf_daxctl_r$1 /usr/bin/daxctl reconfigure-device --mode=system-ram "$dev"
	settle settle_daxctl_r$1
	check_ram "daxctl"
	back_to_devdax
}
path_split() {
	timed phase_split_bind_r$1 /usr/bin/daxctl reconfigure-device --mode=system-ram --no-online "$dev"
	assert_eq "$(n_online)" "$BOOT_ONLINE" "split: bind onlined nothing"
	timed_ok phase_split_online_r$1 /usr/bin/daxctl online-memory "$dev"
	settle settle_split_r$1
	check_ram "split"
	back_to_devdax
}
path_kauto() {
	echo online_movable >$AUTO || fail "auto_online_blocks=online_movable"
	timed reconf_kauto_r$1 /usr/bin/daxctl reconfigure-device --mode=system-ram --force "$dev"
	echo offline >$AUTO || fail "auto_online_blocks=offline"
	settle settle_kauto_r$1
	check_ram "kernel auto-online"
	back_to_devdax
}
path_memplugmom() {
	timed reconf_memplugmom_r$1 memplug reconfigure "$dev" --mode=system-ram --zone=movable --force --memmap-on-memory
	memplug_phases memplugmom "$1"
	settle settle_memplugmom_r$1
	check_ram "memplug --memmap-on-memory"
	memory_after memplugmom "$1"
	back_to_devdax
}

PATHS="memplug daxctl split kauto"
[ "$MOM" = 1 ] && [ "$PATHS" = "memplug daxctl split kauto" ] &&
	PATHS="$PATHS memplugmom"
# warm-up, untimed: the first kmem bind of a boot pays for first touches
step "warm-up bind"
/usr/bin/daxctl reconfigure-device --mode=system-ram "$dev" >$OUT 2>$ERR ||
	log "warm-up: daxctl: $(head -c 300 $ERR)"
settle settle_warmup
# the device's whole blocks: what every path must leave online
DEV_BLOCKS=$(($(n_online) - BOOT_ONLINE))
assert_ge "$DEV_BLOCKS" 100 "warm-up: blocks of $dev online"
metric dev_blocks "$DEV_BLOCKS" blocks
log "kernel command line: $(cat /proc/cmdline)"
back_to_devdax
# each round starts one path later, so no path always runs first
r=1
while [ $r -le $ROUNDS ]; do
	# shellcheck disable=SC2086 # word lists
	for p in $(rotate $((r - 1)) $PATHS); do
		step "round $r: $p"
		path_$p $r
	done
	r=$((r + 1))
done
pass "reconfigure paths: $ROUNDS rounds (memmap paths: $MOM)"
