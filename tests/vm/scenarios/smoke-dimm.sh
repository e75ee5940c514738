# SPDX-License-Identifier: GPL-2.0
# profile: dimm
# append: memory_hotplug.memmap_on_memory=1
#
# Harness smoke test without memplug: hot-plug a 128 MiB pc-dimm through QMP,
# online it movable; with memmap_on_memory its memmap (2 MiB = 512 pages)
# lives on the DIMM: Movable present - managed = 512.
# shellcheck shell=sh disable=SC2086,SC2046 # block lists split on purpose

step "cold-plugged dimm0 is one offline block"
cold="$(blocks_in_state offline)"
assert_eq "$(count_lines "$cold")" 1 "offline blocks at boot (dimm0)"
assert_eq "$(cat /sys/module/memory_hotplug/parameters/memmap_on_memory)" Y "memmap_on_memory parameter"

step "hot-plug dimm1 (128 MiB) via QMP"
dimm_hotplug dimm1 134217728
two() { [ "$(count_lines "$(blocks_in_state offline)")" -eq 2 ]; }
wait_for 30 two || fail "hot-plugged DIMM block did not appear"
new="$(blocks_in_state offline | grep -vx "$cold")"
log "new block $new"

step "online $new movable"
p0="$(zone_present 0 Movable)"
m0="$(zone_managed 0 Movable)"
online_blocks online_movable $new
assert_eq "$(block_zone "$new")" Movable "$new zone"
p1="$(zone_present 0 Movable)"
m1="$(zone_managed 0 Movable)"
log "Movable present $p0 -> $p1, managed $m0 -> $m1"
assert_eq $((p1 - p0)) 32768 "Movable present pages added"
assert_eq $(((p1 - m1) - (p0 - m0))) 512 "memmap pages on the DIMM (present - managed)"
pass "pc-dimm hot-plug, memmap on the DIMM"
