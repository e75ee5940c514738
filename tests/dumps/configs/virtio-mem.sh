# SPDX-License-Identifier: GPL-2.0
# profile: virtio-mem
# kernels: 6.1 6.12 7.3
#
# virtio-mem grown to 512 MiB: its four blocks offline, then online Movable.
# shellcheck shell=sh disable=SC2046 # block lists split on purpose
K=$MEMPLUG_KERNEL
wait_for 20 sh -c 'ls -d /sys/bus/virtio/drivers/virtio_mem/virtio*' || fail "virtio_mem did not bind"
virtio_mem_resize 536870912
offline_ge() { [ "$(count_lines "$(blocks_in_state offline)")" -ge "$1" ]; }
wait_for 30 offline_ge 4 || fail "no 4 offline blocks after the resize to 512 MiB"
dump_capture "$K-virtio-mem-offline"
online_blocks online_movable $(blocks_in_state offline)
dump_capture "$K-virtio-mem-online"
pass "virtio-mem captured"
