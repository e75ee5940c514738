# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
#
# Harness smoke test without memplug: nvdimm -> devdax -> system-ram (offline)
# -> online_movable through sysfs -> offline -> devdax.
# shellcheck shell=sh disable=SC2086,SC2046 # block lists split on purpose

step "create devdax on namespace0.0"
dev="$(nvdimm_devdax)"
assert_eq "$dev" dax0.0 "dax device"
assert_eq "$(dax_driver "$dev")" device_dax "driver after create-namespace"

step "reconfigure $dev to system-ram, no online"
run_expect 0 /usr/bin/daxctl reconfigure-device --mode=system-ram --no-online "$dev"
assert_eq "$(dax_driver "$dev")" kmem "driver after reconfigure"
offline="$(blocks_in_state offline)"
assert_eq "$(count_lines "$offline")" 15 "offline blocks after system-ram"
for b in $offline; do
	assert_contains "$(block_zone "$b")" Movable "$b valid_zones"
done

step "online $(count_lines "$offline") blocks movable"
t0=$(now_ns)
online_blocks online_movable $offline
settle settle_15_blocks_ms 30
metric online_movable_15_blocks_ms "$(elapsed_ms "$t0")" ms
for b in $offline; do
	assert_eq "$(cat $SYS_MEM/"$b"/state)" online "$b state"
	assert_eq "$(block_zone "$b")" Movable "$b zone"
done
/usr/bin/daxctl list -d "$dev" >/tmp/list.json
assert_json /tmp/list.json '(if type == "array" then .[0] else . end) | .online_memblocks' 15 "online_memblocks"
assert_json /tmp/list.json '(if type == "array" then .[0] else . end) | .total_memblocks' 15 "total_memblocks"

step "offline and back to devdax"
online_blocks offline $(echo "$offline" | sort -t y -k 2 -rn)
assert_eq "$(count_lines "$(blocks_in_state offline)")" 15 "offline blocks"
run_expect 0 /usr/bin/daxctl reconfigure-device --mode=devdax "$dev"
assert_eq "$(dax_driver "$dev")" device_dax "driver after devdax"
assert_eq "$(count_lines "$(blocks_in_state offline)")" 0 "blocks left after devdax"
pass "nvdimm devdax/system-ram round trip"
