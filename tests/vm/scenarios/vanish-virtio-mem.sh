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

delays=$(kill_moments "$seed" 6 400)
round=0
for d in $delays; do
	round=$((round + 1))
	step "round $round: plug 1 GiB"
	virtio_mem_resize 1073741824
	wait_for 30 offline_ge 8 || fail "round $round: no 8 offline blocks after plugging 1 GiB"
	run_expect 0 memplug list
	src=$(/usr/bin/jq -r '.sources[] | select(.type == "virtio-mem") | .source' $J)
	[ -n "$src" ] || fail "round $round: no virtio-mem source in memplug list"

	step "round $round: unplug while memplug onlines $src (unplug after $d ms)"
	memplug online "$src" --order=ascending >/tmp/online.json 2>/tmp/online.err &
	pid=$!
	usleep $((d * 1000))
	virtio_mem_resize 0
	rc=0
	wait "$pid" || rc=$?
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

	step "round $round: scans while blocks go away"
	n=0
	while ! back_to_boot && [ $n -lt 40 ]; do
		n=$((n + 1))
		lrc=0
		memplug list -M >/tmp/list.json 2>/tmp/list.err || lrc=$?
		case "$lrc" in
		0) check_list_json /tmp/list.json "round $round scan $n" ;;
		1) [ "$(wc -l </tmp/list.err)" = 1 ] || fail "round $round scan $n: $(cat /tmp/list.err)" ;;
		*) fail "round $round scan $n: memplug list exit $lrc: $(cat /tmp/list.err)" ;;
		esac
	done
	metric "round${round}_scans_during_removal" "$n"
	wait_for 60 back_to_boot || fail "round $round: virtio-mem blocks not removed"
	run_expect 0 memplug list -M
	check_list_json $J "round $round after removal"
	assert_eq "$(/usr/bin/jq '[.memory_blocks[] | select(.state == "online")] | length' $J)" "$boot" \
		"round $round: online blocks in memplug list after removal"
done
pass "seed $seed: $round unplug races and scans during removal, no crash, nothing phantom"
