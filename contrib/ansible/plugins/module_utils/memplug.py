# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0
# Copyright: memplug developers
# GNU General Public License v2.0 (see LICENSES/GPL-2.0.txt or
# https://www.gnu.org/licenses/old-licenses/gpl-2.0.txt)
"""Run memplug(1) for the memplug modules and decode its one JSON object."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re

# memplug(1) EXIT STATUS: fixed values
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_REFUSED = 4

# the JSON shape these modules read (memplug's "format_version")
FORMAT_VERSION = 1

# memplug's target grammar (cli/target.c, cli/block-list.c, memplug-online(1)):
# kernel names with canonical decimal numbers, block lists, "all".  Anything
# else, and above all anything memplug could read as an option, is refused
# before memplug runs; targets also go after "--" on its command line.
_NUM = r'(?:0|[1-9][0-9]{0,9})'
_DEVICE = r'dax{0}\.{0}|namespace{0}\.{0}|region{0}'.format(_NUM)
DEVICE_RE = re.compile(r'(?:{0})\Z'.format(_DEVICE))
TARGET_RE = re.compile(r'(?:all|{0}|memory{1}(?:-(?:memory)?{1})?)\Z'.format(_DEVICE, _NUM))

COMMON_ARGS = dict(
    sysfs_root=dict(type='path'),
    executable=dict(type='path'),
)


def memplug_argv(module, command):
    """The memplug binary, the global options, then COMMAND."""
    exe = module.params['executable'] or module.get_bin_path('memplug', required=True)
    argv = [exe]
    if module.params['sysfs_root']:
        argv.append('--sysfs-root=%s' % module.params['sysfs_root'])
    argv.append(command)
    return argv


def check_targets(module, targets):
    """Fail the task on the first target that is not a memplug target."""
    for t in targets:
        if not TARGET_RE.match(t):
            module.fail_json(msg='targets: not a memplug target: %r (want daxX.Y, '
                             'namespaceX.Y, regionN, memoryN, memoryN-M or all)' % t,
                             changed=False)


def check_device(module, name):
    """Fail the task unless NAME is a dax device, namespace or region name."""
    if not DEVICE_RE.match(name):
        module.fail_json(msg='device: not a dax device, namespace or region '
                         'name: %r (want daxX.Y, namespaceX.Y or regionN)' % name,
                         changed=False)


def run_memplug(module, argv):
    """Run argv; return (rc, decoded JSON or None, stderr).

    memplug prints its JSON whenever it got as far as the targets (exit 0,
    1, 3, 4); stdout is empty after a usage error or when the lock was not
    taken.  Output that is not one JSON object fails the task."""
    rc, out, err = module.run_command(argv, check_rc=False)
    data = None
    if out.strip():
        try:
            data = json.loads(out)
        except ValueError as e:
            module.fail_json(msg='memplug printed no valid JSON: %s' % e,
                             rc=rc, stdout=out, stderr=err, cmd=argv)
        if not isinstance(data, dict):
            module.fail_json(msg='memplug printed JSON that is not an object',
                             rc=rc, stdout=out, stderr=err, cmd=argv)
        if data.get('format_version', FORMAT_VERSION) != FORMAT_VERSION:
            module.fail_json(msg='memplug JSON format_version %s, this collection reads %d'
                             % (data.get('format_version'), FORMAT_VERSION),
                             rc=rc, stdout=out, stderr=err, cmd=argv)
    return rc, data, err


def first_error_line(stderr):
    """memplug's errors are one line starting with 'memplug'."""
    for line in stderr.splitlines():
        if line.startswith('memplug'):
            return line
    lines = [x for x in stderr.splitlines() if x.strip()]
    return lines[-1] if lines else ''
