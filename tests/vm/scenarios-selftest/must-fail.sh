# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
#
# Harness self-test: this scenario fails on purpose. selftest.sh asserts that
# run-scenario.sh exits 1 and prints the failing assertion.
# shellcheck shell=sh

step "deliberate failure"
assert_eq "1" "2" "deliberate harness self-test assertion"
pass "unreachable"
