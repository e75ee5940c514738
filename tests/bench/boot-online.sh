# SPDX-License-Identifier: GPL-2.0
# Boot-to-online of a configured 64 GiB pmem namespace in the systemd guest:
# memplug's udev rule and units against what a distribution does
# without memplug.  Run by tests/bench/run-boot-bench.sh, not in a suite.
#   boot 1:    labels, one devdax namespace of the whole device, by uuid;
#   boots 2-7: one path a boot, in turn, two rounds:
#     memplug  memplug.conf.d names the uuid, zone movable (memplug's rule
#              and memplug-apply@; daxctl's rule finds no daxctl config);
#     daxctl   memplug's rule masked, no memplug config: ndctl's own
#              rule and unit (upstream's 90-daxctl-device.rules and
#              daxdev-reconfigure@.service: `daxctl reconfigure-device -C`)
#              with a daxctl.conf.d [reconfigure-device] section
#              (system-ram, online, movable).  Debian 12's rule runs
#              `daxctl -C DEV`, which daxctl 76 rejects ("Unknown option"):
#              on Debian daxctl's config is never applied at boot, so
#              the upstream pair stands in for it;
#     rhel     the same with the section's online = false (kmem bind
#              only), and RHEL's 40-redhat.rules onlines each block as it
#              appears (zone: the kernel's choice).
# Times are seconds since the kernel started: dax0.0 appears (a poller
# started before udev, every 0.25 s); online: the converting unit is done
# (memplug-apply@dax0.0, daxdev-reconfigure@dax0.0; on the rhel path the
# poller sees every block online); udev's queue is empty (the per-block
# events and what they run are over).
# profile: large-labels
# guest: systemd
# boots: 7
# timeout: 400
# shellcheck shell=sh
# shellcheck disable=SC3043 # dash and busybox sh have local

NS_UUID=7a3c9e10-2f4b-4d6a-8e1c-5b9d0f2a4c61
MEM=/sys/devices/system/memory

path_of_boot() {
	case $((($1 - 2) % 3)) in
	0) echo memplug ;;
	1) echo daxctl ;;
	*) echo rhel ;;
	esac
}

# The driver core links dax0.0 to kmem before kmem's probe adds the
# blocks: "online" is every block of the device online, at least
# size / block size - 1 of them (kmem adds whole blocks only) on top of
# the boot memory, and none offline.
poller() {
	local seen="" n0 want bs
	n0=$(cat $MEM/memory*/state | grep -cx online)
	bs=$((0x$(cat $MEM/block_size_bytes)))
	while :; do
		if [ -z "$seen" ] && [ -e /sys/bus/dax/devices/dax0.0/size ]; then
			seen=1
			cut -d' ' -f1 /proc/uptime >/run/dax-at
			want=$((n0 + $(cat /sys/bus/dax/devices/dax0.0/size) / bs - 1))
		fi
		if [ -n "$seen" ] && [ "$(cat $MEM/memory*/state | grep -cx online)" -ge "$want" ] &&
			! grep -qx offline $MEM/memory*/state; then
			cut -d' ' -f1 /proc/uptime >/run/online-at
			return 0
		fi
		sleep 0.25
	done
}

# daxctl 76 matches nvdimm.uuid against the uuid of the namespace's dax
# info block (what `ndctl list` shows), which create-namespace draws at
# random, not against the label's: an operator copies it into the config
# once.  The guest keeps no file between boots, so this writes the
# section as soon as the namespace is probed, seconds before udev's
# workers reach the dax device (a late config fails the boot: daxctl
# says "missing or malformed config section").
daxctl_config() {
	local nd=/sys/bus/nd/devices holder i=0
	while [ $i -lt 1200 ]; do
		holder=$(cat $nd/namespace0.0/holder 2>/dev/null || true)
		if [ -n "$holder" ] && [ -s "$nd/$holder/uuid" ]; then
			printf '[reconfigure-device pmem]\nnvdimm.uuid = %s\nmode = system-ram\n%s\n' \
				"$(cat "$nd/$holder/uuid")" "$1" >/etc/daxctl.conf.d/pmem.conf.tmp
			mv /etc/daxctl.conf.d/pmem.conf.tmp /etc/daxctl.conf.d/pmem.conf
			cut -d' ' -f1 /proc/uptime >/run/daxctl-config-at
			return 0
		fi
		i=$((i + 1))
		sleep 0.05
	done
}

setup_boot() {
	local path
	[ "$MEMPLUG_BOOT" -ge 2 ] || return 0
	path=$(path_of_boot "$MEMPLUG_BOOT")
	echo "$path" >/run/path
	case $path in
	memplug)
		mkdir -p "$MEMPLUG_SYSCONFDIR/memplug.conf.d"
		printf '[namespace pmem]\nuuid = %s\nzone = movable\n' "$NS_UUID" \
			>"$MEMPLUG_SYSCONFDIR/memplug.conf.d/10-pmem.conf"
		;;
	daxctl | rhel)
		mkdir -p /etc/udev/rules.d /etc/daxctl.conf.d /etc/systemd/system
		ln -sf /dev/null /etc/udev/rules.d/10-memplug.rules
		# ndctl upstream's rule and unit (Debian's rule is broken), by
		# the kernel name: daxdev-reconfigure@dax0.0.service
		echo 'ACTION=="add", SUBSYSTEM=="dax", TAG+="systemd", ENV{SYSTEMD_WANTS}="daxdev-reconfigure@%k.service"' \
			>/etc/udev/rules.d/90-daxctl-device.rules
		printf '%s\n' '[Unit]' 'Description=Automatic daxctl device reconfiguration' \
			'[Service]' 'Type=oneshot' 'RemainAfterExit=yes' \
			'ExecStart=/usr/bin/daxctl reconfigure-device -C %i' \
			>/etc/systemd/system/daxdev-reconfigure@.service
		if [ "$path" = daxctl ]; then
			online="online = true
movable = true"
		else
			online="online = false"
			echo 'SUBSYSTEM=="memory", ACTION=="add", ATTR{state}=="offline", ATTR{state}="online"' \
				>/etc/udev/rules.d/40-redhat.rules
		fi
		daxctl_config "$online" </dev/null >/dev/null 2>&1 &
		;;
	esac
	poller </dev/null >/dev/null 2>&1 &
}

# what the console should show when a path did not get dax0.0 online
diagnose() {
	log "dax0.0 driver: $(readlink /sys/bus/dax/devices/dax0.0/driver || echo none)"
	log "blocks: $(cat $MEM/memory*/state | sort | uniq -c | tr '\n' ' ')"
	log "dax-at $(cat /run/dax-at 2>/dev/null) online-at $(cat /run/online-at 2>/dev/null) daxctl-config-at $(cat /run/daxctl-config-at 2>/dev/null)"
	log "memplug list: $(memplug list -d dax0.0 | jq -c '.sources[0] | {mode, total_memblocks, online_memblocks}')"
	log "namespace: $(ndctl list -N | jq -c '.')"
	journalctl -q -o short-monotonic --no-pager -u 'memplug-apply*' -u 'daxdev-reconfigure*' \
		-u systemd-udevd | grep -v '^ *[]{}[]*,*$' | tail -n 60 |
		while read -r line; do log "journal: $line"; done
}

# unit_of PATH: the unit that converts and onlines dax0.0 on that path
unit_of() {
	case $1 in
	memplug) echo memplug-apply@dax0.0.service ;;
	*) echo daxdev-reconfigure@dax0.0.service ;;
	esac
}

check_boot() {
	local path unit dax_at online_at seen_at settled_at zones total
	assert_eq "$(cat /proc/1/comm)" systemd "PID 1"
	if [ "$MEMPLUG_BOOT" = 1 ]; then
		step "boot 1: labels and a 64 GiB devdax namespace"
		nvdimm_init_labels
		ndctl create-namespace -m devdax --uuid="$NS_UUID" >/tmp/ns.json 2>/tmp/ns.err ||
			fail "create-namespace: $(cat /tmp/ns.err)"
		pass "namespace $NS_UUID created"
	fi
	path=$(cat /run/path)
	unit=$(unit_of "$path")
	step "boot $MEMPLUG_BOOT ($path): waiting until dax0.0 is online"
	if ! wait_for 300 test -e /run/online-at || ! wait_for 300 unit_settled "$unit"; then
		diagnose
		fail "$path: dax0.0 not online after 300 s ($unit: $(unit_state "$unit"))"
	fi
	assert_eq "$(unit_state "$unit")" active "$unit"
	step "boot $MEMPLUG_BOOT ($path): waiting for udev's queue to empty"
	udevadm settle --timeout=300 || fail "udev did not settle in 300 s"
	settled_at=$(cut -d' ' -f1 /proc/uptime)
	dax_at=$(cat /run/dax-at)
	seen_at=$(cat /run/online-at)
	# memplug and daxctl online in their unit: done when it is; on the
	# rhel path udev's workers online the blocks, the unit only binds
	online_at=$seen_at
	[ "$path" = rhel ] || online_at=$(unit_done_s "$unit")
	memplug list -d dax0.0 >/tmp/list.json || fail "memplug list"
	zones=$(jq -c '.sources[0].zones' /tmp/list.json)
	total=$(jq -r '.sources[0].total_memblocks' /tmp/list.json)
	# 64 GiB: 503 blocks of 128 MiB after the namespace's alignment
	if [ "$total" -lt 500 ]; then
		diagnose
		fail "$path: dax0.0 has $total blocks"
	fi
	assert_json /tmp/list.json '.sources[0].online_memblocks' "$total"
	metric "${path}_device_s" "$dax_at" s
	metric "${path}_online_s" "$online_at" s
	metric "${path}_online_seen_s" "$seen_at" s
	metric "${path}_settled_s" "$settled_at" s
	metric "${path}_movable_blocks" "$(jq -r '.sources[0].zones.Movable // 0' /tmp/list.json)" blocks
	metric "${path}_total_blocks" "$total" blocks
	pass "$path: dax0.0 appeared at ${dax_at}s, online at ${online_at}s (seen ${seen_at}s), udev settled at ${settled_at}s, zones $zones"
}
