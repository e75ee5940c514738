# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
#
# The main job: raw pmem namespace -> devdax -> system-ram online Movable in
# the fast order (on a parallel kernel: the kernel's own path) -> devdax,
# with idempotency, dry run, zones, block lists, and memplug's accounting
# checked against daxctl, lsmem and zoneinfo.
# shellcheck shell=sh

[ "$MEMPLUG_HAVE_BINARY" = 1 ] || fail "memplug binary missing from the initramfs"
J=$RUN_OUT

step "raw namespace without --force is refused, nothing changed"
wait_for 20 test -e /sys/bus/nd/devices/namespace0.0 || fail "no namespace0.0"
run_expect 4 memplug reconfigure namespace0.0 --mode=system-ram
assert_json $J '.targets[0].result' refused "result"
assert_json $J '.changed' false "changed"
assert_contains "$(cat $RUN_ERR)" "destroys its data" "refusal message"
assert_eq "$(cat /sys/bus/nd/devices/namespace0.0/mode)" raw "namespace mode after refusal"

step "dry run plans the conversion"
run_expect 0 memplug reconfigure namespace0.0 --mode=system-ram --force --dry-run
assert_json $J '.would_change' true "would_change"
assert_json $J '.changed' false "changed in dry run"
assert_eq "$(cat /sys/bus/nd/devices/namespace0.0/mode)" raw "namespace mode after dry run"

step "convert namespace0.0 to system-ram, online movable"
run_expect 0 memplug reconfigure namespace0.0 --mode=system-ram --force --zone=movable
cp $J /tmp/convert.json
assert_json $J '.changed' true "changed"
assert_json $J '.targets[0].source' dax0.0 "source"
assert_json $J '.targets[0].after.mode' system-ram "after.mode"
assert_json $J '.targets[0].after.online_memblocks' 15 "after.online_memblocks"
assert_json $J '.targets[0].after.total_memblocks' 15 "after.total_memblocks"
assert_json $J '.targets[0].after.zones.Movable' 15 "after.zones.Movable"
# the path: per-block writes in the fast order, or, on a kernel with
# parallel deferred onlining, the kernel's own (kmem bind with
# auto_online_blocks: the deferred phase runs in parallel before it returns)
if [ "$MEMPLUG_KERNEL" = 7.3-parallel ]; then
	assert_json $J '.targets[0].steps | map(select(test("^bind dax0.0 to kmem, kernel onlines all blocks online_movable"))) | length' 1 "online step: the kernel's parallel path"
else
	assert_json $J '.targets[0].steps | map(select(test("online 15 blocks online_movable \\(descending\\)"))) | length' 1 "online step in descending order"
fi
/usr/bin/daxctl list -d dax0.0 >/tmp/daxctl.json
assert_json /tmp/daxctl.json '(if type == "array" then .[0] else . end) | .online_memblocks' 15 "daxctl online_memblocks"
assert_json /tmp/daxctl.json '(if type == "array" then .[0] else . end) | .mode' system-ram "daxctl mode"

step "memplug list agrees with daxctl, lsmem and zoneinfo"
run_expect 0 memplug list -M
cp $J /tmp/list.json
assert_json $J '.sources[] | select(.source == "dax0.0") | .online_memblocks' 15 "list online"
assert_json $J '.sources[] | select(.source == "dax0.0") | .total_memblocks' 15 "list total"
assert_json $J '.sources[] | select(.source == "dax0.0") | .namespace' namespace0.0 "list namespace"
assert_json $J '.sources[] | select(.source == "dax0.0") | .memmap_bytes' $((15 * 2097152)) "memmap_bytes"
present=$(zone_present 0 Movable)
managed=$(zone_managed 0 Movable)
assert_eq "$present" $((15 * 32768)) "Movable present pages"
if [ "$present" = "$managed" ]; then
	assert_json $J '.sources[] | select(.source == "dax0.0") | .memmap_location' node:0 "memmap_location (present == managed)"
	assert_json $J '.sources[] | select(.source == "dax0.0") | .memmap_basis' observed "memmap_basis"
else
	fail "memmap on the device on this kernel? present $present managed $managed"
fi
/usr/bin/lsmem -J -a -b -o RANGE,STATE,BLOCK,NODE,ZONES >/tmp/lsmem.json
/usr/bin/jq -r '.memory_blocks[] | "\(.block) \(.state)"' /tmp/list.json >/tmp/m.txt
/usr/bin/jq -r '.memory[] | "\(.block) \(.state)"' /tmp/lsmem.json >/tmp/l.txt
assert_ge "$(wc -l </tmp/m.txt)" 16 "blocks listed"
assert_eq "$(cat /tmp/m.txt)" "$(cat /tmp/l.txt)" "block states, memplug vs lsmem"

step "idempotent: the same command again changes nothing"
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --zone=movable
assert_json $J '.changed' false "changed on second run"
assert_json $J '.targets[0].result' unchanged "result on second run"

step "block list: offline two blocks, online them again"
first=$(/usr/bin/jq -r '.sources[] | select(.source == "dax0.0") | .first_block' /tmp/list.json)
run_expect 0 memplug offline "memory$first-$((first + 1))"
assert_json $J '.targets[0].after.online_memblocks' 0 "block list after offline"
assert_eq "$(cat $SYS_MEM/memory$first/state)" offline "memory$first state"
run_expect 0 memplug offline "memory$first-$((first + 1))"
assert_json $J '.changed' false "offline twice"
run_expect 0 memplug online dax0.0
assert_json $J '.targets[0].after.online_memblocks' 15 "online the source again"
assert_eq "$(cat $SYS_MEM/memory$first/valid_zones)" Movable "memory$first zone"

step "dry run of devdax equals the real run's steps"
run_expect 0 memplug reconfigure dax0.0 --mode=devdax --dry-run
/usr/bin/jq -c '.targets[0].steps' $J >/tmp/plan
run_expect 0 memplug reconfigure dax0.0 --mode=devdax
/usr/bin/jq -c '.targets[0].steps' $J >/tmp/done
assert_eq "$(cat /tmp/done)" "$(cat /tmp/plan)" "steps of the real run vs the plan"
assert_json $J '.targets[0].after.mode' devdax "after.mode"
assert_json $J '.targets[0].after.total_memblocks' 0 "blocks after devdax"
assert_eq "$(dax_driver dax0.0)" device_dax "driver"
run_expect 0 memplug reconfigure dax0.0 --mode=devdax
assert_json $J '.changed' false "devdax twice"

step "--zone=auto: the kernel's online_policy decides"
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --zone=auto
assert_json $J '.targets[0].after.online_memblocks' 15 "online with auto"
run_expect 0 memplug list -d dax0.0 -M
for blk in $(/usr/bin/jq -r '.memory_blocks[].block' $J); do
	z=$(block_zone memory$blk)
	assert_eq "$(/usr/bin/jq -r ".memory_blocks[] | select(.block == $blk) | .zones" $J)" "$z" "memory$blk zones in list"
done
n=$(/usr/bin/jq -r '[.memory_blocks[] | select(.zones == "Normal")] | length' $J)
assert_json $J ".sources[0].zones.Normal" "$n" "Normal blocks counted"
pass "nvdimm round trip with memplug"
