# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
# append: parallel_hotplug_ratio=1
#
# Parallel deferred onlining is detected by evidence that the running kernel
# has it, not by the command line: every kernel here boots with
# parallel_hotplug_ratio=1, which only the test bed's patched 7.3 knows.
#   7.3-parallel (and any 7.3-* build: the header switches it on): the kernel
#     registers /sys/module/kernel/parameters/parallel_hotplug_ratio (reads
#     1) and has deferred_online_memory; `memplug list` says
#     parallel_onlining true with non-null evidence, no warning.
#   6.1, 6.12, 7.3 (Debian's): the kernel ignores the parameter; `memplug
#     list` says parallel_onlining false, parallel_requested true and warns
#     parallel-unconfirmed (system-wide, source null).
# The expectation follows the runner's kernel name, never what the guest
# shows, so a patched kernel that lost its interface fails here.
# shellcheck shell=sh

[ "$MEMPLUG_HAVE_BINARY" = 1 ] || fail "memplug binary missing from the initramfs"
J=$RUN_OUT
PARAM=/sys/module/kernel/parameters/parallel_hotplug_ratio
assert_contains " $(cat /proc/cmdline) " " parallel_hotplug_ratio=1 " "kernel command line"
case "$MEMPLUG_KERNEL" in
7.3-*) patched=1 ;;
*) patched=0 ;;
esac

step "the kernel's own interface (patched: $patched)"
if [ "$patched" = 1 ]; then
	[ -r $PARAM ] || fail "$PARAM missing on $MEMPLUG_KERNEL ($(uname -r)): the kernel lacks the parallel onlining patch"
	assert_eq "$(cat $PARAM)" 1 "$PARAM"
	grep -q ' deferred_online_memory$' /proc/kallsyms ||
		fail "deferred_online_memory not in /proc/kallsyms"
else
	[ ! -e $PARAM ] || fail "$PARAM exists on Debian's $(uname -r)"
fi

step "memplug list"
run_expect 0 memplug list
assert_json $J '.system.capabilities.parallel_requested' true "parallel_requested"
unconfirmed='[.warnings[] | select(.code == "parallel-unconfirmed")]'
if [ "$patched" = 1 ]; then
	assert_json $J '.system.capabilities.parallel_onlining' true "parallel_onlining"
	assert_json $J '.system.capabilities.parallel_hotplug_ratio' 1 "parallel_hotplug_ratio"
	assert_json $J '.system.capabilities.parallel_evidence != null' true "parallel_evidence"
	assert_json $J "$unconfirmed | length" 0 "no parallel-unconfirmed warning"
	evidence="$(/usr/bin/jq -r '.system.capabilities.parallel_evidence' $J)"
else
	assert_json $J '.system.capabilities.parallel_onlining' false "parallel_onlining"
	assert_json $J '.system.capabilities.parallel_evidence' null "parallel_evidence"
	assert_json $J "$unconfirmed | length" 1 "parallel-unconfirmed warning"
	assert_json $J "$unconfirmed | .[0].source" null "the warning's source"
	evidence=none
fi
pass "parallel onlining $([ "$patched" = 1 ] && echo confirmed || echo refused), evidence $evidence"
