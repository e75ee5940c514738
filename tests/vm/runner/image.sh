# SPDX-License-Identifier: GPL-2.0
#
# run-scenario.sh, part 5: the guest's base image, built once per kernel and
# cached under a content key (this file, /init, the kernel, the host tools):
# a busybox initramfs, or for '# guest: systemd' a Debian root file system
# plus an archive of the kernel's modules.  Sourced; pick_base sets bases
# (array of cpio.gz files).
# shellcheck shell=bash disable=SC2034 # the variables are the other parts'

MODULES="nfit libnvdimm nd_pmem nd_btt dax_pmem device_dax kmem virtio_pci virtio_mem
cxl_acpi cxl_pci cxl_mem cxl_pmem dax_cxl cxl_port"
BINARIES="/usr/bin/date /usr/bin/kmod /usr/bin/ndctl /usr/bin/daxctl /usr/bin/cxl
/usr/bin/lsmem /usr/sbin/chmem /usr/bin/jq /usr/bin/strace"

# Copy FILE (and, for ELF files, its shared-library closure) into ROOT at the
# same path (resolved through symlinks; the guest has a merged /usr).
copy_closure() {
	local root="$1" f lib
	shift
	for f in "$@"; do
		[ -e "$f" ] || continue
		install -D -m 0755 "$(readlink -f "$f")" "$root/usr/${f#/usr/}"
		ldd "$f" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
			while read -r lib; do
				[ -e "$root/usr/${lib#/usr/}" ] && continue
				install -D -m 0755 "$(readlink -f "$lib")" "$root/usr/${lib#/usr/}"
			done
	done
}

# The test modules of the kernel with their dependencies into ROOT/usr/lib/
# modules/KREL, their names (those this kernel has) into ROOT/etc/memplug-
# modules, then depmod.
copy_modules() {
	local root="$1" m f line
	local mdir="${kroot}/lib/modules/$krel"
	mkdir -p "$root/usr/lib/modules/$krel" "$root/etc"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ -f "$mdir/$f" ] && cp "$mdir/$f" "$root/usr/lib/modules/$krel/"
	done
	: >"$root/etc/memplug-modules"
	for m in $MODULES; do
		if ! /usr/sbin/modprobe -C /dev/null -S "$krel" ${kroot:+-d "$kroot"} --show-depends "$m" \
			>"$work/deps" 2>/dev/null; then
			continue # not in this kernel at all
		fi
		echo "$m" >>"$root/etc/memplug-modules"
		while read -r line; do
			case "$line" in
			insmod\ *)
				f="${line#insmod }"
				f="${f%% *}"
				install -D -m 0644 "$f" "$root/usr/lib/modules/$krel/${f#*/lib/modules/"$krel"/}"
				;;
			esac
		done <"$work/deps"
	done
	/usr/sbin/depmod -b "$root" "$krel"
}

# cached FILE BUILDER: run BUILDER FILE unless FILE exists, under the
# kernel's lock (runs of other worktrees share the cache)
cached() {
	local out="$1"
	mkdir -p "${out%/*}"
	[ ! -f "$out" ] || return 0
	exec 9>"$cache/.lock-base-$krel"
	flock 9
	if [ ! -f "$out" ]; then
		note "building $out"
		"$2" "$out"
	fi
	exec 9>&-
}

build_base() {
	local out="$1" root="$work/base" f
	rm -rf "$root"
	mkdir -p "$root"/usr/bin "$root"/usr/sbin "$root"/usr/lib "$root"/usr/lib64 \
		"$root"/proc "$root"/sys "$root"/dev "$root"/run "$root"/tmp "$root"/etc "$root"/memplug
	ln -s usr/bin "$root/bin"
	ln -s usr/sbin "$root/sbin"
	ln -s usr/lib "$root/lib"
	ln -s usr/lib64 "$root/lib64"
	install -m 0755 /bin/busybox "$root/usr/bin/busybox"
	busybox --list-full | while read -r f; do
		case "$f" in
		*/busybox) continue ;;
		esac
		mkdir -p "$root/$(dirname "$f")"
		ln -sf /usr/bin/busybox "$root/$f"
	done
	# Real tools replace the applet links of the same name.
	# shellcheck disable=SC2086
	copy_closure "$root" $BINARIES
	for f in modprobe insmod rmmod lsmod modinfo depmod; do
		rm -f "$root/usr/sbin/$f" "$root/usr/bin/$f"
		ln -s /usr/bin/kmod "$root/usr/sbin/$f"
	done
	copy_modules "$root"
	install -m 0755 "$HERE/guest/init" "$root/init"
	(cd "$root" && find . -mindepth 1 | cpio -o -H newc --quiet | gzip -1) >"$out.tmp.$$"
	mv "$out.tmp.$$" "$out"
}

# The key covers this file, /init, the kernel and the host tools copied in.
busybox_base() {
	local base base_key
	# shellcheck disable=SC2086
	base_key="$({
		cat "${BASH_SOURCE[0]}" "$HERE/guest/init"
		stat -L -c '%n %s %Y' "$vmlinuz" "${kroot}/lib/modules/$krel/modules.dep" $BINARIES /bin/busybox 2>/dev/null
	} | sha256sum | cut -c1-12)"
	base="$cache/initramfs/base-$krel-$base_key.cpio.gz"
	cached "$base" build_base
	bases=("$base")
}

# the kernel's test modules alone, for the systemd guest's root
build_modules() {
	local out="$1"
	rm -rf "$work/mods"
	# depmod -b wants ROOT/lib/modules: the merged-/usr link (not
	# archived: the root file system has its own)
	mkdir -p "$work/mods/usr/lib"
	ln -s usr/lib "$work/mods/lib"
	copy_modules "$work/mods"
	(cd "$work/mods" && find usr/lib/modules etc -mindepth 0 | cpio -o -H newc --quiet | gzip -1) >"$out.tmp.$$"
	rm -f "${out%-*}-"*.cpio.gz
	mv "$out.tmp.$$" "$out"
}

# The systemd guest: a Debian root file system (build-systemd-root.sh, cached
# by its package list), the kernel's modules (cached per kernel), then per
# run memplug as `meson install --destdir` puts it, plus the harness units.
systemd_base() {
	local rootcpio rootlog mods modkey
	[ "$(id -u)" -eq 0 ] || skip "the systemd guest needs root (mmdebstrap, device nodes)"
	command -v mmdebstrap >/dev/null 2>&1 || skip "mmdebstrap not installed (run scripts/install-deps.sh)"
	# The script locks its cache per flavour; the log is per flavour too,
	# since parallel tests may build two flavours at once.
	rootlog="$cache/systemd-root-${flavour:-base}.log"
	if ! rootcpio="$("$HERE/build-systemd-root.sh" "$cache" "${flavour:-base}" 2>"$rootlog")"; then
		skip "no systemd root file system${flavour:+ (flavour $flavour)} (see $rootlog)"
	fi
	modkey="$({
		cat "${BASH_SOURCE[0]}"
		stat -L -c '%n %s %Y' "${kroot}/lib/modules/$krel/modules.dep"
	} | sha256sum | cut -c1-12)"
	mods="$cache/initramfs/modules-$krel-$modkey.cpio.gz"
	cached "$mods" build_modules
	bases=("$rootcpio" "$mods")
}

pick_base() {
	if [ "$guest" = systemd ]; then
		[ -n "$build" ] && [ -f "$build/build.ninja" ] ||
			die "'# guest: systemd' needs --build (memplug is installed into the guest with meson install)"
		systemd_base
	else
		busybox_base
	fi
}
