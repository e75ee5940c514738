# SPDX-License-Identifier: GPL-2.0
# The memplug.memplug Ansible collection against the guest's real kernel:
# ansible-core 2.14 from Debian runs a playbook inside the systemd guest
# with connection: local, as a host provisioning itself would (ansible-pull,
# a first-boot playbook):
#   1. --check --diff: the task reports changed with a before/after diff,
#      and nothing is written (the namespace stays raw, no dax device);
#   2. the real run: namespace0.0 (raw) -> devdax -> system-ram, Movable;
#      the task's JSON is memplug's, the blocks are online Movable;
#   3. the same play again: changed=0;
#   4. memplug_info's data equal `memplug list` (system, summary, nodes,
#      sources, namespaces, regions) as read right after it;
#   5. the namespace by its stable identity (uuid:, as ndctl list prints
#      it): memplug resolves it to its dax device, the task is unchanged,
#      and --check --diff with zone normal refuses without move_zone and
#      predicts every block in Normal with it.
# profile: nvdimm-raw
# guest: systemd
# flavour: ansible
# timeout: 600
# shellcheck shell=sh
# shellcheck disable=SC3043 # dash and busybox sh have local

PLAY=/tmp/play.yml
INV=/tmp/inventory

# play NAME [ansible-playbook args]: run the play (default callback);
# its exit status in $PLAY_RC, its output in /tmp/NAME.out, the results
# of the memplug task and of memplug_info in /tmp/NAME-conv.json and
# /tmp/NAME-info.json (Debian's ansible-core has no json callback: the
# play saves what it registered)
play() {
	local name="$1"
	shift
	rm -f /tmp/conv.json /tmp/info.json
	PLAY_RC=0
	LC_ALL=C.UTF-8 HOME=/tmp ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
		ANSIBLE_LOCAL_TEMP=/tmp/ansible-local ANSIBLE_REMOTE_TEMP=/tmp/ansible-remote \
		ansible-playbook -i "$INV" "$PLAY" "$@" >"/tmp/$name.out" 2>&1 || PLAY_RC=$?
	[ ! -e /tmp/conv.json ] || mv /tmp/conv.json "/tmp/$name-conv.json"
	[ ! -e /tmp/info.json ] || mv /tmp/info.json "/tmp/$name-info.json"
}

# recap NAME FIELD: FIELD (ok, changed, failed ...) of the play's recap line
# save_task NAME...: the playbook task that writes each registered NAME
# to /tmp/NAME.json, in check mode too
save_task() {
	local d="" k
	for k in "$@"; do d="$d${d:+, }'$k': $k"; done
	cat <<EOT
    - name: save the results for the test
      ansible.builtin.copy:
        content: "{{ item.value | to_json }}"
        dest: "/tmp/{{ item.key }}.json"
        mode: "0644"
      loop: "{{ {$d} | dict2items }}"
      check_mode: false
      diff: false
      changed_when: false
EOT
}

recap() {
	sed -n "s/^localhost *:.* $2=\([0-9]*\).*/\1/p" "/tmp/$1.out"
}

raw_namespace() {
	[ "$(ndctl list -n namespace0.0 | jq -r '(if type == "array" then .[0] else . end).mode')" = raw ]
}

check_boot() {
	local t0 total online0 uuid dax
	[ "$MEMPLUG_HAVE_BINARY" = 1 ] || fail "memplug not installed"
	assert_eq "$(cat /proc/1/comm)" systemd "PID 1"
	command -v ansible-playbook >/dev/null || fail "no ansible-playbook in the guest"
	ansible-doc memplug.memplug.memplug >/tmp/doc.txt 2>&1 ||
		fail "ansible-doc does not find the collection: $(tail -n 3 /tmp/doc.txt)"
	raw_namespace || fail "namespace0.0 is not raw at the start"
	online0=$(count_lines "$(blocks_in_state online)")

	printf 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' >"$INV"
	cat >"$PLAY" <<'EOT'
- name: pmem as system RAM, Movable, on this very host
  hosts: localhost
  gather_facts: false
  tasks:
    - name: namespace0.0 as system RAM
      memplug.memplug.memplug:
        targets: [namespace0.0]
        mode: system-ram
        zone: movable
        force: true
        timeout: 120
      register: conv
    - name: what memplug_info reports
      memplug.memplug.memplug_info:
      register: info
EOT
	save_task conv info >>"$PLAY"

	step "1: --check --diff"
	t0=$(now_ns)
	play check --check --diff
	metric check_play_ms "$(elapsed_ms "$t0")" ms
	assert_eq "$PLAY_RC" 0 "exit status of --check --diff ($(tail -n 5 /tmp/check.out))"
	assert_eq "$(recap check changed)" 1 "changed tasks in check mode"
	assert_json /tmp/check-conv.json .changed true
	assert_json /tmp/check-conv.json .dry_run true
	assert_json /tmp/check-conv.json '.targets[0].result' planned
	assert_json /tmp/check-conv.json '.diff.after["namespace0.0"].mode' system-ram
	assert_contains "$(cat /tmp/check.out)" 'system-ram' "the diff printed by --diff"
	raw_namespace || fail "check mode converted namespace0.0"
	assert_eq "$(count_lines "$(find /sys/bus/dax/devices -mindepth 1 -maxdepth 1)")" 0 \
		"dax devices after check mode"
	assert_eq "$(count_lines "$(blocks_in_state online)")" "$online0" "online blocks after check mode"

	step "2: the real run"
	t0=$(now_ns)
	play apply
	metric apply_play_ms "$(elapsed_ms "$t0")" ms
	assert_eq "$PLAY_RC" 0 "exit status of the play ($(tail -n 5 /tmp/apply.out))"
	assert_eq "$(recap apply changed)" 1 "changed tasks"
	assert_json /tmp/apply-conv.json .changed true
	assert_json /tmp/apply-conv.json .rc 0
	assert_json /tmp/apply-conv.json '.targets[0].result' changed
	memplug list -d namespace0.0 >/tmp/list.json || fail "memplug list -d namespace0.0"
	total=$(jq -r '.sources[0].total_memblocks' /tmp/list.json)
	assert_ge "$total" 7 "blocks of namespace0.0"
	assert_json /tmp/list.json '.sources[0].mode' system-ram
	assert_json /tmp/list.json '.sources[0].online_memblocks' "$total"
	assert_json /tmp/list.json '.sources[0].zones.Movable // 0' "$total"

	step "3: the same play again"
	play again
	assert_eq "$PLAY_RC" 0 "exit status of the rerun ($(tail -n 5 /tmp/again.out))"
	assert_eq "$(recap again changed)" 0 "changed tasks on the rerun"
	assert_json /tmp/again-conv.json .changed false
	assert_json /tmp/again-conv.json '.targets[0].result' unchanged

	step "4: memplug_info equals memplug list"
	memplug list >/tmp/list-all.json || fail "memplug list"
	for key in format_version system summary nodes sources namespaces regions; do
		assert_eq "$(jq -cS ".$key" /tmp/again-info.json)" \
			"$(jq -cS ".$key" /tmp/list-all.json)" "memplug_info .$key"
	done
	assert_json /tmp/again-info.json .changed false

	step "5: the namespace by its uuid"
	uuid=$(ndctl list -n namespace0.0 | jq -r '(if type == "array" then .[0] else . end).uuid')
	dax=$(jq -r '.sources[0].source' /tmp/list.json)
	cat >"$PLAY" <<EOT
- name: the namespace by uuid
  hosts: localhost
  gather_facts: false
  tasks:
    - name: by uuid
      memplug.memplug.memplug:
        targets: ["uuid:$uuid"]
        mode: system-ram
        zone: movable
      register: conv
    - name: by uuid, zone normal, blocks not to be moved
      memplug.memplug.memplug:
        targets: [{uuid: "$uuid"}]
        mode: system-ram
        zone: normal
        force: true
      register: refused
      ignore_errors: true
    - name: by uuid, zone normal, blocks may move (check mode)
      memplug.memplug.memplug:
        targets: [{uuid: "$uuid"}]
        mode: system-ram
        zone: normal
        move_zone: true
      check_mode: true
      diff: true
      register: info
EOT
	save_task conv info refused >>"$PLAY"
	play uuid
	assert_eq "$PLAY_RC" 0 "exit status of the uuid play ($(tail -n 5 /tmp/uuid.out))"
	assert_json /tmp/uuid-conv.json ".resolved[\"uuid:$uuid\"]" "$dax"
	assert_json /tmp/uuid-conv.json '.targets[0].result' unchanged
	assert_json /tmp/uuid-conv.json .changed false
	assert_json /tmp/refused.json .failed true
	assert_contains "$(jq -r .msg /tmp/refused.json)" "needs move_zone: true" "force without move_zone"
	assert_json /tmp/uuid-info.json '.targets[0].result' planned
	assert_json /tmp/uuid-info.json ".diff.after[\"$dax\"].zones.Normal" "$total"
	assert_json /tmp/uuid-info.json ".diff.after[\"$dax\"].online_memblocks" "$total"
	assert_eq "$(memplug list -d "$dax" | jq -r '.sources[0].zones.Movable')" "$total" \
		"blocks still Movable after the refusal and the check"
	pass "check mode wrote nothing, apply onlined $total blocks Movable, rerun changed=0, info == list, uuid target resolved to $dax"
}
