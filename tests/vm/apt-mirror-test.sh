#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# apt-mirror-test.sh: checks scripts/apt-mirror.sh (the mirror every fetch
# and install script uses) on generated apt source trees in a temp dir.
# Exit 0 when every case prints the expected URI (or fails as expected).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOL="$HERE/../../scripts/apt-mirror.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
n=0

# case NAME EXPECTED(URI or "FAIL") [CODENAME]; the tree is $tmp/NAME
check() {
	local name="$1" want="$2" got rc
	shift 2
	n=$((n + 1))
	got="$("$TOOL" --etc "$tmp/$name" "$@" 2>"$tmp/err")"
	rc=$?
	if [ "$want" = FAIL ]; then
		if [ "$rc" -ne 1 ] || [ -n "$got" ] || ! grep -q '^apt-mirror: no ' "$tmp/err"; then
			echo "apt-mirror $name: expected exit 1 and a reason, got rc=$rc '$got'" >&2
			status=1
		fi
	elif [ "$rc" -ne 0 ] || [ "$got" != "$want" ]; then
		echo "apt-mirror $name: expected '$want', got rc=$rc '$got' ($(cat "$tmp/err"))" >&2
		status=1
	fi
}
mk() { # NAME FILE: content on stdin
	mkdir -p "$tmp/$1/sources.list.d"
	cat >"$tmp/$1/$2"
}

# The layout of this machine kind: deb822 only, security stanza second.
mk deb822 sources.list.d/debian.sources <<'EOF'
Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian/
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
EOF
check deb822 http://mirror.example/debian

# Security first, deb-src first, a disabled stanza, continuation lines.
mk deb822-order sources.list.d/a.sources <<'EOF'
Types: deb
URIs: http://sec.example/debian-security
Suites: bookworm-security
Components: main

Types: deb-src
URIs: http://src.example/debian
Suites: bookworm
Components: main

Enabled: no
Types: deb
URIs: http://off.example/debian
Suites: bookworm

types: deb
uris:
 http://multi.example/debian
 http://second.example/debian
suites: bookworm-updates
components: main
EOF
check deb822-order http://multi.example/debian

# One-line format with options; sources.list wins over the parts.
mk oneline sources.list <<'EOF'
# deb http://commented.example/debian bookworm main
deb-src http://src.example/debian bookworm main
deb http://security.debian.org/debian-security bookworm-security main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://one.example/debian bookworm main contrib
EOF
mk oneline sources.list.d/z.sources <<'EOF'
Types: deb
URIs: http://later.example/debian
Suites: bookworm
EOF
check oneline http://one.example/debian

# Other repositories (backports, third party, cdrom) are not the main archive.
mk others sources.list <<'EOF'
deb cdrom:[Debian GNU/Linux 12]/ bookworm main
EOF
mk others sources.list.d/backports.list <<'EOF'
deb http://deb.example/debian bookworm-backports main
EOF
mk others sources.list.d/vendor.list <<'EOF'
deb https://vendor.example/apt cloud-sdk-bookworm main
EOF
check others FAIL
mk others sources.list.d/zz.list <<'EOF'
deb	http://tab.example/debian	bookworm-updates main
EOF
check others http://tab.example/debian

# Options with spaces inside the brackets; deb822 "Types: deb-src deb".
mk spaced sources.list <<'EOF'
deb [ arch=amd64 trusted=no ] http://spaced.example/debian/ bookworm main
EOF
check spaced http://spaced.example/debian
mk bothtypes sources.list.d/debian.sources <<'EOF'
Types: deb-src deb
URIs: http://both.example/debian
Suites: bookworm
Components: main
EOF
check bothtypes http://both.example/debian

# Another codename; a bad codename is a usage error.
check deb822 FAIL trixie
"$TOOL" --etc "$tmp/deb822" 'book/worm' >/dev/null 2>&1
[ $? -eq 2 ] || { echo "apt-mirror: bad codename not refused" >&2; status=1; }
mkdir -p "$tmp/empty"
check empty FAIL

[ "$status" -eq 0 ] && echo "apt-mirror: $n cases ok"
exit "$status"
