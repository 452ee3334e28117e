# SPDX-License-Identifier: Apache-2.0
"""Tests of the workbench: the CLI's small promises (did-you-mean, --set notice, clean, configure
errors shown once without CMake's wrapping, counted step lines) and incremental builds (every kind
of input edit is seen by the next build, in a temporary copy of the tree).

    /usr/bin/python3 -m unittest -v test_workbench      (from tests/tools)
"""

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools", "vectra"))
sys.dont_write_bytecode = True

import build  # noqa: E402
import images  # noqa: E402
import main as cli  # noqa: E402
import test as harness  # noqa: E402
from ui import Failure  # noqa: E402


class CommandLineTest(unittest.TestCase):
    def test_set_without_prefix_is_normalised_with_a_note(self):
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            self.assertEqual(build.assignments(["VFSD_NODES=300", "CONFIG_VFSD_BLOCKS=8"]),
                             ("CONFIG_VFSD_NODES=300", "CONFIG_VFSD_BLOCKS=8"))
        self.assertIn("note: --set VFSD_NODES=300: read as CONFIG_VFSD_NODES=300", output.getvalue())
        self.assertEqual(output.getvalue().count("note:"), 1)

    def test_misspelt_image_and_platform_suggest_the_closest(self):
        with self.assertRaises(Failure) as caught:
            images.image("minmal")
        self.assertIn("unknown image 'minmal' (did you mean 'minimal'?)", caught.exception.message)
        with self.assertRaises(Failure) as caught:
            images.platform("x86-64")
        self.assertIn("(did you mean 'x86_64'?)", caught.exception.message)
        with self.assertRaises(Failure) as caught:
            images.image("zzzzzz")
        self.assertNotIn("did you mean", caught.exception.message)

    def test_clean_of_an_unknown_image_is_an_error(self):
        with self.assertRaises(Failure) as caught:
            cli.clean_command(SimpleNamespace(image="nosuch", platform=None))
        self.assertIn("unknown image 'nosuch'", caught.exception.message)

    def test_configure_errors_lose_the_cmake_wrapping(self):
        log = ["-- Kconfig: x86_64 platform, image 'minimal'",
               f"CMake Error at {ROOT}/cmake/manifest.cmake:36 (message):",
               "  manifest error: images/minimal/manifest.json: image: says 'minimal', but the",
               "  manifest belongs to image 'copy'",
               "Call Stack (most recent call first):",
               "  CMakeLists.txt:64 (vectra_boot_manifest)"]
        paragraphs = build.cmake_errors(log)
        self.assertEqual(len(paragraphs), 1)
        self.assertEqual(build.error_text(paragraphs[0]),
                         "manifest error: images/minimal/manifest.json: image: says 'minimal', but the\n"
                         "manifest belongs to image 'copy'")

    def test_steps_are_counted_with_elapsed_time(self):
        progress = harness.Progress(12)
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            progress.say("built minimal-x86_64 in 3 s")
            progress.say("note", count=False)
            progress.say("PASS  minimal")
        lines = output.getvalue().splitlines()
        self.assertRegex(lines[0], r"^\[ 1/12  0:0\d\] built minimal-x86_64 in 3 s$")
        self.assertRegex(lines[1], r"^\[ 1/12  0:0\d\] note$")
        self.assertRegex(lines[2], r"^\[ 2/12  0:0\d\] PASS  minimal$")

    def test_quick_selects_one_image_per_platform(self):
        arguments = SimpleNamespace(image=None, platform=None, quick=True, jobs=0)
        targets = harness.select_targets(arguments)
        self.assertEqual({target.image.name for target in targets}, {harness.PROBE_IMAGE})
        self.assertEqual(sorted(target.platform_name for target in targets),
                         sorted(images.image(harness.PROBE_IMAGE).oracle.platforms))

    def test_ctest_progress_lines_are_recognised(self):
        passed = harness.CTEST_LINE.match("  3/120 Test   #7: core.base ........................   Passed    0.12 sec")
        self.assertEqual((passed.group(1), passed.group(2), passed.group(3), passed.group(5)),
                         ("3", "120", "core.base", "Passed"))
        failed = harness.CTEST_LINE.match("  9/120 Test  #12: tools.kconfig ...................***Failed    1.20 sec")
        self.assertEqual(failed.group(5), "Failed")


@unittest.skipUnless(shutil.which("cmake") and shutil.which("ninja") and shutil.which("clang++"),
                     "needs cmake, ninja and clang")
class CompileCommandsLinkTest(unittest.TestCase):
    def test_builds_finishing_together_each_link_without_error(self):
        """./vectra test links build/compile_commands.json from parallel build threads: a shared
        temporary name made one of them fail with FileExistsError and end the whole run."""
        with tempfile.TemporaryDirectory() as root:
            root = os.path.realpath(root)
            folders = []
            for index in range(8):
                folder = os.path.join(root, f"image{index}")
                os.makedirs(folder)
                with open(os.path.join(folder, "compile_commands.json"), "w") as file:
                    file.write("[]")
                folders.append(folder)
            start = threading.Barrier(len(folders))
            failures = []

            def link(folder):
                start.wait()
                try:
                    for _ in range(200):
                        build.link_compile_commands(build.Path(folder), build.Path(root))
                except Exception as failure:  # noqa: BLE001 — any failure is the finding
                    failures.append(failure)

            threads = [threading.Thread(target=link, args=(folder,)) for folder in folders]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            self.assertEqual(failures, [])
            target = os.readlink(os.path.join(root, "compile_commands.json"))
            self.assertIn(os.path.dirname(target), [os.path.basename(folder) for folder in folders])
            self.assertEqual([name for name in os.listdir(root) if name.startswith(".compile_commands")], [])


class IncrementalBuildTest(unittest.TestCase):
    """Edits each kind of input in a copy of the tree and checks the next build sees it, and
    rebuilds only what depends on it."""

    @classmethod
    def setUpClass(cls):
        cls.scratch = tempfile.mkdtemp(prefix="vectra-incremental-")
        cls.tree = os.path.join(cls.scratch, "tree")
        shutil.copytree(ROOT, cls.tree, ignore=shutil.ignore_patterns("build", ".git", "__pycache__"),
                        symlinks=True)
        cls.folder = os.path.join(cls.tree, "build", "minimal-hosted")
        cls.overlay = os.path.join(cls.scratch, "overlay.conf")
        with open(cls.overlay, "w", encoding="utf-8") as handle:
            handle.write("CONFIG_VFSD_NODES=200\n")
        configure = ["cmake", "-S", cls.tree, "-B", cls.folder, "-G", "Ninja",
                     f"-DCMAKE_TOOLCHAIN_FILE={cls.tree}/cmake/toolchain/hosted.cmake",
                     "-DVECTRA_IMAGE=minimal", "-DVECTRA_PLATFORM=hosted", f"-DVECTRA_OVERLAYS={cls.overlay}"]
        cls.run_checked(configure)
        cls.run_checked(["ninja", "-C", cls.folder])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch, ignore_errors=True)

    @staticmethod
    def run_checked(command):
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            raise AssertionError(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}")
        return result.stdout

    def path(self, relative):
        return os.path.join(self.tree, relative)

    @contextlib.contextmanager
    def edited(self, relative, old, new):
        """Replaces old by new in a file of the copy; restores and rebuilds afterwards."""
        path = relative if os.path.isabs(relative) else self.path(relative)
        with open(path, encoding="utf-8") as handle:
            original = handle.read()
        self.assertIn(old, original)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(original.replace(old, new, 1))
        try:
            yield
        finally:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(original)
            self.run_checked(["ninja", "-C", self.folder])

    def rebuilt(self):
        """Builds; returns the build steps Ninja ran besides re-running the configuration. (A dry
        run cannot say: it stops where CMake would re-run.)"""
        output = self.run_checked(["ninja", "-C", self.folder])
        regeneration = ("Re-checking globbed directories", "Re-running CMake")
        return [line for line in output.splitlines()
                if re.match(r"\[\d+/\d+\]", line) and not any(text in line for text in regeneration)]

    def generated(self, name):
        with open(os.path.join(self.folder, name), encoding="utf-8") as handle:
            return handle.read()

    def test_nothing_changed_means_no_work(self):
        self.assertEqual(self.rebuilt(), [])

    def test_manifest_edit_rebuilds_initd_data_and_relinks(self):
        with self.edited("images/minimal/manifest.json", '"backoff_ms": 10', '"backoff_ms": 17'):
            work = self.rebuilt()
            self.assertIn("{ 3, 10000, 17 }", self.generated("generated/boot_manifest.cpp"))
            self.assertTrue(any("boot_manifest.cpp" in line for line in work), work)
            self.assertTrue(any("Linking" in line for line in work), work)
            self.assertFalse(any("RamFilesystem" in line for line in work), work)

    def test_footprint_edit_is_checked_by_the_next_build(self):
        with self.edited("services/vfsd/footprint.json", '"fixed_kib": 96', '"fixed_kib": 4000'):
            result = subprocess.run(["ninja", "-C", self.folder], stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("tasks[0] (vfsd).reticle_kib", result.stdout)

    def test_footprint_edit_regenerates_the_code_view_of_it(self):
        # The console slot moves to the end: the manifest still matches, the generated list changes.
        console = '    "console":  { "class": "DeviceCap",  "device": "console", "rights": ["write"] },\n'
        ready = '    "ready":    { "class": "SignalCap",  "rights": ["raise"] }\n'
        with open(self.path("services/vfsd/footprint.json"), encoding="utf-8") as handle:
            text = handle.read()
        slots = text[text.index(console):text.index(ready) + len(ready)]
        moved = slots.replace(console, "").replace(ready, ready.rstrip("\n") + ",\n" + console.rstrip(",\n") + "\n")
        with self.edited("services/vfsd/footprint.json", slots, moved):
            work = self.rebuilt()
            header = self.generated("generated/footprints/vectra/footprints/vfsd.h")
            self.assertLess(header.index('{ "ready"'), header.index('{ "console"'))
            self.assertTrue(any("vfsd" in line and "Main.cpp" in line for line in work), work)
            self.assertFalse(any("RamFilesystem" in line for line in work), work)

    def test_an_upward_include_added_later_fails_the_next_build(self):
        with self.edited("core/base/src/Error.cpp", "#include <vectra/Error.h>",
                         "#include <vectra/Error.h>\n#include <vectra/Service.h>"):
            result = subprocess.run(["ninja", "-C", self.folder], stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("layers: core/base/src/Error.cpp:6: includes <vectra/Service.h>", result.stdout)

    def test_kconfig_file_edit_reaches_the_configuration(self):
        with self.edited("services/vfsd/Kconfig", "default 1024", "default 1000"):
            work = self.rebuilt()
            self.assertIn("CONFIG_VFSD_BLOCKS=1000", self.generated(".config"))
            self.assertTrue(any("vfsd" in line and "Main.cpp" in line for line in work), work)
            self.assertTrue(any("Linking" in line for line in work), work)

    def test_image_fragment_edit_reaches_the_configuration(self):
        with self.edited("images/minimal/defconfig", "CONFIG_SERVICE_VFSD=y", "CONFIG_SERVICE_VFSD=y\nCONFIG_VFSD_BLOCKS=900"):
            work = self.rebuilt()
            self.assertIn("CONFIG_VFSD_BLOCKS=900", self.generated(".config"))
            self.assertTrue(any("Main.cpp" in line for line in work), work)

    def test_overlay_edit_reaches_the_configuration(self):
        self.assertIn("CONFIG_VFSD_NODES=200", self.generated(".config"))
        with self.edited(self.overlay, "CONFIG_VFSD_NODES=200", "CONFIG_VFSD_NODES=210"):
            work = self.rebuilt()
            self.assertIn("CONFIG_VFSD_NODES=210", self.generated(".config"))
            self.assertTrue(any("Main.cpp" in line for line in work), work)

    def test_oracle_edit_rebuilds_nothing_and_the_harness_reads_it(self):
        with self.edited("images/minimal/oracle.json", '"description": "', '"description": "EDITED '):
            self.assertEqual(self.rebuilt(), [])
            listing = subprocess.run([sys.executable, self.path("tools/vectra/main.py"), "images"],
                                     stdout=subprocess.PIPE, text=True).stdout
            self.assertIn("EDITED ", listing)


if __name__ == "__main__":
    unittest.main()
