# SPDX-License-Identifier: Apache-2.0
"""Tests for the pure parts of `./vectra bench`'s guest-level groups (tools/vectra/bench_guest.py,
ADR 0028), no QEMU: blk-bench's console lines and the Linux guest's parsed and checked, the
guest's workload script, the report entries bench.py pairs — and that blk-bench's own format
string, its image's oracle and benchmarks.json agree with the parser.

    /usr/bin/python3 -m unittest -v test_bench_guest      (from tests/tools)
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
import bench_guest as guest  # noqa: E402
from ui import Failure  # noqa: E402

MIB = 1024 * 1024


def ours_console(write_ns=50_000_000, read_ns=40_000_000, random_ns=2_000_000_000) -> list:
    return [
        "initd: spawned blk-bench",
        "blk-bench: partition bench: 147456 blocks of 512 bytes, queue limit 32, at most 2048 blocks a request",
        f"blk-bench: sequential-write: 67108864 bytes in 64 requests of 1048576 bytes at queue depth 1: {write_ns} ns",
        f"blk-bench: sequential-read: 67108864 bytes in 64 requests of 1048576 bytes at queue depth 1: {read_ns} ns",
        f"blk-bench: random-read: 67108864 bytes in 16384 requests of 4096 bytes at queue depth 32: {random_ns} ns",
        "blk-bench: done",
    ]


def linux_console(spawns=None, runs=None) -> list:
    """Lines as the workload prints them: three spawn timings per run, then the runs."""
    spawns = spawns or {"sequential-write": [30, 20, 25], "sequential-read": [20, 22, 40], "random-read": [900, 700, 800]}
    runs = runs or {"sequential-write": 1020, "sequential-read": 220, "random-read": 10_700}
    lines, clock = ["linux-guest: running the workload"], 5_000_000_000
    for run, tries in spawns.items():
        for milliseconds in tries:
            lines.append(f"linux-bench: {run}-spawn: {clock} {clock + milliseconds * 1_000_000}")
            clock += 10**9
    for run, milliseconds in runs.items():
        lines.append(f"linux-bench: {run}: {clock} {clock + milliseconds * 1_000_000}")
        clock += 10**9
    return lines + ["linux-guest: workload ended with status 0"]


class BlkBenchConsole(unittest.TestCase):
    def test_each_run_is_read_with_its_sizes_and_time(self):
        runs = guest.parse_ours(ours_console())
        self.assertEqual(set(runs), set(guest.BLOCK_RUNS))
        self.assertEqual(runs["sequential-read"], guest.Measurement("sequential-read", 64 * MIB, 64, MIB, 1, 40_000_000))
        self.assertEqual(runs["random-read"].depth, 32)
        self.assertEqual(runs["random-read"].requests, 16384)

    def test_a_missing_repeated_unknown_or_inconsistent_run_is_refused(self):
        console = ours_console()
        broken = {
            "missing": console[:3] + console[4:],
            "twice": console + [console[2]],
            "unknown": console + ["blk-bench: flush: 512 bytes in 1 requests of 512 bytes at queue depth 1: 5 ns"],
            "bytes do not add up": [line.replace("67108864 bytes in 64", "67108864 bytes in 63") for line in console],
            "no time": ours_console(read_ns=0),
            "no depth": [line.replace("queue depth 32", "queue depth 0") for line in console],
        }
        for what, lines in broken.items():
            with self.subTest(what), self.assertRaises(Failure):
                guest.parse_ours(lines)

    def test_the_lines_blk_bench_prints_are_the_lines_parsed_and_the_oracle_expects(self):
        source = (REPOSITORY / "components" / "blkbench" / "src" / "BlkBench.cpp").read_text()
        found = re.search(r'"(blk-bench: \{\}: \{\} bytes in \{\} requests of \{\} bytes at queue depth \{\}: \{\} ns)"', source)
        self.assertIsNotNone(found, "BlkBench.cpp's report line changed: change bench_guest.OURS_LINE with it")
        oracle = json.loads((REPOSITORY / "images" / "blk-bench" / "oracle.json").read_text())
        patterns = [pattern for pattern in oracle["patterns"] if re.match(r"^\^blk-bench: [a-z]+-[a-z]+:", pattern)]
        self.assertEqual(len(patterns), len(guest.BLOCK_RUNS))
        for run, size, requests, depth in (("sequential-write", MIB, 256, 1), ("sequential-read", MIB, 256, 1),
                                           ("random-read", 4096, 16384, 32)):
            line = found.group(1).replace("{}", run, 1).replace("{}", str(size * requests), 1) \
                .replace("{}", str(requests), 1).replace("{}", str(size), 1).replace("{}", str(depth), 1) \
                .replace("{}", "123456789", 1)
            with self.subTest(run):
                self.assertRegex(line, guest.OURS_LINE)
                self.assertTrue(any(re.search(pattern, line) for pattern in patterns), line)


class LinuxWorkload(unittest.TestCase):
    def setUp(self):
        self.ours = guest.parse_ours(ours_console())
        self.script = guest.linux_workload(MIB, self.ours, seed=3)

    def test_it_moves_the_same_bytes_at_the_partition_s_offset(self):
        self.assertIn("dd if=/dev/zero of=/dev/vda bs=1048576 seek=1 oflag=direct count=64\n", self.script)
        self.assertIn("dd if=/dev/vda of=/dev/null bs=1048576 skip=1 iflag=direct count=64\n", self.script)
        self.assertIn("timed random-read streams 512\n", self.script)  # 32 streams × 512 = 16384 reads
        self.assertIn("while [ $i -lt 32 ]", self.script)
        self.assertIn("RANDOM=3\n", self.script)

    def test_random_streams_stay_inside_the_written_range(self):
        found = re.search(r"bs=4096 count=\$1 skip=\$\(\((\d+) \+ \(RANDOM \* 32768 \+ RANDOM\) % (\d+)\)\)", self.script)
        self.assertIsNotNone(found)
        first, span = int(found.group(1)), int(found.group(2))
        self.assertEqual(first * 4096, MIB)
        self.assertLessEqual(first + span - 1 + 512, first + 64 * MIB // 4096)  # last start + one stream's reads

    def test_each_run_s_start_is_timed_three_times_before_the_runs(self):
        for run in guest.BLOCK_RUNS:
            with self.subTest(run):
                self.assertEqual(self.script.count(f"timed {run}-spawn "), guest.SPAWN_TRIES)
                self.assertLess(self.script.rindex(f"timed {run}-spawn "), self.script.index(f"timed {run} "))
        self.assertIn("count=0\n", self.script)
        self.assertIn("timed random-read-spawn streams 0\n", self.script)

    def test_the_clock_is_read_without_starting_a_process(self):
        now = self.script[self.script.index("now() {"):self.script.index("timed() {")]
        self.assertIn("< /proc/timer_list", now)
        self.assertNotIn("$(", now)
        self.assertNotRegex(now, r"\b(head|sed|cat|awk|grep)\b")

    def test_runs_it_cannot_repeat_are_refused(self):
        with self.assertRaises(Failure):
            guest.linux_workload(MIB + 512, self.ours)  # not on a MiB
        shallow = dict(self.ours, **{"random-read": guest.Measurement("random-read", 64 * MIB, 16384, 4096, 8, 5)})
        with self.assertRaises(Failure):
            guest.linux_workload(MIB, shallow)
        uneven = dict(self.ours, **{"sequential-read": guest.Measurement("sequential-read", 32 * MIB, 32, MIB, 1, 5)})
        with self.assertRaises(Failure):
            guest.linux_workload(MIB, uneven)


class LinuxConsole(unittest.TestCase):
    def setUp(self):
        self.ours = guest.parse_ours(ours_console())

    def test_each_run_loses_the_least_of_its_start_timings(self):
        runs = guest.parse_linux(linux_console(), self.ours)
        self.assertEqual(runs["sequential-write"].nanoseconds, (1020 - 20) * 1_000_000)
        self.assertEqual(runs["sequential-read"].nanoseconds, (220 - 20) * 1_000_000)
        self.assertEqual(runs["random-read"].nanoseconds, (10_700 - 700) * 1_000_000)
        self.assertEqual(runs["random-read"].requests, 16384)  # the sizes are blk-bench's

    def test_a_failed_missing_backward_or_too_short_run_is_refused(self):
        lines = linux_console()
        broken = {
            "failed": lines + ["linux-bench: sequential-read failed"],
            "missing run": [line for line in lines if not line.startswith("linux-bench: random-read: ")],
            "missing spawn": [line for line in lines if not line.startswith("linux-bench: sequential-write-spawn: ")],
            "backwards": lines + ["linux-bench: clock: 9 8"],
            "too short": linux_console(runs={"sequential-write": 1020, "sequential-read": 19, "random-read": 10_700}),
            "twice": lines + [lines[-2]],
        }
        for what, console in broken.items():
            with self.subTest(what), self.assertRaises(Failure):
                guest.parse_linux(console, self.ours)


class Report(unittest.TestCase):
    def test_the_entries_pair_in_bench_py_as_rates(self):
        ours = guest.parse_ours(ours_console(write_ns=50_000_000))
        linux = guest.parse_linux(linux_console(runs={"sequential-write": 120, "sequential-read": 220,
                                                      "random-read": 10_700}), ours)
        entries = guest.with_variation(guest.report_entries("ours", ours) + guest.report_entries("baseline_linux", linux))
        records = bench.load_records(REPOSITORY / "tests" / "bench" / "benchmarks.json")
        chosen = {record.name: record for record in records if record.binary == guest.BLOCK_GROUP}
        self.assertEqual(set(chosen), {"block_guest_sequential_write", "block_guest_sequential_read",
                                       "block_guest_random_read"})
        summaries = bench.summarize({"benchmarks": entries})
        write = bench.evaluate(chosen["block_guest_sequential_write"], summaries)
        self.assertIsNone(write["problem"])
        self.assertAlmostEqual(write["ours"], 64 * MIB / 0.05 / 1e6)
        self.assertAlmostEqual(write["baseline"], 64 * MIB / 0.1 / 1e6)
        self.assertAlmostEqual(write["ratio"], 2.0)
        self.assertIs(write["met"], True)
        random_read = bench.evaluate(chosen["block_guest_random_read"], summaries)
        self.assertAlmostEqual(random_read["ours"], 16384 / 2.0 / 1e3)
        self.assertAlmostEqual(random_read["ratio"], 10.0 / 2.0)
        self.assertEqual(random_read["ours_cv"], 0.0)  # one repetition

    def test_variation_is_the_spread_of_the_repetitions(self):
        entries = guest.report_entries("ours", guest.parse_ours(ours_console(read_ns=40_000_000))) \
            + guest.report_entries("ours", guest.parse_ours(ours_console(read_ns=60_000_000)))
        summaries = bench.summarize({"benchmarks": guest.with_variation(entries)})
        read = summaries["block_guest/sequential_read/ours"]
        self.assertEqual(read.repetitions, 2)
        self.assertAlmostEqual(read.medians["real_time"], 50_000_000)
        self.assertGreater(read.variation["real_time"], 0.2)

    def test_guest_records_are_accepted_and_host_names_still_checked(self):
        records = json.loads((REPOSITORY / "tests" / "bench" / "benchmarks.json").read_text())["records"]
        document = {"records": [dict(next(entry for entry in records if entry["binary"].startswith("guest_")))]}
        self.assertEqual(bench.parse_records(document)[0].binary, "guest_block")
        document["records"][0]["binary"] = "guestblock"
        with self.assertRaises(Failure):
            bench.parse_records(document)
        self.assertTrue(guest.is_guest_binary("guest_block"))
        self.assertFalse(guest.is_guest_binary("bench_block"))
        with self.assertRaises(Failure):
            guest.run_group("guest_unknown", "x86_64", 1, 1, False, Path("/nonexistent"))


if __name__ == "__main__":
    unittest.main()
