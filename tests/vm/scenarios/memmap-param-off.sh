# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
# min-kernel: 6.12
#
# Booted without memory_hotplug.memmap_on_memory: the dax knob reads 1 but
# does nothing.  memplug refuses --memmap-on-memory (exit 4) and reports
# node:N, not self, for a device bound with the knob at 1.
# shellcheck shell=sh

J=$RUN_OUT
nvdimm_devdax >/dev/null
step "--memmap-on-memory refused with the reason"
run_expect 4 memplug reconfigure dax0.0 --mode=system-ram --memmap-on-memory
assert_contains "$(cat $RUN_ERR)" "memory_hotplug.memmap_on_memory" "reason"
assert_json $J '.changed' false "changed"
assert_eq "$(dax_driver dax0.0)" device_dax "driver unchanged"

step "knob 1 set by hand: still node placement, observed"
echo 1 >$SYS_DAX/dax0.0/memmap_on_memory
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram
assert_eq "$(zone_present 0 Movable)" "$(zone_managed 0 Movable)" "present == managed"
run_expect 0 memplug list -d dax0.0
assert_json $J '.sources[0].memmap_on_memory_knob' 1 "knob reads 1"
assert_json $J '.sources[0].memmap_location' node:0 "memmap_location"
assert_json $J '.sources[0].memmap_basis' observed "memmap_basis"
pass "knob without the boot parameter reported as node:0"
