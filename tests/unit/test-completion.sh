#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bash completion in a real bash with bash-completion's _init_completion:
# commands, options, option values and targets of generated trees (through
# memplug --list-targets).  Usage: test-completion.sh MEMPLUG COMPLETION
# Needs bash-completion; under CI=true its absence fails instead of skipping.
set -u
memplug=$1
completion=$2
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}

bc=/usr/share/bash-completion/bash_completion
if [ ! -r "$bc" ]; then
	echo "bash-completion is not installed ($bc)"
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi
tmp=$(mktemp -d /tmp/memplug-compl.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
ln -s "$(realpath "$memplug")" "$tmp/bin/memplug"
PATH=$tmp/bin:$PATH
"$python" "$here/sysfs_tree.py" vm-small "$tmp/vm" >/dev/null || exit 1
"$python" "$here/sysfs_tree.py" cxl-host "$tmp/cxl" >/dev/null || exit 1
"$python" "$here/sysfs_tree.py" dimm-virtio "$tmp/dimm" >/dev/null || exit 1

# shellcheck source=/dev/null
. "$bc"
# shellcheck source=/dev/null
. "$completion"

# outside a real completion bash's compopt refuses to run: record its
# options instead, to check that "--zone=" gets no trailing space
compopt() { COMPOPT="$*"; }

fail=0
n=0
# complete LINE: split it the way readline does (blanks, and '=' as a word
# of its own, COMP_WORDBREAKS), call the completion function, print the
# sorted candidates on one line
complete_line() {
	local line=$1 w
	COMP_WORDS=()
	for w in $line; do
		while [[ $w == *=* ]]; do
			COMP_WORDS+=("${w%%=*}" "=")
			w=${w#*=}
		done
		[ -n "$w" ] && COMP_WORDS+=("$w")
	done
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	COMPOPT=
	_memplug memplug "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
	[ -n "$COMPOPT" ] && printf ' [%s]' "$COMPOPT"
}
expect() {
	local line=$1 want=$2 got
	got=$(complete_line "$line")
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n - '$line' -> $got"
	else
		echo "not ok $n - '$line': want '$want', got '$got'"
		fail=1
	fi
}

expect "memplug re" "reconfigure"
expect "memplug " "apply config help list offline online reconfigure version"
expect "memplug help on" "online"
expect "memplug --sys" "--sysfs-root= [-o nospace]"
expect "memplug online --zo" "--zone= [-o nospace]"
expect "memplug reconfigure --mode=" "devdax system-ram"
expect "memplug reconfigure --mode=sy" "system-ram"
expect "memplug reconfigure -m d" "devdax"
expect "memplug online --zone=" "auto movable normal"
expect "memplug list --zone=M" "Movable"
expect "memplug offline --order=h" "hole-first"
expect "memplug online --order=" "ascending default descending hole-first"
expect "memplug reconfigure --fo" "--force"
expect "memplug list --memory-b" "--memory-blocks"
expect "memplug --sysfs-root=$tmp/vm reconfigure d" "dax0.0"
expect "memplug --sysfs-root $tmp/vm reconfigure n" "namespace0.0"
expect "memplug --sysfs-root=$tmp/vm online a" "all"
expect "memplug --sysfs-root=$tmp/vm offline memory" "memory33-47"
expect "memplug --sysfs-root=$tmp/cxl reconfigure r" "region0 region1"
expect "memplug --sysfs-root=$tmp/cxl reconfigure region0 --mode=system-ram d" "dax0.0 dax1.0"
expect "memplug --sysfs-root=$tmp/dimm online memory" "memory32-39 memory40-47"
expect "memplug --sysfs-root=$tmp/cxl list --device=r" "region0 region1"
expect "memplug --sysfs-root=$tmp/vm list d" ""
# reconfigure takes devices, never block lists or boot memory
expect "memplug --sysfs-root=$tmp/vm reconfigure " "all dax0.0 namespace0.0"
expect "memplug --sysfs-root=$tmp/vm reconfigure m" ""
expect "memplug --sysfs-root=$tmp/vm reconfigure b" ""
# -o: the table's column names, the last of a comma-separated list
expect "memplug list -o MEMM" "MEMMAP MEMMAP-AT [-o nospace]"
expect "memplug list -o source,mo" "source,MODE [-o nospace]"
expect "memplug list --output=+RE" "+REASON +REGION +RESOURCE [-o nospace]"
expect "memplug list -M -o ST" "STATE [-o nospace]"
expect "memplug list -o " "BASIS BLOCKS HPA KNOB MEMDEVS MEMMAP MEMMAP-AT MODE NAMESPACE NODES ONLINE REASON REGION RESOURCE SIZE SOURCE TARGET-NODE TOTAL TYPE UUID ZONES [-o nospace]"

# Names are data: dax devices whose names carry $(), backticks, quotes, a
# newline, ESC, BEL and C1 bytes run nothing and are no candidates (memplug
# --list-targets leaves out what is not a kernel name), and a newline makes
# no fake target (region9).  Completions run in $tmp/cwd: nothing may
# appear there or anywhere in $tmp.
# shellcheck disable=SC2016 # literal: nothing may expand them
evil_names=(
	'dax6.0$(touch${IFS}pwned1)'
	'dax6.1`touch${IFS}pwned2`'
	"dax6.2';touch pwned3;'"
	'dax6.3";touch pwned4;"'
	$'dax6.4\nregion9'
	$'dax6.5\e]0;owned\a\e[2J'
	$'dax6.6\xc2\x9b31m'
	'dax6.7 --force'
)
"$python" "$here/sysfs_tree.py" vm-small "$tmp/evil" >/dev/null || exit 1
nd=$tmp/evil/sys/devices/platform/ACPI0012:00/ndbus0/region0/dax0.1
for name in "${evil_names[@]}"; do
	cp -a "$nd/dax0.0" "$nd/$name" &&
		ln -s "../../../devices/platform/ACPI0012:00/ndbus0/region0/dax0.1/$name" \
			"$tmp/evil/sys/bus/dax/devices/$name" || exit 1
done
mkdir "$tmp/cwd"
cd "$tmp/cwd" || exit 1
expect "memplug --sysfs-root=$tmp/evil reconfigure d" "dax0.0"
expect "memplug --sysfs-root=$tmp/evil online " "all boot-node0 dax0.0 memory33-47 namespace0.0"
expect "memplug --sysfs-root=$tmp/evil offline r" ""
# boot memory is a target (memplug-offline(1)): completed, last
expect "memplug --sysfs-root=$tmp/evil offline b" "boot-node0"
expect "memplug --sysfs-root=$tmp/evil list --device=" "boot-node0 dax0.0 namespace0.0"

# the shell side alone: a memplug that prints hostile words one a line.
# Each candidate is quoted: read back by the shell it is the word itself,
# and nothing runs.
mkdir "$tmp/fake"
{
	echo '#!/bin/bash'
	echo 'cat <<"EOF"'
	# shellcheck disable=SC2016
	printf '%s\n' "${evil_names[@]}" '$(touch pwned5)' 'dax9.0*' 'dax9.1;touch pwned6'
	echo 'EOF'
} >"$tmp/fake/memplug"
chmod +x "$tmp/fake/memplug"
want=$(printf '%s\n' "${evil_names[@]}" 'dax9.0*' 'dax9.1;touch pwned6' | grep '^dax' | sort)
got=$(
	PATH=$tmp/fake:$PATH
	COMP_WORDS=(memplug online dax)
	COMP_CWORD=2
	COMP_LINE="memplug online dax"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_memplug memplug dax online
	for c in "${COMPREPLY[@]}"; do
		eval "set -- $c"
		[ $# = 1 ] && printf '%s\n' "$1"
	done | sort
)
n=$((n + 1))
if [ "$got" = "$want" ]; then
	echo "ok $n - hostile words are quoted candidates"
else
	echo "not ok $n - hostile words: want $(printf %q "$want"), got $(printf %q "$got")"
	fail=1
fi
n=$((n + 1))
ran=$(find "$tmp" -name 'pwned*' | sort | tr '\n' ' ')
if [ -z "$ran" ] && [ -z "$(ls -A "$tmp/cwd")" ]; then
	echo "ok $n - no command in a name ran"
else
	echo "not ok $n - names ran commands: $ran $(ls -A "$tmp/cwd")"
	fail=1
fi
cd / || exit 1

echo "1..$n"
exit $fail
