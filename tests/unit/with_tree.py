#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""with_tree.py FIXTURE PROGRAM [ARGS...]: build FIXTURE in a temp dir, run
PROGRAM ARGS... TREE, remove the tree, exit with PROGRAM's status."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sysfs_tree as st  # noqa: E402

tmp = tempfile.mkdtemp(prefix="memplug-tree-")
try:
    root = st.build(sys.argv[1]).write(os.path.join(tmp, sys.argv[1]))
    sys.exit(subprocess.call(sys.argv[2:] + [root]))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
