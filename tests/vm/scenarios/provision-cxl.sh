# SPDX-License-Identifier: GPL-2.0
# A CXL RAM region named by its HPA base in memplug.conf.d, memmap on the
# device: when the region appears (the kernel binds kmem itself), udev's
# 10-memplug.rules and memplug-apply@DEV online it Movable with the memmap
# on the CXL memory, observed; no memplug command typed.
# profile: cxl
# guest: systemd
# min-kernel: 6.12
# append: memory_hotplug.memmap_on_memory=1
# timeout: 240
# shellcheck shell=sh
# shellcheck disable=SC3043 # dash and busybox sh have local

check_boot() {
	local d="$MEMPLUG_SYSCONFDIR/memplug.conf.d" base j=/tmp/list.json unit
	wait_for 30 test -e "$SYS_CXL/decoder0.0/start" || fail "no CXL root decoder"
	# the region will start at the window's base: the platform's address
	base=$(cat "$SYS_CXL/decoder0.0/start")
	step "memplug.conf.d names the region by hpa $base"
	mkdir -p "$d"
	printf '[region expander]\nhpa = %s\nmemmap_on_memory = yes\nzone = movable\ntarget_node = 1\n' \
		"$base" >"$d/20-cxl.conf"
	run_expect 0 memplug config check

	step "the region appears"
	t0=$(now_ns)
	CXL_REGION="$(cxl_create_ram_region 1073741824)"
	CXL_DAX="$(cxl_region_dax "$CXL_REGION")"
	unit="memplug-apply@$CXL_DAX.service"
	wait_for 90 unit_settled "$unit" || fail "$unit did not finish: $(unit_state "$unit")"
	metric hotplug_to_online_ms "$(elapsed_ms "$t0")" ms
	assert_eq "$(unit_state "$unit")" active "$unit (journal: $(unit_journal "$unit" | tail -n 5))"
	assert_eq "$(cat "$SYS_CXL/$CXL_REGION/resource")" "$base" "region resource"

	step "online Movable, memmap on the device, observed"
	memplug list -d "$CXL_DAX" >$j || fail "memplug list"
	assert_json $j '.sources[0].total_memblocks' 8
	assert_json $j '.sources[0].online_memblocks' 8
	assert_json $j '.sources[0].zones.Movable // 0' 8
	assert_json $j '.sources[0].memmap_location' self
	assert_json $j '.sources[0].memmap_basis' observed
	assert_eq $(($(zone_present 1 Movable) - $(zone_managed 1 Movable))) $((8 * 512)) "memmap pages on the device"
	assert_contains "$(unit_journal "$unit")" '"targets"' "JSON in the journal"
	run_expect 0 memplug apply
	assert_json "$RUN_OUT" .changed false
	pass "CXL region by hpa: online Movable, memmap self/observed"
}
