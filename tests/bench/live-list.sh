#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# live-list.sh [--build DIR] [--runs N]: memplug list, list -M and list
# --table against this machine's own live kernel, beside lsmem and daxctl
# list -M (tests/bench/live-list.py says what it prints).  Read-only: it
# runs inside tests/unit/live_ro.sh, where /, /sys and /proc cannot be
# written.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOP="$(cd "$HERE/../.." && pwd)"
cd "$TOP"
exec "$TOP/tests/unit/live_ro.sh" python3 "$HERE/live-list.py" "$@"
