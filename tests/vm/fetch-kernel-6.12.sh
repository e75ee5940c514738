#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernel-6.12.sh CACHE_DIR
#
# Download the newest linux-image-6.12.*-amd64 from bookworm-backports with a
# PRIVATE apt configuration (own sources list, lists, cache and an empty dpkg
# status under CACHE_DIR/apt) and unpack it with dpkg-deb -x into
# CACHE_DIR/6.12/. Nothing is installed on the host. Idempotent: when a
# kernel is already unpacked, nothing is downloaded.
#
# Prints the kernel release (e.g. 6.12.48+deb12-amd64) on stdout; the kernel is
# CACHE_DIR/6.12/boot/vmlinuz-REL and its modules CACHE_DIR/6.12/lib/modules/REL.
# Exit 0 on success, 1 on failure (e.g. no network).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ $# -ne 1 ]; then
	echo "usage: $0 CACHE_DIR" >&2
	exit 2
fi
cache="$(mkdir -p "$1" && cd "$1" && pwd)"
root="$cache/6.12"

find_release() {
	local d
	for d in "$root"/lib/modules/6.12.*; do
		[ -d "$d" ] || continue
		[ -f "$root/boot/vmlinuz-${d##*/}" ] || continue
		echo "${d##*/}"
	done | sort -V | tail -n 1
}

# The package ships no modules.dep (dpkg's postinst makes it): make it here.
ensure_depmod() {
	[ -f "$root/lib/modules/$1/modules.dep" ] || /usr/sbin/depmod -b "$root" "$1"
}

rel="$(find_release 2>/dev/null || true)"
if [ -n "$rel" ]; then
	ensure_depmod "$rel"
	echo "$rel"
	exit 0
fi

apt_dir="$cache/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" \
	"$apt_dir/sources.list.d" "$apt_dir/preferences.d" "$apt_dir/dl"
mirror="$("$HERE/../../scripts/apt-mirror.sh" bookworm)" || {
	echo "fetch-kernel-6.12: no Debian mirror in this machine's apt sources" >&2
	exit 1
}
echo "deb $mirror bookworm-backports main" > "$apt_dir/sources.list"
: > "$apt_dir/status"

apt_opts=(
	-o "Dir::Etc::sourcelist=$apt_dir/sources.list"
	-o "Dir::Etc::sourceparts=$apt_dir/sources.list.d"
	-o "Dir::Etc::preferencesparts=$apt_dir/preferences.d"
	-o "Dir::State::Lists=$apt_dir/lists"
	-o "Dir::State::status=$apt_dir/status"
	-o "Dir::Cache=$apt_dir/cache"
	-o "APT::Get::List-Cleanup=0"
	-o "Debug::NoLocking=1"
	-o "APT::Sandbox::User=root"
	-q
)

echo "fetch-kernel-6.12: updating private package lists" >&2
apt-get "${apt_opts[@]}" update >&2

# Newest generic image package (not -rt/-cloud): prefer the signed one (linux-image-6.12.N+bpo-amd64),
# fall back to -unsigned. Both carry /boot/vmlinuz-* and /lib/modules/*.
pkgs="$(apt-cache "${apt_opts[@]}" pkgnames linux-image-6.12 2>/dev/null |
	grep -E '^linux-image-6\.12\.[0-9]+[^-]*-amd64(-unsigned)?$' | sort -V || true)"
pkg="$(printf '%s\n' "$pkgs" | grep -E -- '-amd64$' | tail -n 1 || true)"
[ -n "$pkg" ] || pkg="$(printf '%s\n' "$pkgs" | tail -n 1)"
if [ -z "$pkg" ]; then
	echo "fetch-kernel-6.12: no linux-image-6.12.*-amd64 in bookworm-backports" >&2
	exit 1
fi
echo "fetch-kernel-6.12: downloading $pkg" >&2
rm -f "$apt_dir/dl"/*.deb
(cd "$apt_dir/dl" && apt-get "${apt_opts[@]}" download "$pkg" >&2)
deb="$(find "$apt_dir/dl" -maxdepth 1 -name '*.deb' | head -n 1)"

tmp="$root.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
dpkg-deb -x "$deb" "$tmp"
# usrmerge-style packages put modules under usr/lib; normalise to lib/.
if [ ! -d "$tmp/lib/modules" ] && [ -d "$tmp/usr/lib/modules" ]; then
	mkdir -p "$tmp/lib"
	mv "$tmp/usr/lib/modules" "$tmp/lib/modules"
fi
rm -rf "$root"
mv "$tmp" "$root"
rm -f "$deb"

rel="$(find_release)"
if [ -z "$rel" ]; then
	echo "fetch-kernel-6.12: $pkg has no vmlinuz/modules" >&2
	exit 1
fi
ensure_depmod "$rel"
echo "$rel"
