# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0
# Copyright: memplug developers
# GNU General Public License v2.0 (see LICENSES/GPL-2.0.txt or
# https://www.gnu.org/licenses/old-licenses/gpl-2.0.txt)
"""Run memplug(1) for the memplug modules and decode its one JSON object."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
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

# stable identities (memplug.conf(5)'s keys): a target given as
# "uuid:UUID", "hpa:0xADDR", "serial:N[,N...]" (also "memdevs:"),
# "resource:0xADDR", or a dict of these keys (hpa and memdevs together)
_HEX = r'0x[0-9a-fA-F]{1,16}'
_SERIAL = r'(?:0x[0-9a-fA-F]{1,16}|0|[1-9][0-9]{0,19})'
IDENTITY_VALUE_RE = {
    'uuid': re.compile(r'[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\Z'),
    'hpa': re.compile(r'%s\Z' % _HEX),
    'resource': re.compile(r'%s\Z' % _HEX),
    'memdevs': re.compile(r'{0}(?:,{0}){{0,15}}\Z'.format(_SERIAL)),
}
# the section kind of memplug.conf each identity key belongs to
IDENTITY_KIND = {'uuid': 'namespace', 'hpa': 'region', 'memdevs': 'region',
                 'resource': 'dax'}
IDENTITY_ALIASES = {'serial': 'memdevs', 'serials': 'memdevs'}

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
    """Fail the task on the first target that is not a memplug target:
    a kernel name (str) or a stable identity (see identity_of)."""
    for t in targets:
        if isinstance(t, dict) or (isinstance(t, str) and ':' in t):
            identity_of(module, t)
        elif not isinstance(t, str) or not TARGET_RE.match(t):
            module.fail_json(msg='targets: not a memplug target: %r (want daxX.Y, '
                             'namespaceX.Y, regionN, memoryN, memoryN-M, boot-nodeN, all, '
                             'or an identity uuid:, hpa:0x, serial:, resource:0x)' % (t,),
                             changed=False)


def _identity_value(module, key, value, given):
    """VALUE of identity KEY as memplug.conf spells it, or fail the task."""
    if isinstance(value, bool):
        value = None
    elif isinstance(value, int) and key in ('hpa', 'resource'):
        value = '0x%x' % value if value >= 0 else None
    elif isinstance(value, list) and key == 'memdevs':
        value = ','.join(('0x%x' % v if isinstance(v, int) and not isinstance(v, bool)
                          and v >= 0 else str(v)) for v in value)
    elif isinstance(value, int) and key == 'memdevs':
        value = '0x%x' % value if value >= 0 else None
    if not isinstance(value, str) or not IDENTITY_VALUE_RE[key].match(value):
        hint = {'hpa': ' (hex with 0x: a decimal number is another address)',
                'resource': ' (hex with 0x)',
                'memdevs': ' (serials, comma-separated)',
                'uuid': ''}[key]
        module.fail_json(msg='targets: bad %s in %r%s' % (key, given, hint), changed=False)
    return value


def identity_of(module, target):
    """A stable identity target as {memplug.conf key: value}; fails the
    task for anything else.  "uuid:U", "hpa:0xA", "serial:S[,S...]",
    "memdevs:...", "resource:0xA", or a dict with these keys."""
    if isinstance(target, dict):
        items = list(target.items())
    else:
        key, dummy, value = target.partition(':')
        items = [(key, value)]
    ident = {}
    for key, value in items:
        key = IDENTITY_ALIASES.get(key, key)
        if key not in IDENTITY_KIND or key in ident:
            module.fail_json(msg='targets: not a memplug target: %r (identities: uuid, hpa, '
                             'serial (memdevs), resource)' % (target,), changed=False)
        ident[key] = _identity_value(module, key, value, target)
    kinds = set(IDENTITY_KIND[k] for k in ident)
    if len(kinds) != 1:
        module.fail_json(msg='targets: %r mixes identities of different devices (hpa and '
                         'serial go together; uuid and resource stand alone)' % (target,),
                         changed=False)
    return ident


def identity_text(module, target):
    """A target as text: itself, or KEY:VALUE ... (memplug.conf's keys
    and spelling) for a dict."""
    if isinstance(target, dict):
        ident = identity_of(module, target)
        return ' '.join('%s:%s' % (k, ident[k]) for k in sorted(ident))
    return target


def resolve_identities(module, targets):
    """(kernel names, {identity text: kernel name}): each identity target
    resolved by memplug itself, with the matching memplug.conf uses (a
    generated memplug.conf, one section per identity, planned by
    `memplug apply --dry-run`: read-only, no lock).  Kernel names pass
    through.  An identity that matches no present device fails the task."""
    idents = [(i, t) for i, t in enumerate(targets) if not isinstance(t, str) or ':' in t]
    if not idents:
        return list(targets), {}
    lines = []
    for i, t in idents:
        ident = identity_of(module, t)
        kind = IDENTITY_KIND[next(iter(ident))]
        lines.append('[%s ansible-target-%d]' % (kind, i))
        lines.extend('%s = %s' % kv for kv in sorted(ident.items()))
        lines.append('')
    path = os.path.join(module.tmpdir, 'memplug-targets.conf')
    with open(path, 'w') as f:
        f.write('\n'.join(lines))
    argv = memplug_argv(module, 'apply') + ['--config=%s' % path, '--dry-run']
    rc, data, err = run_memplug(module, argv)
    if data is None or rc not in (EXIT_OK, EXIT_PARTIAL, EXIT_REFUSED):
        module.fail_json(msg='targets: memplug could not resolve the identities: %s'
                         % (first_error_line(err) or 'exit %d' % rc), rc=rc, cmd=argv,
                         stderr=err, changed=False)
    found = {}
    for t in data.get('targets') or []:
        if isinstance(t, dict) and isinstance(t.get('section'), str):
            found[t['section']] = t.get('target')
    names, resolved = list(targets), {}
    for i, t in idents:
        name = found.get('%s ansible-target-%d' % (
            IDENTITY_KIND[next(iter(identity_of(module, t)))], i))
        if not isinstance(name, str) or not TARGET_RE.match(name):
            module.fail_json(msg='targets: %s matches no device present' % identity_text(module, t),
                             cmd=argv, stderr=err, changed=False)
        names[i] = name
        resolved[identity_text(module, t)] = name
    return names, resolved


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
