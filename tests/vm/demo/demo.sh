# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
#
# The README's demo: pmem namespace -> system-ram, online Movable, list.
# shellcheck shell=sh

show() {
	echo "\$ $*" >/dev/console
	"$@" >/tmp/demo.out 2>/tmp/demo.err
	rc=$?
	cat /tmp/demo.err /tmp/demo.out >/dev/console
	return $rc
}
wait_for 20 test -e /sys/bus/nd/devices/namespace0.0 || fail "no namespace0.0"
echo MEMPLUG-DEMO-BEGIN >/dev/console
show memplug reconfigure namespace0.0 --mode=system-ram --zone=movable --force ||
	fail "reconfigure failed"
show memplug list -D -u || fail "list failed"
echo MEMPLUG-DEMO-END >/dev/console
/usr/bin/jq -e '.sources[0].online_memblocks == 15' /tmp/demo.out >/dev/null ||
	fail "dax0.0 is not fully online"
pass "demo"
