# SPDX-License-Identifier: GPL-2.0
# Provisioning at boot (memplug apply) with an nvdimm namespace named by uuid in
# memplug.conf.d, no memplug command typed:
#   boot 1: the namespace is created (hotplug): udev starts
#           memplug-apply@DEV, which onlines it Movable;
#   boot 2: the same disks: online Movable by the end of the boot, the
#           units active, their JSON in the journal, a rerun changed:false;
#   boot 3: with a RHEL-style "online every offline block" udev rule: still
#           Movable (10-memplug.rules onlines the blocks first).
# profile: nvdimm-labels
# guest: systemd
# boots: 3
# timeout: 200
# shellcheck shell=sh
# shellcheck disable=SC3043 # dash and busybox sh have local

NS_UUID=5e1f0c2a-7b3d-4e8f-9a10-2b3c4d5e6f70

setup_boot() {
	local d="$MEMPLUG_SYSCONFDIR/memplug.conf.d"
	mkdir -p "$d"
	cat >"$d/10-pmem.conf" <<EOT
# the namespace made in boot 1
[namespace pmem-fast]
uuid = $NS_UUID
zone = movable
EOT
	if [ "$MEMPLUG_BOOT" = 3 ]; then
		# RHEL's 40-redhat.rules memory line, as distributions ship it
		mkdir -p /etc/udev/rules.d
		echo 'SUBSYSTEM=="memory", ACTION=="add", ATTR{state}=="offline", ATTR{state}="online"' \
			>/etc/udev/rules.d/40-redhat.rules
	fi
}

ns_dax() {
	/usr/bin/ndctl list -N -X -n namespace0.0 2>/dev/null |
		/usr/bin/jq -r '(if type == "array" then .[0] else . end).daxregion.devices[0].chardev // empty'
}
ns_has_dax() { [ -n "$(ns_dax)" ]; }

check_boot() {
	local dev unit j=/tmp/list.json total
	[ "$MEMPLUG_HAVE_BINARY" = 1 ] || fail "memplug not installed"
	assert_eq "$(cat /proc/1/comm)" systemd "PID 1"
	if [ "$MEMPLUG_BOOT" = 1 ]; then
		step "boot 1: label area and a devdax namespace with uuid $NS_UUID"
		nvdimm_init_labels
		t0=$(now_ns)
		/usr/bin/ndctl create-namespace -m devdax -s 1G --uuid="$NS_UUID" \
			>/tmp/ns.json 2>/tmp/ns.err || fail "create-namespace: $(cat /tmp/ns.err)"
	else
		step "boot $MEMPLUG_BOOT: the namespace comes back from the label area"
		wait_for 30 ns_has_dax || fail "namespace0.0 has no dax device"
	fi
	assert_eq "$(cat /sys/bus/nd/devices/namespace0.0/uuid)" "$NS_UUID" "namespace uuid"
	dev="$(ns_dax)"
	unit="memplug-apply@$dev.service"
	step "waiting for $unit"
	wait_for 90 unit_settled "$unit" || fail "$unit did not finish: $(unit_state "$unit")"
	wait_for 60 unit_settled memplug-apply.service || fail "memplug-apply.service did not finish"
	[ "$MEMPLUG_BOOT" != 1 ] || metric hotplug_to_online_ms "$(elapsed_ms "$t0")" ms
	assert_eq "$(unit_state "$unit")" active "$unit (journal: $(unit_journal "$unit" | tail -n 5))"
	assert_eq "$(unit_state memplug-apply.service)" active \
		"memplug-apply.service (journal: $(unit_journal memplug-apply.service | grep -v "^ *[]}{[]*,*$" | tail -n 40))"

	step "blocks of $dev online Movable"
	memplug list -d "$dev" >$j || fail "memplug list -d $dev"
	total=$(/usr/bin/jq -r '.sources[0].total_memblocks' $j)
	assert_ge "$total" 7 "blocks of $dev"
	assert_json $j '.sources[0].online_memblocks' "$total"
	assert_json $j '.sources[0].zones.Movable // 0' "$total"
	assert_json $j '.sources[0].zones.Normal // 0' 0

	step "the journal holds memplug's JSON"
	unit_journal "$unit" >/tmp/unit.log
	unit_journal memplug-apply.service >>/tmp/unit.log
	assert_contains "$(cat /tmp/unit.log)" '"targets"' "JSON in the journal"
	assert_eq "$(grep -c '"changed": true' /tmp/unit.log)" 1 "runs that changed something"

	if [ "$MEMPLUG_BOOT" != 1 ]; then
		done_s=$(unit_done_s "$unit")
		boot_s=$(unit_done_s memplug-apply.service)
		metric "boot${MEMPLUG_BOOT}_to_online_s" "$done_s" s
		metric "boot${MEMPLUG_BOOT}_apply_service_s" "$boot_s" s
		metric "boot${MEMPLUG_BOOT}_multi_user_s" "$(unit_done_s multi-user.target)" s
	fi
	step "a rerun changes nothing"
	run_expect 0 memplug apply
	assert_json "$RUN_OUT" .changed false
	[ "$MEMPLUG_BOOT" != 3 ] || [ -e /etc/udev/rules.d/40-redhat.rules ] || fail "rule missing"
	pass "boot $MEMPLUG_BOOT: $dev online Movable ($total blocks)"
}
