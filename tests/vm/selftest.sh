#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftest.sh RUNNER_ARGS...: harness self-test (meson test vm-harness-selftest,
# suite vm-selftest). Runs the deliberately broken scenarios of
# scenarios-selftest/ and PASSES when the harness reports each of them as a
# failure: exit 1 with the expected text on stderr, and that under CI=true
# every reason to skip (no QEMU, a kernel that cannot be fetched, a
# # min-kernel mismatch, a skip inside the guest) is a failure too. Extra
# arguments (e.g. --build DIR --kernel 6.1) are passed to run-scenario.sh.
# Exit: 0 harness ok, 1 harness broken, 77 when the runner skips (outside CI).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# -gt 0 ] || set -- --kernel 6.1
status=0

# expect_failure SCENARIO EXPECTED_TEXT RUNNER_ARGS...: the runner must exit 1
# with EXPECTED_TEXT on stderr.  $CASE_ENV (VAR=value words) is put into the
# runner's environment and names the case.
CASE_ENV=""
expect_failure() {
	local scen="$1" text="$2" out err rc what
	shift 2
	what="$scen${CASE_ENV:+ ($CASE_ENV)}"
	out="$(mktemp)"
	err="$(mktemp)"
	# shellcheck disable=SC2086 # CASE_ENV is a list of VAR=value words
	env $CASE_ENV "$HERE/run-scenario.sh" "$@" --scenario "$HERE/scenarios-selftest/$scen.sh" >"$out" 2>"$err"
	rc=$?
	if [ "$rc" -eq 77 ] && [ -z "$CASE_ENV" ]; then
		cat "$out"
		rm -f "$out" "$err"
		exit 77
	fi
	if [ "$rc" -ne 1 ]; then
		echo "selftest $what: runner exited $rc, expected 1" >&2
		cat "$out" "$err" >&2
		status=1
	elif ! grep -qF -- "$text" "$err"; then
		echo "selftest $what: stderr lacks '$text'" >&2
		cat "$err" >&2
		status=1
	else
		echo "selftest $what: ok (runner reported: $(head -n 1 "$err"))"
	fi
	rm -f "$out" "$err"
}

expect_failure must-fail \
	"FAIL: deliberate harness self-test assertion: expected '2', got '1'" "$@"
expect_failure no-verdict "ended without calling pass/fail/skip" "$@"
expect_failure must-hang "guest timed out after 30s" "$@"
expect_failure panic-at-boot "guest kernel panicked before /init" "$@"

# CI never hides a skip: each reason to skip is a failure under CI=true.
# The first three stop before any guest boots.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/apt-etc" "$tmp/cache"
CASE_ENV="CI=true QEMU=$tmp/no-such-qemu"
expect_failure must-fail "qemu-system-x86_64 not installed" "$@"
# a kernel that cannot be fetched: no mirror in an empty apt configuration
CASE_ENV="CI=true MEMPLUG_APT_ETC=$tmp/apt-etc"
expect_failure must-fail "kernel 6.12 not available" "$@" --kernel 6.12 --cache "$tmp/cache"
# the test bed's own kernel that cannot be built (an empty kernel cache, no
# mirror for the source): a failure, and the next test of the run fails at
# once on the remembered failure instead of building again
CASE_ENV="CI=true MEMPLUG_APT_ETC=$tmp/apt-etc MEMPLUG_KERNEL_CACHE=$tmp/kcache"
expect_failure must-fail "kernel 7.3-fix not available (tests/kernel/build-kernel.sh failed" \
	"$@" --kernel 7.3-fix --cache "$tmp/cache"
expect_failure must-fail "the build of tests/kernel/ as it is failed less than an hour ago" \
	"$@" --kernel 7.3-parallel --cache "$tmp/cache"
CASE_ENV="CI=true"
expect_failure future-kernel "cannot run under CI=true: needs kernel >= 99" "$@"
expect_failure guest-skip "the guest skipped under CI=true: deliberate harness self-test skip" "$@"
# ... while outside CI the same mismatch is still the skip meson shows.
CASE_ENV=""
CI=false "$HERE/run-scenario.sh" "$@" --scenario "$HERE/scenarios-selftest/future-kernel.sh" >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -ne 77 ] || ! grep -qF "skipped: needs kernel >= 99" "$tmp/out"; then
	echo "selftest future-kernel (CI=false): runner exited $rc, expected 77 and the reason" >&2
	cat "$tmp/out" >&2
	status=1
else
	echo "selftest future-kernel (CI=false): ok (skipped, 77)"
fi
exit "$status"
