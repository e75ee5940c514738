# SPDX-License-Identifier: GPL-2.0
# profile: virtio-mem
#
# Harness smoke test without memplug: grow a virtio-mem device through the
# host's QMP (guest -> serial -> qmp-watcher.py -> QMP), blocks appear offline,
# online them movable, grow again, then shrink to 0 (virtio-mem offlines and
# removes the blocks itself).
# shellcheck shell=sh disable=SC2086,SC2046 # block lists split on purpose

step "wait for virtio_mem"
wait_for 20 sh -c 'ls -d /sys/bus/virtio/drivers/virtio_mem/virtio*' || fail "virtio_mem did not bind"
total0="$(count_lines "$(blocks_in_state online)")"

offline_ge() { [ "$(count_lines "$(blocks_in_state offline)")" -ge "$1" ]; }

step "request 512 MiB"
virtio_mem_resize 536870912
wait_for 30 offline_ge 4 || fail "no 4 offline blocks after resize to 512M ($(blocks_in_state offline | tr '\n' ' '))"
new="$(blocks_in_state offline)"
assert_eq "$(count_lines "$new")" 4 "offline blocks after 512M"
online_blocks online_movable $new

step "request 1 GiB"
virtio_mem_resize 1073741824
wait_for 30 offline_ge 4 || fail "no 4 more offline blocks after resize to 1G"
online_blocks online_movable $(blocks_in_state offline)
assert_eq "$(count_lines "$(blocks_in_state online)")" $((total0 + 8)) "online blocks after 1G"
plugged() {
	qmp_must qom-get '{"path":"/machine/peripheral/vm0","property":"size"}'
	[ "$QMP_REPLY" = "ok $1" ]
}
wait_for 30 plugged 1073741824 || fail "virtio-mem size did not reach 1G: $QMP_REPLY"

step "request 0"
virtio_mem_resize 0
back() { [ "$(count_lines "$(blocks_in_state online)")" -eq "$total0" ]; }
wait_for 60 back || fail "blocks not removed after resize to 0: $(count_lines "$(blocks_in_state online)") online, expected $total0"
pass "virtio-mem 0 -> 512M -> 1G -> 0 through QMP"
