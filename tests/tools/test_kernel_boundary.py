# SPDX-License-Identifier: Apache-2.0
"""The kernel boundary is enforced by the build: a component outside primitives/ and platforms/
that depends on a kernel-side component stops the configuration, and one that includes a kernel
header (or names a kernel object, or mints) does not compile. A component that keeps to handles
and kernel calls builds — the control that shows the refusals are the boundary's, not breakage.
Each case adds a small component to a copy of the tree and configures or builds minimal/hosted.

    /usr/bin/python3 -m unittest -v test_kernel_boundary      (from tests/tools)
"""

import os
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

HONEST = """#include <vectra/System.h>
namespace vectra::forger {
ErrorOr<void> honest(RingCap const& ring) { return system::reset_ring(ring); }
}
"""


class KernelBoundaryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = tempfile.mkdtemp(prefix="vectra-boundary-")
        cls.tree = os.path.join(cls.scratch, "tree")
        shutil.copytree(ROOT, cls.tree, ignore=shutil.ignore_patterns("build", ".git", "__pycache__"), symlinks=True)
        cls.folder = os.path.join(cls.tree, "build", "minimal-hosted")
        cls.component = os.path.join(cls.tree, "components", "forger")
        os.makedirs(os.path.join(cls.component, "src"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch, ignore_errors=True)

    def write_component(self, depends, source):
        with open(os.path.join(self.component, "CMakeLists.txt"), "w", encoding="utf-8") as handle:
            handle.write(f"vectra_component(forger SOURCES src/Forger.cpp DEPENDS {depends})\n")
        with open(os.path.join(self.component, "src", "Forger.cpp"), "w", encoding="utf-8") as handle:
            handle.write(source)

    def run_command(self, command):
        return subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def configure(self):
        return self.run_command(["cmake", "-S", self.tree, "-B", self.folder, "-G", "Ninja",
                                 f"-DCMAKE_TOOLCHAIN_FILE={self.tree}/cmake/toolchain/hosted.cmake",
                                 "-DVECTRA_IMAGE=minimal", "-DVECTRA_PLATFORM=hosted"])

    def build_forger(self):
        configured = self.configure()
        self.assertEqual(configured.returncode, 0, configured.stdout[-2000:])
        return self.run_command(["ninja", "-C", self.folder, "components/forger/CMakeFiles/vectra_forger.dir/src/Forger.cpp.o"])

    def test_a_component_that_keeps_to_handles_and_calls_builds(self):
        self.write_component("base system", HONEST)
        built = self.build_forger()
        self.assertEqual(built.returncode, 0, built.stdout[-2000:])

    def test_depending_on_a_kernel_component_stops_the_configuration(self):
        self.write_component("base system task", HONEST)
        configured = self.configure()
        self.assertNotEqual(configured.returncode, 0)
        flowing = " ".join(configured.stdout.split())  # CMake wraps long messages
        self.assertIn("components/forger/CMakeLists.txt: component 'forger' depends on 'task' (primitives/task), "
                      "which is inside the kernel", flowing)

    def test_including_a_kernel_header_does_not_compile(self):
        self.write_component("base system", "#include <vectra/kernel/Task.h>\n" + HONEST)
        built = self.build_forger()
        self.assertNotEqual(built.returncode, 0)
        self.assertIn("'vectra/kernel/Task.h' file not found", built.stdout)

    def test_naming_a_kernel_object_or_minting_does_not_compile(self):
        forging = HONEST + """namespace vectra::forger {
void forge(CapabilitySpace& space, Task* task) { (void)space.mint<CapabilityClass::Task>(task, all_rights); }
}
"""
        self.write_component("base system", forging)
        built = self.build_forger()
        self.assertNotEqual(built.returncode, 0)
        self.assertIn("unknown type name 'CapabilitySpace'", built.stdout)


if __name__ == "__main__":
    unittest.main()
