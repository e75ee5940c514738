# SPDX-License-Identifier: GPL-2.0
# The Debian packages (scripts/build-deb.sh) in the systemd guest: after
# multi-user.target, `dpkg -i` memplug and libmemplug0 as an administrator
# would, then run the autopkgtest debian/tests/provision with the
# package's own udev rule and units (real udev, real systemd): installing
# without a configuration changes nothing (no unit, no process per block,
# no log line), and a memplug.conf.d section brings its namespace online
# Movable when it appears.  (autopkgtest's own runner is not used: this is
# what its qemu backend would do, in the harness's guest.)
# profile: nvdimm-labels
# guest: systemd
# install: deb
# timeout: 300
# shellcheck shell=sh

check_boot() {
	assert_eq "$(cat /proc/1/comm)" systemd "PID 1"
	step "dpkg -i libmemplug0 memplug"
	dpkg -i /memplug/debs/libmemplug0_*.deb /memplug/debs/memplug_*.deb \
		>/tmp/dpkg.log 2>&1 || fail "dpkg -i: $(tail -n 5 /tmp/dpkg.log)"
	assert_eq "$(dpkg-query -W -f='${Status}' memplug)" "install ok installed" "memplug"
	step "debian/tests/provision"
	if AUTOPKGTEST_TMP=/tmp sh /memplug/debian-tests/provision >/tmp/provision.log 2>&1; then
		rc=0
	else
		rc=$?
	fi
	while IFS= read -r line; do log "$line"; done </tmp/provision.log
	# 77 is a skip: here, with an nvdimm and systemd, that is a failure
	assert_eq "$rc" 0 "debian/tests/provision exit status"
	pass "$(tail -n 2 /tmp/provision.log | head -n 1)"
}
