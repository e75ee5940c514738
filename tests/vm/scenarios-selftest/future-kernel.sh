# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
# min-kernel: 99
#
# Harness self-test: a kernel mismatch skips (77) outside CI and fails under
# CI=true, before any guest boots (this body never runs).
# shellcheck shell=sh
fail "a scenario for kernel >= 99 was booted"
