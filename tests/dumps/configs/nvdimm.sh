# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
# kernels: 6.1 6.12 7.3
#
# A label-less 2 GiB nvdimm through its states: raw namespace, devdax,
# system-ram with its blocks offline, online Movable, and (7.3, which has
# the dax state file) unplugged by memplug offline --unplug.
# shellcheck shell=sh disable=SC2046 # block lists split on purpose
K=$MEMPLUG_KERNEL
wait_for 20 test -e /sys/bus/nd/devices/namespace0.0 || fail "no namespace0.0"
dump_capture "$K-nvdimm-raw"
nvdimm_devdax >/dev/null
dump_capture "$K-nvdimm-devdax"
run_expect 0 /usr/bin/daxctl reconfigure-device --mode=system-ram --no-online dax0.0
dump_capture "$K-nvdimm-ram-offline"
online_blocks online_movable $(blocks_in_state offline 0)
dump_capture "$K-nvdimm-ram-online"
if [ -e /sys/bus/dax/devices/dax0.0/state ]; then
	run_expect 0 memplug offline dax0.0 --unplug
	dump_capture "$K-nvdimm-unplugged"
fi
pass "nvdimm captured"
