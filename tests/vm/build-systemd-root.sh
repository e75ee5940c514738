#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-systemd-root.sh CACHE_DIR [FLAVOUR]
#
# Build (once) the root file system of the systemd VM guest: Debian 12
# minbase plus the packages in systemd-guest/packages (and, for a FLAVOUR,
# those of systemd-guest/packages-FLAVOUR too), made by mmdebstrap
# from the machine's own apt mirror (scripts/apt-mirror.sh), trimmed (no docs, man
# pages, locales, apt lists, udev hwdb), set up to boot systemd as PID 1
# from an initramfs (/init -> /lib/systemd/systemd), packed as a gzipped
# newc cpio.
#
# Cached as CACHE_DIR/systemd-root/root-FLAVOUR-KEY.cpio.gz (FLAVOUR
# "base" without one), KEY a hash of the package lists and of this script:
# it is rebuilt only when one of them changes, and each flavour keeps only
# its newest archive.  Prints the path of the archive on stdout.  Exit 0 on success, 1
# on failure (no mmdebstrap, no mirror, no network: details on stderr).
# Needs root (mmdebstrap's root mode, device nodes in the cpio).
#
# mmdebstrap hands apt a pipe that dash's "cat >&N" must reach: dash knows
# only file descriptors 0-9, so the caller must not leave many others open
# (this script closes its lock's before running mmdebstrap).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 CACHE_DIR [FLAVOUR]" >&2
	exit 2
fi
cache="$(mkdir -p "$1/systemd-root" && cd "$1/systemd-root" && pwd)"
flavour="${2:-base}"
pkgfiles=("$HERE/systemd-guest/packages")
case "$flavour" in
base) ;;
*[!a-z0-9]*)
	echo "build-systemd-root: flavour must be [a-z0-9]+, not '$flavour'" >&2
	exit 2
	;;
*)
	[ -f "$HERE/systemd-guest/packages-$flavour" ] || {
		echo "build-systemd-root: no package list systemd-guest/packages-$flavour" >&2
		exit 2
	}
	pkgfiles+=("$HERE/systemd-guest/packages-$flavour")
	;;
esac
suite=bookworm

key="$(cat "${pkgfiles[@]}" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-12)"
out="$cache/root-$flavour-$key.cpio.gz"
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi
exec 9>"$cache/.lock-$flavour"
flock 9
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi

command -v mmdebstrap >/dev/null 2>&1 || {
	echo "build-systemd-root: mmdebstrap not installed (run scripts/install-deps.sh)" >&2
	exit 1
}
mirror="$("$HERE/../../scripts/apt-mirror.sh" "$suite")" || exit 1
pkgs="$(cat "${pkgfiles[@]}" | sed -e 's/#.*//' -e '/^[[:space:]]*$/d' | tr -s ' \n' ',,' | sed 's/,$//')"

tmp="$cache/build.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
root="$tmp/root"

t0="$(date +%s)"
echo "build-systemd-root: mmdebstrap $suite from $mirror (+ $pkgs)" >&2
# Documentation and translations never reach the disk (dpkg path-exclude).
mmdebstrap --mode=root --variant=minbase --include="$pkgs" \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/info/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-exclude=/usr/share/lintian/*' \
	--dpkgopt='path-exclude=/usr/share/bash-completion/*' \
	--dpkgopt='path-exclude=/usr/share/zoneinfo/*' \
	--dpkgopt='path-exclude=/usr/lib/udev/hwdb.d/*' \
	--dpkgopt='path-exclude=/lib/udev/hwdb.d/*' \
	--aptopt='Acquire::Languages "none"' \
	"$suite" "$root" "$mirror" >&2 9>&-

# What a booted test guest never uses: apt's caches, the udev hwdb, and the
# full perl that usrmerge pulled in during the bootstrap (40 MB; perl-base,
# which dpkg needs, stays).
rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* \
	"$root"/var/cache/debconf/*-old "$root"/var/log/* \
	"$root"/usr/lib/udev/hwdb.bin "$root"/etc/udev/hwdb.bin \
	"$root"/usr/share/perl "$root"/usr/lib/x86_64-linux-gnu/perl \
	"$root"/usr/lib/x86_64-linux-gnu/libperl.so.* "$root"/usr/bin/perl5.*

# Boot systemd from the initramfs: the kernel runs /init.
ln -sfn /lib/systemd/systemd "$root/init"
echo memplug-guest >"$root/etc/hostname"
# A fixed machine id: no first-boot wizard (systemd-firstboot would prompt).
echo 6d656d706c7567677565737430303031 >"$root/etc/machine-id"
: >"$root/etc/fstab"
ln -sfn /lib/systemd/system/multi-user.target "$root/etc/systemd/system/default.target"
# Units a serial-console test guest without D-Bus does not want: logins,
# periodic jobs, the ndctl monitor daemon.
for u in getty.target serial-getty@.service getty@.service console-getty.service \
	systemd-logind.service apt-daily.timer apt-daily-upgrade.timer \
	dpkg-db-backup.timer e2scrub_all.timer fstrim.timer \
	e2scrub_reap.service ndctl-monitor.service systemd-pstore.service \
	systemd-timesyncd.service; do
	ln -sfn /dev/null "$root/etc/systemd/system/$u"
done
mkdir -p "$root/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\n' >"$root/etc/systemd/journald.conf.d/memplug-guest.conf"
# The per-run overlay adds the kernel's modules, memplug and the scenario.

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) >"$tmp/root.cpio.gz"
rm -f "$cache/root-$flavour-"*.cpio.gz
mv "$tmp/root.cpio.gz" "$out"
echo "build-systemd-root: $(du -sm "$root" | cut -f1) MB unpacked, $(du -m "$out" | cut -f1) MB packed, $(($(date +%s) - t0)) s" >&2
echo "$out"
