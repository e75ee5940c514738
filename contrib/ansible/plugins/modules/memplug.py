#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0
# Copyright: memplug developers
# GNU General Public License v2.0 (see LICENSES/GPL-2.0.txt or
# https://www.gnu.org/licenses/old-licenses/gpl-2.0.txt)
"""Ansible module: memory of dax devices, namespaces, CXL regions and block
ranges to a wanted state with memplug(1), with check mode and diff."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: memplug
short_description: Bring CXL, pmem and hot-added memory online as system RAM
version_added: 0.1.0
description:
  - Puts the memory of dax devices, nvdimm namespaces, CXL regions and
    memory block ranges into the wanted state with C(memplug reconfigure),
    C(memplug online), C(memplug offline), or the whole of a memplug.conf
    with C(memplug apply).
  - Idempotent. C(changed) is exactly what memplug reports (something was
    written); a second run with the same options reports C(changed=false).
  - Check mode runs memplug with C(--dry-run), which reads everything,
    decides every step, refuses what a real run would refuse, and writes
    nothing; C(changed) is then memplug's C(would_change).
  - With C(--diff), the C(before) and C(after) state of every target
    (mode, online and total blocks, blocks per zone, memmap placement).
    In check mode C(after) is the predicted end state (mode, online and
    total blocks, blocks per zone, memmap placement; C(zone=auto) leaves
    the zones to the kernel, C(unknown)) with the planned steps.
  - Exit status 3 (partial) and 4 (refused for safety) of memplug fail the
    task; C(msg) names the failed blocks or the reason, and the whole
    JSON is returned all the same.
author:
  - memplug developers (@memplug)
requirements:
  - memplug(1) on the managed host
notes:
  - Needs root on the managed host (C(become=true)) for real changes.
  - See memplug-reconfigure(1), memplug-online(1), memplug-offline(1) and
    memplug-apply(1) for the meaning of every option and of the JSON.
attributes:
  check_mode:
    support: full
    description: Runs memplug with C(--dry-run).
  diff_mode:
    support: full
    description: Per target C(before) and C(after) state.
options:
  targets:
    description:
      - What to act on, as memplug names them, C(daxX.Y), C(namespaceX.Y),
        C(regionZ), C(all) (every dax device), or for C(state) a block list
        such as C(memory33-47) or the boot memory of a node, C(boot-node0).
      - Processed one at a time, in the order given.
      - Or a stable identity, the one memplug.conf(5) matches, which
        survives reboots and renumbering. C(uuid:UUID) (an nvdimm
        namespace), C(hpa:0xADDRESS) (a CXL region's start in host
        physical address space; hex with C(0x)), C(serial:SERIAL[,SERIAL...])
        (a CXL region by the serials of all its memory devices; also
        C(memdevs:)), C(resource:0xADDRESS) (a dax device by the start of
        its memory), or a dict of these keys (C(hpa) and C(serial) in one
        dict must both match; see EXAMPLES).
      - memplug resolves each identity to the device present now with
        the matching of memplug.conf (C(memplug apply --dry-run) on a
        generated file, read-only); one that matches no present device
        fails the task. C(resolved) returns what each became.
      - Each kernel name must be one of the names above, as the kernel
        spells them (C(dax0.0), not C(dax00.0)); anything else, above all
        anything that looks like an option, fails the task before memplug
        runs. memplug gets the targets after C(--).
      - Required with C(mode) or C(state).
    type: list
    elements: raw
  mode:
    description:
      - The wanted mode of each target (C(memplug reconfigure --mode)).
      - C(system-ram) binds the dax device to kmem and onlines its blocks
        in C(zone); C(devdax) offlines the blocks and binds device_dax.
    type: str
    choices: [system-ram, devdax]
  state:
    description:
      - Online or offline the blocks of targets already in system-ram mode,
        or of bare block lists (virtio-mem, ACPI DIMMs), with
        C(memplug online) or C(memplug offline).
    type: str
    choices: [online, offline]
  config:
    description:
      - Converge every target of this memplug.conf that is present now
        (C(memplug apply --config=PATH), the same JSON as reconfigure).
        The file says what to do, so only C(sysfs_root) and C(executable)
        combine with it.
    type: path
  zone:
    description:
      - Zone for C(system-ram) or C(online), C(movable) (can go offline
        again), C(normal) (usable by the kernel, may never offline), or
        C(auto) (the kernel's online_policy decides).
      - memplug's default is C(movable).
    type: str
    choices: [movable, normal, auto]
  memmap_on_memory:
    description:
      - Place the memmap of a dax device on the device itself (C(true)) or
        in ordinary RAM of a CPU node (C(false)). Unset keeps the device's
        current setting. Only with C(mode).
      - C(true) is refused when the kernel cannot do it.
    type: bool
  online:
    description:
      - With C(mode=system-ram), C(false) binds kmem but leaves the blocks
        offline (C(--no-online)).
    type: bool
    default: true
  parallel:
    description:
      - With C(mode=system-ram), let the kernel online the whole device in
        one hotplug operation (C(true)) or online block by block (C(false)).
        Unset means memplug's default (parallel when the kernel has parallel
        onlining).
    type: bool
  order:
    description:
      - The order in which blocks are written.
    type: str
    choices: [ascending, descending, hole-first, default]
  timeout:
    description:
      - Seconds offlining keeps retrying busy blocks (memplug's default 120).
    type: int
  wait:
    description:
      - Seconds to wait for another memplug holding the lock (default 30).
    type: int
  force:
    description:
      - Allow what destroys data or overrides a safety rule, converting a
        raw or fsdax namespace to devdax (its data is lost), changing the
        memmap placement of online memory (it goes offline and online
        again), onlining or offlining past the 3:1 Movable:kernel ratio.
      - Not moving blocks between zones, which is C(move_zone).
      - memplug has one C(--force) for all of these; when only one of
        C(force) and C(move_zone) is given, the module first plans the
        run with C(--dry-run --force) and fails, before anything is
        written, when the plan needs what the other one allows.
    type: bool
    default: false
  move_zone:
    description:
      - Move blocks that are online in another zone than C(zone) (memplug
        offlines them and onlines them in C(zone); the warning
        C(zone-mismatch) reports it). Without it such a target is refused
        (rc 4) and the message names the blocks.
      - No data is lost, but the memory goes offline for a moment, which
        can fail on unmovable pages.
    type: bool
    default: false
  sysfs_root:
    description:
      - Read and write the kernel below this directory instead of C(/)
        (C(--sysfs-root)); for tests on generated trees and dumps.
    type: path
  executable:
    description:
      - Path of the memplug binary, by default C(memplug) from the PATH.
    type: path
seealso:
  - module: memplug.memplug.memplug_info
'''

EXAMPLES = r'''
- name: CXL region 0 as system RAM in ZONE_MOVABLE, memmap on the device
  memplug.memplug.memplug:
    targets: [region0]
    mode: system-ram
    zone: movable
    memmap_on_memory: true

- name: An nvdimm namespace (raw or fsdax, its data is destroyed) as system RAM
  memplug.memplug.memplug:
    targets: [namespace0.0]
    mode: system-ram
    force: true

- name: CXL regions by stable identity, blocks the kernel onlined in Normal moved
  memplug.memplug.memplug:
    targets:
      - hpa:0x4000000000
      - {hpa: 0x6000000000, serial: [4097]}
      - uuid:9a3b8c1e-2d4f-4a6b-8c0d-1e2f3a4b5c6d
    mode: system-ram
    zone: movable
    move_zone: true

- name: Give dax0.0 back to applications as /dev/dax0.0
  memplug.memplug.memplug:
    targets: [dax0.0]
    mode: devdax
    timeout: 600

- name: Online virtio-mem blocks 33 to 47 in ZONE_MOVABLE
  memplug.memplug.memplug:
    targets: [memory33-47]
    state: online
    zone: movable

- name: Converge everything /etc/memplug.conf describes
  memplug.memplug.memplug:
    config: /etc/memplug.conf
  register: applied

- name: Which targets changed
  ansible.builtin.debug:
    msg: "{{ applied.targets | selectattr('result', 'eq', 'changed') | map(attribute='target') }}"
'''

RETURN = r'''
format_version:
  description: The shape of memplug's JSON (1); the module fails on another.
  returned: when memplug printed its JSON
  type: int
  sample: 1
changed:
  description: Something was written (in check mode, something would be).
  returned: always
  type: bool
dry_run:
  description: Whether memplug ran with C(--dry-run) (check mode).
  returned: when memplug printed its JSON
  type: bool
  sample: false
would_change:
  description: Something had to change, with or without check mode.
  returned: when memplug printed its JSON
  type: bool
  sample: true
targets:
  description: One object per target, in memplug's JSON shape.
  returned: when memplug printed its JSON
  type: list
  elements: dict
  contains:
    target:
      description: The target as given.
      type: str
      sample: region0
    source:
      description: The dax device or block range it resolved to.
      type: str
      sample: dax0.0
    action:
      description: C(reconfigure), C(online) or C(offline).
      type: str
    steps:
      description: Steps done or planned, for humans (do not parse).
      type: list
      elements: str
    before:
      description: mode, online_memblocks, total_memblocks, zones,
        memmap_location before the run.
      type: dict
    after:
      description: The same after the run; null in check mode.
      type: dict
    failed_blocks:
      description: Block numbers not in the wanted state at the end.
      type: list
      elements: int
    warnings:
      description:
        - Warnings, e.g. blocks the kernel onlined in another zone, each
          an object with a C(code) and a C(message) (strings from an older
          memplug).
        - Each is also passed to Ansible's warnings, as
          C(TARGET), C(CODE) and C(MESSAGE) joined by colons.
      type: list
      elements: raw
    timings_ms:
      description: Milliseconds per phase.
      type: dict
    result:
      description: C(changed), C(unchanged), C(planned), C(partial),
        C(refused) or C(error).
      type: str
      sample: changed
    error:
      description: The reason for C(refused), C(partial) or C(error).
      type: str
memplug_warnings:
  description:
    - Every warning of the run, each with the C(target) it is about (null
      for the run as a whole), a machine-readable C(code) (kebab-case;
      null from an older memplug that gave text only) and the C(message).
      memplug's own top-level C(warnings); Ansible reserves that name for
      its warnings, which get each of these as C(TARGET), C(CODE) and
      C(MESSAGE) joined by colons.
  returned: when memplug printed its JSON
  type: list
  elements: dict
  sample: [{"target": "dax0.0", "code": "zone-mismatch",
            "message": "15 blocks online in Normal, not Movable"}]
resolved:
  description: Each identity target and the kernel name memplug resolved it to.
  returned: when targets has identities
  type: dict
  sample: {"hpa:0x4000000000": "dax0.0"}
rc:
  description: memplug's exit status (0, 1, 2, 3 or 4, see memplug(1)).
  returned: always
  type: int
  sample: 0
cmd:
  description: The command line that was run.
  returned: always
  type: list
  elements: str
stderr:
  description: memplug's stderr (progress and errors).
  returned: always
  type: str
'''

import copy

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.memplug.memplug.plugins.module_utils.memplug import (
    COMMON_ARGS, EXIT_OK, EXIT_PARTIAL, EXIT_REFUSED, check_targets,
    first_error_line, memplug_argv, pass_warnings, resolve_identities, run_memplug)

# memplug's zone words and the kernel's zone names
ZONE_NAMES = {'movable': 'Movable', 'normal': 'Normal'}
# namespace modes whose conversion to devdax destroys the data on it
DATA_MODES = ('raw', 'fsdax', 'sector', 'memory')


def build_argv(module, targets, force=None, dry_run=None):
    """memplug's command line: options first, then "--" and the targets
    (validated by check_targets), so that no target is read as an option.
    FORCE and DRY_RUN override what the parameters say."""
    p = module.params
    if p['config']:
        argv = memplug_argv(module, 'apply')
        argv.append('--config=%s' % p['config'])
        if module.check_mode:
            argv.append('--dry-run')
        return argv
    if p['mode']:
        argv = memplug_argv(module, 'reconfigure')
        argv.append('--mode=%s' % p['mode'])
        if p['memmap_on_memory'] is not None:
            argv.append('--memmap-on-memory' if p['memmap_on_memory']
                        else '--no-memmap-on-memory')
        if not p['online']:
            argv.append('--no-online')
        if p['parallel'] is not None:
            argv.append('--parallel' if p['parallel'] else '--no-parallel')
    else:
        argv = memplug_argv(module, p['state'])
    if p['zone'] and p['state'] != 'offline':
        argv.append('--zone=%s' % p['zone'])
    if p['order']:
        argv.append('--order=%s' % p['order'])
    if p['timeout'] is not None:
        argv.append('--timeout=%d' % p['timeout'])
    if p['wait'] is not None:
        argv.append('--wait=%d' % p['wait'])
    if (p['force'] or p['move_zone']) if force is None else force:
        argv.append('--force')
    if module.check_mode if dry_run is None else dry_run:
        argv.append('--dry-run')
    argv.append('--')
    argv.extend(targets)
    return argv


def forced_steps(module, t):
    """What a target planned with --force does that needs it: a list of
    (what, the module option that allows it)."""
    p = module.params
    out = []
    if t.get('namespace_mode') in DATA_MODES and p['mode']:
        out.append(('converts %s namespace %s (its data is lost)'
                    % (t['namespace_mode'], t.get('target')), 'force'))
    for w in t.get('warnings') or []:
        code = w.get('code') if isinstance(w, dict) else None
        if code == 'zone-mismatch':
            out.append(('moves blocks between zones (%s)' % w.get('message'), 'move_zone'))
        elif code == 'kernel-memory-forced':
            out.append(('overrides the kernel-memory rule (%s)' % w.get('message'), 'force'))
    b = t.get('before') or {}
    knob = b.get('memmap_on_memory_knob')
    want = p['memmap_on_memory']
    if (want is not None and knob in (0, 1) and bool(knob) != want and
            b.get('mode') == 'system-ram' and b.get('online_memblocks')):
        out.append(('changes the memmap placement of online memory', 'force'))
    return out


def check_force(module, targets):
    """force and move_zone are separate; memplug has one --force.  When
    only one of them is given, plan with --dry-run --force and fail
    before any write if the plan needs the other.  Returns the plan's
    (rc, data, stderr) or None when no plan was needed."""
    p = module.params
    if p['force'] == p['move_zone']:
        return None
    argv = build_argv(module, targets, force=True, dry_run=True)
    rc, data, err = run_memplug(module, argv)
    if data is None:
        return None   # the real run reports memplug's error
    missing = []
    for t in data.get('targets') or []:
        for what, option in forced_steps(module, t):
            if not p[option]:
                missing.append('%s: %s: needs %s: true' % (t.get('target'), what, option))
    if missing:
        module.fail_json(msg='refused before memplug ran: ' + '; '.join(missing),
                         changed=False, cmd=argv, rc=EXIT_REFUSED, stderr=err,
                         targets=data.get('targets'))
    return rc, data, err


def state_of(t, key):
    """A target's state before or after; a namespace without a dax device
    (raw, fsdax, sector) has none in memplug's JSON: its mode stands in."""
    s = t.get(key)
    if s is None and key == 'before' and t.get('namespace_mode'):
        s = dict(namespace_mode=t['namespace_mode'], mode=None)
    return s


def predicted(module, before, total):
    """The end state a check-mode run predicts from BEFORE (a copy),
    with TOTAL the blocks of the device once it is system RAM (None when
    not known)."""
    p = module.params
    a = copy.deepcopy(before)
    mode = p['mode'] or before.get('mode')
    if p['mode']:
        a['mode'] = p['mode']
        if a.get('namespace_mode') not in (None, 'devdax'):
            a['namespace_mode'] = 'devdax'
    zones = a.get('zones') if isinstance(a.get('zones'), dict) else None
    online = (mode == 'system-ram' and p['online'] and p['state'] != 'offline') or \
        p['state'] == 'online'
    if mode == 'devdax' or p['state'] == 'offline':
        if mode == 'devdax':
            a['total_memblocks'] = 0
        a['online_memblocks'] = 0
        if zones is not None:
            a['zones'] = dict((z, 0) for z in zones)
    elif online and total is not None:
        a['total_memblocks'] = total
        a['online_memblocks'] = total
        zone = ZONE_NAMES.get(p['zone'] or 'movable', 'unknown')
        a['zones'] = dict((z, 0) for z in (zones or ('Normal', 'Movable')))
        a['zones'][zone] = total
    elif total is not None:
        a['total_memblocks'] = total
    if p['mode'] == 'system-ram' and p['memmap_on_memory'] is not None:
        a['memmap_on_memory_knob'] = int(p['memmap_on_memory'])
        if p['memmap_on_memory']:
            a['memmap_location'] = 'self'
        elif a.get('memmap_location') == 'self':
            a['memmap_location'] = 'node'
    return a


def device_blocks(module, data):
    """{source: its blocks once in system-ram mode} from memplug list,
    for devices whose 'before' has none yet (devdax, a namespace being
    converted); read only when a check-mode diff needs them."""
    want = [t for t in data.get('targets') or []
            if t.get('result') == 'planned' and not (t.get('before') or {}).get('total_memblocks')]
    if not want or module.params['mode'] != 'system-ram':
        return {}
    rc, listed, dummy = run_memplug(module, memplug_argv(module, 'list'))
    out = {}
    for s in (listed or {}).get('sources') or []:
        if isinstance(s, dict) and isinstance(s.get('range_memblocks'), int):
            out[s.get('source')] = s['range_memblocks']
            if s.get('namespace'):
                out[s['namespace']] = s['range_memblocks']
    return out


def diff_of(module, data):
    """Per-target before/after; in check mode 'after' is the predicted
    end state with the planned steps."""
    before, after = {}, {}
    blocks = None
    for t in data.get('targets') or []:
        name = t.get('target')
        b = state_of(t, 'before')
        a = state_of(t, 'after')
        if a is None and b is not None and t.get('result') == 'planned':
            total = b.get('total_memblocks') or None
            if total is None:
                if blocks is None:
                    blocks = device_blocks(module, data)
                total = blocks.get(t.get('source')) or blocks.get(name)
            a = predicted(module, b, total)
            a['planned_steps'] = t.get('steps') or []
        before[name] = b
        after[name] = a if a is not None else b
    return dict(before=before, after=after)


def failure_msg(rc, data):
    """Name the failed blocks or the reason of every target that failed."""
    what = {EXIT_PARTIAL: 'partial', EXIT_REFUSED: 'refused'}.get(rc, 'error')
    parts = []
    for t in data.get('targets') or []:
        if t.get('result') in ('changed', 'unchanged', 'planned'):
            continue
        s = '%s: %s' % (t.get('target'), t.get('result'))
        if t.get('failed_blocks'):
            s += ', blocks %s not in the wanted state' % ', '.join(
                'memory%d' % b for b in t['failed_blocks'])
        if t.get('error'):
            s += ': %s' % t['error']
        parts.append(s)
    return 'memplug %s (exit %d): %s' % (what, rc, '; '.join(parts) or 'no target reported')


def main():
    argument_spec = dict(
        targets=dict(type='list', elements='raw'),
        mode=dict(type='str', choices=['system-ram', 'devdax']),
        state=dict(type='str', choices=['online', 'offline']),
        config=dict(type='path'),
        zone=dict(type='str', choices=['movable', 'normal', 'auto']),
        memmap_on_memory=dict(type='bool'),
        online=dict(type='bool', default=True),
        parallel=dict(type='bool'),
        order=dict(type='str', choices=['ascending', 'descending', 'hole-first', 'default']),
        timeout=dict(type='int'),
        wait=dict(type='int'),
        force=dict(type='bool', default=False),
        move_zone=dict(type='bool', default=False),
    )
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('mode', 'state', 'config'),
                            ('config', 'targets')],
        required_one_of=[('mode', 'state', 'config')],
        required_by=dict(mode='targets', state='targets'),
        supports_check_mode=True,
    )
    p = module.params
    if p['targets'] is not None and not p['targets']:
        module.fail_json(msg='targets: empty list')
    check_targets(module, p['targets'] or [])
    if p['config']:
        given = [k for k in ('zone', 'memmap_on_memory', 'parallel', 'order',
                             'timeout', 'wait') if p[k] is not None]
        given += [k for k in ('force', 'move_zone') if p[k]]
        given += [k for k in ('online',) if not p[k]]
        if given:
            module.fail_json(msg='config: cannot be combined with %s' % ', '.join(given))
    if not p['mode'] and (p['memmap_on_memory'] is not None or
                          p['parallel'] is not None or not p['online']):
        module.fail_json(msg='memmap_on_memory, parallel and online apply to mode only')

    resolved = {}
    if p['config']:
        argv = build_argv(module, [])
    else:
        targets, resolved = resolve_identities(module, p['targets'])
        argv = build_argv(module, targets)
    plan = None if p['config'] else check_force(module, targets)
    if plan is not None and module.check_mode:
        rc, data, err = plan    # the plan is what check mode runs
    else:
        rc, data, err = run_memplug(module, argv)
    result = dict(changed=False, rc=rc, cmd=argv, stderr=err)
    if resolved:
        result['resolved'] = resolved
    if data is None:
        module.fail_json(msg=first_error_line(err) or 'memplug failed (exit %d)' % rc,
                         **result)
    result['memplug_warnings'] = pass_warnings(module, data, 'targets', 'target')
    result.update((k, v) for k, v in data.items() if k != 'changed')
    if module.check_mode:
        result['changed'] = bool(data.get('would_change'))
    else:
        result['changed'] = bool(data.get('changed'))
    if module._diff:
        result['diff'] = diff_of(module, data)
    if rc != EXIT_OK:
        module.fail_json(msg=failure_msg(rc, data), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
