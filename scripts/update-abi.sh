#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Record libmemplug's ABI as lib/libmemplug.abi.xml (abidw, from
# abigail-tools), the baseline unit-abi compares the built library with.
# Run it after a deliberate change to libmemplug.h, with the gcc build
# directory (default: build) as argument, and commit the result (clang's
# build-san compares equal to it, but writes other bytes).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
out="$PWD/lib/libmemplug.abi.xml"
# the debug info names headers relative to the build directory
# (../lib/libmemplug.h): abidw matches the public header by that path,
# and keeps only the types libmemplug.h defines
hdr="$(realpath --relative-to="$build" lib/libmemplug.h)"
# abidiff tells the file's type by its first bytes: the licence comment
# goes inside the root element
(cd "$build" && abidw --no-corpus-path --no-comp-dir-path \
	--header-file "$hdr" --drop-private-types lib/libmemplug.so) |
	sed '1a\  <!-- SPDX-License-Identifier: LGPL-2.1 -->\
  <!-- written by scripts/update-abi.sh: do not edit -->' >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out: $(grep -c '<function-decl' "$out") function declarations"
