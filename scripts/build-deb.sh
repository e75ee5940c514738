#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-deb.sh [--lintian] [OUTDIR]
#
# Build memplug's Debian packages (debian/) from this tree, out of tree:
# the files git knows (tracked and new, not ignored: no build directories)
# are copied into a temp directory and built there with
# `dpkg-buildpackage -us -uc -b`, so the tree itself is never written.
# The .deb, .buildinfo and .changes files land in OUTDIR (default
# build-deb/ in the tree, which git ignores); the build log is
# OUTDIR/build.log.  --lintian then runs lintian --fail-on error,warning
# on the .changes.  DEB_BUILD_OPTIONS passes through (nocheck skips the
# unit suite that debian/rules runs).  Needs dpkg-dev, debhelper and
# lintian (scripts/install-deps.sh) and the build dependencies of
# debian/control (dpkg-checkbuilddeps tells which are missing).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(dirname "$HERE")"
lintian=0
while [ $# -gt 0 ]; do
	case "$1" in
	--lintian) lintian=1 ;;
	-h | --help)
		sed -n '3,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "build-deb.sh: unknown option $1" >&2
		exit 2
		;;
	*) break ;;
	esac
	shift
done
[ $# -le 1 ] || {
	echo "usage: build-deb.sh [--lintian] [OUTDIR]" >&2
	exit 2
}
out="${1:-$SRC/build-deb}"

tools=(dpkg-buildpackage dpkg-parsechangelog dh)
[ "$lintian" -eq 0 ] || tools+=(lintian)
for t in "${tools[@]}"; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "build-deb.sh: $t not installed (run scripts/install-deps.sh)" >&2
		exit 1
	}
done
(cd "$SRC" && dpkg-checkbuilddeps) || {
	echo "build-deb.sh: build dependencies missing (run scripts/install-deps.sh)" >&2
	exit 1
}

version="$(dpkg-parsechangelog -l "$SRC/debian/changelog" -S Version)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/memplug-deb.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
dir="$tmp/memplug-$version"
mkdir -p "$dir"
if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# files git lists but the work tree lost (deleted, not committed) skipped
	(cd "$SRC" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"
		done | tar --null -T - -cf -) | tar -xf - -C "$dir"
else
	tar -C "$SRC" --exclude=./build --exclude='./build-*' -cf - . | tar -xf - -C "$dir"
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
t0="$(date +%s)"
echo "build-deb.sh: dpkg-buildpackage -us -uc -b in $dir (log: $out/build.log)" >&2
if ! (cd "$dir" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	echo "build-deb.sh: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
fi
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mv "$tmp"/*.deb "$tmp"/*.changes "$tmp"/*.buildinfo "$out/"
echo "build-deb.sh: built in $(($(date +%s) - t0)) s:" >&2
ls -1 "$out"/*.deb
if [ "$lintian" -eq 1 ]; then
	changes="$(ls "$out"/memplug_"$version"_*.changes)"
	echo "build-deb.sh: lintian --fail-on error,warning $(basename "$changes")" >&2
	lintian --fail-on error,warning "$changes"
fi
