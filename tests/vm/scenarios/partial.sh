# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
# timeout: 200
#
# An offline that cannot finish: blocks onlined into ZONE_NORMAL collect
# unmovable kernel allocations.  memplug retries until --timeout, then exits
# 3 with the blocks still online named, kmem still bound (nothing half
# unbound); re-running after freeing memory converges or stays partial.
# shellcheck shell=sh

J=$RUN_OUT
nvdimm_devdax >/dev/null
step "online Normal and fill the node with kernel allocations"
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --zone=normal
assert_json $J '.targets[0].after.zones.Normal' 15 "zones.Normal"
mkdir -p /tmp/fill
i=0
while [ $i -lt 20000 ]; do
	: >/tmp/fill/f$i
	i=$((i + 1))
done

step "devdax with --timeout=5"
t0=$(now_ns)
rc=0
memplug reconfigure dax0.0 --mode=devdax --timeout=5 >$J 2>$RUN_ERR || rc=$?
ms=$(elapsed_ms "$t0")
metric partial_offline_ms "$ms" ms
[ "$rc" = 3 ] || skip "every block offlined (exit $rc): no unmovable page this time"
assert_ge 30000 "$ms" "ended within the timeout plus slack"
assert_json $J '.targets[0].result' partial "result"
assert_json $J '.changed' true "changed"
assert_eq "$(dax_driver dax0.0)" kmem "kmem still bound"
failed=$(/usr/bin/jq -r '.targets[0].failed_blocks[]' $J)
assert_ge "$(count_lines "$failed")" 1 "failed blocks named"
for b in $failed; do
	assert_eq "$(cat $SYS_MEM/memory$b/state)" online "memory$b still online"
done
assert_json $J '.targets[0].after.online_memblocks' "$(count_lines "$failed")" "after.online_memblocks"

step "free memory and re-run: converges or stays partial, never worse"
rm -rf /tmp/fill
echo 3 >/proc/sys/vm/drop_caches
rc=0
memplug reconfigure dax0.0 --mode=devdax --timeout=10 >$J 2>$RUN_ERR || rc=$?
if [ "$rc" = 0 ]; then
	assert_eq "$(dax_driver dax0.0)" device_dax "converged to devdax"
else
	# 3 when some blocks went offline this time, 1 when none did
	assert_contains " 1 3 " " $rc " "exit of the re-run"
	assert_ge "$(count_lines "$failed")" "$(/usr/bin/jq -r '.targets[0].failed_blocks | length' $J)" "fewer or equal blocks left"
	assert_eq "$(dax_driver dax0.0)" kmem "kmem still bound"
fi
pass "partial offline reported (exit 3) and re-run converges (exit $rc)"
