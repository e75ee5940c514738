# SPDX-License-Identifier: GPL-2.0
# profile: dimm
# append: memory_hotplug.memmap_on_memory=1
# kernels: 6.1 6.12 7.3
#
# An ACPI memory device (PNP0C80): the cold-plugged 128 MiB pc-dimm, its one
# block offline, then online Movable with its memmap on the DIMM
# (memmap_on_memory=1 on the command line).
# shellcheck shell=sh disable=SC2046 # block lists split on purpose
K=$MEMPLUG_KERNEL
[ "$(count_lines "$(blocks_in_state offline)")" -eq 1 ] || fail "no offline dimm0 block"
dump_capture "$K-dimm-offline"
online_blocks online_movable $(blocks_in_state offline)
dump_capture "$K-dimm-online"
pass "dimm captured"
