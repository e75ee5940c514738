#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernel.sh SERIES CACHE_DIR: unpack a Debian guest kernel into a
# private cache, never installing anything on the host.
#
#   6.12  newest linux-image-6.12.*-amd64 from bookworm-backports
#   7.3   newest linux-binary-7.3.*+deb13-amd64 from trixie-backports, with
#         linux-modules-REL (the .ko.xz modules) and linux-base-REL
#         (modules.builtin, modules.order, System.map, config)
#
# The packages come from the machine's own Debian mirror
# (scripts/apt-mirror.sh) through a PRIVATE apt configuration: own sources
# list, lists, cache and an empty dpkg status under CACHE_DIR/apt-SERIES.
# Release signatures are checked with the host's apt trust store (Debian 12's
# debian-archive-keyring carries the trixie keys); nothing disables them.
# `apt-get download` + `dpkg-deb -x` unpack into CACHE_DIR/SERIES, then the
# layout is normalised for every series:
#
#   CACHE_DIR/SERIES/boot/vmlinuz-REL      the kernel
#   CACHE_DIR/SERIES/lib/modules/REL/      its modules, with modules.dep
#
# (7.3 ships usr/lib/modules/REL/vmlinuz: moved to these places.)
# Idempotent: when a kernel of the series is unpacked, nothing is downloaded.
# Prints the kernel release (e.g. 7.3.4+deb13-amd64) on stdout.
# Exit 0 ok, 1 failure (e.g. no network; reason on stderr), 2 usage.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ $# -ne 2 ]; then
	echo "usage: $0 SERIES CACHE_DIR   (SERIES: 6.12 or 7.3)" >&2
	exit 2
fi
series="$1"
case "$series" in
6.12)
	suite=bookworm-backports
	# signed image first (linux-image-6.12.N+bpo-amd64), else -unsigned
	pkg_re='^linux-image-6\.12\.[0-9]+[^-]*-amd64(-unsigned)?$'
	;;
7.3)
	suite=trixie-backports
	pkg_re='^linux-binary-7\.3\.[0-9]+\+deb13-amd64$'
	;;
*)
	echo "fetch-kernel: unknown series '$series' (6.12 or 7.3)" >&2
	exit 2
	;;
esac
me="fetch-kernel $series"
cache="$(mkdir -p "$2" && cd "$2" && pwd)"
root="$cache/$series"

find_release() {
	local d
	for d in "$root"/lib/modules/"$series".*; do
		[ -d "$d" ] || continue
		[ -f "$root/boot/vmlinuz-${d##*/}" ] || continue
		echo "${d##*/}"
	done | sort -V | tail -n 1
}

# The packages ship no modules.dep (dpkg's postinst makes it): make it here.
ensure_depmod() {
	[ -f "$root/lib/modules/$1/modules.dep" ] || /usr/sbin/depmod -b "$root" "$1"
}

rel="$(find_release 2>/dev/null || true)"
if [ -n "$rel" ]; then
	ensure_depmod "$rel"
	echo "$rel"
	exit 0
fi

mirror="$("$HERE/../../scripts/apt-mirror.sh" bookworm)" || {
	echo "$me: no Debian mirror in this machine's apt sources" >&2
	exit 1
}
apt_dir="$cache/apt-$series"
# shellcheck source=private-apt.sh
. "$HERE/private-apt.sh"
private_apt "$apt_dir" "$mirror" "$suite"

echo "$me: updating private package lists ($mirror $suite)" >&2
if ! apt-get "${apt_opts[@]}" update >&2; then
	echo "$me: apt-get update of $suite failed (network? for trixie the host needs the trixie archive keys of debian-archive-keyring >= 2023.3+deb12u2: run scripts/install-deps.sh)" >&2
	exit 1
fi

pkgs="$(apt-cache "${apt_opts[@]}" pkgnames "linux-" 2>/dev/null |
	grep -E "$pkg_re" | sort -V || true)"
pkg="$(printf '%s\n' "$pkgs" | grep -E -- '-amd64$' | tail -n 1 || true)"
[ -n "$pkg" ] || pkg="$(printf '%s\n' "$pkgs" | tail -n 1)"
if [ -z "$pkg" ]; then
	echo "$me: no package matching $pkg_re in $suite" >&2
	exit 1
fi
want=("$pkg")
if [ "$series" = 7.3 ]; then
	krel="${pkg#linux-binary-}"
	want+=("linux-modules-$krel" "linux-base-$krel")
fi
echo "$me: downloading ${want[*]}" >&2
rm -f "$apt_dir/dl"/*.deb
(cd "$apt_dir/dl" && apt-get "${apt_opts[@]}" download "${want[@]}" >&2)

tmp="$root.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp"
mkdir -p "$tmp"
for deb in "$apt_dir/dl"/*.deb; do
	dpkg-deb -x "$deb" "$tmp"
done
# usrmerge-style packages put modules under usr/lib; normalise to lib/.
if [ ! -d "$tmp/lib/modules" ] && [ -d "$tmp/usr/lib/modules" ]; then
	mkdir -p "$tmp/lib"
	mv "$tmp/usr/lib/modules" "$tmp/lib/modules"
fi
# linux-binary-* keeps vmlinuz (and linux-base System.map, config) in the
# modules directory: give them the /boot names of the older packages.
for d in "$tmp"/lib/modules/*; do
	[ -d "$d" ] || continue
	for f in vmlinuz System.map config; do
		if [ -f "$d/$f" ] && [ ! -e "$tmp/boot/$f-${d##*/}" ]; then
			mkdir -p "$tmp/boot"
			mv "$d/$f" "$tmp/boot/$f-${d##*/}"
		fi
	done
done
rm -rf "$tmp/usr/share/doc" "$tmp/usr/share/bug" "$tmp/usr/share/lintian"
rm -rf "$root"
mv "$tmp" "$root"
trap - EXIT
rm -f "$apt_dir/dl"/*.deb

rel="$(find_release)"
if [ -z "$rel" ]; then
	echo "$me: ${want[*]} gave no boot/vmlinuz-$series.* with lib/modules" >&2
	exit 1
fi
ensure_depmod "$rel"
echo "$rel"
