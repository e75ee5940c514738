# SPDX-License-Identifier: GPL-2.0
# A memplug.conf mistake at boot: the units fail, the journal has memplug's
# one-line error with file:line, and the device that appears is untouched.
# profile: nvdimm-raw
# guest: systemd
# timeout: 150
# shellcheck shell=sh
# shellcheck disable=SC3043 # dash and busybox sh have local

CONF="$MEMPLUG_SYSCONFDIR/memplug.conf.d/10-bad.conf"

setup_boot() {
	mkdir -p "${CONF%/*}"
	printf '# a typo in the zone\n[device dax0.0]\nzone = sideways\n' >"$CONF"
}

check_boot() {
	local unit=memplug-apply@dax0.0.service j=/tmp/list.json err
	err="memplug: $CONF:3: bad value 'sideways' for zone in [device dax0.0]"
	step "the boot-time unit failed with file:line"
	wait_for 60 unit_settled memplug-apply.service || fail "memplug-apply.service did not finish"
	assert_eq "$(unit_state memplug-apply.service)" failed "memplug-apply.service"
	assert_contains "$(unit_journal memplug-apply.service)" "$err" "journal of memplug-apply.service"

	step "a device appears: its unit fails too, the device stays devdax"
	wait_for 20 test -e /sys/bus/nd/devices/namespace0.0 || fail "no namespace0.0"
	dev="$(nvdimm_devdax)"
	assert_eq "$dev" dax0.0 "dax device"
	wait_for 60 unit_settled "$unit" || fail "$unit did not finish: $(unit_state "$unit")"
	assert_eq "$(unit_state "$unit")" failed "$unit"
	assert_contains "$(unit_journal "$unit")" "$err" "journal of $unit"
	assert_eq "$(dax_driver dax0.0)" device_dax "dax0.0 driver"
	memplug list -d dax0.0 >$j || fail "memplug list"
	assert_json $j '.sources[0].total_memblocks' 0
	run_expect 2 memplug config check
	assert_contains "$(cat "$RUN_ERR")" "$err" "memplug config check"
	pass "bad config: units failed with file:line, dax0.0 untouched"
}
