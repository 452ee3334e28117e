# SPDX-License-Identifier: Apache-2.0
"""Tests of tools/checks/executor_model.py: the executors' SPIN model passes as it is, and every
mutation of it (a fence or a lock taken out, the lock order broken, a steal's second look
skipped, the raiser's CPU read the old way) yields a counterexample of the expected kind; the
statements of Executor.cpp the model rests on cannot go unnoticed (each removal, made in a copy,
fails naming the function); a model broken on purpose (a raise that never wakes) fails; a
mutation the model cannot tell apart is a failure; a machine without spin fails with a message.

    /usr/bin/python3 -m unittest -v test_executor_model      (from tests/tools)
"""

import os
import shutil
import sys
import unittest

import model_checks
from model_checks import ROOT

FILES = ["primitives/task/src/Executor.cpp", "primitives/task/src/Executor.pml"]


def load_checker():
    return model_checks.load_checker("executor_model")


def run_checker(*arguments, environment=None):
    return model_checks.run_checker("executor_model", *arguments, environment=environment)


class TreeCopyTest(model_checks.TreeCopyTest):
    files = FILES

    def sites(self):
        result = run_checker("--srctree", self.tree, "--sites-only")
        return result.returncode, result.stdout + result.stderr


class SitesTest(TreeCopyTest):
    def test_the_copy_as_it_is_passes(self):
        status, output = self.sites()
        self.assertEqual(status, 0, output)

    def test_the_raise_fence_removed_is_named(self):
        self.edit("primitives/task/src/Executor.cpp",
                  "        return;\n    std::atomic_thread_fence(std::memory_order_seq_cst);\n    if (m_idle",
                  "        return;\n    if (m_idle")
        status, output = self.sites()
        self.assertEqual(status, 1, output)
        self.assertIn("signal_raised no longer has `std::atomic_thread_fence(std::memory_order_seq_cst);`", output)

    def test_the_idle_fence_removed_is_named(self):
        self.edit("primitives/task/src/Executor.cpp",
                  "    m_idle.store(true, std::memory_order_relaxed);\n    std::atomic_thread_fence(std::memory_order_seq_cst);\n",
                  "    m_idle.store(true, std::memory_order_relaxed);\n")
        status, output = self.sites()
        self.assertEqual(status, 1, output)
        self.assertIn("idle no longer has `std::atomic_thread_fence(std::memory_order_seq_cst);`", output)

    def test_the_raiser_read_as_current_processor_is_named(self):
        self.edit("primitives/task/src/Executor.cpp", "u32 self = platform::processor_running_this();",
                  "u32 self = platform::current_processor();")
        status, output = self.sites()
        self.assertEqual(status, 1, output)
        self.assertIn("signal_raised no longer has `u32 self = platform::processor_running_this();`", output)

    def test_a_mutation_nobody_runs_is_refused(self):
        self.edit("primitives/task/src/Executor.pml", "#ifndef WEAKEN_RAISE_FENCE\n",
                  "#ifdef WEAKEN_NOTHING\n#endif\n#ifndef WEAKEN_RAISE_FENCE\n")
        status, output = self.sites()
        self.assertEqual(status, 1, output)
        self.assertIn("WEAKEN_NOTHING is never checked", output)

    def test_without_spin_the_check_fails_and_says_why(self):
        empty = os.path.join(self.tree, "empty-path")
        os.mkdir(empty)
        result = run_checker("--srctree", self.tree, environment=dict(os.environ, PATH=empty))
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("spin and gcc not found: the executor model cannot be checked", result.stdout)


class ModelCanFailTest(TreeCopyTest):
    def test_a_raise_that_never_wakes_is_caught(self):
        self.edit("primitives/task/src/Executor.pml", ":: e != raiser_cpu -> wake[e] = 1", ":: e != raiser_cpu -> skip")
        result = run_checker("--srctree", self.tree, "--only", "per-executor locks")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("FAIL per-executor locks", result.stdout)
        self.assertIn("state[0]==3", result.stdout)


class ModelTest(unittest.TestCase):
    def test_the_model_passes_and_every_mutation_fails(self):
        result = run_checker("--jobs", "2")
        sys.stdout.write(result.stdout)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        checker = load_checker()
        for configuration in checker.CONFIGURATIONS:
            verdict = "passes" if not configuration.expect else f"fails: {configuration.expect}"
            self.assertIn(f"ok   {configuration.name}: {verdict};", result.stdout)
        self.assertGreaterEqual(len([configuration for configuration in checker.CONFIGURATIONS if configuration.expect]), 7)

    def test_a_mutation_the_model_cannot_tell_apart_is_a_failure(self):
        self.assertTrue(shutil.which("spin") and shutil.which("gcc"), "spin and gcc are needed: ./vectra setup installs them")
        checker = load_checker()
        harmless = checker.Configuration("harmless define", ["HARMLESS"], "lost wake-up")
        outcome = checker.check_configuration(ROOT, harmless, shutil.which("spin"), shutil.which("gcc"))
        self.assertEqual(outcome.problem, "no counterexample: the model cannot tell this mutation from the code")


if __name__ == "__main__":
    unittest.main()
