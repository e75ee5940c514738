# SPDX-License-Identifier: GPL-2.0
#
# Guest helper library of the memplug VM harness (busybox sh).
# /init sources it before the scenario, both under "sh -e": any failing
# command that is not tested (if/||/&&) ends the scenario as a failure.
#
# Busybox sh runs its own applets before PATH: call GNU tools by full path
# (/usr/bin/date, /sbin/modprobe, /usr/bin/jq ...).
#
# Markers on the serial console (read by run-scenario.sh):
#   MEMPLUG-RESULT: PASS|FAIL|SKIP <message>   verdict; the first one counts
#   MEMPLUG-STEP: <t>s <message>               progress breadcrumb
#   MEMPLUG-METRIC: <name> <value> <unit>      copied to the runner's stdout
#   MEMPLUG-QMP: <id> <command> [<json>]       request to the host's QMP
#   MEMPLUG-LOG: <text>                        anything else worth keeping

# shellcheck shell=sh
# shellcheck disable=SC3043,SC3045,SC1091 # busybox sh: local, read -t

[ -r /memplug/env ] && . /memplug/env

MEMPLUG_T0="$(/usr/bin/date +%s%N)"
SYS_MEM=/sys/devices/system/memory
SYS_NODE=/sys/devices/system/node
SYS_DAX=/sys/bus/dax/devices
SYS_CXL=/sys/bus/cxl/devices

# ------------------------------------------------------------- verdicts
# Markers go straight to the console so that they also escape from $(...).
_result() {
	[ -e /run/memplug-result ] && return 0
	: >/run/memplug-result
	echo "MEMPLUG-RESULT: $*" >/dev/console
}
pass() { _result "PASS ${*:-ok}"; exit 0; }
fail() { _result "FAIL $*"; exit 1; }
skip() { _result "SKIP $*"; exit 0; }

log() { echo "MEMPLUG-LOG: $*" >/dev/console; }

# now_ns: monotonic enough wall clock in nanoseconds (GNU date).
now_ns() { /usr/bin/date +%s%N; }
# elapsed_ms START_NS: milliseconds since START_NS.
elapsed_ms() { echo $((($(now_ns) - $1) / 1000000)); }

step() {
	local ms
	ms=$(elapsed_ms "$MEMPLUG_T0")
	echo "$*" >/run/memplug-step
	printf 'MEMPLUG-STEP: %d.%03ds %s\n' $((ms / 1000)) $((ms % 1000)) "$*" >/dev/console
}

# metric NAME VALUE [UNIT]
metric() { echo "MEMPLUG-METRIC: $1 $2 ${3:-}" >/dev/console; }
# timed NAME CMD...: run CMD (must exit 0), its stdout and stderr in
# $TIMED_OUT and $TIMED_ERR, and emit metric NAME <ms> ms (benchmarks)
TIMED_OUT=/tmp/bench.out
TIMED_ERR=/tmp/bench.err
timed() {
	local name="$1" t0 ms rc=0
	shift
	t0=$(now_ns)
	"$@" >$TIMED_OUT 2>$TIMED_ERR || rc=$?
	ms=$(elapsed_ms "$t0")
	[ "$rc" -eq 0 ] || fail "$name: '$*' exited $rc: $(head -c 600 $TIMED_ERR)"
	metric "$name" "$ms" ms
}

# settle NAME [TIMEOUT_S]: on a kernel with parallel deferred onlining a
# block written "online" reads "offline" until the kernel's deferred phase
# has run.  Wait until no memory block reads offline (default 120 s, then
# fail) and emit metric NAME: the extra milliseconds, 0 when none was left.
settle() {
	local name="$1" t0 left limit
	limit=$(($(now_ns) + ${2:-120} * 1000000000))
	t0=$(now_ns)
	left=$(($(grep -lx offline $SYS_MEM/memory*/state | wc -l)))
	if [ "$left" -eq 0 ]; then
		metric "$name" 0 ms
		return 0
	fi
	while [ "$left" -gt 0 ]; do
		[ "$(now_ns)" -lt "$limit" ] ||
			fail "$name: $left blocks still offline after ${2:-120} s"
		left=$(($(grep -lx offline $SYS_MEM/memory*/state | wc -l)))
	done
	metric "$name" "$(elapsed_ms "$t0")" ms
}

# ------------------------------------------------------------- assertions
# assert_eq ACTUAL EXPECTED WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}
assert_ne() {
	[ "$1" != "$2" ] || fail "$3: expected anything but '$2'"
}
# assert_ge ACTUAL MIN WHAT (integers)
assert_ge() {
	[ "$1" -ge "$2" ] 2>/dev/null || fail "$3: expected >= $2, got '$1'"
}
# assert_contains HAYSTACK NEEDLE WHAT
assert_contains() {
	case "$1" in
	*"$2"*) ;;
	*) fail "$3: '$1' does not contain '$2'" ;;
	esac
}
# assert_json FILE JQ_EXPR EXPECTED  (jq -r output compared as a string)
assert_json() {
	local got
	got="$(/usr/bin/jq -r "$2" "$1" 2>&1)" || fail "assert_json: jq '$2' on $1 failed: $got"
	[ "$got" = "$3" ] || fail "assert_json $2: expected '$3', got '$got' (in $1: $(head -c 400 "$1"))"
}

# run_expect EXIT CMD...: run CMD, assert its exit status. Its stdout and
# stderr stay in $RUN_OUT and $RUN_ERR (files), its status in $RUN_RC.
RUN_OUT=/tmp/run.out
RUN_ERR=/tmp/run.err
RUN_RC=0
run_expect() {
	local want="$1"
	shift
	RUN_RC=0
	"$@" >"$RUN_OUT" 2>"$RUN_ERR" || RUN_RC=$?
	if [ "$RUN_RC" != "$want" ]; then
		{
			echo "---- stdout of: $*"
			head -c 2000 "$RUN_OUT"
			echo "---- stderr of: $*"
			head -c 2000 "$RUN_ERR"
			echo "----"
		} >/dev/console
		fail "'$*' exited with $RUN_RC, expected $want"
	fi
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local end
	end=$(($(now_ns) + $1 * 1000000000))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(now_ns)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# ------------------------------------------------------------- memory blocks
block_size() { echo $((0x$(cat $SYS_MEM/block_size_bytes))); }
# blocks_of_node NODE: memoryN names of the node, ascending.
blocks_of_node() {
	(cd "$SYS_NODE/node$1" && ls -d memory[0-9]* 2>/dev/null) | sort -t y -k 2 -n
}
# blocks_in_state STATE [NODE]: memoryN names in that state.
blocks_in_state() {
	local b
	for b in $(if [ -n "${2:-}" ]; then blocks_of_node "$2"; else
		(cd $SYS_MEM && ls -d memory[0-9]*) | sort -t y -k 2 -n; fi); do
		[ "$(cat $SYS_MEM/"$b"/state)" = "$1" ] && echo "$b"
	done
	return 0
}
count_lines() { if [ -z "$1" ]; then echo 0; else echo "$1" | wc -l; fi; }
# online_blocks TYPE BLOCK...: write TYPE (online_movable, online_kernel,
# online, offline) to each block's state.
online_blocks() {
	local t="$1" b
	shift
	for b in "$@"; do
		echo "$t" >$SYS_MEM/"$b"/state || fail "writing '$t' to $b/state failed"
	done
}
block_zone() { cat $SYS_MEM/"$1"/valid_zones; }
# n_online: how many blocks are online (one grep instead of a cat per block:
# forks are slow under TCG)
n_online() { echo $(($(grep -lx online $SYS_MEM/memory*/state | wc -l))); }
# rotate N WORD...: the words rotated left by N (alternating rounds)
rotate() {
	local n="$1" i=0
	shift
	while [ $i -lt "$n" ]; do
		set -- "$@" "$1"
		shift
		i=$((i + 1))
	done
	echo "$@"
}

# zone_field NODE ZONE FIELD: a number of /proc/zoneinfo, e.g.
# zone_field 0 Movable present
zone_field() {
	awk -v n="$1" -v z="$2" -v f="$3" '
		$1 == "Node" { cur = ($2 == n "," && $4 == z) }
		cur && $1 == f { print $2; found = 1; exit }
		END { if (!found) print 0 }' /proc/zoneinfo
}
zone_present() { zone_field "$1" "$2" present; }
zone_managed() { zone_field "$1" "$2" managed; }
node_memtotal_kb() { awk '/MemTotal/ { print $4 }' $SYS_NODE/node"$1"/meminfo; }

# ------------------------------------------------------------- nvdimm / dax
# nvdimm_devdax [NAMESPACE]: turn the namespace (default namespace0.0) into
# devdax; prints the dax device name (dax0.0).
nvdimm_devdax() {
	local ns="${1:-namespace0.0}" out=/tmp/ndctl-create.json dev
	wait_for 20 test -e /sys/bus/nd/devices/"$ns" || fail "no $ns"
	/usr/bin/ndctl create-namespace -f -e "$ns" -m devdax >$out 2>/tmp/ndctl-create.err ||
		fail "ndctl create-namespace -e $ns -m devdax failed: $(cat /tmp/ndctl-create.err)"
	dev="$(/usr/bin/jq -r '.daxregion.devices[0].chardev' $out)"
	{ [ -n "$dev" ] && [ "$dev" != null ]; } || fail "no dax device in: $(cat $out)"
	echo "$dev"
}
# nvdimm_init_labels: (label-size profile) initialise the label area so that
# several namespaces can be created with ndctl create-namespace -m devdax -s SIZE.
nvdimm_init_labels() {
	wait_for 20 test -e /sys/bus/nd/devices/region0 || fail "no region0"
	/usr/bin/ndctl disable-region all >/dev/null 2>&1 || fail "ndctl disable-region failed"
	/usr/bin/ndctl init-labels -f all >/dev/null 2>&1 || fail "ndctl init-labels failed"
	/usr/bin/ndctl enable-region all >/dev/null 2>&1 || fail "ndctl enable-region failed"
}
# dax_driver DEV: kmem, device_dax or none
dax_driver() {
	if [ -e $SYS_DAX/"$1"/driver ]; then
		basename "$(readlink $SYS_DAX/"$1"/driver)"
	else
		echo none
	fi
}

# ------------------------------------------------------------- CXL
# cxl_create_ram_region SIZE: create, commit and bind a RAM region on the
# first root decoder through sysfs (ndctl 76's "cxl create-region -t ram"
# does not work). Prints the region name (e.g. region0).
cxl_create_ram_region() {
	local size="$1" root ep region r
	wait_for 30 sh -c "ls -d $SYS_CXL/endpoint*/decoder*.0 && test -e $SYS_CXL/decoder0.0/create_ram_region" ||
		fail "no CXL root decoder with create_ram_region / no endpoint decoder"
	root=$SYS_CXL/decoder0.0
	# shellcheck disable=SC2012
	ep="$(basename "$(ls -d $SYS_CXL/endpoint*/decoder*.0 | head -n 1)")"
	region="$(cat $root/create_ram_region)"
	echo "$region" >$root/create_ram_region || fail "create_ram_region $region failed"
	r=$SYS_CXL/$region
	cat $root/interleave_granularity >"$r"/interleave_granularity || fail "$region interleave_granularity"
	echo 1 >"$r"/interleave_ways || fail "$region interleave_ways"
	echo "$size" >"$r"/size || fail "$region size $size"
	echo ram >$SYS_CXL/"$ep"/mode || fail "$ep mode ram"
	echo "$size" >$SYS_CXL/"$ep"/dpa_size || fail "$ep dpa_size $size"
	echo "$ep" >"$r"/target0 || fail "$region target0 $ep"
	echo 1 >"$r"/commit || fail "$region commit"
	if [ ! -e "$r"/driver ]; then
		echo "$region" >/sys/bus/cxl/drivers/cxl_region/bind || fail "bind $region"
	fi
	echo "$region"
}
# cxl_region_dax REGION: the dax device of a RAM region (waits up to 20 s).
cxl_region_dax() {
	wait_for 20 sh -c "ls -d $SYS_CXL/$1/dax_region*/dax*.*" || fail "no dax device under $1"
	# shellcheck disable=SC2012
	basename "$(ls -d $SYS_CXL/"$1"/dax_region*/dax*.* | head -n 1)"
}
# cxl_kmem_region SIZE BLOCKS: a RAM region whose dax device kmem binds by
# itself (6.3+), with BLOCKS blocks on node 1; sets CXL_REGION and CXL_DAX
# (no subshell, so a failure ends the scenario).
_cxl_is_kmem() { [ "$(dax_driver "$CXL_DAX")" = kmem ]; }
_cxl_has_blocks() { [ "$(count_lines "$(blocks_of_node 1)")" -ge "$1" ]; }
cxl_kmem_region() {
	CXL_REGION="$(cxl_create_ram_region "$1")"
	CXL_DAX="$(cxl_region_dax "$CXL_REGION")"
	wait_for 20 _cxl_is_kmem || fail "$CXL_DAX not bound to kmem"
	wait_for 20 _cxl_has_blocks "$2" || fail "no $2 blocks on node 1"
}
# cxl_destroy_region REGION: teardown (blocks must be offline and kmem unbound).
cxl_destroy_region() {
	local r="$SYS_CXL/$1" ep
	ep="$(cat "$r"/target0)"
	[ ! -e "$r"/driver ] || echo "$1" >"$r"/driver/unbind
	echo 0 >"$r"/commit
	echo "" >"$r"/target0
	[ -z "$ep" ] || echo 0 >$SYS_CXL/"$ep"/dpa_size
	echo "$1" >$SYS_CXL/decoder0.0/delete_region
}

# ------------------------------------------------------------- QMP
# qmp_request COMMAND [ARGS_JSON]: ask the host to run a QMP command; waits
# for the answer (60 s). Returns 0 on success, 1 on a QMP error; the answer
# ("ok <json>" or "error <class>: <desc>") is in $QMP_REPLY.
QMP_REPLY=""
qmp_request() {
	local id line
	if [ ! -e /run/memplug-qmp-open ]; then
		stty -F /dev/ttyS1 raw -echo 2>/dev/null || fail "no /dev/ttyS1 for QMP replies"
		: >/run/memplug-qmp-open
	fi
	exec 3<>/dev/ttyS1
	id=$(($(cat /run/memplug-qmp-id 2>/dev/null || echo 0) + 1))
	echo $id >/run/memplug-qmp-id
	echo "MEMPLUG-QMP: q$id $1${2:+ $2}" >/dev/console
	while :; do
		if ! read -r -t 60 line <&3; then
			exec 3<&-
			fail "no QMP reply to q$id $1 within 60 s"
		fi
		case "$line" in
		*"MEMPLUG-QMP-REPLY: q$id "*) break ;;
		esac
	done
	exec 3<&-
	QMP_REPLY="${line#*MEMPLUG-QMP-REPLY: q"$id" }"
	log "qmp q$id: $QMP_REPLY"
	case "$QMP_REPLY" in
	ok*) return 0 ;;
	*) return 1 ;;
	esac
}
# qmp_must COMMAND [ARGS_JSON]: qmp_request, fail on a QMP error.
qmp_must() {
	qmp_request "$@" || fail "QMP $1 failed: $QMP_REPLY"
}
# qmp_qom_set PATH PROPERTY VALUE (VALUE is JSON: a number or a "string")
qmp_qom_set() {
	qmp_must qom-set "{\"path\":\"$1\",\"property\":\"$2\",\"value\":$3}"
}
# virtio_mem_resize BYTES [DEVICE_ID]: set requested-size of virtio-mem vm0.
virtio_mem_resize() {
	qmp_qom_set "/machine/peripheral/${2:-vm0}" requested-size "$1"
}
# dimm_hotplug ID SIZE: object-add a RAM backend and device_add a pc-dimm.
dimm_hotplug() {
	qmp_must object-add "{\"qom-type\":\"memory-backend-ram\",\"id\":\"$1mem\",\"size\":$2}"
	qmp_must device_add "{\"driver\":\"pc-dimm\",\"id\":\"$1\",\"memdev\":\"$1mem\"}"
}

# ------------------------------------------------------------- systemd guest
# unit_state UNIT: active, failed, inactive, activating ...
unit_state() { systemctl is-active "$1" 2>/dev/null || true; }
# unit_settled UNIT: true once a oneshot unit has finished (active/failed)
unit_settled() {
	case "$(unit_state "$1")" in
	active | failed) return 0 ;;
	*) return 1 ;;
	esac
}
# unit_done_s UNIT: seconds from kernel start until UNIT became active
# (its ActiveEnterTimestampMonotonic), e.g. "17.342"
unit_done_s() {
	local us
	us="$(systemctl show -P ActiveEnterTimestampMonotonic "$1")"
	printf '%d.%03d' $((us / 1000000)) $((us % 1000000 / 1000))
}
# unit_journal UNIT: what the unit printed (stdout and stderr), no metadata
unit_journal() { journalctl -q -u "$1" -o cat --no-pager 2>/dev/null || true; }

# ------------------------------------------------------------- kill -9
# N seeded moments in [0, MAX_MS) ms, one a line (busybox awk, same seed ->
# same moments).
kill_moments() {
	awk -v s="$1" -v n="$2" -v m="$3" \
		'BEGIN { srand(s); for (i = 0; i < n; i++) print int(rand() * m) }'
}
# MS CMD...: run CMD in the background and SIGKILL it MS ms later (if it
# still runs); its exit status in $KILLED_RC (137 when the kill hit it).
run_killed() {
	local ms="$1" pid
	shift
	"$@" >/tmp/killed.out 2>/tmp/killed.err &
	pid=$!
	usleep $((ms * 1000))
	kill -9 "$pid" 2>/dev/null || true
	KILLED_RC=0
	wait "$pid" || KILLED_RC=$?
}
