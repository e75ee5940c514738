# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by the run-*-bench.sh scripts: the options they share and one
# guest run per kernel.  The caller sets BENCH (its name, for messages),
# BENCH_KERNELS (the default kernels) and may define bench_option, called
# as `bench_option OPTION VALUE` for an option this file does not know: it
# returns 0 when it took OPTION and VALUE, 1 otherwise.
#
#   bench_parse "$@"   --build DIR, --kernel K (repeatable), --keep-log DIR,
#                      --metrics FILE, -h (the caller's header, lines 4-20)
#   bench_run K SCENARIO
#                      the guest run on kernel K; its metric lines in
#                      "$bench_tmp/metrics-K"; a failed run says so on
#                      stderr and sets bench_rc=1 (its table is partial)

BENCH_TOP="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$BENCH_TOP/build"
kernels=()
logdir=""
metrics_file=""
bench_rc=0
bench_tmp="$(mktemp -d)"
trap 'rm -rf "$bench_tmp"' EXIT

bench_parse() {
	while [ $# -gt 0 ]; do
		case "$1" in
		--build) build="$2" ;;
		--kernel) kernels+=("$2") ;;
		--keep-log) logdir="$2" ;;
		--metrics) metrics_file="$2" ;;
		-h | --help)
			sed -n '4,20p' "$0" | sed -n '/^#/!q; s/^# \{0,1\}//p'
			exit 0
			;;
		*)
			if ! declare -F bench_option >/dev/null || [ $# -lt 2 ] ||
				! bench_option "$1" "$2"; then
				echo "$BENCH: unknown argument '$1'" >&2
				exit 2
			fi
			;;
		esac
		[ $# -ge 2 ] || { echo "$BENCH: $1 needs a value" >&2; exit 2; }
		shift 2
	done
	# shellcheck disable=SC2206 # the caller's list of kernels
	[ ${#kernels[@]} -gt 0 ] || kernels=($BENCH_KERNELS)
	[ -x "$build/cli/memplug" ] || {
		echo "$BENCH: no $build/cli/memplug (build first)" >&2
		exit 1
	}
}

bench_run() {
	local k="$1" scenario="$2" log out krc=0
	log="$bench_tmp/$(basename "$scenario" .sh)-$k.log"
	if [ -n "$logdir" ]; then
		mkdir -p "$logdir"
		log="$logdir/$(basename "$scenario" .sh)-$k.log"
	fi
	out="$bench_tmp/out-$k"
	echo "== kernel $k: $(basename "$scenario") (TCG), load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
	bash "$BENCH_TOP/tests/vm/run-scenario.sh" --build "$build" --kernel "$k" \
		--scenario "$scenario" --keep-log "$log" >"$out" || krc=$?
	if [ "$krc" -ne 0 ]; then
		# a failed or timed-out guest still printed the metrics it reached
		grep -v ' metric: ' "$out" >&2 || true
		echo "$BENCH: kernel $k: runner exited $krc; the table below is PARTIAL" >&2
		# shellcheck disable=SC2034 # the caller's exit status
		bench_rc=1
	fi
	grep ' metric: ' "$out" >"$bench_tmp/metrics-$k" || true
	[ -z "$metrics_file" ] || cat "$bench_tmp/metrics-$k" >>"$metrics_file"
}
