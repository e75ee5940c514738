# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
# timeout: 30
#
# Harness self-test: this guest hangs on purpose; the host-side timeout must
# kill it and run-scenario.sh must report a failure (exit 1).
# shellcheck shell=sh

step "hanging on purpose"
sleep 100000
pass "unreachable"
