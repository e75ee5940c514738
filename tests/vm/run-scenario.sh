#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-scenario.sh: boot a real Linux kernel in QEMU (TCG, never KVM) with a
# minimal initramfs and run one guest scenario script in it.
#
#   run-scenario.sh --kernel 6.1|6.12|7.3 --scenario FILE [--build DIR]
#                   [--timeout SEC] [--cache DIR] [--keep-log FILE] [-v]
#
# Exit status: 0 pass, 1 fail (the failing assertion and the serial log tail
# go to stderr), 77 skip (meson's skip code; the reason goes to stdout; never
# under CI=true, where a skip is a failure).
# See tests/vm/README.md for the scenario header keys, profiles and markers.
#
# Nothing here writes the host's /sys or /proc: every sysfs write happens in
# the guest.

# shellcheck disable=SC2054,SC2317 # commas in QEMU args; trap-called cleanup
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

build=""
kernel=""
scenario=""
timeout_s=""
cache=""
keep_log=""
verbose=0

usage() {
	sed -n '4,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case "$1" in
	--build) build="$2"; shift 2 ;;
	--kernel) kernel="$2"; shift 2 ;;
	--scenario) scenario="$2"; shift 2 ;;
	--timeout) timeout_s="$2"; shift 2 ;;
	--cache) cache="$2"; shift 2 ;;
	--keep-log) keep_log="$2"; shift 2 ;;
	-v | --verbose) verbose=1; shift ;;
	-h | --help) usage ;;
	*) echo "run-scenario: unknown argument '$1'" >&2; usage ;;
	esac
done
if [ -z "$kernel" ] || [ -z "$scenario" ]; then usage; fi
[ -f "$scenario" ] || { echo "run-scenario: no such scenario: $scenario" >&2; exit 1; }
scenario="$(cd "$(dirname "$scenario")" && pwd)/$(basename "$scenario")"
name="$(basename "$scenario" .sh)"
tag="[$name/$kernel]"

# Under CI (CI set, not false/0/no) nothing may skip unseen: every reason to
# skip (no QEMU, no kernel, QEMU too old, # min-kernel, a guest's skip) is a
# failure there, exit 1 with the reason.
case "${CI:-}" in
'' | false | 0 | no) under_ci=0 ;;
*) under_ci=1 ;;
esac
skip() {
	if [ "$under_ci" -eq 1 ]; then
		echo "$tag FAIL: cannot run under CI=$CI: $*" >&2
		exit 1
	fi
	echo "$tag skipped: $*"
	exit 77
}
die() {
	echo "$tag FAIL: $*" >&2
	exit 1
}
t_start="$(date +%s%N)"
note() {
	[ "$verbose" -eq 0 ] ||
		echo "$tag $(awk -v a="$t_start" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')s $*" >&2
}

# ---------------------------------------------------------------- header
# "# key: value" lines anywhere in the scenario; the first of each key wins.
header() {
	sed -n "s/^#[[:space:]]*$1:[[:space:]]*//p" "$scenario" | head -n 1
}
profile="$(header profile)"
min_kernel="$(header min-kernel)"
extra_append="$(header append)"
extra_qemu="$(header qemu)"
hdr_timeout="$(header timeout)"
guest="$(header guest)"
boots="$(header boots)"
flavour="$(header flavour)"
install_how="$(header install)"
[ -n "$profile" ] || die "scenario has no '# profile:' header"
guest="${guest:-busybox}"
boots="${boots:-1}"
case "$guest" in
busybox | systemd) ;;
*) die "'# guest:' must be busybox or systemd, not '$guest'" ;;
esac
case "$guest/${flavour:-base}" in
*/base | systemd/*) ;;
*) die "'# flavour:' is for the systemd guest only" ;;
esac
case "$guest/${install_how:-meson}" in
*/meson | systemd/deb) ;;
*) die "'# install:' must be meson, or deb in the systemd guest, not '$install_how'" ;;
esac
case "$boots" in
[1-9]) ;;
*) die "'# boots:' must be 1 to 9, not '$boots'" ;;
esac
[ -n "$timeout_s" ] || timeout_s="${hdr_timeout:-200}"

version_ge() { # A >= B
	[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]
}

# ---------------------------------------------------------------- tools
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

# --cache, else $MEMPLUG_VM_CACHE (one cache shared by several build dirs or
# worktrees: kernels and base images are keyed and locked, so sharing is
# safe), else BUILD/vm-cache, else ~/.cache/memplug-vm.
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

# ---------------------------------------------------------------- kernel
# 6.1 is the host's own Debian 12 kernel (read only); newer series are
# unpacked into the cache by fetch-kernel.sh, all with the same layout:
# KROOT/boot/vmlinuz-REL and KROOT/lib/modules/REL.
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

# ---------------------------------------------------------------- work dir
work="$(mktemp -d "${TMPDIR:-/tmp}/memplug-vm.XXXXXX")"
qemu_pid=""
watch_pid=""
cleanup() {
	[ -z "$watch_pid" ] || kill "$watch_pid" 2>/dev/null || true
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# ---------------------------------------------------------------- profiles
# Sets qemu_args (array) and append (string).
# no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer check
# can miss its ticks and panic the boot ("IO-APIC + timer doesn't work!").
append="console=ttyS0 memhp_default_state=offline panic=-1 oops=panic no_timer_check"
qemu_args=()
case "$profile" in
nvdimm-raw)
	truncate -s 2G "$work/nvdimm0.img"
	qemu_args=(-machine pc,nvdimm=on -cpu max -m 1G,slots=4,maxmem=8G
		-object "memory-backend-file,id=mem1,share=on,mem-path=$work/nvdimm0.img,size=2G"
		-device nvdimm,id=nv1,memdev=mem1)
	;;
nvdimm-labels)
	truncate -s 2147614720 "$work/nvdimm0.img" # 2 GiB + 128 KiB of labels
	qemu_args=(-machine pc,nvdimm=on -cpu max -m 1G,slots=4,maxmem=8G
		-object "memory-backend-file,id=mem1,share=on,mem-path=$work/nvdimm0.img,size=2147614720"
		-device nvdimm,id=nv1,memdev=mem1,label-size=128K)
	;;
virtio-mem)
	qemu_args=(-machine pc -cpu max -m 1G,slots=4,maxmem=8G
		-object memory-backend-ram,id=vmem0,size=2G
		-device virtio-mem-pci,id=vm0,memdev=vmem0,requested-size=0)
	;;
dimm)
	qemu_args=(-machine pc -cpu max -m 1G,slots=4,maxmem=8G
		-object memory-backend-ram,id=dimm0mem,size=128M
		-device pc-dimm,id=dimm0,memdev=dimm0mem)
	;;
large)
	truncate -s 64G "$work/nvdimm0.img"
	qemu_args=(-machine pc,nvdimm=on -cpu max -m 3G,slots=4,maxmem=80G
		-object "memory-backend-file,id=mem1,share=on,mem-path=$work/nvdimm0.img,size=64G"
		-device nvdimm,id=nv1,memdev=mem1)
	;;
large-labels)
	truncate -s 68719607808 "$work/nvdimm0.img" # 64 GiB + 128 KiB of labels
	qemu_args=(-machine pc,nvdimm=on -cpu max -m 3G,slots=4,maxmem=80G
		-object "memory-backend-file,id=mem1,share=on,mem-path=$work/nvdimm0.img,size=68719607808"
		-device nvdimm,id=nv1,memdev=mem1,label-size=128K)
	;;
cxl)
	version_ge "$qemu_ver" 10 || skip "profile cxl needs QEMU >= 10 (have $qemu_ver; run scripts/install-deps.sh)"
	qemu_args=(-machine q35,cxl=on -cpu max,hypervisor=off -m 2G,maxmem=8G,slots=8
		-object memory-backend-ram,id=vmem0,share=on,size=1G
		-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1
		-device cxl-rp,port=0,bus=cxl.1,id=root_port13,chassis=0,slot=2
		-device cxl-type3,bus=root_port13,volatile-memdev=vmem0,id=cxl-vmem0
		-M cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G)
	;;
*) die "unknown profile '$profile'" ;;
esac
[ -z "$extra_append" ] || append="$append $extra_append"

# ---------------------------------------------------------------- base initramfs
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

# The key covers this script, /init, the kernel and the host tools copied in.
busybox_base() {
	# shellcheck disable=SC2086
	base_key="$({
		cat "${BASH_SOURCE[0]}" "$HERE/guest/init"
		stat -L -c '%n %s %Y' "$vmlinuz" "${kroot}/lib/modules/$krel/modules.dep" $BINARIES /bin/busybox 2>/dev/null
	} | sha256sum | cut -c1-12)"
	base="$cache/initramfs/base-$krel-$base_key.cpio.gz"
	mkdir -p "$cache/initramfs"
	if [ ! -f "$base" ]; then
		exec 9>"$cache/.lock-base-$krel"
		flock 9
		if [ ! -f "$base" ]; then
			note "building base initramfs $base"
			build_base "$base"
		fi
		exec 9>&-
	fi
	bases=("$base")
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
	mkdir -p "$cache/initramfs"
	if [ ! -f "$mods" ]; then
		exec 9>"$cache/.lock-base-$krel"
		flock 9
		if [ ! -f "$mods" ]; then
			note "building module archive $mods"
			rm -rf "$work/mods"
			# depmod -b wants ROOT/lib/modules: the merged-/usr link
			# (not archived: the root file system has its own)
			mkdir -p "$work/mods/usr/lib"
			ln -s usr/lib "$work/mods/lib"
			copy_modules "$work/mods"
			(cd "$work/mods" && find usr/lib/modules etc -mindepth 0 | cpio -o -H newc --quiet | gzip -1) >"$mods.tmp.$$"
			rm -f "$cache/initramfs/modules-$krel-"*.cpio.gz
			mv "$mods.tmp.$$" "$mods"
		fi
		exec 9>&-
	fi
	bases=("$rootcpio" "$mods")
}

# meson install into DEST, then the top-level lib/bin/sbin moved below usr/:
# the root has a merged /usr, and a cpio directory "lib" would replace the
# symlink /lib -> usr/lib when the kernel unpacks it.
install_memplug() {
	local dest="$1" d
	meson install -C "$build" --no-rebuild --destdir "$dest" >"$work/install.log" 2>&1 ||
		die "meson install failed: $(tail -n 5 "$work/install.log")"
	for d in lib bin sbin lib64; do
		[ -d "$dest/$d" ] && [ ! -L "$dest/$d" ] || continue
		mkdir -p "$dest/usr/$d"
		cp -a "$dest/$d/." "$dest/usr/$d/"
		rm -rf "${dest:?}/$d"
	done
	return 0
}

if [ "$guest" = systemd ]; then
	[ -n "$build" ] && [ -f "$build/build.ninja" ] ||
		die "'# guest: systemd' needs --build (memplug is installed into the guest with meson install)"
	systemd_base
else
	busybox_base
fi

# ---------------------------------------------------------------- overlay
ov="$work/overlay"
mkdir -p "$ov/memplug"
install -m 0644 "$HERE/guest/lib.sh" "$ov/memplug/lib.sh"
install -m 0644 "$scenario" "$ov/memplug/scenario.sh"
{
	echo "MEMPLUG_SCENARIO=$name"
	echo "MEMPLUG_PROFILE=$profile"
	echo "MEMPLUG_KERNEL=$kernel"
	echo "MEMPLUG_QEMU=$qemu_ver"
	echo "MEMPLUG_GUEST=$guest"
	echo "MEMPLUG_BOOTS=$boots"
	# random scenarios print it; MEMPLUG_SEED=N on the host replays one
	echo "MEMPLUG_SEED=${MEMPLUG_SEED:-$(od -An -N3 -tu4 /dev/urandom | tr -d ' ')}"
} >"$ov/memplug/env"
# The systemd guest's harness: run-phase and the two units that run the
# scenario's setup_boot and check_boot.
harness_units() {
	local sd="$HERE/systemd-guest" u
	install -m 0755 "$sd/run-phase" "$ov/memplug/run-phase"
	mkdir -p "$ov/etc/systemd/system/sysinit.target.wants" "$ov/etc/systemd/system/multi-user.target.wants"
	for u in memplug-test-setup.service memplug-test.service; do
		install -m 0644 "$sd/$u" "$ov/etc/systemd/system/$u"
	done
	ln -s ../memplug-test-setup.service "$ov/etc/systemd/system/sysinit.target.wants/"
	ln -s ../memplug-test.service "$ov/etc/systemd/system/multi-user.target.wants/"
}
have_memplug=0
if [ "$install_how" = deb ]; then
	# The Debian packages, for the scenario to install with dpkg -i as an
	# administrator (or autopkgtest) would, and debian/tests/ to run:
	# $MEMPLUG_DEBS (a directory of .debs) or a fresh scripts/build-deb.sh.
	debs="${MEMPLUG_DEBS:-}"
	if [ -z "$debs" ]; then
		debs="$work/debs"
		note "building the Debian packages (scripts/build-deb.sh)"
		DEB_BUILD_OPTIONS=nocheck "$HERE/../../scripts/build-deb.sh" "$debs" >/dev/null 2>"$work/build-deb.err" ||
			die "scripts/build-deb.sh failed: $(tail -n 5 "$work/build-deb.err")"
	fi
	ls "$debs"/memplug_*.deb >/dev/null 2>&1 || die "no memplug_*.deb in $debs"
	mkdir -p "$ov/memplug/debs"
	cp "$debs"/*.deb "$ov/memplug/debs/"
	cp -r "$HERE/../../debian/tests" "$ov/memplug/debian-tests"
	have_memplug=1
	echo "MEMPLUG_SYSCONFDIR=/etc" >>"$ov/memplug/env"
	harness_units
	append="$append systemd.show_status=error"
elif [ "$guest" = systemd ]; then
	install_memplug "$ov"
	[ -x "$ov/usr/local/bin/memplug" ] || [ -x "$ov/usr/bin/memplug" ] && have_memplug=1
	# where memplug reads memplug.conf: the build's sysconfdir (nothing is
	# installed there: provisioning is opt-in)
	etc="$(meson introspect --buildoptions "$build" | jq -r '
		(map({(.name): .value}) | add) as $o |
		if ($o.sysconfdir | startswith("/")) then $o.sysconfdir
		else $o.prefix + "/" + $o.sysconfdir end')" ||
		die "cannot read sysconfdir from $build"
	echo "MEMPLUG_SYSCONFDIR=$etc" >>"$ov/memplug/env"
	# what a package's postinst does: systemctl enable memplug-apply.service
	mkdir -p "$ov/etc/systemd/system/multi-user.target.wants"
	unit="$(cd "$ov" && find . -name memplug-apply.service -path '*systemd/system/*' | head -n 1)"
	[ -z "$unit" ] || ln -s "${unit#.}" "$ov/etc/systemd/system/multi-user.target.wants/memplug-apply.service"
	harness_units
	if [ "$flavour" = ansible ]; then
		# the collection where ansible-core looks without configuration
		coll="$ov/usr/share/ansible/collections/ansible_collections/memplug/memplug"
		mkdir -p "$coll"
		cp -a "$HERE/../../contrib/ansible/." "$coll/"
	fi
	# systemd's status lines only for failures; boot number per boot (below)
	append="$append systemd.show_status=error"
elif [ -n "$build" ] && [ -x "$build/cli/memplug" ]; then
	have_memplug=1
	mkdir -p "$ov/usr/bin" "$ov/usr/lib/x86_64-linux-gnu"
	for f in "$build"/lib/libmemplug.so*; do
		{ [ -f "$f" ] || [ -L "$f" ]; } && cp -P "$f" "$ov/usr/lib/x86_64-linux-gnu/"
	done
	install -m 0755 "$build/cli/memplug" "$ov/usr/bin/memplug"
	# System libraries the binary needs beyond the base image.
	ldd "$build/cli/memplug" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p' |
		while read -r lib; do
			case "$lib" in
			"$build"/* | */libmemplug.so*) continue ;;
			esac
			[ -e "$ov/usr/${lib#/usr/}" ] || install -D -m 0755 "$(readlink -f "$lib")" "$ov/usr/${lib#/usr/}"
		done
fi
echo "MEMPLUG_HAVE_BINARY=$have_memplug" >>"$ov/memplug/env"
# root owns it all, as a package would install it: memplug refuses
# configuration files (and their directories) that another user owns
(cd "$ov" && find . -mindepth 1 | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$work/overlay.cpio.gz"
cat "${bases[@]}" "$work/overlay.cpio.gz" >"$work/initrd.img"
note "initrd ready, starting qemu"

# ---------------------------------------------------------------- run
# shellcheck disable=SC2206 # the "# qemu:" header is split on purpose
extra=($extra_qemu)
boot() {
	: >"$log"
	start_ns="$(date +%s%N)"
	timeout --kill-after=5 "$timeout_s" "$QEMU" \
		-accel tcg,thread=multi -smp 1 \
		"${qemu_args[@]}" \
		-kernel "$vmlinuz" -initrd "$work/initrd.img" -append "$append memplug.boot=$b" \
		-nographic -no-reboot -nodefaults -display none -monitor none \
		-serial "file:$log" \
		-chardev "socket,id=ack,path=$work/ack.sock,server=on,wait=off" -serial chardev:ack \
		-qmp "unix:$work/qmp.sock,server=on,wait=off" \
		"${extra[@]}" >"$work/qemu.out" 2>&1 &
	qemu_pid=$!
	python3 "$HERE/qmp-watcher.py" --log "$log" --qmp "$work/qmp.sock" --ack "$work/ack.sock" \
		>"$work/watcher.log" 2>&1 &
	watch_pid=$!
	set +e
	wait "$qemu_pid"
	qrc=$?
	set -e
	qemu_pid=""
	end_ns="$(date +%s%N)"
	note "boot $b/$boots: qemu exited with status $qrc"
	kill "$watch_pid" 2>/dev/null || true
	wait "$watch_pid" 2>/dev/null || true
	watch_pid=""
}

report_failure() {
	{
		echo "$tag FAIL: $where$*"
		echo "---- serial log tail ($log, kernel $krel, qemu $qemu_ver, ${secs}s) ----"
		tail -n 60 "$work/clean.log"
		if [ -s "$work/qemu.out" ]; then
			echo "---- qemu stderr ----"
			tail -n 20 "$work/qemu.out"
		fi
		if [ -s "$work/watcher.log" ]; then
			echo "---- qmp watcher ----"
			tail -n 20 "$work/watcher.log"
		fi
		echo "---- end ----"
	} >&2
	exit 1
}

# Every boot runs the same disks (backing files in $work) and must pass;
# the guest learns its number from memplug.boot=N on the command line.
total_ns=0
messages=""
[ -z "$keep_log" ] || : >"$keep_log"
for b in $(seq 1 "$boots"); do
	log="$work/serial-$b.log"
	where=""
	[ "$boots" -eq 1 ] || where="boot $b/$boots: "
	# A kernel that panics before /init ran never saw the scenario: that
	# is the emulator's trouble, not a result. Boot once more and say so.
	boot
	if ! grep -aq 'MEMPLUG-BOOT:' "$log" && grep -aq 'Kernel panic' "$log"; then
		echo "$tag ${where}guest kernel panicked before /init ($(grep -a -m 1 -o 'Kernel panic.*' "$log" | tr -d '\r' | cut -c1-100)); booting again" >&2
		boot
	fi
	secs="$(awk -v a="$start_ns" -v b="$end_ns" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
	total_ns=$((total_ns + end_ns - start_ns))
	if [ -n "$keep_log" ]; then
		[ "$boots" -eq 1 ] || echo "==== memplug run-scenario: boot $b/$boots ====" >>"$keep_log"
		cat "$log" >>"$keep_log"
	fi

	tr -d '\r' <"$log" >"$work/clean.log"
	result="$(grep -a -o 'MEMPLUG-RESULT: .*' "$work/clean.log" | head -n 1 || true)"
	verdict="$(echo "$result" | awk '{ print $2 }')"
	message="$(echo "$result" | cut -d' ' -f3-)"

	grep -a -o 'MEMPLUG-METRIC: .*' "$work/clean.log" | sed "s|^MEMPLUG-METRIC: |$tag metric: |" || true
	[ "$boots" -eq 1 ] || echo "$tag metric: boot${b}_wall_s $secs s"

	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		report_failure "guest timed out after ${timeout_s}s (killed)${result:+; last result: $result}"
	fi
	case "$verdict" in
	PASS)
		messages="$messages${messages:+; }$message"
		;;
	SKIP)
		[ "$under_ci" -eq 0 ] || report_failure "the guest skipped under CI=$CI: ${message:-no reason}"
		echo "$tag skipped: $where${message:-guest skipped} (${secs}s)"
		exit 77
		;;
	FAIL)
		report_failure "$message"
		;;
	*)
		if [ "$qrc" -ne 0 ]; then
			report_failure "qemu exited with status $qrc and no result marker"
		fi
		report_failure "scenario ended without a MEMPLUG-RESULT marker"
		;;
	esac
done
secs="$(awk -v t="$total_ns" 'BEGIN { printf "%.1f", t / 1e9 }')"
echo "$tag PASS ${secs}s${messages:+ ($messages)}"
exit 0
