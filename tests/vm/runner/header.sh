# SPDX-License-Identifier: GPL-2.0
#
# run-scenario.sh, part 2: the scenario's header keys ("# key: value" lines
# anywhere in the scenario; the first of each key wins), checked.  Sourced;
# read_header sets profile, min_kernel, extra_append, extra_qemu, guest,
# boots, flavour and the default timeout_s.
# shellcheck shell=bash disable=SC2034 # the variables are the other parts'

header() {
	sed -n "s/^#[[:space:]]*$1:[[:space:]]*//p" "$scenario" | head -n 1
}

read_header() {
	local hdr_timeout
	if [ "$prepare" -eq 1 ]; then
		# --prepare: no scenario, the busybox guest's base image
		profile="" min_kernel="" extra_append="" extra_qemu=""
		guest=busybox boots=1 flavour="" install_how=""
		return 0
	fi
	profile="$(header profile)"
	min_kernel="$(header min-kernel)"
	extra_append="$(header append)"
	extra_qemu="$(header qemu)"
	hdr_timeout="$(header timeout)"
	guest="$(header guest)"
	boots="$(header boots)"
	flavour="$(header flavour)"
	install_how="$(header install)"
	[ -n "$profile" ] || die "scenario has no '# profile:' header"
	guest="${guest:-busybox}"
	boots="${boots:-1}"
	case "$guest" in
	busybox | systemd) ;;
	*) die "'# guest:' must be busybox or systemd, not '$guest'" ;;
	esac
	case "$guest/${flavour:-base}" in
	*/base | systemd/*) ;;
	*) die "'# flavour:' is for the systemd guest only" ;;
	esac
	case "$guest/${install_how:-meson}" in
	*/meson | systemd/deb) ;;
	*) die "'# install:' must be meson, or deb in the systemd guest, not '$install_how'" ;;
	esac
	case "$boots" in
	[1-9]) ;;
	*) die "'# boots:' must be 1 to 9, not '$boots'" ;;
	esac
	[ -n "$timeout_s" ] || timeout_s="${hdr_timeout:-200}"
}
