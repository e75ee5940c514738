# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
# min-kernel: 6.12
#
# Booted without memory_hotplug.memmap_on_memory: memplug refuses
# --memmap-on-memory (exit 4, nothing changed) and the kernel refuses the
# knob too for pmem; the memmap goes to ordinary RAM: node:0, observed.
# (The CXL case, where the knob reads 1 by default, is cxl-region.sh.)
# shellcheck shell=sh

J=$RUN_OUT
nvdimm_devdax >/dev/null
step "--memmap-on-memory refused with the reason"
run_expect 4 memplug reconfigure dax0.0 --mode=system-ram --memmap-on-memory
assert_contains "$(cat $RUN_ERR)" "memory_hotplug.memmap_on_memory" "reason"
assert_json $J '.changed' false "changed"
assert_eq "$(dax_driver dax0.0)" device_dax "driver unchanged"

step "the kernel itself refuses knob 1 without the parameter"
if echo 1 2>/dev/null >$SYS_DAX/dax0.0/memmap_on_memory; then
	fail "kernel accepted memmap_on_memory=1 without the boot parameter"
fi

step "system-ram: memmap in ordinary RAM, observed"
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram
assert_eq "$(zone_present 0 Movable)" "$(zone_managed 0 Movable)" "present == managed"
run_expect 0 memplug list -d dax0.0
assert_json $J '.sources[0].memmap_on_memory_knob' 0 "knob"
assert_json $J '.sources[0].memmap_location' node:0 "memmap_location"
assert_json $J '.sources[0].memmap_basis' observed "memmap_basis"
assert_contains "$(/usr/bin/jq -r '.sources[0].memmap_reason' $J)" "knob 0" "reason"
pass "memmap-on-memory refused without the boot parameter; node:0 observed"
