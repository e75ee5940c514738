# SPDX-License-Identifier: GPL-2.0
#
# run-scenario.sh, part 8: boot N times and judge each boot by its serial
# log's markers (MEMPLUG-RESULT, -METRIC).  Sourced; run_boots exits 0
# (pass), 1 (fail, with the log tail on stderr) or 77 (skip).
# shellcheck shell=bash disable=SC2034 # the variables are the other parts'

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

# judge B: the verdict of boot B from $log
judge() {
	local b="$1" result verdict message
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
}

# Every boot runs the same disks (backing files in $work) and must pass;
# the guest learns its number from memplug.boot=N on the command line.
run_boots() {
	local b total_ns=0
	messages=""
	[ -z "$keep_log" ] || : >"$keep_log"
	for b in $(seq 1 "$boots"); do
		log="$work/serial-$b.log"
		where=""
		[ "$boots" -eq 1 ] || where="boot $b/$boots: "
		# A kernel that panics before /init ran never saw the scenario:
		# that is the emulator's trouble, not a result. Boot once more
		# and say so.
		boot "$b"
		if ! grep -aq 'MEMPLUG-BOOT:' "$log" && grep -aq 'Kernel panic' "$log"; then
			echo "$tag ${where}guest kernel panicked before /init ($(grep -a -m 1 -o 'Kernel panic.*' "$log" | tr -d '\r' | cut -c1-100)); booting again" >&2
			boot "$b"
		fi
		secs="$(awk -v a="$start_ns" -v b="$end_ns" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
		total_ns=$((total_ns + end_ns - start_ns))
		if [ -n "$keep_log" ]; then
			[ "$boots" -eq 1 ] || echo "==== memplug run-scenario: boot $b/$boots ====" >>"$keep_log"
			cat "$log" >>"$keep_log"
		fi
		judge "$b"
	done
	secs="$(awk -v t="$total_ns" 'BEGIN { printf "%.1f", t / 1e9 }')"
	echo "$tag PASS ${secs}s${messages:+ ($messages)}"
	exit 0
}
