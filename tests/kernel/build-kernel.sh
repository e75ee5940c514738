#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh [--cache DIR] [--jobs N]: the test bed's own kernel.
#
# Debian's linux-source-7.3 (trixie-backports, from the machine's own
# mirror through a private apt configuration), plus the project's patches in
# tests/kernel/patches/*.patch (applied in name order), configured as
# x86_64_defconfig + kernel/configs/kvm_guest.config + tests/kernel/
# memplug.config, built with everything memplug drives built in.
#
# The result is cached by a key over the source package's checksum, the
# patches, the config fragment and BUILD_RECIPE below (bump it when the way
# of building changes; comments here do not rebuild the kernel), in
# $MEMPLUG_KERNEL_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/memplug-kernel:
# outside the clone, so that one CI run on a machine reuses the previous
# one's kernel; a fresh machine builds once (13 min on 2 idle cores; ccache
# in the same cache makes a rebuild after a patch change a few minutes).
#
#   CACHE/7.3-memplug-KEY/boot/vmlinuz-REL
#   CACHE/7.3-memplug-KEY/lib/modules/REL/{modules.builtin,modules.dep,...}
#
# Prints that directory's path on stdout and the release on the second line.
# Idempotent and locked (flock): concurrent callers wait for one build.
# Once a source package is in the cache, no network is used.
# Exit 0 ok, 1 failure (reason on stderr; build log in CACHE/build-KEY.log).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
me=build-kernel
BUILD_RECIPE="defconfig+kvm_guest+fragment; bzImage modules; v1"
cache="${MEMPLUG_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/memplug-kernel}"
jobs="$(nproc)"
while [ $# -gt 0 ]; do
	case "$1" in
	--cache) cache="$2"; shift 2 ;;
	--jobs) jobs="$2"; shift 2 ;;
	*) echo "usage: $0 [--cache DIR] [--jobs N]" >&2; exit 2 ;;
	esac
done
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
exec 9>"$cache/.lock"
flock 9

for t in make gcc flex bison bc ccache xz patch; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "$me: $t not installed (run scripts/install-deps.sh)" >&2
		exit 1
	}
done

# --- the source package: the newest one already here, else the mirror's
src_dir="$cache/src"
mkdir -p "$src_dir"
deb="$(find "$src_dir" -maxdepth 1 -name 'linux-source-7.3_*_all.deb' |
	sort -V | tail -n 1)"
if [ -z "$deb" ]; then
	mirror="$("$HERE/../../scripts/apt-mirror.sh" bookworm)" || {
		echo "$me: no Debian mirror in this machine's apt sources" >&2
		exit 1
	}
	# shellcheck source=../vm/private-apt.sh
	. "$HERE/../vm/private-apt.sh"
	private_apt "$cache/apt" "$mirror" trixie-backports
	echo "$me: fetching linux-source-7.3 from $mirror trixie-backports" >&2
	apt-get "${apt_opts[@]}" update >&2 || {
		echo "$me: apt-get update of trixie-backports failed (network? trixie keys: run scripts/install-deps.sh)" >&2
		exit 1
	}
	rm -f "$cache/apt/dl"/*.deb
	(cd "$cache/apt/dl" && apt-get "${apt_opts[@]}" download linux-source-7.3 >&2) || {
		echo "$me: apt-get download linux-source-7.3 failed" >&2
		exit 1
	}
	for f in "$cache/apt/dl"/linux-source-7.3_*_all.deb; do
		mv "$f" "$src_dir/"
		deb="$src_dir/${f##*/}"
	done
	[ -n "$deb" ] && [ -f "$deb" ] || {
		echo "$me: no linux-source-7.3 package was downloaded" >&2
		exit 1
	}
fi

# --- the cache key: source, patches, fragment, this script
patches=()
while IFS= read -r p; do patches+=("$p"); done < <(
	find "$HERE/patches" -maxdepth 1 -name '*.patch' | sort)
key="$( {
	sha256sum "$deb" | cut -d' ' -f1
	cat "${patches[@]}" "$HERE/memplug.config"
	echo "$BUILD_RECIPE"
} | sha256sum | cut -c1-16)"
out="$cache/7.3-memplug-$key"
find_release() {
	local d
	for d in "$out"/lib/modules/*; do
		[ -f "$out/boot/vmlinuz-${d##*/}" ] && echo "${d##*/}"
	done | tail -n 1
}
if [ -d "$out" ] && rel="$(find_release)" && [ -n "$rel" ]; then
	printf '%s\n%s\n' "$out" "$rel"
	exit 0
fi

log="$cache/build-$key.log"
echo "$me: building kernel $key (log: $log)" >&2
work="$cache/work"
rm -rf "$work" "$out.tmp"
mkdir -p "$work"
trap 'rm -rf "$work" "$out.tmp"' EXIT
{
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards './usr/src/linux-source-7.3.tar.*' |
		tar -xJ -C "$work"
	src="$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n 1)"
	for p in "${patches[@]}"; do
		echo "== patch ${p##*/}"
		patch -d "$src" -p1 --forward --batch <"$p"
	done
} >"$log" 2>&1 || {
	echo "$me: unpacking or patching failed, see $log" >&2
	tail -n 5 "$log" >&2
	exit 1
}

export CCACHE_DIR="$cache/ccache" CCACHE_MAXSIZE=3G CCACHE_BASEDIR="$work"
export KBUILD_BUILD_TIMESTAMP="2026-01-01" KBUILD_BUILD_USER=memplug \
	KBUILD_BUILD_HOST=testbed
mk=(make -C "$src" -j"$jobs" CC="ccache gcc" HOSTCC="ccache gcc")
{
	"${mk[@]}" x86_64_defconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" \
		"$src/kernel/configs/kvm_guest.config" "$HERE/memplug.config"
	"${mk[@]}" olddefconfig
} >>"$log" 2>&1 || {
	echo "$me: configuring failed, see $log" >&2
	exit 1
}
missing="$(grep -E '^CONFIG_[A-Z0-9_]+=y$' "$HERE/memplug.config" |
	grep -vxF -f "$src/.config" || true)"
if [ -n "$missing" ]; then
	echo "$me: olddefconfig dropped:" $missing >&2
	exit 1
fi
t0="$(date +%s)"
if ! "${mk[@]}" bzImage modules >>"$log" 2>&1; then
	echo "$me: build failed, see $log" >&2
	grep -m 5 -E 'error|Error' "$log" >&2 || true
	exit 1
fi
rel="$("${mk[@]}" -s kernelrelease)"
mkdir -p "$out.tmp/boot"
cp "$src/arch/x86/boot/bzImage" "$out.tmp/boot/vmlinuz-$rel"
cp "$src/System.map" "$out.tmp/boot/System.map-$rel"
cp "$src/.config" "$out.tmp/boot/config-$rel"
"${mk[@]}" -s INSTALL_MOD_PATH="$out.tmp" INSTALL_MOD_STRIP=1 \
	DEPMOD=/usr/sbin/depmod modules_install >>"$log" 2>&1
rm -f "$out.tmp/lib/modules/$rel/build" "$out.tmp/lib/modules/$rel/source"
echo "$me: built $rel in $(($(date +%s) - t0)) s" >&2
rm -rf "$out"
mv "$out.tmp" "$out"
# Keep this kernel and the newest other one (a second clone or an older
# branch may still use it); older ones go.
find "$cache" -maxdepth 1 -name '7.3-memplug-*' ! -name "${out##*/}" \
	-printf '%T@ %p\n' | sort -rn | tail -n +2 | cut -d' ' -f2- |
	xargs -r rm -rf
printf '%s\n%s\n' "$out" "$rel"
