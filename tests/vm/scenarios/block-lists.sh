# SPDX-License-Identifier: GPL-2.0
# profile: dimm
# append: memory_hotplug.memmap_on_memory=1
#
# Memory with no dax device: a hot-plugged pc-dimm is a "dimm" source (its
# blocks link to the ACPI device); memplug onlines and offlines it as a
# block list, and reports its memmap on the DIMM itself.
# shellcheck shell=sh

J=$RUN_OUT
cold="$(blocks_in_state offline)"
dimm_hotplug dimm1 134217728
two() { [ "$(count_lines "$(blocks_in_state offline)")" -eq 2 ]; }
wait_for 30 two || fail "hot-plugged DIMM block did not appear"
new="$(blocks_in_state offline | grep -vx "$cold")"
id="${new#memory}"

step "list: the hot-plugged block belongs to a dimm source"
run_expect 0 memplug list -M
assert_json $J ".memory_blocks[] | select(.block == $id) | .state" offline "state"
src=$(/usr/bin/jq -r ".memory_blocks[] | select(.block == $id) | .source" $J)
assert_json $J ".sources[] | select(.source == \"$src\") | .type" dimm "source type of $src"

step "online memory$id as a block list"
run_expect 0 memplug online "memory$id" --zone=movable
assert_json $J '.targets[0].after.online_memblocks' 1 "online"
assert_eq "$(block_zone "$new")" Movable "zone"
run_expect 0 memplug online "memory$id"
assert_json $J '.changed' false "idempotent"
run_expect 0 memplug list -d "$src"
assert_json $J '.sources[0].memmap_location' self "memmap_location"

step "offline it again"
run_expect 0 memplug offline "memory$id"
assert_eq "$(cat $SYS_MEM/$new/state)" offline "state"
run_expect 1 memplug online memory99999
assert_contains "$(cat $RUN_ERR)" "memory99999" "error names the block"
pass "dimm block list online/offline"
