# SPDX-License-Identifier: GPL-2.0
#
# run-scenario.sh, part 3: the host's tools, the cache directory and the
# kernel to boot.  Sourced; sets QEMU, qemu_ver, cache, kroot, krel,
# vmlinuz.
# shellcheck shell=bash disable=SC2034 # the variables are the other parts'

version_ge() { # A >= B
	[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]
}

check_tools() {
	local t
	QEMU="${QEMU:-qemu-system-x86_64}"
	command -v "$QEMU" >/dev/null 2>&1 || skip "qemu-system-x86_64 not installed (run scripts/install-deps.sh)"
	for t in cpio gzip busybox python3 timeout flock; do
		command -v "$t" >/dev/null 2>&1 || skip "$t not installed (run scripts/install-deps.sh)"
	done
	[ -x /usr/bin/kmod ] || skip "kmod not installed (run scripts/install-deps.sh)"
	qemu_ver="$("$QEMU" --version | sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p')"

	case "$kernel" in
	6.1 | 6.12 | 7.3) ;;
	*) die "--kernel must be 6.1, 6.12 or 7.3, not '$kernel'" ;;
	esac
	if [ -n "$min_kernel" ] && ! version_ge "$kernel" "$min_kernel"; then
		skip "needs kernel >= $min_kernel"
	fi
}

# --cache, else $MEMPLUG_VM_CACHE (one cache shared by several build dirs or
# worktrees: kernels and base images are keyed and locked, so sharing is
# safe), else BUILD/vm-cache, else ~/.cache/memplug-vm.
pick_cache() {
	if [ -z "$cache" ]; then
		if [ -n "${MEMPLUG_VM_CACHE:-}" ]; then
			cache="$MEMPLUG_VM_CACHE"
		elif [ -n "$build" ]; then
			cache="$build/vm-cache"
		else
			cache="${XDG_CACHE_HOME:-$HOME/.cache}/memplug-vm"
		fi
	fi
	mkdir -p "$cache"
	cache="$(cd "$cache" && pwd)"
}

# 6.1 is the host's own Debian 12 kernel (read only); newer series are
# unpacked into the cache by fetch-kernel.sh, all with the same layout:
# KROOT/boot/vmlinuz-REL and KROOT/lib/modules/REL.
find_kernel() {
	local d
	if [ "$kernel" = 6.1 ]; then
		kroot=""
		krel=""
		for d in /lib/modules/6.1.*; do
			[ -d "$d" ] && [ -f "/boot/vmlinuz-${d##*/}" ] && krel="$(printf '%s\n%s\n' "$krel" "${d##*/}" | sort -V | tail -n 1)"
		done
		[ -n "$krel" ] || skip "kernel 6.1 not available (apt-get install linux-image-amd64)"
		vmlinuz="/boot/vmlinuz-$krel"
	else
		kroot="$cache/kernels/$kernel"
		if ! krel="$(flock "$cache/.lock-fetch" "$HERE/fetch-kernel.sh" "$kernel" "$cache/kernels" 2>"$cache/fetch-$kernel.log")" || [ -z "$krel" ]; then
			skip "kernel $kernel not available (fetch failed, see $cache/fetch-$kernel.log)"
		fi
		vmlinuz="$kroot/boot/vmlinuz-$krel"
	fi
	[ -r "$vmlinuz" ] || skip "kernel $kernel not readable: $vmlinuz"
	note "kernel $krel ($vmlinuz), qemu $qemu_ver, profile $profile"
}
