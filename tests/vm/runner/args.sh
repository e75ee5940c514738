# SPDX-License-Identifier: GPL-2.0
#
# run-scenario.sh, part 1: the command line, the exits (pass, skip, fail)
# and progress notes.  Sourced; sets build, kernel, scenario, name, tag,
# timeout_s, cache, keep_log, verbose, under_ci, prepare.
# shellcheck shell=bash disable=SC2034 # the variables are the other parts'

usage() {
	sed -n '4,18p' "$RUNNER" | sed 's/^# \{0,1\}//' >&2
	exit 1
}

# parse_args ARG...
parse_args() {
	build=""
	kernel=""
	scenario=""
	timeout_s=""
	cache=""
	keep_log=""
	verbose=0
	prepare=0
	while [ $# -gt 0 ]; do
		case "$1" in
		--build) build="$2"; shift 2 ;;
		--kernel) kernel="$2"; shift 2 ;;
		--scenario) scenario="$2"; shift 2 ;;
		--timeout) timeout_s="$2"; shift 2 ;;
		--cache) cache="$2"; shift 2 ;;
		--keep-log) keep_log="$2"; shift 2 ;;
		-v | --verbose) verbose=1; shift ;;
		--prepare) prepare=1; shift ;;
		-h | --help) usage ;;
		*) echo "run-scenario: unknown argument '$1'" >&2; usage ;;
		esac
	done
	[ -n "$kernel" ] || usage
	if [ "$prepare" -eq 1 ]; then
		# --prepare: the kernel and the base image, no scenario
		[ -z "$scenario" ] || usage
		name=prepare
	else
		[ -n "$scenario" ] || usage
		[ -f "$scenario" ] || { echo "run-scenario: no such scenario: $scenario" >&2; exit 1; }
		scenario="$(cd "$(dirname "$scenario")" && pwd)/$(basename "$scenario")"
		name="$(basename "$scenario" .sh)"
	fi
	tag="[$name/$kernel]"

	# Under CI (CI set, not false/0/no) nothing may skip unseen: every
	# reason to skip (no QEMU, no kernel, QEMU too old, # min-kernel, a
	# guest's skip) is a failure there, exit 1 with the reason.
	case "${CI:-}" in
	'' | false | 0 | no) under_ci=0 ;;
	*) under_ci=1 ;;
	esac
}

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
elapsed_s() {
	awk -v a="$t_start" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}
note() {
	[ "$verbose" -eq 0 ] || echo "$tag $(elapsed_s)s $*" >&2
}
