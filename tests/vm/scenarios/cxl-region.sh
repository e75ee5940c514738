# SPDX-License-Identifier: GPL-2.0
# profile: cxl
# min-kernel: 6.12
#
# A CXL RAM region arrives with its dax device bound to kmem and offline
# blocks.  memplug reconfigure region0 onlines them Movable on node 1; the
# knob reads 1 but without memory_hotplug.memmap_on_memory the memmap stays
# in ordinary RAM: memplug must say node:0, not self.  Then devdax and back.
# shellcheck shell=sh

J=$RUN_OUT
cxl_kmem_region 1073741824 8
region=$CXL_REGION
dev=$CXL_DAX

step "memplug list sees the region and its offline blocks"
run_expect 0 memplug list
assert_json $J ".regions[] | select(.region == \"$region\") | .dax" "$dev" "region dax"
assert_json $J ".regions[] | select(.region == \"$region\") | .mode" ram "region mode"
assert_json $J ".sources[] | select(.source == \"$dev\") | .region" "$region" "source region"
assert_json $J ".sources[] | select(.source == \"$dev\") | .states.offline" 8 "offline blocks"

step "reconfigure $region --mode=system-ram --zone=movable"
run_expect 0 memplug reconfigure "$region" --mode=system-ram --zone=movable
assert_json $J '.targets[0].source' "$dev" "source"
assert_json $J '.targets[0].after.online_memblocks' 8 "online"
assert_json $J '.targets[0].after.zones.Movable' 8 "Movable"
assert_eq "$(count_lines "$(blocks_in_state online 1)")" 8 "online blocks on node 1"
assert_eq "$(zone_present 1 Movable)" "$(zone_managed 1 Movable)" "present == managed on node 1"
run_expect 0 memplug list -d "$region"
assert_json $J '.sources[0].memmap_on_memory_knob' 1 "knob"
assert_json $J '.sources[0].memmap_location' node:0 "memmap_location"
assert_json $J '.sources[0].memmap_basis' observed "memmap_basis"
assert_json $J '.sources[0].nodes[0]' 1 "node"

step "idempotent"
run_expect 0 memplug reconfigure "$region" --mode=system-ram --zone=movable
assert_json $J '.changed' false "changed"

step "devdax and back"
run_expect 0 memplug reconfigure "$region" --mode=devdax
assert_eq "$(dax_driver "$dev")" device_dax "driver"
run_expect 0 memplug reconfigure "$region" --mode=system-ram
assert_json $J '.targets[0].after.online_memblocks' 8 "online again"
pass "CXL region reconfigured by memplug"
