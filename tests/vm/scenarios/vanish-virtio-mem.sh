# SPDX-License-Identifier: GPL-2.0
# profile: virtio-mem
# timeout: 280
#
# Devices that vanish under memplug: virtio-mem memory unplugged (QMP
# requested-size down) while `memplug online` onlines it, and blocks removed
# while `memplug list` scans them.  memplug must end with a clear error or
# success (exit 0, 1 or 3), never crash, and never report online a block
# that is gone.  Seeded (metric seed) delays; MEMPLUG_SEED=N replays them.
# shellcheck shell=sh

[ "$MEMPLUG_HAVE_BINARY" = 1 ] || fail "memplug binary missing from the initramfs"
J=$RUN_OUT
seed=${MEMPLUG_SEED:-1}
metric seed "$seed"
wait_for 20 sh -c 'ls -d /sys/bus/virtio/drivers/virtio_mem/virtio*' || fail "virtio_mem did not bind"
boot=$(count_lines "$(blocks_in_state online)")
offline_ge() { [ "$(count_lines "$(blocks_in_state offline)")" -ge "$1" ]; }
back_to_boot() {
	[ "$(count_lines "$(blocks_in_state offline)")" -eq 0 ] &&
		[ "$(count_lines "$(blocks_in_state online)")" -eq "$boot" ]
}

# every row memplug reports online is a block that was there: it has a zone
# (a block that vanished mid-scan used to stay zero-filled, i.e. "online")
check_list_json() {
	/usr/bin/jq -e '.memory_blocks | map(select(.state == "online" and
		(.zones == null or .zones == "unknown"))) | length == 0' "$1" >/dev/null ||
		fail "$2: a block reported online without a zone: $(/usr/bin/jq -c '.memory_blocks | map(select(.state == "online" and (.zones == null)))' "$1")"
}

# memplug list -M over and over until /tmp/stop exists: scans while blocks
# come and go; each scan's exit status, stdout and stderr kept
scanner() {
	local i=0
	while [ ! -e /tmp/stop ]; do
		i=$((i + 1))
		memplug list -M >/tmp/scan.$i.json 2>/tmp/scan.$i.err && echo 0 >/tmp/scan.$i.rc ||
			echo $? >/tmp/scan.$i.rc
		usleep 50000 # leave the one vCPU to the unplug now and then
	done
}
check_scans() {
	local n=0 f rc
	for f in /tmp/scan.*.rc; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		rc=$(cat "$f")
		f=${f%.rc}
		case "$rc" in
		0) check_list_json "$f.json" "$1 $(basename "$f")" ;;
		1) [ "$(wc -l <"$f.err")" = 1 ] || fail "$1 $(basename "$f"): exit 1 with $(cat "$f.err")" ;;
		*) fail "$1 $(basename "$f"): memplug list exit $rc: $(cat "$f.err")" ;;
		esac
	done
	rm -f /tmp/scan.* /tmp/stop
	SCANS=$n
}

codes=""
scans=0
delays=$(kill_moments "$seed" 3 400)
round=0
for d in $delays; do
	round=$((round + 1))
	step "round $round: plug 1 GiB"
	virtio_mem_resize 1073741824
	wait_for 30 offline_ge 8 || fail "round $round: no 8 offline blocks after plugging 1 GiB"
	run_expect 0 memplug list
	src=$(/usr/bin/jq -r '.sources[] | select(.type == "virtio-mem") | .source' $J)
	[ -n "$src" ] || fail "round $round: no virtio-mem source in memplug list"

	step "round $round: unplug while memplug onlines $src and lists (unplug after $d ms)"
	scanner &
	spid=$!
	memplug online "$src" --order=ascending >/tmp/online.json 2>/tmp/online.err &
	pid=$!
	usleep $((d * 1000))
	virtio_mem_resize 0
	rc=0
	wait "$pid" || rc=$?
	codes="$codes $rc"
	log "round $round: memplug online exit $rc: $(head -c 300 /tmp/online.err)"
	case "$rc" in
	0 | 1 | 3) ;;
	*) fail "round $round: memplug online exit $rc (crash?): $(cat /tmp/online.err)" ;;
	esac
	/usr/bin/jq -e . /tmp/online.json >/dev/null || fail "round $round: online stdout is not JSON"
	if [ "$rc" != 0 ]; then
		[ -s /tmp/online.err ] || fail "round $round: exit $rc without an error line"
		/usr/bin/jq -e '.targets[0].error != null' /tmp/online.json >/dev/null ||
			fail "round $round: exit $rc without an error in the JSON"
	fi
	wait_for 60 back_to_boot || fail "round $round: virtio-mem blocks not removed"
	touch /tmp/stop
	wait "$spid" || true
	check_scans "round $round"
	scans=$((scans + SCANS))
	run_expect 0 memplug list -M
	check_list_json $J "round $round after removal"
	assert_eq "$(/usr/bin/jq '[.memory_blocks[] | select(.state == "online")] | length' $J)" "$boot" \
		"round $round: online blocks in memplug list after removal"
done
metric online_exit_codes "$(echo $codes | tr ' ' ',')"
metric scans_while_blocks_change "$scans"
[ "$scans" -ge "$round" ] || fail "only $scans scans ran while blocks changed"
pass "seed $seed: $round unplug races (online exit codes$codes), $scans scans, no crash, nothing phantom"
