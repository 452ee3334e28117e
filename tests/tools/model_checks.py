# SPDX-License-Identifier: Apache-2.0
"""What test_ring_model.py and test_executor_model.py share: a checker of tools/checks loaded as a
module or run as a program, and a copy of the files a check reads, to break one at a time."""

import importlib.util
import os
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PYTHON = "/usr/bin/python3"


def checker_path(name):
    return os.path.join(ROOT, "tools", "checks", name + ".py")


def load_checker(name):
    spec = importlib.util.spec_from_file_location(name, checker_path(name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_checker(name, *arguments, environment=None):
    return subprocess.run([PYTHON, checker_path(name)] + list(arguments), capture_output=True, text=True,
                          check=False, env=environment)


class TreeCopyTest(unittest.TestCase):
    """A copy of the files the check reads (`files`, relative to the tree), to break one at a time."""

    files = []

    def setUp(self):
        self.tree = tempfile.mkdtemp(prefix="vectra-model-test-")
        for name in self.files:
            os.makedirs(os.path.dirname(os.path.join(self.tree, name)), exist_ok=True)
            shutil.copy(os.path.join(ROOT, name), os.path.join(self.tree, name))

    def tearDown(self):
        shutil.rmtree(self.tree)

    def edit(self, relative, old, new):
        path = os.path.join(self.tree, relative)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        if old not in text:
            raise AssertionError(f"{relative}: '{old}' not found: the test needs updating")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text.replace(old, new, 1))
