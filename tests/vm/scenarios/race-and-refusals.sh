# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
# timeout: 180
#
# The kernel onlines blocks behind memplug's back (auto_online_blocks):
# memplug warns naming the zone, --force moves them to Movable.  A devdax
# device held open is refused with exit 4.  Two concurrent runs serialize.
# shellcheck shell=sh

J=$RUN_OUT
nvdimm_devdax >/dev/null

step "devdax device in use: refused, nothing changed"
sh -c 'exec 3</dev/dax0.0; sleep 30' &
holder=$!
sleep 0.5
run_expect 4 memplug reconfigure dax0.0 --mode=system-ram
assert_contains "$(cat $RUN_ERR)" "in use by pid" "refusal"
assert_eq "$(dax_driver dax0.0)" device_dax "driver unchanged"
kill $holder
wait $holder 2>/dev/null || true

step "two concurrent runs: both exit 0, one changes"
memplug reconfigure dax0.0 --mode=system-ram >/tmp/a.json 2>/dev/null &
pa=$!
memplug reconfigure dax0.0 --mode=system-ram >/tmp/b.json 2>/dev/null &
pb=$!
ra=0; wait $pa || ra=$?
rb=0; wait $pb || rb=$?
assert_eq "$ra/$rb" 0/0 "exit codes"
assert_eq "$(/usr/bin/jq -r .changed /tmp/a.json /tmp/b.json | sort | tr '\n' ' ')" "false true " "one changed, one unchanged"
assert_eq "$(dax_driver dax0.0)" kmem "driver"
run_expect 0 memplug reconfigure dax0.0 --mode=devdax
assert_eq "$(dax_driver dax0.0)" device_dax "back to devdax"

step "auto_online_blocks=online_kernel races: partial (bound, zone refused), never unchanged"
echo online_kernel >$SYS_MEM/auto_online_blocks
run_expect 3 memplug reconfigure dax0.0 --mode=system-ram --zone=movable
echo offline >$SYS_MEM/auto_online_blocks
assert_json $J '.targets[0].result' partial "result of a bind whose zone request is unmet"
assert_json $J '.targets[0].warnings | map(select(.code == "auto-online")) | length' 1 "auto-online warning"
assert_contains "$(cat $RUN_ERR)" "auto_online_blocks=online_kernel" "the cause named"
assert_contains "$(cat $RUN_ERR)" "memplug reconfigure dax0.0 --mode=system-ram --zone=movable --force" "the command named"
assert_json $J '.targets[0].after.zones.Normal' 15 "blocks left in Normal without --force"
run_expect 4 memplug online dax0.0 --zone=movable
assert_json $J '.targets[0].result' refused "online: refused too"

step "--force moves them to Movable (blocks with unmovable pages stay: exit 3)"
rc=0
memplug reconfigure dax0.0 --mode=system-ram --zone=movable --force --timeout=15 >$J 2>$RUN_ERR || rc=$?
assert_contains " 0 3 " " $rc " "exit of --force"
assert_json $J '.changed' true "changed"
stuck=$(/usr/bin/jq -r '.targets[0].failed_blocks | length' $J)
assert_json $J '.targets[0].after.zones.Movable' $((15 - stuck)) "Movable after --force"
assert_json $J '.targets[0].after.zones.Normal' "$stuck" "Normal blocks left are the failed ones"
log "--force moved $((15 - stuck)) blocks, $stuck kept unmovable pages (exit $rc)"

pass "in-use refused, concurrent runs serialized, race warned and fixed"
