# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
# timeout: 120
#
# Harness self-test: a scenario that skips inside the guest must fail the
# test under CI=true (the runner reports it with the serial log).
# shellcheck shell=sh
skip "deliberate harness self-test skip"
