# SPDX-License-Identifier: GPL-2.0
# The systemd guest itself: systemd is PID 1, systemd-udevd runs, memplug is
# installed, and an nvdimm label area written in boot 1 is read back in
# boot 2 (the backing file is kept between boots).  Boot times as metrics.
# profile: nvdimm-labels
# guest: systemd
# boots: 2
# timeout: 180
# shellcheck shell=sh

NS_UUID=5e1f0c2a-7b3d-4e8f-9a10-2b3c4d5e6f70

setup_boot() {
	step "setup phase of boot $MEMPLUG_BOOT"
	: >/run/memplug-setup-ran
}

check_boot() {
	metric "boot${MEMPLUG_BOOT}_multi_user_s" "$(cut -d' ' -f1 /proc/uptime)" s
	assert_eq "$(cat /proc/1/comm)" systemd "PID 1"
	[ -e /run/memplug-setup-ran ] || fail "setup_boot did not run"
	assert_eq "$(systemctl is-active systemd-udevd.service)" active "systemd-udevd"
	assert_eq "$MEMPLUG_HAVE_BINARY" 1 "memplug installed by meson install"
	memplug --version >/dev/null || fail "memplug does not run"
	case "$MEMPLUG_BOOT" in
	1)
		step "label area, then a devdax namespace with a fixed uuid"
		nvdimm_init_labels
		/usr/bin/ndctl create-namespace -m devdax -s 1G --uuid="$NS_UUID" \
			>/tmp/ns.json 2>/tmp/ns.err || fail "create-namespace: $(cat /tmp/ns.err)"
		# ndctl prints the devdax info block's uuid as "uuid"; the label's
		# (--uuid) is the namespace's own
		assert_eq "$(cat /sys/bus/nd/devices/namespace0.0/uuid)" "$NS_UUID" "namespace uuid"
		;;
	2)
		step "the namespace is back from the label area"
		wait_for 10 test -e /sys/bus/nd/devices/namespace0.0/uuid || fail "no namespace0.0"
		assert_eq "$(cat /sys/bus/nd/devices/namespace0.0/uuid)" "$NS_UUID" "namespace uuid"
		/usr/bin/ndctl list -N -n namespace0.0 >/tmp/ns.json || fail "ndctl list"
		assert_json /tmp/ns.json '.[0].mode // .mode' devdax
		;;
	esac
	pass "boot $MEMPLUG_BOOT"
}
