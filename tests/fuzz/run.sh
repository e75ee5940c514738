#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the libFuzzer targets of tests/fuzz: each on a scratch copy of its seed
# corpus (tests/fuzz/corpus/TARGET, never written), for --time seconds, at
# most --jobs at once.  Prints one line per target with its executions and
# ends with a total; exit 1 on any crash, leak or timeout (the reproducer is
# kept in BUILD/fuzz-artifacts/).
#
#   tests/fuzz/run.sh [--build DIR] [--time SEC] [--jobs N] [TARGET...]
#
# DIR is a build made with CC=clang-14 and -Dfuzzing=true (scripts/test.sh
# makes build-san that way).  Long runs: nice -n 19 tests/fuzz/run.sh --time 600
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$here/../../build-san"
time=30
jobs=1
targets=()
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build="$2"; shift 2 ;;
	--time) time="$2"; shift 2 ;;
	--jobs) jobs="$2"; shift 2 ;;
	-h|--help) sed -n '3,14p' "$0"; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) targets+=("$1"); shift ;;
	esac
done
if [ "${#targets[@]}" -eq 0 ]; then
	for c in "$here"/corpus/*/; do
		targets+=("$(basename "$c")")
	done
fi
arts="$build/fuzz-artifacts"
mkdir -p "$arts"
scratch="$(mktemp -d /tmp/memplug-fuzz.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT

run_one() {
	local t="$1" bin="$build/tests/fuzz/fuzz-$1" dir="$scratch/$1"
	if [ ! -x "$bin" ]; then
		echo "fuzz-$t: FAIL: $bin not built (CC=clang-14 meson setup -Dfuzzing=true)"
		return 1
	fi
	mkdir -p "$dir/corpus"
	cp "$here/corpus/$t"/* "$dir/corpus/" 2>/dev/null
	ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}" \
	UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1" \
		"$bin" -max_total_time="$time" -timeout=10 -rss_limit_mb=1024 \
			-max_len=65536 -print_final_stats=1 \
			-artifact_prefix="$arts/$t-" "$dir/corpus" \
			> "$dir/log" 2>&1
	local rc=$? execs
	execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)"
	echo "${execs:-0}" > "$dir/execs"
	if [ "$rc" -ne 0 ]; then
		echo "fuzz-$t: FAIL (exit $rc) after ${execs:-?} executions; log tail:"
		tail -30 "$dir/log" | sed 's/^/    /'
		ls "$arts"/"$t"-* 2>/dev/null | sed 's/^/    reproducer: /'
		return 1
	fi
	echo "fuzz-$t: ok, ${execs:-0} executions in ${time} s, 0 crashes, corpus $(ls "$dir/corpus" | wc -l)"
}

fail=0
running=0
for t in "${targets[@]}"; do
	run_one "$t" > "$scratch/$t.out" 2>&1 &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n || fail=1
		running=$((running - 1))
	fi
done
while [ "$running" -gt 0 ]; do
	wait -n || fail=1
	running=$((running - 1))
done
total=0
for t in "${targets[@]}"; do
	cat "$scratch/$t.out"
	grep -q ': ok,' "$scratch/$t.out" || fail=1
	total=$((total + $(cat "$scratch/$t/execs" 2>/dev/null || echo 0)))
done
echo "total: $total executions, $([ $fail -eq 0 ] && echo 0 || echo some) crashes, ${#targets[@]} targets"
exit $fail
