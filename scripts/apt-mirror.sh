#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# apt-mirror.sh: print the URI of the Debian archive mirror this machine's own
# apt sources use, so that no script hard-codes a mirror host.
#
#   apt-mirror.sh [--etc DIR] [CODENAME]
#
# Reads DIR/sources.list, then DIR/sources.list.d/*.list (one-line format) and
# *.sources (deb822) in apt's order (file name order) and prints the first URI
# of a "deb" source whose suite is CODENAME or CODENAME-updates (default
# bookworm), without a trailing slash, e.g. http://deb.debian.org/debian.
# Security archives (suite CODENAME-security) never match; disabled deb822
# stanzas (Enabled: no), deb-src and cdrom: sources are ignored.
# DIR defaults to $MEMPLUG_APT_ETC, else /etc/apt.
# Exit 0 with the URI on stdout; 1 when no source matches (reason on stderr).
set -euo pipefail

etc="${MEMPLUG_APT_ETC:-/etc/apt}"
if [ "${1:-}" = --etc ]; then
	[ $# -ge 2 ] || { echo "apt-mirror: --etc needs a directory" >&2; exit 2; }
	etc="$2"
	shift 2
fi
codename="${1:-bookworm}"
case "$codename" in
'' | *[!a-z0-9]*) echo "apt-mirror: bad codename '$codename'" >&2; exit 2 ;;
esac

files=()
[ -f "$etc/sources.list" ] && files+=("$etc/sources.list")
if [ -d "$etc/sources.list.d" ]; then
	# apt reads the parts in file name order (C collation).
	while IFS= read -r f; do
		files+=("$f")
	done < <(find "$etc/sources.list.d" -maxdepth 1 -type f \
		\( -name '*.list' -o -name '*.sources' \) | LC_ALL=C sort)
fi

# One-line format: deb [opts] URI SUITE COMPONENTS...
# shellcheck disable=SC2016 # awk programs
oneline='
{ sub(/#.*/, "") }
$1 != "deb" { next }
{
	i = 2
	if ($i ~ /^\[/) {		# options, possibly several words
		while (i <= NF && $i !~ /\]$/) i++
		i++
	}
	uri = $i; suite = $(i + 1)
	if (uri != "" && uri !~ /^cdrom:/ && (suite == want || suite == want "-updates")) {
		print uri; exit
	}
}'
# deb822: stanzas separated by blank lines; "Field: value" with continuation
# lines starting with white space; field names are case-insensitive.
# shellcheck disable=SC2016
deb822='
function flush(   n, i, t, s, u, deb, ok) {
	if (enabled != "no") {
		n = split(types, t, /[ \t]+/); deb = 0
		for (i = 1; i <= n; i++) if (t[i] == "deb") deb = 1
		n = split(suites, s, /[ \t]+/); ok = 0
		for (i = 1; i <= n; i++) if (s[i] == want || s[i] == want "-updates") ok = 1
		n = split(uris, u, /[ \t]+/)
		for (i = 1; i <= n; i++) {
			if (deb && ok && u[i] != "" && u[i] !~ /^cdrom:/) { print u[i]; found = 1; exit }
		}
	}
	types = suites = uris = enabled = field = ""
}
/^#/ { next }
/^[ \t]*$/ { flush(); next }
/^[ \t]/ {			# continuation of the previous field
	v = $0; gsub(/^[ \t]+|[ \t]+$/, "", v)
	if (field == "types") types = types " " v
	else if (field == "suites") suites = suites " " v
	else if (field == "uris") uris = uris " " v
	next
}
{
	field = tolower(substr($0, 1, index($0, ":") - 1))
	v = substr($0, index($0, ":") + 1); gsub(/^[ \t]+|[ \t]+$/, "", v)
	if (field == "types") types = v
	else if (field == "suites") suites = v
	else if (field == "uris") uris = v
	else if (field == "enabled") enabled = tolower(v)
}
END { if (!found) flush() }'

for f in "${files[@]}"; do
	case "$f" in
	*.sources) uri="$(awk -v want="$codename" "$deb822" "$f")" ;;
	*) uri="$(awk -v want="$codename" "$oneline" "$f")" ;;
	esac
	if [ -n "$uri" ]; then
		echo "${uri%/}"
		exit 0
	fi
done
echo "apt-mirror: no 'deb' source for $codename or $codename-updates in $etc/sources.list{,.d/*.list,.d/*.sources}" >&2
exit 1
