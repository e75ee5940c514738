#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything memplug needs to build and to run its tests, including
# the QEMU real-kernel harness (tests/vm). Debian 12 (bookworm), run as root,
# non-interactive, idempotent: a second run only checks and returns quickly.
#
# QEMU 10 comes from bookworm-backports (the "cxl" VM profile needs it).
# The 6.12 and 7.3 guest kernels are NOT installed here: tests/vm/fetch-kernel.sh
# unpacks them into a private cache without touching the host's packages.
# The mirror is the one the machine's own apt sources use (scripts/apt-mirror.sh).
# apt-get waits up to 10 min for a dpkg/apt lock another process holds.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: must run as root" >&2
	exit 1
fi

PKGS=(
	meson ninja-build gcc g++ binutils pkg-config
	libdaxctl-dev libndctl-dev libcxl-dev libkmod-dev libjson-c-dev uuid-dev
	libiniparser-dev
	qemu-system-x86 linux-image-amd64 busybox-static cpio kmod
	ndctl daxctl util-linux jq strace python3
	mmdebstrap udev systemd
	ansible-core ansible-lint pylint python3-pycodestyle python3-voluptuous
	yamllint python3-yaml
	python3-prometheus-client prometheus prometheus-node-exporter
	libsmartcols-dev asciidoctor bash-completion python3-jsonschema man-db git
	time valgrind zstd abigail-tools
	dpkg-dev debhelper lintian
	flex bison bc libelf-dev libssl-dev ccache xz-utils
	clang-14 libclang-rt-14-dev libfuzzer-14-dev
)
BACKPORTS_LIST=/etc/apt/sources.list.d/memplug-backports.list
APT=(apt-get -o DPkg::Lock::Timeout=600)

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

# The 7.3 guest kernel comes from trixie-backports, whose Release files are
# signed with the trixie archive keys: debian-archive-keyring >= 2023.3+deb12u2.
kr="$(dpkg-query -W -f='${Version}' debian-archive-keyring 2>/dev/null || true)"
if [ -z "$kr" ] || dpkg --compare-versions "$kr" lt 2023.3+deb12u2; then
	echo "install-deps.sh: upgrading debian-archive-keyring (have: ${kr:-none}) for the trixie keys"
	apt_update
	"${APT[@]}" install -y -q --no-install-recommends debian-archive-keyring
fi

# bookworm-backports for QEMU >= 10, on the machine's own Debian mirror.
mirror="$("$HERE/apt-mirror.sh" bookworm)" || {
	echo "install-deps.sh: cannot tell the Debian mirror from /etc/apt (see above)" >&2
	exit 1
}
BACKPORTS_LINE="deb $mirror bookworm-backports main"
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
