#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# apt-mirror.sh [SUITE]: print the URI of the machine's own Debian mirror.
#
# Reads the apt sources (/etc/apt/sources.list, sources.list.d/*.list in
# one-line format and sources.list.d/*.sources in deb822 format) and prints
# the URI of the first "deb" entry that serves SUITE (default: bookworm).
# The project never hard-codes a mirror host: every script that fetches
# Debian packages (the systemd guest root file system) asks this one.
# Exit 0 with the URI on stdout, 1 when no entry serves SUITE.
set -euo pipefail

suite="${1:-bookworm}"
etc="${APT_MIRROR_ETC:-/etc/apt}" # tests point this at a fake tree

files=()
[ -f "$etc/sources.list" ] && files+=("$etc/sources.list")
for f in "$etc"/sources.list.d/*.list "$etc"/sources.list.d/*.sources; do
	[ -f "$f" ] && files+=("$f")
done

uri=""
for f in "${files[@]}"; do
	[ -z "$uri" ] || break
	case "$f" in
	*.sources)
		# deb822: stanzas separated by blank lines.
		uri="$(awk -v want="$suite" '
			function flush() {
				if (found) return
				if (types ~ /(^| )deb( |$)/ && enabled != "no" && uris != "") {
					n = split(suites, s, " ")
					for (i = 1; i <= n; i++)
						if (s[i] == want) {
							split(uris, u, " ")
							print u[1]; found = 1
							exit 0
						}
				}
				types = uris = suites = enabled = ""
			}
			/^[[:space:]]*#/ { next }
			/^[[:space:]]*$/ { flush(); next }
			{
				key = tolower($1); sub(/:$/, "", key)
				val = $0; sub(/^[^:]*:[[:space:]]*/, "", val)
				if (key == "types") types = val
				else if (key == "uris") uris = val
				else if (key == "suites") suites = val
				else if (key == "enabled") enabled = tolower(val)
			}
			END { flush() }
		' "$f")"
		;;
	*)
		# one-line: deb [options] URI SUITE COMPONENT...
		uri="$(awk -v want="$suite" '
			$1 != "deb" { next }
			{
				i = 2
				if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
				if ($(i + 1) == want) { print $i; exit 0 }
			}
		' "$f")"
		;;
	esac
done
if [ -n "$uri" ]; then
	echo "$uri"
	exit 0
fi
echo "apt-mirror.sh: no apt source serves '$suite'" >&2
exit 1
