# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
# min-kernel: 6.12
# append: memory_hotplug.memmap_on_memory=1
#
# The dax memmap_on_memory knob on 6.12 with the global parameter on:
# the memmap lands on the device (zone present - managed = 512 pages per
# block), memplug reports self/observed, and moving an online device's
# memmap needs --force.
# shellcheck shell=sh

J=$RUN_OUT
dev="$(nvdimm_devdax)"
assert_eq "$dev" dax0.0 "dax device"

step "system-ram with the memmap on the device"
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --memmap-on-memory
assert_eq "$(cat $SYS_DAX/dax0.0/memmap_on_memory)" 1 "knob"
n=$(/usr/bin/jq -r '.targets[0].after.online_memblocks' $J)
assert_ge "$n" 1 "online blocks"
present=$(zone_present 0 Movable)
managed=$(zone_managed 0 Movable)
assert_eq $((present - managed)) $((n * 512)) "Movable present - managed"
run_expect 0 memplug list -d dax0.0
assert_json $J '.sources[0].memmap_location' self "memmap_location"
assert_json $J '.sources[0].memmap_basis' observed "memmap_basis"

step "moving the memmap of an online device needs --force"
run_expect 4 memplug reconfigure dax0.0 --mode=system-ram --no-memmap-on-memory
assert_json $J '.changed' false "changed without --force"
assert_eq "$(cat $SYS_DAX/dax0.0/memmap_on_memory)" 1 "knob unchanged"
assert_eq $(($(zone_present 0 Movable) - $(zone_managed 0 Movable))) $((n * 512)) "zone unchanged"

step "with --force: offline, unbind, knob 0, rebind, online"
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --no-memmap-on-memory --force
assert_eq "$(cat $SYS_DAX/dax0.0/memmap_on_memory)" 0 "knob"
assert_json $J '.targets[0].after.online_memblocks' "$n" "online blocks"
assert_eq "$(zone_present 0 Movable)" "$(zone_managed 0 Movable)" "present == managed"
run_expect 0 memplug list -d dax0.0
assert_json $J '.sources[0].memmap_location' node:0 "memmap_location"
assert_json $J '.sources[0].memmap_basis' observed "memmap_basis"

step "and back to self with --force"
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --memmap-on-memory --force
run_expect 0 memplug list -d dax0.0
assert_json $J '.sources[0].memmap_location' self "memmap_location"
pass "memmap placement switched both ways and observed"
