# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the dump capture (busybox sh, sourced after tests/vm/guest/
# lib.sh; capture.sh puts it in front of a tests/dumps/configs/ file).
#
# dump_capture NAME copies what memplug reads of /sys, /proc and /run/memplug
# into a directory, runs memplug list (JSON, -M, --table, -M --table) on the
# live kernel before and after the copy (the two must agree: the copy is of
# a settled kernel), and sends one gzipped tar of it all base64-encoded on
# the serial console between DUMP markers, which unpack.py turns into
# tests/dumps/NAME.tar.xz and tests/dumps/NAME/.
#
# What is copied: regular files by reading them (sysfs claims 4096 bytes for
# every file: the size is what read() returns); files that cannot be read
# (write-only attributes, EIO) are left out; symlinks as symlinks; modes go
# in a manifest (stat), applied on the host.  The subtrees: memory blocks,
# nodes, the dax, nd and cxl buses, the device directories their devices
# link to, ACPI memory devices, every module's parameters, and the /proc
# files of lib/ (no kallsyms: list must not need it).
# shellcheck shell=sh
# shellcheck disable=SC3043 # busybox sh: local

DUMP_WORK=/tmp/dump

# the /proc files lib/ reads for list (not kallsyms, not boot_id: both only
# feed the parallel-onlining guess that list must make without them)
DUMP_PROC="/proc/cmdline /proc/iomem /proc/zoneinfo /proc/vmstat
/proc/meminfo /proc/sys/kernel/osrelease"

# _dump_roots: the directories to copy, one a line, none inside another.
_dump_roots() {
	local d
	{
		echo /sys/devices/system/memory
		echo /sys/devices/system/node
		for d in /sys/bus/dax /sys/bus/nd /sys/bus/cxl; do
			[ -d "$d" ] || continue
			echo "$d"
			for l in "$d"/devices/*; do
				[ -L "$l" ] && readlink -f "$l"
			done
		done
		for l in /sys/bus/acpi/devices/PNP0C80:*; do
			[ -L "$l" ] && readlink -f "$l"
		done
		for d in /sys/module/*/parameters; do
			[ -d "$d" ] && echo "$d"
		done
	} | sort -u | awk '
		# drop a directory below one already kept (sorted: parent first)
		{ for (k in kept) if (index($0, k "/") == 1) next; kept[$0]; print }'
}

# _dump_copy ROOT...: the walk; the manifest has "MODE TYPE|PATH" lines.
_dump_copy() {
	local out="$DUMP_WORK/root" line p t
	# the ACPI memory device links themselves (the bus holds far more)
	for p in /sys/bus/acpi/devices/PNP0C80:*; do
		[ -L "$p" ] && echo "$p"
	done >"$DUMP_WORK/extra"
	{
		# shellcheck disable=SC2046
		find "$@" -exec stat -c '%a %F|%n' {} +
		for p in $(cat "$DUMP_WORK/extra") $DUMP_PROC; do
			[ -e "$p" ] && stat -c '%a %F|%n' "$p"
		done
		# memplug's records (not its lock, not the kallsyms cache)
		if [ -d /run/memplug ]; then
			stat -c '%a %F|%n' /run /run/memplug
			find /run/memplug -mindepth 1 ! -name lock ! -name kallsyms \
				-exec stat -c '%a %F|%n' {} +
		fi
	} >"$DUMP_WORK/manifest"
	while IFS= read -r line; do
		p="${line#*|}"
		t="${line%%|*}"
		t="${t#* }"
		case "$t" in
		directory)
			mkdir -p "$out$p"
			;;
		"symbolic link")
			mkdir -p "$out${p%/*}"
			ln -s "$(readlink "$p")" "$out$p"
			;;
		"regular file" | "regular empty file")
			mkdir -p "$out${p%/*}"
			cat "$p" >"$out$p" 2>/dev/null || rm -f "$out$p"
			;;
		esac
	done <"$DUMP_WORK/manifest"
}

# _dump_lists DIR: the outputs the unit test compares, from the live kernel.
_dump_lists() {
	local m="env -i PATH=/usr/sbin:/usr/bin memplug"
	$m list >"$1/list.json" || fail "memplug list exited $?"
	$m list -M >"$1/list-M.json" || fail "memplug list -M exited $?"
	$m list --table >"$1/list-table.txt" || fail "memplug list --table exited $?"
	$m list -M --table >"$1/list-M-table.txt" ||
		fail "memplug list -M --table exited $?"
}

# dump_capture NAME
dump_capture() {
	local name="$1" f sum
	[ "$MEMPLUG_HAVE_BINARY" = 1 ] || fail "memplug binary missing from the initramfs"
	step "capture $name"
	rm -rf "$DUMP_WORK"
	mkdir -p "$DUMP_WORK/root" "$DUMP_WORK/expected" "$DUMP_WORK/again"
	_dump_lists "$DUMP_WORK/expected"
	# shellcheck disable=SC2046
	_dump_copy $(_dump_roots)
	_dump_lists "$DUMP_WORK/again"
	for f in list.json list-M.json list-table.txt list-M-table.txt; do
		cmp -s "$DUMP_WORK/expected/$f" "$DUMP_WORK/again/$f" ||
			fail "$name: $f changed while the tree was copied"
	done
	rm -rf "$DUMP_WORK/again" "$DUMP_WORK/extra"
	uname -r >"$DUMP_WORK/expected/uname"
	(cd "$DUMP_WORK" && tar -czf /tmp/dump.tgz root manifest expected)
	sum="$(sha256sum /tmp/dump.tgz | cut -d' ' -f1)"
	metric "dump_${name}_bytes" "$(wc -c </tmp/dump.tgz)" B
	# printk off the console while the archive goes out
	echo 1 >/proc/sys/kernel/printk
	{
		echo "MEMPLUG-DUMP-BEGIN: $name $sum"
		base64 /tmp/dump.tgz
		echo "MEMPLUG-DUMP-END: $name"
	} >/dev/console
	echo 7 >/proc/sys/kernel/printk
}
