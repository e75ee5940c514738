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

echo "1..$n"
exit $fail
