# SPDX-License-Identifier: Apache-2.0
"""Tests of tools/checks/layers.py (the layer order of layers.json, and Kconfig against CMake):
the tree as it is passes; each kind of problem, injected into a copy of the tree, fails with its
one line naming both files — run directly, and through CMake's configure step.

    /usr/bin/python3 -m unittest -v test_layers      (from tests/tools)
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CHECKER = os.path.join(ROOT, "tools", "checks", "layers.py")
PYTHON = "/usr/bin/python3"  # Debian's, with python3-kconfiglib


def run_checker(tree):
    return subprocess.run([PYTHON, CHECKER, "--srctree", tree], capture_output=True, text=True, check=False)


def edit(tree, relative, old, new):
    path = os.path.join(tree, relative)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if old not in text:
        raise AssertionError("{}: '{}' not found: the test needs updating".format(relative, old))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace(old, new, 1))


class LayersTest(unittest.TestCase):
    def setUp(self):
        self.scratch = tempfile.mkdtemp(prefix="vectra-layers-")
        self.tree = os.path.join(self.scratch, "tree")
        shutil.copytree(ROOT, self.tree, ignore=shutil.ignore_patterns("build", ".git", "__pycache__"))

    def tearDown(self):
        shutil.rmtree(self.scratch, ignore_errors=True)

    def assert_fails_with(self, *expected):
        result = run_checker(self.tree)
        self.assertEqual(result.returncode, 1, result.stderr)
        for text in expected:
            self.assertIn(text, result.stderr)
        for line in result.stderr.strip().split("\n"):
            self.assertTrue(line.startswith("layers: "), line)
        return result.stderr

    def test_the_tree_passes(self):
        result = run_checker(self.tree)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")

    def test_an_upward_include_fails_naming_both_files(self):
        edit(self.tree, "core/base/src/Error.cpp", "#include <vectra/Error.h>",
             "#include <vectra/Error.h>\n#include <vectra/Service.h>")
        self.assert_fails_with(
            "layers: core/base/src/Error.cpp:6: includes <vectra/Service.h> "
            "(core/concurrent/include/vectra/Service.h): core/concurrent is in layer 11 (core-system), "
            "above core/base in layer 0 (core)")

    def test_the_kernel_console_from_the_ring_is_upward(self):
        edit(self.tree, "primitives/ring/src/Ring.cpp", "#include <vectra/kernel/Ring.h>",
             "#include <vectra/kernel/Ring.h>\n#include <vectra/kernel/Console.h>")
        self.assert_fails_with("layers: primitives/ring/src/Ring.cpp:", "includes <vectra/kernel/Console.h>",
                               "primitives/kernel is in layer 9 (kernel), above primitives/ring")

    def test_the_platform_interface_is_not_visible_to_services(self):
        edit(self.tree, "services/initd/src/Supervisor.cpp", "#include <vectra/Try.h>",
             "#include <vectra/Try.h>\n#include <vectra/platform/Platform.h>")
        self.assert_fails_with("layers: services/initd/src/Supervisor.cpp:",
                               "primitives/platform is in layer 4 (platform-interface), visible only to")

    def test_a_sideways_link_between_services_fails_unless_allowed(self):
        edit(self.tree, "services/initd/CMakeLists.txt", "DEPENDS base time system concurrent)",
             "DEPENDS base time system concurrent vfsd_protocol)")
        self.assert_fails_with(
            "layers: services/initd/CMakeLists.txt:1: initd links vfsd_protocol (services/vfsd/CMakeLists.txt): "
            "services/initd and services/vfsd are side by side in the closed layer 13 (services)")
        with open(os.path.join(self.tree, "layers.json"), encoding="utf-8") as handle:
            layers = json.load(handle)
        layers["allow"].append({"from": "services/initd", "to": "services/vfsd", "component": "vfsd_protocol"})
        with open(os.path.join(self.tree, "layers.json"), "w", encoding="utf-8") as handle:
            json.dump(layers, handle)
        output = run_checker(self.tree).stderr
        self.assertNotIn("side by side", output)
        # Allowed by the layers, the link is still not matched by Kconfig.
        self.assertIn("initd links vfsd_protocol, but Kconfig lets CONFIG_SERVICE_INITD=y with "
                      "CONFIG_SERVICE_VFSD=n", output)

    def test_a_link_kconfig_does_not_reconcile_fails_naming_both_files(self):
        edit(self.tree, "core/fs/Kconfig", "\tselect CORE_PATH\n", "")
        self.assert_fails_with(
            "layers: core/fs/CMakeLists.txt:1: fs links path, but Kconfig lets CONFIG_CORE_FS=y with "
            "CONFIG_CORE_PATH=n: add 'depends on CORE_PATH' or 'select CORE_PATH' to CORE_FS (core/fs/Kconfig:1)")

    def test_an_always_built_component_needs_an_always_y_symbol(self):
        edit(self.tree, "primitives/task/Kconfig", "\tselect PORT_BOOST_CONTEXT\n", "")
        self.assert_fails_with("layers: primitives/task/CMakeLists.txt:1: task is always built but links "
                               "boost_context, which needs CONFIG_PORT_BOOST_CONTEXT")

    def test_a_dependency_through_another_symbol_counts(self):
        # INITD_SELFCHECK_VFS depends on SERVICE_VFSD, which selects CORE_FS: linking fs is matched.
        edit(self.tree, "services/initd/CMakeLists.txt", "DEPENDS base time system fs)",
             "DEPENDS base time system fs path)")
        self.assertEqual(run_checker(self.tree).returncode, 0)

    def test_an_unplaced_folder_and_an_unknown_link_fail(self):
        os.makedirs(os.path.join(self.tree, "core", "newmodule"))
        with open(os.path.join(self.tree, "core", "newmodule", "CMakeLists.txt"), "w", encoding="utf-8") as handle:
            handle.write("vectra_component(newmodule DEPENDS base nosuch)\n")
        self.assert_fails_with("layers: core/newmodule/CMakeLists.txt: the folder is in no layer: place it in "
                               "layers.json")
        edit(self.tree, "layers.json", '"core/path"]', '"core/path", "core/newmodule"]')
        self.assert_fails_with("layers: core/newmodule/CMakeLists.txt:1: newmodule links nosuch, which no "
                               "CMakeLists.txt defines")

    def test_a_host_testable_component_needs_host_testable_links(self):
        edit(self.tree, "core/path/CMakeLists.txt", "DEPENDS base encoding HOST_TESTABLE", "DEPENDS base encoding rt HOST_TESTABLE")
        self.assert_fails_with("layers: core/path/CMakeLists.txt:1: path is HOST_TESTABLE but links rt")

    def test_configure_fails_with_both_problems(self):
        edit(self.tree, "core/base/src/Error.cpp", "#include <vectra/Error.h>",
             "#include <vectra/Error.h>\n#include <vectra/Service.h>")
        edit(self.tree, "core/fs/Kconfig", "\tselect CORE_PATH\n", "")
        build = os.path.join(self.scratch, "build")
        result = subprocess.run(
            ["cmake", "-S", self.tree, "-B", build, "-G", "Ninja",
             "-DCMAKE_TOOLCHAIN_FILE={}/cmake/toolchain/hosted.cmake".format(self.tree),
             "-DVECTRA_IMAGE=minimal", "-DVECTRA_PLATFORM=hosted"],
            capture_output=True, text=True, check=False)
        self.assertNotEqual(result.returncode, 0)
        output = result.stdout + result.stderr
        self.assertIn("layers: core/base/src/Error.cpp:6: includes <vectra/Service.h>", output)
        self.assertIn("layers: core/fs/CMakeLists.txt:1: fs links path, but Kconfig lets CONFIG_CORE_FS=y", output)
        self.assertNotIn("Kconfig: hosted platform", output)  # stopped before the configuration


if __name__ == "__main__":
    sys.exit(unittest.main())
