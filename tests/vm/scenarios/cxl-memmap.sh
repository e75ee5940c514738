# SPDX-License-Identifier: GPL-2.0
# profile: cxl
# min-kernel: 6.12
# append: memory_hotplug.memmap_on_memory=1
# timeout: 240
#
# With memory_hotplug.memmap_on_memory=1 the CXL device's memmap lives on
# the device: Movable present - managed = 512 pages per block on node 1, and
# memplug reports self/observed.
# shellcheck shell=sh

J=$RUN_OUT
cxl_kmem_region 1073741824 8
region=$CXL_REGION
dev=$CXL_DAX

run_expect 0 memplug reconfigure "$region" --mode=system-ram --zone=movable
assert_json $J '.targets[0].after.online_memblocks' 8 "online"
assert_eq $(($(zone_present 1 Movable) - $(zone_managed 1 Movable))) $((8 * 512)) "memmap pages on the device"
run_expect 0 memplug list -d "$dev"
assert_json $J '.sources[0].memmap_location' self "memmap_location"
assert_json $J '.sources[0].memmap_basis' observed "memmap_basis"
pass "CXL memmap on the device, reported self/observed"
