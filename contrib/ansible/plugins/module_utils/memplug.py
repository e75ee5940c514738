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
FORMAT_VERSION = 2

# memplug's target grammar (cli/target.c, cli/block-list.c, memplug-online(1)):
# kernel names with canonical decimal numbers, block lists, "all".  Anything
# else, and above all anything memplug could read as an option, is refused
# before memplug runs; targets also go after "--" on its command line.
_NUM = r'(?:0|[1-9][0-9]{0,9})'
_DEVICE = r'dax{0}\.{0}|namespace{0}\.{0}|region{0}'.format(_NUM)
DEVICE_RE = re.compile(r'(?:{0})\Z'.format(_DEVICE))
TARGET_RE = re.compile(r'(?:all|{0}|boot-node{1}|memory{1}(?:-(?:memory)?{1})?)\Z'.format(
    _DEVICE, _NUM))

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
                             'namespaceX.Y, regionN, memoryN, memoryN-M, boot-nodeN or all)' % t,
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


def warning_text(w):
    """A warning as text: NAME: CODE: MESSAGE, leaving out what is unset."""
    parts = [w.get(k) for k in ('target', 'source', 'code') if w.get(k)]
    return ': '.join([str(x) for x in parts] + [str(w.get('message'))])


def _warning(name_key, name, w):
    if isinstance(w, dict):
        return {name_key: w.get(name_key, name), 'code': w.get('code'),
                'message': w.get('message')}
    return {name_key: name, 'code': None, 'message': str(w)}


def memplug_warnings(data, items_key, name_key):
    """Every warning of memplug's JSON, each as {NAME_KEY, code, message}.

    memplug's root 'warnings' has them all when it is there (objects with
    the target or source, a code and a message).  Older memplug has none
    at the root: then each item's 'warnings' (objects, or strings before
    codes existed), or list's older per-source 'warning' string.  Strings
    have no code (None)."""
    root = data.get('warnings')
    if isinstance(root, list):
        return [_warning(name_key, None, w) for w in root]
    out = []
    for item in data.get(items_key) or []:
        if not isinstance(item, dict):
            continue
        name = item.get(name_key)
        if isinstance(item.get('warnings'), list):
            out.extend(_warning(name_key, name, w) for w in item['warnings'])
        elif item.get('warning'):
            out.append(_warning(name_key, name, item['warning']))
    return out


def pass_warnings(module, data, items_key, name_key):
    """module.warn() every warning of DATA; return them (for the result's
    memplug_warnings) and take memplug's root 'warnings' out of DATA: it is
    a reserved key of a module's result, whose items must be strings."""
    warnings = memplug_warnings(data, items_key, name_key)
    data.pop('warnings', None)
    for w in warnings:
        module.warn(warning_text(w))
    return warnings


def first_error_line(stderr):
    """memplug's errors are one line starting with 'memplug'."""
    for line in stderr.splitlines():
        if line.startswith('memplug'):
            return line
    lines = [x for x in stderr.splitlines() if x.strip()]
    return lines[-1] if lines else ''
