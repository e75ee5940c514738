# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
#
# memplug config snapshot on a real kernel: the file it writes for an
# nvdimm devdax device, then for the same device online Movable, passes
# config check --strict and plans nothing with apply --dry-run; applied
# later, the first snapshot brings the device back to devdax.  A section
# that names nothing fails --strict and is a warning of apply.
# shellcheck shell=sh

[ "$MEMPLUG_HAVE_BINARY" = 1 ] || fail "memplug binary missing from the initramfs"
J=$RUN_OUT
D=/tmp/snap
mkdir -p -m 755 $D

step "devdax on namespace0.0"
dev="$(nvdimm_devdax)"
assert_eq "$dev" dax0.0 "dax device"

# snapshot NAME: write it, check it strictly, plan nothing with it
snapshot() {
	memplug config snapshot >$D/$1.conf || fail "config snapshot: $(cat $D/$1.conf)"
	chmod 644 $D/$1.conf
	run_expect 0 memplug config check --strict --config=$D/$1.conf
	assert_json $J '.targets | length' 1 "sections of $1"
	run_expect 0 memplug apply --dry-run --config=$D/$1.conf
	assert_json $J '.would_change' false "apply --dry-run with $1 would change"
	assert_json $J '.targets[0].steps | length' 0 "steps planned with $1"
	assert_json $J '.warnings | length' 0 "warnings with $1"
}

step "snapshot of a devdax device"
snapshot devdax
assert_contains "$(cat $D/devdax.conf)" "[namespace namespace0.0]" "section"
assert_contains "$(cat $D/devdax.conf)" "mode = devdax" "mode"
uuid=$(memplug list -D | /usr/bin/jq -r '.sources[0].match.uuid')
assert_contains "$(cat $D/devdax.conf)" "uuid = $uuid" "uuid as list shows it"

step "system-ram online Movable, then its snapshot"
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --zone=Movable
snapshot movable
assert_contains "$(cat $D/movable.conf)" "zone = movable" "zone"
assert_contains "$(cat $D/movable.conf)" "online = yes" "online"

step "the devdax snapshot applied brings the device back"
run_expect 0 memplug apply --config=$D/devdax.conf
assert_json $J '.changed' true "changed"
assert_json $J '.targets[0].after.mode' devdax "after.mode"
assert_eq "$(dax_driver dax0.0)" device_dax "driver"

step "a section that names nothing"
printf '[region gone]\nhpa = 0x9000000000\n' >$D/gone.conf
run_expect 1 memplug config check --strict --config=$D/gone.conf
run_expect 0 memplug apply --dry-run --config=$D/gone.conf
assert_json $J '.warnings[0].code' section-unmatched "apply warning"
pass "config snapshot round trip on a real nvdimm"
