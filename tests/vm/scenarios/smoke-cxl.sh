# SPDX-License-Identifier: GPL-2.0
# profile: cxl
# min-kernel: 6.12
#
# Harness smoke test without memplug: a 1 GiB CXL RAM region created through
# sysfs gives a dax device that kmem binds by itself; its 8 blocks stay
# offline on node 1 (memhp_default_state=offline).
# shellcheck shell=sh disable=SC2086,SC2046 # block lists split on purpose

step "create a 1 GiB RAM region"
region="$(cxl_create_ram_region 1073741824)"
dev="$(cxl_region_dax "$region")"
log "region $region -> $dev"

step "kmem binds $dev"
is_kmem() { [ "$(dax_driver "$1")" = kmem ]; }
wait_for 20 is_kmem "$dev" || fail "$dev driver is $(dax_driver "$dev"), expected kmem"
assert_eq "$(cat "$SYS_DAX/$dev/target_node")" 1 "$dev target_node"
assert_eq "$(cat "$SYS_DAX/$dev/memmap_on_memory")" 1 "$dev memmap_on_memory"

step "8 offline blocks on node 1"
has_8() { [ "$(count_lines "$(blocks_of_node 1)")" -ge 8 ]; }
wait_for 20 has_8 || true
blocks="$(blocks_of_node 1)"
assert_eq "$(count_lines "$blocks")" 8 "blocks on node 1"
assert_eq "$(count_lines "$(blocks_in_state offline 1)")" 8 "offline blocks on node 1"
for b in $blocks; do
	assert_contains "$(block_zone "$b")" Movable "$b valid_zones"
done
pass "CXL RAM region -> $dev (kmem) -> 8 offline blocks on node 1"
