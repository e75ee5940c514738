# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
#
# Harness self-test: this scenario ends without pass/fail/skip; the harness
# must report that as a failure (exit 1).
# shellcheck shell=sh

step "ending without a verdict"
true
