# SPDX-License-Identifier: Apache-2.0
"""Tests of tools/checks/ring_model.py: the Ring protocol's SPIN model passes as the code is, and
every mutation of it (one fence removed, one acquire/release weakened) yields a counterexample;
the orders table and the code cannot drift apart unnoticed (each kind of drift, injected into a
copy of the files, fails naming the line); a model broken on purpose (a consumer that never
parks, a producer that forgets the doorbell) fails its check; a mutation the model cannot tell
apart is a failure; a machine without spin fails with a message, not a skip.

    /usr/bin/python3 -m unittest -v test_ring_model      (from tests/tools)
"""

import os
import shutil
import sys
import unittest

import model_checks
from model_checks import ROOT

FILES = [
    "primitives/ring/src/Ring.cpp",
    "primitives/ring/src/Ring.pml",
    "primitives/ring/src/RingOrders.pml",
    "primitives/ring/include/vectra/kernel/Ring.h",
    "primitives/signal/include/vectra/kernel/SignalMask.h",
]


def load_checker():
    return model_checks.load_checker("ring_model")


def run_checker(*arguments, environment=None):
    return model_checks.run_checker("ring_model", *arguments, environment=environment)


class TreeCopyTest(model_checks.TreeCopyTest):
    files = FILES

    def line_of(self, relative, fragment):
        with open(os.path.join(self.tree, relative), encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if fragment in line:
                    return number
        raise AssertionError(f"{relative}: '{fragment}' not found")


class DriftTest(TreeCopyTest):
    def drift(self):
        result = run_checker("--srctree", self.tree, "--drift-only")
        return result.returncode, result.stdout + result.stderr

    def test_the_copy_as_it_is_has_no_drift(self):
        status, output = self.drift()
        self.assertEqual(status, 0, output)

    def test_an_order_weakened_in_the_code_names_its_line(self):
        self.edit("primitives/ring/src/Ring.cpp",
                  "u32 head = ring.m_head.load(std::memory_order_acquire);\n    u32 room",
                  "u32 head = ring.m_head.load(std::memory_order_relaxed);\n    u32 room")
        line = self.line_of("primitives/ring/src/Ring.cpp", "u32 head = ring.m_head.load(std::memory_order_relaxed);")
        status, output = self.drift()
        self.assertEqual(status, 1, output)
        self.assertIn(f"primitives/ring/src/Ring.cpp:{line}: try_send_burst: memory_order_relaxed where the model", output)

    def test_a_fence_removed_from_the_code_is_named(self):
        self.edit("primitives/ring/src/Ring.cpp",
                  "        std::atomic_thread_fence(std::memory_order_seq_cst);\n        was_empty",
                  "        was_empty")
        status, output = self.drift()
        self.assertEqual(status, 1, output)
        self.assertIn("ring_consumer_doorbell no longer has `std::atomic_thread_fence(std::memory_order_seq_cst);`", output)

    def test_an_atomic_access_the_model_does_not_know_is_named(self):
        self.edit("primitives/ring/src/Ring.cpp",
                  "    if (count == 0)\n        return;\n    m_ring->m_head.store",
                  "    if (count == 0)\n        return;\n    std::atomic_thread_fence(std::memory_order_acquire);\n    m_ring->m_head.store")
        line = self.line_of("primitives/ring/src/Ring.cpp", "std::atomic_thread_fence(std::memory_order_acquire);")
        status, output = self.drift()
        self.assertEqual(status, 1, output)
        self.assertIn(f"primitives/ring/src/Ring.cpp:{line}: release: an atomic access the model does not know", output)

    def test_the_signal_mask_is_checked_too(self):
        self.edit("primitives/signal/include/vectra/kernel/SignalMask.h",
                  "m_pending.fetch_or(bits, std::memory_order_release); tell_listener(); }",
                  "m_pending.fetch_or(bits, std::memory_order_relaxed); tell_listener(); }")
        line = self.line_of("primitives/signal/include/vectra/kernel/SignalMask.h", "void raise_mask(u64 bits)")
        status, output = self.drift()
        self.assertEqual(status, 1, output)
        self.assertIn(f"SignalMask.h:{line}: raise_mask: memory_order_relaxed where the model", output)

    def test_the_table_changed_alone_is_named(self):
        self.edit("primitives/ring/src/RingOrders.pml", "#define TAIL_STORE RELEASE", "#define TAIL_STORE RELAXED")
        status, output = self.drift()
        self.assertEqual(status, 1, output)
        self.assertIn("the site of TAIL_STORE shows memory_order_release, its #define says RELAXED", output)

    def test_a_define_without_a_site_is_refused(self):
        self.edit("primitives/ring/src/RingOrders.pml",
                  "#define PRODUCER_FENCE SEQ_CST\n/* site PRODUCER_FENCE primitives/ring/src/Ring.cpp ring_consumer_doorbell: "
                  "std::atomic_thread_fence(std::memory_order_seq_cst); */\n",
                  "#define PRODUCER_FENCE SEQ_CST\n")
        status, output = self.drift()
        self.assertEqual(status, 1, output)
        self.assertIn("PRODUCER_FENCE names no site in the code", output)
        # and the fence, now unknown to the table, is named in the code
        self.assertIn("ring_consumer_doorbell: an atomic access the model does not know", output)

    def test_a_mutation_nobody_runs_is_refused(self):
        self.edit("primitives/ring/src/Ring.pml", "#ifdef WEAKEN_RAISE\n",
                  "#ifdef WEAKEN_NOTHING\n#endif\n#ifdef WEAKEN_RAISE\n")
        status, output = self.drift()
        self.assertEqual(status, 1, output)
        self.assertIn("WEAKEN_NOTHING is never checked", output)

    def test_without_spin_the_check_fails_and_says_why(self):
        empty = os.path.join(self.tree, "empty-path")
        os.mkdir(empty)
        environment = dict(os.environ, PATH=empty)
        result = run_checker("--srctree", self.tree, environment=environment)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("spin and gcc not found: the Ring model cannot be checked", result.stdout)


class ModelCanFailTest(TreeCopyTest):
    """The checks on the model fail when the model is broken, not only when the code drifts."""

    def check(self, only):
        result = run_checker("--srctree", self.tree, "--only", only)
        return result.returncode, result.stdout + result.stderr

    def test_a_consumer_that_never_parks_runs_forever_and_is_caught(self):
        self.edit("primitives/ring/src/Ring.pml", "mask == 1; /* parked", "skip; /* busy: never parked")
        status, output = self.check("every run ends")
        self.assertEqual(status, 1, output)
        self.assertIn("FAIL the code: every run ends", output)
        self.assertIn("non-progress cycle", output)

    def test_a_producer_that_forgets_the_doorbell_is_caught(self):
        self.edit("primitives/ring/src/Ring.pml",
                  ":: sent == head_seen -> atomic { raise_bit(doorbell, doorbell_view, producer_view) }",
                  ":: sent == head_seen -> skip")
        status, output = self.check("the code: 2 slots")
        self.assertEqual(status, 1, output)
        self.assertIn("FAIL the code: 2 slots, 4 messages, bursts of up to 2", output)
        self.assertIn("consumer_parked", output)


class ModelTest(unittest.TestCase):
    def test_the_model_passes_and_every_mutation_fails(self):
        result = run_checker("--jobs", "2")
        sys.stdout.write(result.stdout)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        checker = load_checker()
        for configuration in checker.CONFIGURATIONS:
            verdict = "passes" if not configuration.expect else f"fails: {configuration.expect}"
            self.assertIn(f"ok   {configuration.name}: {verdict};", result.stdout)
        self.assertTrue(any(configuration.expect for configuration in checker.CONFIGURATIONS))

    def test_a_mutation_the_model_cannot_tell_apart_is_a_failure(self):
        self.assertTrue(shutil.which("spin") and shutil.which("gcc"), "spin and gcc are needed: ./vectra setup installs them")
        checker = load_checker()
        harmless = checker.Configuration("harmless define", checker.SMALL + ["HARMLESS"], "lost doorbell")
        outcome = checker.check_configuration(ROOT, harmless, shutil.which("spin"), shutil.which("gcc"))
        self.assertEqual(outcome.problem, "no counterexample: the model cannot tell this mutation from the code")


if __name__ == "__main__":
    unittest.main()
