# SPDX-License-Identifier: Apache-2.0
"""Tests of the boot manifest compiler: footprint checks and generated C++."""

import copy
import importlib.util
import json
import os
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SPEC = importlib.util.spec_from_file_location("compile", os.path.join(ROOT, "tools", "manifest", "compile.py"))
compiler = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(compiler)

with open(os.path.join(ROOT, "images", "minimal", "manifest.json"), encoding="utf-8") as handle:
    MINIMAL = json.load(handle)


class ManifestTest(unittest.TestCase):
    def compile(self, manifest):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "manifest.json")
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(manifest, handle)
            output = os.path.join(folder, "out.cpp")
            compiler.compile_manifest(path, ROOT, output)
            with open(output, encoding="utf-8") as handle:
                return handle.read()

    def expect_error(self, manifest, *fragments):
        with self.assertRaises(compiler.ManifestError) as caught:
            self.compile(manifest)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))

    def test_minimal_manifest_compiles_to_initd_data(self):
        text = self.compile(MINIMAL)
        self.assertIn("&task_entries::vfsd", text)
        self.assertIn("&task_entries::vfs_selfcheck", text)
        self.assertIn("vectra::vfs::schema_id", text)
        self.assertIn('{ "requests", SlotKind::RequestRing, 0, RightReceive }', text)

    def test_missing_grant_is_refused(self):
        manifest = copy.deepcopy(MINIMAL)
        del manifest["tasks"][0]["bundle"]["ready"]
        self.expect_error(manifest, "task vfsd", "'ready'", "does not grant")

    def test_extra_grant_is_refused(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][1]["bundle"]["memory"] = {"class": "ReticleCap", "rights": ["retype"]}
        self.expect_error(manifest, "task selfcheck", "'memory'", "extra grant")

    def test_wider_rights_are_refused(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["bundle"]["memory"]["rights"] = ["retype", "grant"]
        self.expect_error(manifest, "slot 'memory'", "granted rights")

    def test_wrong_class_is_refused(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["bundle"]["ready"] = {"class": "ReticleCap", "rights": ["raise"]}
        self.expect_error(manifest, "slot 'ready'", "footprint wants SignalCap")

    def test_unknown_connection_and_entry_are_refused(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["bundle"]["requests"]["connection"] = "nowhere"
        self.expect_error(manifest, "unknown connection 'nowhere'")
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["entry"] = "no_such_entry"
        self.expect_error(manifest, "no component declares a footprint for entry 'no_such_entry'")

    def test_ring_end_granted_twice_or_never_is_refused(self):
        manifest = copy.deepcopy(MINIMAL)
        duplicate = copy.deepcopy(manifest["tasks"][1])
        duplicate["name"] = "selfcheck-2"
        manifest["tasks"].append(duplicate)
        self.expect_error(manifest, "already granted to selfcheck")
        manifest = copy.deepcopy(MINIMAL)
        del manifest["tasks"][1]
        self.expect_error(manifest, "nobody holds the producer end of its requests Ring")

    def test_bad_sizes_and_duplicate_names_are_refused(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["stack_kib"] = 1
        self.expect_error(manifest, "stack_kib")
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][1]["name"] = "vfsd"
        self.expect_error(manifest, "declared twice")


if __name__ == "__main__":
    unittest.main()
