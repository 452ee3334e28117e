# SPDX-License-Identifier: Apache-2.0
"""Tests of `./vectra debug`: the gdb and QEMU command lines, and scripted (batch) gdb sessions in
a copy of the tree that break in vfsd's entry and print a backtrace naming its file and line, the
source line itself (sources found), the executor's Tasks (vectra-tasks) and a switched-out Task's
stack (vectra-task-stack) — on hosted and on x86_64 under TCG. The image names no C or C++ file
by an absolute path of the tree it was built in: debug information is relative to the tree.

    /usr/bin/python3 -m unittest -v test_debug      (from tests/tools)
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = Path(HERE).parents[1]
sys.path.insert(0, str(ROOT / "tools" / "vectra"))
sys.dont_write_bytecode = True

import debug  # noqa: E402
import images  # noqa: E402
import paths  # noqa: E402

HOSTED_SCRIPT = """break vectra::task_entries::vfsd
run
backtrace 2
vectra-tasks
vectra-task-stack initd
kill
"""
# x86_64: a hardware breakpoint, since the PVH loader copies the kernel over software ones.
QEMU_SCRIPT = """hbreak vectra::task_entries::vfsd
continue
backtrace 2
vectra-tasks
vectra-task-stack initd
"""


class CommandLines(unittest.TestCase):
    @unittest.skipUnless(shutil.which("gdb-multiarch") or shutil.which("gdb"), "needs gdb")
    def test_gdb_gets_the_sources_the_helpers_and_the_target(self):
        elf = Path("/nonexistent/vectra.elf")
        hosted = debug.gdb_command(elf)
        self.assertIn(f"directory {paths.REPOSITORY}", hosted)
        self.assertIn(f"source {debug.HELPERS}", hosted)
        self.assertEqual(hosted[-2:], ["--args", str(elf)])
        remote = debug.gdb_command(elf, port=4321, batch=Path("script.gdb"))
        self.assertIn("target remote 127.0.0.1:4321", remote)
        self.assertIn("-batch", remote)
        self.assertNotIn("--args", remote)

    def test_qemu_waits_for_gdb_under_tcg(self):
        platform = images.platform("x86_64")
        command = debug.qemu_command(platform, Path("vectra.elf"), 4321)
        self.assertEqual(command[-3:], ["-S", "-gdb", "tcp:127.0.0.1:4321"])
        self.assertNotIn("-enable-kvm", command)

    def test_free_ports_are_ports(self):
        self.assertTrue(0 < debug.free_port() < 65536)


@unittest.skipUnless(shutil.which("cmake") and shutil.which("ninja") and
                     (shutil.which("gdb-multiarch") or shutil.which("gdb")), "needs cmake, ninja and gdb")
class Sessions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = Path(tempfile.mkdtemp(prefix="vectra-debug-"))
        cls.tree = cls.scratch / "tree"
        shutil.copytree(ROOT, cls.tree, ignore=shutil.ignore_patterns("build", ".git", "__pycache__"), symlinks=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch, ignore_errors=True)

    def session(self, platform, script):
        batch = self.scratch / f"{platform}.gdb"
        batch.write_text(script)
        result = subprocess.run(["/usr/bin/python3", str(self.tree / "tools" / "vectra" / "main.py"), "debug",
                                 "minimal", "-p", platform, "--batch", str(batch)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                text=True, timeout=900)
        output = result.stdout
        self.assertIn("Breakpoint 1, vectra::task_entries::vfsd", output, output[-4000:])
        self.assertRegex(output, r"#0 +vectra::task_entries::vfsd \(.*\) at \./services/vfsd/src/Main\.cpp:\d+")
        self.assertRegex(output, r"\n\d+\s+TRY\(check_footprint\(bundle, footprints::vfsd\)\);", "source not found")
        self.assertRegex(output, r"\n\* +vfsd +Runnable +Person ")
        self.assertRegex(output, r"\n +initd +Waiting +Person ")
        self.assertRegex(output, r"Supervisor::run .* at \./services/initd/src/Supervisor\.cpp:\d+")
        elf = (self.tree / "build" / f"minimal-{platform}" / "vectra.elf").read_bytes()
        # Only assembly files keep their absolute name: clang 14's assembler takes it from the
        # preprocessor's line markers, which no prefix map reaches.
        absolute = {match.decode(errors="replace") for match in re.findall(re.escape(str(self.tree).encode()) + rb"[^\0]*", elf)}
        self.assertEqual({name for name in absolute if not name.endswith(".S")}, set(),
                         "debug information names files by absolute paths of the tree")
        return output

    def test_hosted(self):
        self.session("hosted", HOSTED_SCRIPT)

    @unittest.skipUnless(shutil.which("qemu-system-x86_64"), "needs QEMU")
    def test_x86_64_under_tcg(self):
        self.session("x86_64", QEMU_SCRIPT)
        self.assertIn("vectra: booting image minimal on",
                      (self.tree / "build" / "minimal-x86_64" / debug.CONSOLE_LOG).read_text())


if __name__ == "__main__":
    unittest.main()
