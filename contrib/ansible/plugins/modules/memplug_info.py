#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0
# Copyright: memplug developers
# GNU General Public License v2.0 (see LICENSES/GPL-2.0.txt or
# https://www.gnu.org/licenses/old-licenses/gpl-2.0.txt)
"""Ansible module: memplug list (sources, blocks, nodes, memmap) as data."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: memplug_info
short_description: Report hot-pluggable memory, its zones and memmap placement
version_added: 0.1.0
description:
  - Runs C(memplug list) and returns its JSON object, the kernel's hotplug
    settings and capabilities, a summary, NUMA nodes and zones, one entry
    per memory source (dax device, boot memory, ACPI DIMM, virtio-mem
    range) with blocks per state and zone and memmap placement, nvdimm
    namespaces and CXL regions.
  - Read-only, takes no lock, runs the same in check mode.
  - Like every C(_info) module it returns data, not C(ansible_facts);
    C(register) it.
author:
  - memplug developers (@memplug)
requirements:
  - memplug(1) on the managed host
notes:
  - Without root, dax address ranges and /proc/iomem are unreadable and
    device memory is counted as boot memory; use C(become=true).
  - The keys are documented in memplug-list(1).
attributes:
  check_mode:
    support: full
    description: Reads only.
  diff_mode:
    support: none
    description: Changes nothing.
options:
  devices:
    description: Only dax devices in C(sources) (C(--devices)).
    type: bool
    default: false
  memory_blocks:
    description: Add one row per memory block in C(memory_blocks) (C(--memory-blocks)).
    type: bool
    default: false
  device:
    description:
      - Only this dax device, namespace or CXL region (C(--device)),
        C(daxX.Y), C(namespaceX.Y) or C(regionN); another name fails the
        task before memplug runs.
    type: str
  node:
    description: Only this NUMA node (C(--node)).
    type: int
  zone:
    description: Only this zone (C(--zone)).
    type: str
    choices: [DMA, DMA32, Normal, Movable, none]
  summary:
    description: Only the C(system) and C(summary) objects are filled (C(--summary)).
    type: bool
    default: false
  sysfs_root:
    description:
      - Read the kernel below this directory instead of C(/) (C(--sysfs-root)).
    type: path
  executable:
    description:
      - Path of the memplug binary, by default C(memplug) from the PATH.
    type: path
seealso:
  - module: memplug.memplug.memplug
'''

EXAMPLES = r'''
- name: What memory is there
  memplug.memplug.memplug_info:
  become: true
  register: mem

- name: Devices not fully online
  ansible.builtin.debug:
    msg: "{{ item.source }}: {{ item.online_memblocks }}/{{ item.total_memblocks }} blocks online"
  loop: "{{ mem.sources | selectattr('type', 'eq', 'dax') }}"
  when: item.online_memblocks < item.total_memblocks

- name: Refuse to go on if the kernel cannot place memmap on CXL memory
  ansible.builtin.assert:
    that: mem.system.capabilities.dax_memmap_on_memory
'''

RETURN = r'''
format_version:
  description: The shape of memplug's JSON (1); the module fails on another.
  returned: when memplug printed its JSON
  type: int
  sample: 1
system:
  description: Kernel version, block size, auto_online_blocks,
    memmap_on_memory, online_policy, capabilities, online_path, orders.
  returned: success
  type: dict
  sample: {"kernel": "6.12.9-amd64", "block_size_bytes": 134217728}
summary:
  description: Blocks and bytes in all, per state and zone, memmap bytes by placement.
  returned: success
  type: dict
nodes:
  description: NUMA nodes with MemTotal, blocks and zones.
  returned: success
  type: list
  elements: dict
sources:
  description:
    - One entry per memory source, see memplug-list(1).
    - A dax device's C(state) is the kernel's (C(unplugged), C(offline),
      C(online), C(online_kernel), C(online_movable)), null where the kernel
      has no such file.
    - Its C(warnings) (objects with C(code) and C(message)) and the older
      C(warning) string are passed to Ansible's warnings.
  returned: success
  type: list
  elements: dict
memplug_warnings:
  description:
    - Every warning of C(memplug list), each with the C(source) it is about
      (null for the system as a whole), a machine-readable C(code)
      (kebab-case; null from an older memplug that gave text only) and the
      C(message).  memplug's top-level C(warnings); Ansible reserves that
      name for its warnings, which get each of these as
      C(SOURCE), C(CODE) and C(MESSAGE) joined by colons.
  returned: success
  type: list
  elements: dict
  sample: [{"source": "dax0.0", "code": "memory-unplugged",
            "message": "bound to kmem with no memory present"}]
namespaces:
  description: nvdimm namespaces.
  returned: success
  type: list
  elements: dict
regions:
  description: CXL regions.
  returned: success
  type: list
  elements: dict
memory_blocks:
  description: One row per memory block, with C(memory_blocks=true).
  returned: success
  type: list
  elements: dict
rc:
  description: memplug's exit status.
  returned: always
  type: int
cmd:
  description: The command line that was run.
  returned: always
  type: list
  elements: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.memplug.memplug.plugins.module_utils.memplug import (
    COMMON_ARGS, EXIT_OK, check_device, first_error_line, memplug_argv,
    pass_warnings, run_memplug)


def main():
    argument_spec = dict(
        devices=dict(type='bool', default=False),
        memory_blocks=dict(type='bool', default=False),
        device=dict(type='str'),
        node=dict(type='int'),
        zone=dict(type='str', choices=['DMA', 'DMA32', 'Normal', 'Movable', 'none']),
        summary=dict(type='bool', default=False),
    )
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    if p['device'] is not None:
        check_device(module, p['device'])
    argv = memplug_argv(module, 'list')
    if p['devices']:
        argv.append('--devices')
    if p['memory_blocks']:
        argv.append('--memory-blocks')
    if p['summary']:
        argv.append('--summary')
    if p['device']:
        argv.append('--device=%s' % p['device'])
    if p['node'] is not None:
        argv.append('--node=%d' % p['node'])
    if p['zone']:
        argv.append('--zone=%s' % p['zone'])
    rc, data, err = run_memplug(module, argv)
    if rc != EXIT_OK or data is None:
        module.fail_json(msg=first_error_line(err) or 'memplug list failed (exit %d)' % rc,
                         rc=rc, cmd=argv, stderr=err)
    data.pop('changed', None)
    data['memplug_warnings'] = pass_warnings(module, data, 'sources', 'source')
    module.exit_json(changed=False, rc=rc, cmd=argv, **data)


if __name__ == '__main__':
    main()
