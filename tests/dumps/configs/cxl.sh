# SPDX-License-Identifier: GPL-2.0
# profile: cxl
# min-kernel: 6.12
# kernels: 6.12 7.3
#
# A 1 GiB CXL RAM region: kmem binds its dax device with the blocks offline
# on node 1; then the blocks online Movable.
# shellcheck shell=sh disable=SC2046 # block lists split on purpose
K=$MEMPLUG_KERNEL
cxl_kmem_region 1073741824 8
dump_capture "$K-cxl-ram-offline"
online_blocks online_movable $(blocks_in_state offline 1)
dump_capture "$K-cxl-ram-online"
pass "CXL captured"
