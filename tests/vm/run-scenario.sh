#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-scenario.sh: boot a real Linux kernel in QEMU (TCG, never KVM) with a
# minimal initramfs and run one guest scenario script in it.
#
#   run-scenario.sh --kernel KERNEL --scenario FILE [--build DIR]
#                   [--timeout SEC] [--cache DIR] [--keep-log FILE] [-v]
#   run-scenario.sh --kernel KERNEL --prepare [--build DIR] [--cache DIR] [-v]
#
# KERNEL: 6.1, 6.12, 7.3 (Debian's), 7.3-patched, 7.3-fix, 7.3-parallel (the
# test bed's own build, tests/kernel/).  --prepare gets the kernel (fetch or
# build) and the base image, and boots nothing.
#
# Exit status: 0 pass, 1 fail (the failing assertion and the serial log tail
# go to stderr), 77 skip (meson's skip code; the reason goes to stdout; never
# under CI=true, where a skip is a failure).
# See tests/vm/README.md for the scenario header keys, profiles and markers.
#
# Nothing here writes the host's /sys or /proc: every sysfs write happens in
# the guest.  Each step lives in runner/, one job a file, in this order.
set -euo pipefail

RUNNER="${BASH_SOURCE[0]}"
HERE="$(cd "$(dirname "$RUNNER")" && pwd)"
# shellcheck source=runner/args.sh
. "$HERE/runner/args.sh"
# shellcheck source=runner/header.sh
. "$HERE/runner/header.sh"
# shellcheck source=runner/kernels.sh
. "$HERE/runner/kernels.sh"
# shellcheck source=runner/profiles.sh
. "$HERE/runner/profiles.sh"
# shellcheck source=runner/image.sh
. "$HERE/runner/image.sh"
# shellcheck source=runner/overlay.sh
. "$HERE/runner/overlay.sh"
# shellcheck source=runner/qemu.sh
. "$HERE/runner/qemu.sh"
# shellcheck source=runner/verdict.sh
. "$HERE/runner/verdict.sh"

parse_args "$@"       # args.sh: options, skip/die/note
read_header           # header.sh: '# key: value' lines of the scenario
check_tools           # kernels.sh: QEMU and host tools, --kernel, min-kernel
pick_cache
find_kernel           # kernels.sh: 6.1 from the host, newer ones fetched
work="$(mktemp -d "${TMPDIR:-/tmp}/memplug-vm.XXXXXX")"
trap cleanup EXIT     # qemu.sh
if [ "$prepare" -eq 1 ]; then
	pick_base
	echo "$tag PASS kernel $krel and its base image ready ($(elapsed_s)s)"
	exit 0
fi
set_profile           # profiles.sh: QEMU machine and kernel command line
pick_base             # image.sh: cached base initramfs or systemd root
make_initrd           # overlay.sh: scenario, env and memplug on top
run_boots             # verdict.sh: boot (qemu.sh), judge, exit
