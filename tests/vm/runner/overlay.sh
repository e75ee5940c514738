# SPDX-License-Identifier: GPL-2.0
#
# run-scenario.sh, part 6: what each run adds on top of the base image: the
# scenario, lib.sh, its environment and the build's memplug (copied for the
# busybox guest, `meson install`ed for the systemd guest).  Sourced;
# make_initrd writes $work/initrd.img and may add to append.
# shellcheck shell=bash disable=SC2034 # the variables are the other parts'

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

# harness_units OV: run-phase and the two units that run the scenario's
# setup_boot and check_boot
harness_units() {
	local ov="$1" u sd="$HERE/systemd-guest"
	install -m 0755 "$sd/run-phase" "$ov/memplug/run-phase"
	mkdir -p "$ov/etc/systemd/system/sysinit.target.wants" "$ov/etc/systemd/system/multi-user.target.wants"
	for u in memplug-test-setup.service memplug-test.service; do
		install -m 0644 "$sd/$u" "$ov/etc/systemd/system/$u"
	done
	ln -s ../memplug-test-setup.service "$ov/etc/systemd/system/sysinit.target.wants/"
	ln -s ../memplug-test.service "$ov/etc/systemd/system/multi-user.target.wants/"
}

# deb_overlay OV: the Debian packages, for the scenario to install with
# dpkg -i as an administrator (or autopkgtest) would, and debian/tests/ to
# run: $MEMPLUG_DEBS (a directory of .debs) or a fresh scripts/build-deb.sh
deb_overlay() {
	local ov="$1" debs="${MEMPLUG_DEBS:-}"
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
	harness_units "$ov"
	append="$append systemd.show_status=error"
}

# systemd_overlay OV: memplug installed, enabled as a package would, and
# the harness units
systemd_overlay() {
	local ov="$1" etc unit coll
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
	harness_units "$ov"
	if [ "$flavour" = ansible ]; then
		# the collection where ansible-core looks without configuration
		coll="$ov/usr/share/ansible/collections/ansible_collections/memplug/memplug"
		mkdir -p "$coll"
		cp -a "$HERE/../../contrib/ansible/." "$coll/"
	fi
	# systemd's status lines only for failures; boot number per boot
	append="$append systemd.show_status=error"
}

# busybox_overlay OV: the build's binary, its library and what it links
busybox_overlay() {
	local ov="$1" f lib
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
}

make_initrd() {
	local ov="$work/overlay"
	mkdir -p "$ov/memplug"
	install -m 0644 "$HERE/guest/lib.sh" "$ov/memplug/lib.sh"
	install -m 0644 "$scenario" "$ov/memplug/scenario.sh"
	{
		echo "MEMPLUG_SCENARIO=$name"
		echo "MEMPLUG_PROFILE=$profile"
		echo "MEMPLUG_KERNEL=$kernel"
		echo "MEMPLUG_KERNEL_SERIES=$series"
		echo "MEMPLUG_QEMU=$qemu_ver"
		echo "MEMPLUG_GUEST=$guest"
		echo "MEMPLUG_BOOTS=$boots"
		# random scenarios print it; MEMPLUG_SEED=N on the host replays one
		echo "MEMPLUG_SEED=${MEMPLUG_SEED:-$(od -An -N3 -tu4 /dev/urandom | tr -d ' ')}"
	} >"$ov/memplug/env"
	have_memplug=0
	if [ "$install_how" = deb ]; then
		deb_overlay "$ov"
	elif [ "$guest" = systemd ]; then
		systemd_overlay "$ov"
	elif [ -n "$build" ] && [ -x "$build/cli/memplug" ]; then
		busybox_overlay "$ov"
	fi
	echo "MEMPLUG_HAVE_BINARY=$have_memplug" >>"$ov/memplug/env"
	# root owns it all, as a package would install it: memplug refuses
	# configuration files (and their directories) that another user owns
	(cd "$ov" && find . -mindepth 1 | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$work/overlay.cpio.gz"
	cat "${bases[@]}" "$work/overlay.cpio.gz" >"$work/initrd.img"
	note "initrd ready, starting qemu"
}
