# SPDX-License-Identifier: GPL-2.0
#
# run-scenario.sh, part 3: the host's tools, the cache directory and the
# kernel to boot.  Sourced; sets QEMU, qemu_ver, cache, kroot, krel,
# vmlinuz, series and kernel_append.
# shellcheck shell=bash disable=SC2034 # the variables are the other parts'

version_ge() { # A >= B
	[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]
}

# The runner's kernel names: Debian's 6.1, 6.12 and 7.3, and the test bed's
# own 7.3 build (tests/kernel/build-kernel.sh) booted three ways.  The three
# differ only by what they append to the kernel command line (before a
# scenario's '# append:', so that a header's value of the same parameter
# wins); '# min-kernel' compares the series (7.3-fix is a 7.3).
set_kernel() {
	series="${kernel%%-*}"
	kernel_append=""
	case "$kernel" in
	6.1 | 6.12 | 7.3 | 7.3-patched) ;;
	7.3-fix) kernel_append="memory_hotplug.fast_contig=1" ;;
	7.3-parallel) kernel_append="parallel_hotplug_ratio=1" ;;
	*) die "--kernel must be 6.1, 6.12, 7.3, 7.3-patched, 7.3-fix or 7.3-parallel, not '$kernel'" ;;
	esac
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

	set_kernel
	if [ -n "$min_kernel" ] && ! version_ge "$series" "$min_kernel"; then
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

# build_kernel: the test bed's own kernel from tests/kernel/build-kernel.sh
# (cached outside the clone, in $MEMPLUG_KERNEL_CACHE or
# ~/.cache/memplug-kernel; a first build takes 15-25 min), under the runner's
# lock so that the tests of one run wait for one build.  Its stderr goes to
# CACHE/build-kernel.log.  A failed build is remembered for an hour in
# CACHE/build-kernel.failed (with a hash of tests/kernel/), so that the next
# tests of the same run fail at once instead of building again; a change in
# tests/kernel/ or removing the file retries at once.
build_kernel() {
	local kdir="$HERE/../kernel" log="$cache/build-kernel.log"
	local failed="$cache/build-kernel.failed" inputs out rc=0
	inputs="$(find "$kdir" -type f -name '*.patch' -o -type f -name '*.config' \
		-o -type f -name '*.sh' | sort | xargs cat | sha256sum | cut -c1-16)"
	exec 8>"$cache/.lock-build-kernel"
	flock 8
	if [ -f "$failed" ] && [ "$(cat "$failed")" = "$inputs" ] &&
		[ -n "$(find "$failed" -mmin -60)" ]; then
		skip "kernel $kernel: the build of tests/kernel/ as it is failed less than an hour ago (see $log; rm $failed to retry)"
	fi
	note "tests/kernel/build-kernel.sh (a first build takes 15-25 min)"
	out="$("$kdir/build-kernel.sh" 2>"$log.$$")" || rc=$?
	# a cached kernel prints nothing: keep the log of the last build
	if [ -s "$log.$$" ]; then mv "$log.$$" "$log"; else rm -f "$log.$$"; fi
	kroot="$(printf '%s\n' "$out" | sed -n 1p)"
	krel="$(printf '%s\n' "$out" | sed -n 2p)"
	if [ "$rc" -ne 0 ] || [ -z "$krel" ]; then
		echo "$inputs" >"$failed"
		skip "kernel $kernel not available (tests/kernel/build-kernel.sh failed: $(tail -n 1 "$log" 2>/dev/null); see $log)"
	fi
	rm -f "$failed"
	exec 8>&-
}

# 6.1 is the host's own Debian 12 kernel (read only); newer series are
# unpacked into the cache by fetch-kernel.sh, the test bed's own kernel is
# built by build_kernel, all with the same layout:
# KROOT/boot/vmlinuz-REL and KROOT/lib/modules/REL.
find_kernel() {
	local d
	if [ "$kernel" != "$series" ]; then
		build_kernel
		vmlinuz="$kroot/boot/vmlinuz-$krel"
	elif [ "$kernel" = 6.1 ]; then
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
	note "kernel $krel ($vmlinuz${kernel_append:+ + $kernel_append}), qemu $qemu_ver, profile ${profile:-none}"
}
