# SPDX-License-Identifier: Apache-2.0
"""Tests for the pure parts of `./vectra bench`'s key-to-photon group (tools/vectra/bench_keys.py,
ADR 0047's amendment "Key to photon"), no QEMU: the drivers' and vterm's stamp lines parsed and
paired by key, incomplete or inconsistent consoles refused, the percentile, the entries bench.py
pairs into the key_to_photon records — and that the drivers' and vterm's own format strings agree
with the parser.

    /usr/bin/python3 -m unittest -v test_bench_keys      (from tests/tools)
"""

import json
import re
import sys
import unittest
from pathlib import Path

sys.dont_write_bytecode = True
REPOSITORY = Path(__file__).resolve().parents[2]
TOOLS = REPOSITORY / "tools" / "vectra"
sys.path.insert(0, str(TOOLS))  # the tools import their siblings by name

import bench  # noqa: E402
import bench_keys as keys_group  # noqa: E402
import keys  # noqa: E402
from ui import Failure  # noqa: E402


def console(count=3, interrupt=1_000_000, photon=12_000_000, driver="virtio-input") -> list:
    """A boot's lines: each key stamped by the driver (at its release) and by vterm (at its frame)."""
    lines = ["vsh: ready: a vfsd session and a terminal window"]
    for key in range(1, count + 1):
        start = key * 100_000_000 + interrupt
        lines.append(f"vterm: key {key} in window 0: received {start + 2_000_000} drawn {start + 6_000_000} "
                     f"flushed {start + photon} ns")
        lines.append(f"{driver}: key {key} interrupt {start} ns")
    return lines


class ParseTest(unittest.TestCase):
    def test_keys_are_paired_by_number_whichever_line_comes_first(self):
        paths = keys_group.parse_paths(console(), 3)
        self.assertEqual([path.key for path in paths], [1, 2, 3])
        self.assertEqual({path.photon for path in paths}, {12_000_000})
        self.assertEqual({path.to_read for path in paths}, {2_000_000})

    def test_the_hosted_driver_is_read_too(self):
        self.assertEqual(len(keys_group.parse_paths(console(driver="host-input"), 3)), 3)

    def test_a_key_missing_at_either_end_is_refused(self):
        lines = console()
        with self.assertRaisesRegex(Failure, "vterm printed no stamp for key 3"):
            keys_group.parse_paths([line for line in lines if not line.startswith("vterm: key 3 ")], 3)
        with self.assertRaisesRegex(Failure, "input driver printed no stamp for key 2"):
            keys_group.parse_paths([line for line in lines if not line.startswith("virtio-input: key 2 ")], 3)
        with self.assertRaisesRegex(Failure, "key 4"):
            keys_group.parse_paths(lines, 4)

    def test_a_key_stamped_twice_is_refused(self):
        lines = console()
        with self.assertRaisesRegex(Failure, "stamped key 1 twice"):
            keys_group.parse_paths(lines + [lines[2]], 3)
        with self.assertRaisesRegex(Failure, "stamped key 1 twice"):
            keys_group.parse_paths(lines + [lines[1]], 3)

    def test_stamps_out_of_order_are_refused(self):
        lines = console(count=1)
        lines[2] = "virtio-input: key 1 interrupt 999999999999 ns"
        with self.assertRaisesRegex(Failure, "out of order"):
            keys_group.parse_paths(lines, 1)

    def test_other_lines_are_left_alone(self):
        lines = console(count=2) + ["virtio-input: forwarding to inputd as a keyboard; 64 event buffers, ready",
                                    "vterm: key 1 in window 0: received soon"]
        self.assertEqual(len(keys_group.parse_paths(lines, 2)), 2)


class NumbersTest(unittest.TestCase):
    def test_percentile_is_the_nearest_rank(self):
        values = list(range(1, 101))
        self.assertEqual(keys_group.percentile(values, 0.99), 99.0)
        self.assertEqual(keys_group.percentile(values, 0.5), 50.0)
        self.assertEqual(keys_group.percentile([7], 0.99), 7.0)
        self.assertEqual(keys_group.percentile(list(range(1, 11)), 0.99), 10.0)
        with self.assertRaises(Failure):
            keys_group.percentile([], 0.99)

    def test_hops_add_up_to_the_whole_path(self):
        hops = keys_group.hop_medians(keys_group.parse_paths(console(), 3))
        self.assertEqual(hops["interrupt_to_received"], 2_000_000)
        self.assertEqual(hops["received_to_drawn"], 4_000_000)
        self.assertEqual(hops["drawn_to_flushed"], 6_000_000)
        self.assertEqual(hops["interrupt_to_flushed"], 12_000_000)

    def test_entries_pair_into_the_records(self):
        paths = keys_group.parse_paths(console(count=100), 100)
        entries = keys_group.report_entries("x86_64", paths)
        report = {"context": {}, "benchmarks": entries}
        summaries = bench.summarize(report)
        records = {record.name: record for record in bench.load_records()}
        for name in ("key_to_photon_x86_64", "key_to_photon_p99_x86_64"):
            result = bench.evaluate(records[name], summaries)
            self.assertIsNone(result["problem"], name)
            self.assertAlmostEqual(result["ours"], 12.0)
            self.assertAlmostEqual(result["baseline"], 2.0)
        self.assertTrue(bench.evaluate(records["key_to_photon_x86_64"], summaries)["met"])

    def test_every_platform_has_its_records_and_goal(self):
        records = {record.name: record for record in bench.load_records()}
        for platform, goal in (("x86_64", 16.0), ("aarch64", 16.0), ("hosted", 8.0)):
            self.assertEqual((records[f"key_to_photon_{platform}"].goal.operator,
                              records[f"key_to_photon_{platform}"].goal.value), ("<=", goal))
            self.assertEqual(records[f"key_to_photon_{platform}"].binary, keys_group.KEYS_GROUP)
            self.assertEqual(records[f"key_to_photon_p99_{platform}"].binary, keys_group.KEYS_GROUP)


class FormatTest(unittest.TestCase):
    """The image's own format strings print what the parser reads."""

    def format_of(self, path: str, prefix: str) -> str:
        text = (REPOSITORY / path).read_text()
        found = re.search(r'"(' + re.escape(prefix) + r'\{\} (?:interrupt|in window)[^"]*)"', text)
        self.assertIsNotNone(found, f"{path} prints no {prefix!r} line")
        return found.group(1)

    def filled(self, text: str, values: list) -> str:
        for value in values:
            text = text.replace("{}", str(value), 1)
        self.assertNotIn("{}", text)
        return text

    def test_the_drivers_lines_parse(self):
        for path, prefix in (("components/virtioinput/src/VirtioInput.cpp", "virtio-input: key "),
                             ("components/hostinput/src/HostInput.cpp", "host-input: key ")):
            line = self.filled(self.format_of(path, prefix), [5, 123456789])
            self.assertRegex(line, keys_group.DRIVER_LINE)

    def test_vterms_line_parses(self):
        text = self.format_of("apps/vterm/src/Display.cpp", "vterm: key ")
        self.assertRegex(self.filled(text, [5, 0, 100, 200, 300]), keys_group.VTERM_LINE)

    def test_the_typed_keys_are_letters_vsh_echoes(self):
        self.assertEqual(len(keys_group.TYPED), keys_group.KEYS)
        self.assertTrue(keys_group.TYPED.isalpha() and keys_group.TYPED.islower())
        steps = keys_group.key_steps()
        self.assertEqual(len(steps[0].combinations), keys_group.KEYS + 1)
        self.assertEqual(steps[0].hold_ms, keys_group.HOLD_MS)

    def test_the_steps_follow_the_images_oracle_to_its_end(self):
        """Each step waits for a line the image's own oracle waits for, and the last ends the second vsh:
        a step the image never prints (or a shell left running) would leave every boot to time out."""
        oracle = json.loads((REPOSITORY / "images" / keys_group.KEYS_IMAGE / "oracle.json").read_text())
        oracle_steps = keys.parse_all(oracle["keys"], "oracle")
        waited_for = {step.after.pattern for step in oracle_steps}
        steps = keys_group.key_steps()
        for step in steps:
            self.assertIn(step.after.pattern, waited_for)
        self.assertEqual(steps[-2].combinations, oracle_steps[2].combinations)
        self.assertEqual(steps[-1].after.pattern, oracle_steps[3].after.pattern)
        self.assertEqual(steps[-1].combinations, keys.parse_all([{"after": "x", "text": "exit\n"}], "exit")[0].combinations)


if __name__ == "__main__":
    unittest.main()
