# SPDX-License-Identifier: GPL-2.0
#
# run-scenario.sh, part 7: one boot of the guest under `timeout`, with the
# QMP watcher that forwards the guest's MEMPLUG-QMP requests.  Sourced;
# boot B runs boot B, its serial log in $log; sets qrc (QEMU's exit status),
# start_ns and end_ns.  cleanup (the EXIT trap) stops what still runs.
# shellcheck shell=bash disable=SC2034 # the variables are the other parts'

qemu_pid=""
watch_pid=""
cleanup() {
	[ -z "$watch_pid" ] || kill "$watch_pid" 2>/dev/null || true
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}

boot() {
	local b="$1" extra
	# shellcheck disable=SC2206 # the "# qemu:" header is split on purpose
	extra=($extra_qemu)
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
