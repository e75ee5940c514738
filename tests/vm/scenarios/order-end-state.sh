# SPDX-License-Identifier: GPL-2.0
# profile: nvdimm-raw
#
# The order of block writes changes the time, never the result: online the
# 15 blocks of dax0.0 Movable in each order memplug offers and compare the
# end state (every block's zone, and start_pfn, spanned, present and managed
# of every Movable zone in /proc/zoneinfo); offline them in each order and
# compare again.
# shellcheck shell=sh

J=$RUN_OUT
nvdimm_devdax >/dev/null
run_expect 0 memplug reconfigure dax0.0 --mode=system-ram --no-online
assert_json $J '.targets[0].after.online_memblocks' 0 "blocks offline after --no-online"

# the Movable zones as "node N start_pfn S spanned S present P managed M"
movable_zones() {
	awk '$1 == "Node" { cur = ($4 == "Movable"); node = $2 }
	     cur && ($1 == "spanned" || $1 == "present" || $1 == "managed") { v[$1] = $2 }
	     cur && $1 == "start_pfn:" { print "node", node, "start_pfn", $2,
		"spanned", v["spanned"], "present", v["present"], "managed", v["managed"] }' /proc/zoneinfo
}
# every dax block with its state and zone
dax_blocks() {
	/usr/bin/jq -r '.memory_blocks[] | select(.source == "dax0.0") | "\(.block) \(.state) \(.zones)"' "$1"
}
end_state() {
	movable_zones
	memplug list -M >/tmp/list.json || fail "memplug list -M"
	dax_blocks /tmp/list.json
}

first=""
for order in descending ascending default; do
	step "online --order=$order"
	run_expect 0 memplug online dax0.0 --zone=movable --order=$order
	assert_json $J '.targets[0].after.zones.Movable' 15 "$order: Movable blocks"
	assert_json $J ".targets[0].steps[0]" "online 15 blocks online_movable ($(
		[ $order = default ] && echo descending || echo $order))" "$order: step names the order"
	end_state >/tmp/online-$order
	assert_ge "$(grep -c ' online Movable$' /tmp/online-$order)" 15 "$order: blocks online Movable"
	assert_ge "$(awk '$1 == "node" && $8 > 0' /tmp/online-$order | wc -l)" 1 "$order: a Movable zone with present pages"
	if [ -n "$first" ]; then
		cmp -s /tmp/online-$first /tmp/online-$order ||
			fail "end state after online --order=$order differs from --order=$first: $(diff /tmp/online-$first /tmp/online-$order | head -n 8 | tr '\n' ' ')"
	else
		first=$order
		log "end state after online: $(head -n 2 /tmp/online-$order | tr '\n' ' ')"
	fi
	off=hole-first
	[ $order = ascending ] && off=descending
	[ $order = default ] && off=ascending
	run_expect 0 memplug offline dax0.0 --order=$off
	assert_json $J '.targets[0].after.online_memblocks' 0 "offline --order=$off"
	end_state >/tmp/offline-$off
	[ "$(grep -c ' offline ' /tmp/offline-$off)" -eq 15 ] || fail "offline --order=$off: not all 15 blocks offline"
	if [ -n "$first_off" ]; then
		cmp -s /tmp/offline-$first_off /tmp/offline-$off ||
			fail "end state after offline --order=$off differs from --order=$first_off: $(diff /tmp/offline-$first_off /tmp/offline-$off | head -n 8 | tr '\n' ' ')"
	else
		first_off=$off
	fi
done

pass "online in 3 orders and offline in 3 orders: identical end states"
