#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftest.sh RUNNER_ARGS...: harness self-test (meson test vm-harness-selftest,
# suite vm-selftest). Runs the deliberately broken scenarios of
# scenarios-selftest/ and PASSES when the harness reports each of them as a
# failure: exit 1 with the expected text on stderr. Extra arguments (e.g.
# --build DIR --kernel 6.1) are passed to run-scenario.sh.
# Exit: 0 harness ok, 1 harness broken, 77 when the runner skips.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# -gt 0 ] || set -- --kernel 6.1
status=0


expect_failure() { # SCENARIO EXPECTED_TEXT RUNNER_ARGS...
	local scen="$1" text="$2" out err rc
	shift 2
	out="$(mktemp)"
	err="$(mktemp)"
	"$HERE/run-scenario.sh" "$@" --scenario "$HERE/scenarios-selftest/$scen.sh" >"$out" 2>"$err"
	rc=$?
	if [ "$rc" -eq 77 ]; then
		cat "$out"
		rm -f "$out" "$err"
		exit 77
	fi
	if [ "$rc" -ne 1 ]; then
		echo "selftest $scen: runner exited $rc, expected 1" >&2
		cat "$out" "$err" >&2
		status=1
	elif ! grep -qF -- "$text" "$err"; then
		echo "selftest $scen: stderr lacks '$text'" >&2
		cat "$err" >&2
		status=1
	else
		echo "selftest $scen: ok (runner reported: $(head -n 1 "$err"))"
	fi
	rm -f "$out" "$err"
}

expect_failure must-fail \
	"FAIL: deliberate harness self-test assertion: expected '2', got '1'" "$@"
expect_failure no-verdict "ended without calling pass/fail/skip" "$@"
expect_failure must-hang "guest timed out after 30s" "$@"
expect_failure panic-at-boot "guest kernel panicked before /init" "$@"
exit "$status"
