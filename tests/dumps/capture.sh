#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# capture.sh: boot the VM's real kernels (tests/vm/run-scenario.sh) with each
# configuration of tests/dumps/configs/, copy what memplug reads into
# archives and record memplug list's outputs beside them.
#
#   capture.sh --build DIR [--kernel K]... [--out DIR] [CONFIG]...
#
# CONFIG: a name in configs/ (default: all); --kernel: only these kernels
# (default: each config's "# kernels:" line); --out: where NAME.tar.xz and
# NAME/ go (default: this directory).  One guest at a time.  The build's
# memplug is the one whose outputs are recorded: build the tree you want as
# the reference.  Exit 1 at the first configuration that fails.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build=""
out="$HERE"
kernels=()
configs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build="$2"; shift 2 ;;
	--kernel) kernels+=("$2"); shift 2 ;;
	--out) out="$2"; shift 2 ;;
	-h | --help) sed -n '4,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "capture: unknown argument '$1'" >&2; exit 1 ;;
	*) configs+=("$1"); shift ;;
	esac
done
[ -n "$build" ] && [ -x "$build/cli/memplug" ] || {
	echo "capture: --build DIR with a built cli/memplug is required" >&2
	exit 1
}
if [ ${#configs[@]} -eq 0 ]; then
	for f in "$HERE"/configs/*.sh; do configs+=("$(basename "$f" .sh)"); done
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/memplug-dumps.XXXXXX")"
trap 'rm -rf "$work"' EXIT

for c in "${configs[@]}"; do
	cfg="$HERE/configs/$c.sh"
	[ -f "$cfg" ] || { echo "capture: no configuration $cfg" >&2; exit 1; }
	# the library first: run-scenario.sh reads the header keys anywhere
	cat "$HERE/guest-capture.sh" "$cfg" >"$work/$c.sh"
	read -r -a want <<<"$(sed -n 's/^# kernels:[[:space:]]*//p' "$cfg")"
	for k in "${want[@]}"; do
		if [ ${#kernels[@]} -gt 0 ] && [[ " ${kernels[*]} " != *" $k "* ]]; then
			continue
		fi
		echo "capture: $c on $k" >&2
		"$HERE/../vm/run-scenario.sh" --build "$build" --kernel "$k" \
			--scenario "$work/$c.sh" --timeout 400 --keep-log "$work/serial.log"
		python3 "$HERE/unpack.py" "$work/serial.log" "$out"
	done
done
