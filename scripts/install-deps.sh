#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything memplug needs to build and to run its tests, including
# the QEMU real-kernel harness (tests/vm). Debian 12 (bookworm), run as root,
# non-interactive, idempotent: a second run only checks and returns quickly.
#
# QEMU 10 comes from bookworm-backports (the "cxl" VM profile needs it).
# The 6.12 guest kernel is NOT installed here: tests/vm/fetch-kernel-6.12.sh
# unpacks it into a private cache without touching the host's packages.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: must run as root" >&2
	exit 1
fi

PKGS=(
	meson ninja-build gcc g++ binutils pkg-config
	libdaxctl-dev libndctl-dev libcxl-dev libkmod-dev libjson-c-dev uuid-dev
	qemu-system-x86 linux-image-amd64 busybox-static cpio kmod
	ndctl daxctl util-linux jq strace python3
	clang-14 libclang-rt-14-dev libfuzzer-14-dev
)
BACKPORTS_LIST=/etc/apt/sources.list.d/memplug-backports.list

# On a fresh machine apt-daily may hold the dpkg lock: wait for it.
APT=(apt-get -o DPkg::Lock::Timeout=600)

# The Debian mirror this machine already uses (one-line or deb822 sources),
# never a hard-coded host.
debian_mirror() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\)[[:space:]]\+bookworm[[:space:]].*/\2/p' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '/^URIs:/ { u = $2 } /^Suites:/ && / bookworm( |$)/ { print u }' "$f"
	done
}
mirror="$(debian_mirror | head -1)"
if [ -z "$mirror" ]; then
	echo "install-deps.sh: no bookworm mirror in /etc/apt/sources.list*" >&2
	exit 1
fi
BACKPORTS_LINE="deb $mirror bookworm-backports main"

updated=0
apt_update() {
	if [ "$updated" -eq 0 ]; then
		"${APT[@]}" update -q
		updated=1
	fi
}

# Packages not installed yet (dpkg status "install ok installed").
missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$p")
	fi
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "install-deps.sh: installing ${missing[*]}"
	apt_update
	"${APT[@]}" install -y -q --no-install-recommends "${PKGS[@]}"
fi

# bookworm-backports for QEMU >= 10.
if [ ! -f "$BACKPORTS_LIST" ] || ! grep -qxF "$BACKPORTS_LINE" "$BACKPORTS_LIST"; then
	echo "$BACKPORTS_LINE" > "$BACKPORTS_LIST"
	updated=0
fi

qemu_major() {
	qemu-system-x86_64 --version 2>/dev/null |
		sed -n 's/^QEMU emulator version \([0-9]*\)\..*/\1/p'
}
major="$(qemu_major || true)"
if [ -z "$major" ] || [ "$major" -lt 10 ]; then
	echo "install-deps.sh: installing QEMU from bookworm-backports (have: ${major:-none})"
	apt_update
	"${APT[@]}" install -y -q -t bookworm-backports --no-install-recommends qemu-system-x86
	major="$(qemu_major || true)"
fi
echo "install-deps.sh: done (qemu major ${major:-?})"
