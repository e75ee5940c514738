# SPDX-License-Identifier: GPL-2.0
# profile: dimm
# append: rdinit=/nonexistent
# timeout: 60
#
# Harness self-test: the kernel finds no /init and panics before the
# scenario can run. run-scenario.sh must boot once more, say so, and then
# report the failure (exit 1) instead of hanging or passing.
# shellcheck shell=sh

pass "unreachable: this kernel never runs /init"
