# SPDX-License-Identifier: Apache-2.0
"""Tests of `./vectra new`: names that cannot be used are refused in one line and nothing is
written; in a copy of the tree, each skeleton (service, app, image --from) builds, boots and
passes its own oracle — on the platforms VECTRA_SCAFFOLD_PLATFORMS names (default hosted;
tools.scaffold.emulated sets x86_64,aarch64).

    /usr/bin/python3 -m unittest -v test_scaffold      (from tests/tools)
"""

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = Path(HERE).parents[1]
sys.path.insert(0, str(ROOT / "tools" / "vectra"))
sys.path.insert(0, str(ROOT / "tools" / "manifest"))
sys.dont_write_bytecode = True

import compile as manifest_compiler  # noqa: E402
import scaffold  # noqa: E402
from ui import Failure  # noqa: E402

PYTHON = "/usr/bin/python3"


def copy_tree(destination: Path) -> Path:
    tree = destination / "tree"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns("build", ".git", "__pycache__"), symlinks=True)
    return tree


def vectra(tree: Path, *arguments, timeout=1800):
    """Runs the copy's ./vectra; returns (exit status, output)."""
    result = subprocess.run([PYTHON, str(tree / "tools" / "vectra" / "main.py"), *arguments],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout,
                            stdin=subprocess.DEVNULL)
    return result.returncode, result.stdout


class Refusals(unittest.TestCase):
    """Checked against the real tree: a refusal writes nothing, so nothing here changes it."""

    def refused(self, kind, name):
        with self.assertRaises(Failure) as caught:
            scaffold.check_component_name(ROOT, kind, name)
        message = caught.exception.message
        self.assertEqual(len(message.splitlines()), 1, message)
        return message

    def test_invalid_names(self):
        for name in ("Echo", "2echo", "echo-server", "e" * 25, "", "echo\n"):
            with self.subTest(name=name):
                self.assertIn("invalid service name", self.refused("service", name))
        self.assertIn("C++ keyword", self.refused("app", "delete"))

    def test_names_taken_by_a_folder_an_image_an_entry_or_a_symbol(self):
        self.assertIn("services/vfsd already exists", self.refused("service", "vfsd"))
        self.assertIn("components/crashtest already exists", self.refused("app", "crashtest"))
        self.assertIn("images/supervision already exists", self.refused("service", "supervision"))
        self.assertIn("a Task entry named 'flaky_echo' already exists", self.refused("service", "flaky_echo"))
        with tempfile.TemporaryDirectory() as scratch:  # a symbol defined away from any folder of that name
            tree = Path(scratch)
            (tree / "core" / "other").mkdir(parents=True)
            (tree / "core" / "other" / "Kconfig").write_text("config SERVICE_ECHO\n\tbool \"echo\"\n")
            with self.assertRaises(Failure) as caught:
                scaffold.check_component_name(tree, "service", "echo")
            self.assertIn("the Kconfig symbol SERVICE_ECHO is already defined", caught.exception.message)
        with self.assertRaises(Failure) as caught:
            scaffold.check_image_name(ROOT, "minimal")
        self.assertIn("images/minimal already exists", caught.exception.message)

    def test_the_command_says_one_line_and_writes_nothing(self):
        before = sorted(str(path) for path in (ROOT / "images").rglob("*"))
        for arguments in (SimpleNamespace(kind="app", name="Bad", source=None),
                          SimpleNamespace(kind="image", name="minimal", source=None),
                          SimpleNamespace(kind="image", name="fresh", source="minmal"),
                          SimpleNamespace(kind="service", name="fresh", source="minimal")):
            with self.subTest(arguments=arguments), self.assertRaises(Failure) as caught, \
                    contextlib.redirect_stdout(io.StringIO()):
                scaffold.new_command(arguments)
            self.assertEqual(len(caught.exception.message.splitlines()), 1)
        self.assertEqual(before, sorted(str(path) for path in (ROOT / "images").rglob("*")))


class EntryRegistration(unittest.TestCase):
    def test_skeletons_register_their_entries_where_the_manifest_compiler_looks(self):
        with tempfile.TemporaryDirectory() as scratch:
            tree = Path(scratch)
            for layer in ("services", "apps", "components"):
                (tree / layer).mkdir()
            self.assertFalse({"fresh", "fresh_check"} & scaffold.existing_entries(tree))
            scaffold.render("service", tree, "fresh")
            self.assertTrue({"fresh", "fresh_check"} <= scaffold.existing_entries(tree))
            for source in ("Main.cpp", "Check.cpp"):
                text = (tree / "services" / "fresh" / "src" / source).read_text()
                self.assertRegex(text, r"\nVECTRA_TASK_ENTRY\(fresh(_check)?\);")


@unittest.skipUnless(shutil.which("cmake") and shutil.which("ninja") and shutil.which("clang++"),
                     "needs cmake, ninja and clang")
class SkeletonsBuildAndPass(unittest.TestCase):
    """Each `new` skeleton, made in a copy of the tree, passes its own oracle."""

    PLATFORMS = [name for name in os.environ.get("VECTRA_SCAFFOLD_PLATFORMS", "hosted").split(",") if name]

    @classmethod
    def setUpClass(cls):
        cls.scratch = Path(tempfile.mkdtemp(prefix="vectra-scaffold-"))
        cls.tree = copy_tree(cls.scratch)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch, ignore_errors=True)

    def make_and_pass(self, *arguments):
        name = arguments[1]
        status, output = vectra(self.tree, "new", *arguments)
        self.assertEqual(status, 0, output)
        for path in (self.tree / "images" / name).rglob("*"):
            if path.is_file():
                self.assertNotIn("@name@", path.read_text(), path)
        for platform in self.PLATFORMS:
            with self.subTest(platform=platform):
                status, output = vectra(self.tree, "test", name, "-p", platform, "--no-kvm")
                self.assertEqual(status, 0, output[-3000:])
                self.assertIn(f"PASS  {name}", output)
                # The image, each overlay variant its oracle lists for this platform (a copy of
                # minimal keeps minimal's "domains") and each oracle variant (minimal's "highmem").
                oracle = json.loads((self.tree / "images" / name / "oracle.json").read_text())
                variants = sum(platform in platforms for platforms in oracle.get("overlays", {}).values())
                variants += sum(platform in variant["platforms"] for variant in oracle.get("variants", {}).values())
                self.assertTrue(output.rstrip().endswith(f"{1 + variants} passed, 0 failed"), output[-3000:])
                for overlay, platforms in oracle.get("overlays", {}).items():
                    if platform in platforms:
                        self.assertIn(f"PASS  {name}+{overlay}", output)
        return output

    def test_a_new_service_passes_its_oracle(self):
        self.make_and_pass("service", "greeter")
        self.assertIn("greeter-check: passed", (self.tree / "build" / f"greeter-{self.PLATFORMS[-1]}" / "console.log").read_text())
        status, output = vectra(self.tree, "authority", "greeter")
        self.assertEqual(status, 0, output)
        self.assertIn("greeter.requests (vectra.greeter): greeter-check -> greeter;", output)

    def test_a_new_app_passes_its_oracle(self):
        self.make_and_pass("app", "hello")
        self.assertIn("hello: hello from an app", (self.tree / "build" / f"hello-{self.PLATFORMS[-1]}" / "console.log").read_text())

    def test_a_new_image_from_another_passes_its_oracle(self):
        self.make_and_pass("image", "mini2", "--from", "minimal")
        manifest = (self.tree / "images" / "mini2" / "manifest.json").read_text()
        self.assertIn('"image": "mini2"', manifest)
        self.assertEqual((self.tree / "images" / "mini2" / "defconfig").read_text(),
                         (ROOT / "images" / "minimal" / "defconfig").read_text())


if __name__ == "__main__":
    unittest.main()
