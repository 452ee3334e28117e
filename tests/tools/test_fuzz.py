# SPDX-License-Identifier: Apache-2.0
"""Tests for `./vectra fuzz` (tools/vectra/fuzz.py): reading the fuzz targets from CTest's file, the
libFuzzer command line, finding reproducers, and running a (fake) target.

Run with Debian's Python, from tests/tools:
    /usr/bin/python3 -m unittest -v test_fuzz
"""

import importlib.util
import stat
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # keep tools/vectra/ free of __pycache__
HERE = Path(__file__).resolve().parent
TOOLS = HERE.parent.parent / "tools" / "vectra"
sys.path.insert(0, str(TOOLS))  # the modules import their siblings by name


def load(module_name, file_name):
    specification = importlib.util.spec_from_file_location(module_name, TOOLS / file_name)
    module = importlib.util.module_from_spec(specification)
    sys.modules[module_name] = module
    specification.loader.exec_module(module)
    return module


fuzz = load("vectra_fuzz", "fuzz.py")

CTEST_FILE = """# CMake generated Testfile
add_test([=[core.path]=] "/b/tests/test_core.path")
set_tests_properties([=[core.path]=] PROPERTIES  ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1")
add_test([=[fuzz.path_decode]=] "/b/tests/fuzz_path_decode" "-max_total_time=15" "-seed=1" "-print_final_stats=1" "/b/tests/fuzz-corpus/path_decode" "/r/tests/fuzz/corpus/path_decode")
set_tests_properties([=[fuzz.path_decode]=] PROPERTIES  _BACKTRACE_TRIPLES "x")
add_test([=[fuzz.json_decode]=] "/b/tests/fuzz_json_decode" "-max_total_time=15" "-seed=1" "-print_final_stats=1" "/b/tests/fuzz-corpus/json_decode" "/r/tests/fuzz/corpus/json_decode")
"""

CRASH_OUTPUT = """INFO: Seed: 1
#2      INITED cov: 10 ft: 10 corp: 1/1b exec/s: 0 rss: 30Mb
==1234== ERROR: libFuzzer: deadly signal
MS: 1 ChangeByte-; base unit: 0000
artifact_prefix='/b/fuzz-artifacts/json_decode/'; Test unit written to /b/fuzz-artifacts/json_decode/crash-da39a3ee
Base64: AA==
"""


class ReadingTargets(unittest.TestCase):
    def test_only_fuzz_tests_become_targets(self):
        targets = fuzz.parse_ctest_file(CTEST_FILE)
        self.assertEqual(sorted(targets), ["json_decode", "path_decode"])
        target = targets["json_decode"]
        self.assertEqual(target.executable, Path("/b/tests/fuzz_json_decode"))
        self.assertEqual(target.options, ("-max_total_time=15", "-seed=1", "-print_final_stats=1"))
        self.assertEqual(target.corpora, (Path("/b/tests/fuzz-corpus/json_decode"), Path("/r/tests/fuzz/corpus/json_decode")))
        self.assertEqual(target.build_target, "fuzz_json_decode")

    def test_nothing_to_read_gives_no_targets(self):
        self.assertEqual(fuzz.parse_ctest_file(""), {})


class Selecting(unittest.TestCase):
    def setUp(self):
        self.targets = fuzz.parse_ctest_file(CTEST_FILE)

    def test_by_name_with_or_without_prefix(self):
        self.assertEqual([t.name for t in fuzz.select(self.targets, "path_decode")], ["path_decode"])
        self.assertEqual([t.name for t in fuzz.select(self.targets, "fuzz_path_decode")], ["path_decode"])

    def test_all_in_name_order(self):
        self.assertEqual([t.name for t in fuzz.select(self.targets, "all")], ["json_decode", "path_decode"])

    def test_unknown_target_names_the_known_ones(self):
        with self.assertRaises(fuzz.Failure) as raised:
            fuzz.select(self.targets, "xml_decode")
        self.assertIn("no fuzz target 'xml_decode'", raised.exception.message)
        self.assertIn("json_decode, path_decode", raised.exception.message)


class CommandLine(unittest.TestCase):
    def test_time_limit_and_artifacts_replace_ctest_options_and_corpora_stay(self):
        target = fuzz.parse_ctest_file(CTEST_FILE)["json_decode"]
        command = fuzz.command(target, 90, Path("/b/fuzz-artifacts/json_decode"))
        self.assertEqual(command, [
            "/b/tests/fuzz_json_decode", "-max_total_time=90", "-artifact_prefix=/b/fuzz-artifacts/json_decode/",
            "-print_final_stats=1", "/b/tests/fuzz-corpus/json_decode", "/r/tests/fuzz/corpus/json_decode"])

    def test_reproducers_are_found_in_the_output(self):
        self.assertEqual(fuzz.reproducers(CRASH_OUTPUT), ["/b/fuzz-artifacts/json_decode/crash-da39a3ee"])
        self.assertEqual(fuzz.reproducers("Done 100 runs in 1 second(s)\n"), [])


class Running(unittest.TestCase):
    def fake_target(self, folder: Path, script: str) -> "fuzz.FuzzTarget":
        executable = folder / "fuzz_fake"
        executable.write_text("#!/bin/sh\n" + script)
        executable.chmod(executable.stat().st_mode | stat.S_IXUSR)
        corpus = folder / "corpus"
        corpus.mkdir()
        return fuzz.FuzzTarget("fake", executable, ("-seed=1",), (corpus,))

    def test_a_crash_reports_its_reproducer(self):
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(temporary)
            target = self.fake_target(folder, 'for argument; do case "$argument" in -artifact_prefix=*) prefix="${argument#*=}";; esac; done\n'
                                              'echo "artifact_prefix=\'$prefix\'; Test unit written to ${prefix}crash-1"\nexit 1\n')
            found = fuzz.run_target(target, 1, folder)
            self.assertEqual(found, [f"{folder}/fuzz-artifacts/fake/crash-1"])
            self.assertTrue((folder / "fuzz-artifacts" / "fake").is_dir())

    def test_a_clean_run_reports_nothing_and_a_silent_failure_is_still_a_failure(self):
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(temporary)
            clean = self.fake_target(folder, 'echo "Done 5 runs in 1 second(s)"\n')
            self.assertEqual(fuzz.run_target(clean, 1, folder), [])
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(temporary)
            broken = self.fake_target(folder, "exit 3\n")
            found = fuzz.run_target(broken, 1, folder)
            self.assertEqual(len(found), 1)
            self.assertIn("exit 3", found[0])


class Arguments(unittest.TestCase):
    def test_the_subcommand_parses(self):
        main = load("vectra_main", "main.py")
        arguments = main.parser().parse_args(["fuzz"])
        self.assertIsNone(arguments.target)
        self.assertEqual(arguments.seconds, fuzz.DEFAULT_SECONDS)
        arguments = main.parser().parse_args(["fuzz", "json_decode", "--seconds", "5"])
        self.assertEqual((arguments.target, arguments.seconds), ("json_decode", 5))


if __name__ == "__main__":
    unittest.main()
