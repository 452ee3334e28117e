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
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True
REPOSITORY = Path(__file__).resolve().parents[2]
TOOLS = REPOSITORY / "tools" / "vectra"
sys.path.insert(0, str(TOOLS))  # the tools import their siblings by name

import bench  # noqa: E402
import bench_guest as guest  # noqa: E402
import test_top  # noqa: E402  (its snapshot tables, built byte by byte)
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


def store_console(write_ns=3_000_000_000, read_ns=2_000_000_000, small_ns=15_000_000_000) -> list:
    return [
        "initd: spawned store-bench",
        "store-bench: 256 MiB sequentially, 10000 small files, on /data",
        f"store-bench: sequential-write: 268435456 bytes in 256 writes of 1048576 bytes, then sync: {write_ns} ns",
        f"store-bench: sequential-read: 268435456 bytes in 256 reads of 1048576 bytes: {read_ns} ns",
        f"store-bench: small-files: 1000000 bytes in 10000 files of 100 bytes created, stat-ed and read, then sync: {small_ns} ns",
        "store-bench: done",
    ]


def store_linux_console(write_ns=12_000_000_000, read_ns=3_000_000_000, small_ns=20_000_000_000) -> list:
    return ["linux-guest: running the workload", f"linux-bench: sequential-write: {write_ns}",
            f"linux-bench: sequential-read: {read_ns}", f"linux-bench: small-files: {small_ns}", "linux-bench: done",
            "linux-guest: workload ended with status 0"]


class StoreGroup(unittest.TestCase):
    """Group guest_store: store-bench (components/storebench) against the Linux guest's
    store_bench.c on ext4."""

    def test_each_run_is_read_with_its_sizes_and_time(self):
        runs = guest.parse_store_ours(store_console())
        self.assertEqual(set(runs), set(guest.STORE_RUNS))
        self.assertEqual(runs["sequential-write"], guest.Measurement("sequential-write", 256 * MIB, 256, MIB, 1, 3 * 10**9))
        self.assertEqual(runs["small-files"], guest.Measurement("small-files", 10**6, 10000, 100, 1, 15 * 10**9))

    def test_a_missing_repeated_unknown_or_inconsistent_run_is_refused(self):
        console = store_console()
        broken = {
            "missing": console[:3] + console[4:],
            "twice": console + [console[2]],
            "unknown": console + ["store-bench: rename: 100 bytes in 1 files of 100 bytes: 5 ns"],
            "bytes do not add up": [line.replace("268435456 bytes in 256 reads", "268435456 bytes in 255 reads")
                                    for line in console],
            "another unit": [line.replace("256 writes", "256 files") for line in console],
            "no time": store_console(read_ns=0),
            "write and read differ": [line.replace("268435456 bytes in 256 reads", "134217728 bytes in 128 reads")
                                      for line in console],
        }
        for what, lines in broken.items():
            with self.subTest(what), self.assertRaises(Failure):
                guest.parse_store_ours(lines)

    def test_the_lines_store_bench_prints_are_the_lines_parsed_and_the_oracle_expects(self):
        source = (REPOSITORY / "components" / "storebench" / "src" / "StoreBench.cpp").read_text()
        formats = re.findall(r'"(store-bench: [a-z-]+: \{\} bytes in \{\} [a-z]+ of \{\} bytes[^"]*: \{\} ns)"', source)
        self.assertEqual(len(formats), len(guest.STORE_RUNS), "StoreBench.cpp's report lines changed: change STORE_LINE")
        oracle = json.loads((REPOSITORY / "images" / "store-bench" / "oracle.json").read_text())
        patterns = [pattern for pattern in oracle["patterns"] if re.match(r"^\^store-bench: [a-z]+-[a-z]+:", pattern)]
        self.assertEqual(len(patterns), len(guest.STORE_RUNS))
        sizes = {"sequential-write": (256 * MIB, 256, MIB), "sequential-read": (256 * MIB, 256, MIB),
                 "small-files": (10**6, 10000, 100)}
        for text in formats:
            run = text.split(": ")[1]
            line = text
            for value in (*sizes[run], 123456789):
                line = line.replace("{}", str(value), 1)
            with self.subTest(run):
                self.assertRegex(line, guest.STORE_LINE)
                self.assertTrue(any(re.search(pattern, line) for pattern in patterns), line)

    def test_the_guest_program_prints_what_is_parsed(self):
        source = guest.STORE_PROGRAM.read_text()
        self.assertIn('printf("linux-bench: %s: %llu\\n"', source)
        self.assertIn('printf("linux-bench: %s failed: %s (%s)\\n"', source)
        for call in ("fsync(file)", "syncfs(directory)", "O_CREAT | O_EXCL", "stat(path, &status)",
                     "/proc/sys/vm/drop_caches", "CLOCK_MONOTONIC"):
            self.assertIn(call, source)

    def test_the_workload_mounts_ext4_and_repeats_the_sizes(self):
        script = guest.store_workload(guest.parse_store_ours(store_console()))
        self.assertIn("mount -t ext4 /dev/vda1 /mnt || echo \"linux-bench: mount failed\"\n", script)
        self.assertIn("store_bench /mnt 256 10000 ||", script)
        other = dict(guest.parse_store_ours(store_console()))
        other["small-files"] = guest.Measurement("small-files", 2000, 10, 200, 1, 5)
        with self.assertRaises(Failure):
            guest.store_workload(other)
        self.assertEqual(guest.STORE_MODULES[-1], "ext4")

    def test_ext4_is_made_in_the_partition_initialised(self):
        command = guest.ext4_command(Path("disk0.img"), MIB, 384 * MIB)
        self.assertEqual(command[0], "mkfs.ext4")
        self.assertIn("offset=1048576,lazy_itable_init=0,lazy_journal_init=0", command)
        self.assertEqual(command[-2:], ["disk0.img", str(384 * MIB // 4096)])
        image = guest.images.image(guest.STORE_IMAGE)
        partition = guest.find_partition(image, guest.STORE_PARTITION)
        self.assertEqual(partition.first_sector * 512, MIB)  # /dev/vda1 in the guest

    def test_the_linux_console_is_read_and_refused_when_broken(self):
        ours = guest.parse_store_ours(store_console())
        runs = guest.parse_store_linux(store_linux_console(), ours)
        self.assertEqual(runs["sequential-write"].nanoseconds, 12 * 10**9)
        self.assertEqual(runs["small-files"].requests, 10000)  # the sizes are store-bench's
        lines = store_linux_console()
        broken = {
            "failed": lines + ["linux-bench: small-files failed: stat (No such file or directory)"],
            "mount failed": lines + ["linux-bench: mount failed"],
            "missing": [line for line in lines if "sequential-read" not in line],
            "twice": lines + [lines[1]],
            "no time": store_linux_console(read_ns=0),
        }
        for what, console in broken.items():
            with self.subTest(what), self.assertRaises(Failure):
                guest.parse_store_linux(console, ours)

    def test_the_entries_pair_in_bench_py(self):
        ours = guest.parse_store_ours(store_console())
        linux = guest.parse_store_linux(store_linux_console(), ours)
        entries = guest.with_variation(guest.report_entries("ours", ours, guest.STORE_BENCHMARK, guest.STORE_RUNS)
                                       + guest.report_entries("baseline_linux", linux, guest.STORE_BENCHMARK,
                                                              guest.STORE_RUNS))
        records = bench.load_records(REPOSITORY / "tests" / "bench" / "benchmarks.json")
        chosen = {record.name: record for record in records if record.binary == guest.STORE_GROUP}
        self.assertEqual(set(chosen), {"store_guest_sequential_write", "store_guest_sequential_read",
                                       "store_guest_small_files"})
        summaries = bench.summarize({"benchmarks": entries})
        write = bench.evaluate(chosen["store_guest_sequential_write"], summaries)
        self.assertIsNone(write["problem"])
        self.assertAlmostEqual(write["ratio"], 4.0)
        small = bench.evaluate(chosen["store_guest_small_files"], summaries)
        self.assertAlmostEqual(small["ours"], 10000 / 15 / 1e3)
        self.assertAlmostEqual(small["ratio"], 20 / 15)


def ab_report(complete=200, failed=0, kept_alive=None, length=1024, seconds="10.004", median=1, p99=13, non_2xx=None) -> str:
    """ab 2.3's report as it prints it (the lines parse_ab reads among the others)."""
    lines = ["This is ApacheBench, Version 2.3 <$Revision$>", "", "Server Hostname:        127.0.0.1",
             "Document Path:          /bench/1k.txt", f"Document Length:        {length} bytes", "",
             "Concurrency Level:      4", f"Time taken for tests:   {seconds} seconds",
             f"Complete requests:      {complete}", f"Failed requests:        {failed}"]
    if failed:
        lines.append(f"   (Connect: 0, Receive: {failed}, Length: 0, Exceptions: 0)")
    if non_2xx is not None:
        lines.append(f"Non-2xx responses:      {non_2xx}")
    if kept_alive is not None:
        lines.append(f"Keep-Alive requests:    {kept_alive}")
    lines += ["Requests per second:    1032.00 [#/sec] (mean)", "", "Connection Times (ms)",
              "              min  mean[+/-sd] median   max", "Total:          0    2   2.5      1      26", "",
              "Percentage of the requests served within a certain time (ms)", f"  50%      {median}", "  66%      1",
              "  90%      5", f"  99%     {p99}", " 100%     26 (longest request)"]
    return "\n".join(lines) + "\n"


class HttpGroup(unittest.TestCase):
    """Group guest_http: the appliance images against busybox httpd and openssl s_server, driven by ab."""

    def test_ab_s_report_is_read_and_failures_counted_apart(self):
        row = guest.parse_ab("1k_keepalive", ab_report(complete=2000, failed=3, kept_alive=1990, median=2, p99=17), 1024)
        self.assertEqual(row, guest.HttpRow("1k_keepalive", 2000, 3, 1990, 1024, 10.004, 2.0, 17.0))
        self.assertEqual(row.good, 1997)
        self.assertEqual(guest.parse_ab("1k_new", ab_report(), 1024).kept_alive, 0)  # no -k: no such line

    def test_a_report_that_is_wrong_or_incomplete_is_refused(self):
        with self.assertRaisesRegex(Failure, "not 2xx"):
            guest.parse_ab("1k_new", ab_report(non_2xx=5), 1024)
        with self.assertRaisesRegex(Failure, "the file has 1048576"):
            guest.parse_ab("1m_new", ab_report(length=1024), MIB)
        with self.assertRaisesRegex(Failure, "no request answered whole"):
            guest.parse_ab("1k_new", ab_report(complete=4, failed=4), 1024)
        with self.assertRaisesRegex(Failure, "no p99_ms"):
            guest.parse_ab("1k_new", "\n".join(line for line in ab_report().splitlines() if "99%" not in line), 1024)
        with self.assertRaisesRegex(Failure, "two complete"):
            guest.parse_ab("1k_new", ab_report() + "Complete requests:      1\n", 1024)
        with self.assertRaisesRegex(Failure, "below its median"):
            guest.parse_ab("1k_new", ab_report(median=20, p99=10), 1024)

    def test_ab_is_bounded_and_keeps_alive_only_on_keepalive_rows(self):
        command = guest.ab_command("http", 5555, "1k_new")
        self.assertEqual(command[:9], ["ab", "-t", str(guest.HTTP_ROW_SECONDS), "-n", str(guest.HTTP_ROW_REQUESTS), "-c",
                                       str(guest.HTTP_CONCURRENCY), "-r", "http://127.0.0.1:5555/bench/1k.txt"])
        self.assertLess(command.index("-t"), command.index("-n"))  # -t implies -n 50000; the -n after it wins
        self.assertNotIn("-k", command)
        secure = guest.ab_command("https", 5555, "1m_keepalive")
        self.assertIn("-k", secure)
        self.assertEqual(secure[secure.index("-f") + 1], "TLS1.3")
        self.assertEqual(secure[-1], "https://127.0.0.1:5555/bench/1m.txt")
        self.assertEqual(guest.HTTP_ROWS, ("1k_new", "1k_keepalive", "1m_new", "1m_keepalive"))

    def test_a_failed_row_says_what_ab_said_and_asks_for_the_guest_s_state(self):
        asked = []
        failing = [sys.executable, "-c", "import sys; sys.stderr.write('apr_pollset_poll: The timeout specified has "
                   "expired (70007)'); sys.exit(119)"]
        with self.assertRaises(Failure) as caught:
            guest.run_row(failing, lambda: asked.append(1) or "the guest's debug snapshot then: stuck.txt")
        self.assertIn("failed (119): apr_pollset_poll: The timeout specified has expired", str(caught.exception))
        self.assertTrue(str(caught.exception).endswith("; the guest's debug snapshot then: stuck.txt"))
        self.assertEqual(asked, [1])
        with self.assertRaises(Failure) as caught:
            guest.run_row(failing)  # the Linux side: nothing to ask
        self.assertTrue(str(caught.exception).endswith("(70007)"))
        report = guest.run_row([sys.executable, "-c", "print('Requests per second:    5.00')"], lambda: asked.append(2))
        self.assertEqual(report, "Requests per second:    5.00\n")
        self.assertEqual(asked, [1])  # a row that ran asks for nothing

    def test_the_guest_s_snapshot_is_written_when_readable_and_its_absence_said_when_not(self):
        class Memory(test_top.FakeMemory):
            closed = False

            def close(self):
                self.closed = True

        first = [test_top.record(b"netd", 7, switches=4242), test_top.record(b"https-appliance", 9)]
        second = [test_top.record(b"netd", 7, switches=4250), test_top.record(b"https-appliance", 9)]
        paused = []
        with tempfile.TemporaryDirectory() as folder:
            output = Path(folder) / "ours-https-2.stuck.txt"
            memory = Memory([test_top.table(first, generation=8), test_top.table(second, generation=10)])
            said = guest.snapshot_writer(lambda: memory, lambda: (0x1000, 4096), "https-appliance when ab failed",
                                         output, lambda seen: ["virtio-net queue 0: used-idx 7"], paused.append)()
            self.assertIn("ours-https-2.stuck.txt", said)
            written = output.read_text()
            self.assertIn("https-appliance when ab failed, look 1 of 2", written)
            self.assertIn("https-appliance when ab failed, look 2 of 2", written)
            self.assertLess(written.index("4242"), written.index("virtio-net queue 0: used-idx 7"))
            self.assertLess(written.index("virtio-net queue 0: used-idx 7"), written.index("4250"))
            self.assertEqual(paused, [guest.STUCK_SECONDS])
            self.assertTrue(memory.closed)
            output.unlink()

            def unreadable(seen):
                raise Failure("QEMU's monitor refused x-query-virtio: no such command")
            memory = Memory([test_top.table(first)])
            guest.snapshot_writer(lambda: memory, lambda: (0, 0), "t", output, unreadable, lambda seconds: None)()
            self.assertIn("the devices' queues could not be read: QEMU's monitor refused x-query-virtio", output.read_text())
            output.unlink()

            class Ending(Memory):
                def read(self, address, size):
                    if self.reads == 1:
                        raise Failure("QEMU's monitor closed the connection (the image has ended)")
                    return super().read(address, size)
            memory = Ending([test_top.table(first)])
            said = guest.snapshot_writer(lambda: memory, lambda: (0, 0), "t", output, None, lambda seconds: None)()
            self.assertIn("snapshot then", said)  # what was read is kept, and the end said after it
            self.assertTrue(output.read_text().endswith("then: QEMU's monitor closed the connection (the image has ended)\n"))
            self.assertIn("4242", output.read_text())
            output.unlink()

            def unreachable():
                raise Failure("cannot reach QEMU's monitor at qmp.sock: No such file or directory")
            said = guest.snapshot_writer(unreachable, lambda: (0, 0), "t", output)()
            self.assertEqual(said, "the guest's debug snapshot could not be read: "
                                   "cannot reach QEMU's monitor at qmp.sock: No such file or directory")
            torn = Memory([b"\x01" * 200])
            said = guest.snapshot_writer(lambda: torn, lambda: (0, 0), "t", output)()
            self.assertTrue(said.startswith("the guest's debug snapshot could not be read: "))
            self.assertTrue(torn.closed)
            self.assertFalse(output.exists())

    def test_each_virtio_queue_is_listed_as_qemu_sees_it(self):
        class Monitor:
            def __init__(self):
                self.asked = []

            def execute(self, command, **arguments):
                self.asked.append((command, arguments))
                if command == "x-query-virtio":
                    return [{"path": "/machine/net/virtio-backend", "name": "virtio-net"}]
                if command == "x-query-virtio-status":
                    return {"isr": 1, "num-vqs": 2}
                return {"vring-num": 256, "inuse": 0, "last-avail-idx": 40 + arguments["queue"],
                        "shadow-avail-idx": 41, "used-idx": 39, "signalled-used": 38, "signalled-used-valid": True}

        monitor = Monitor()
        lines = guest.virtio_queues(monitor)
        self.assertEqual(lines, [
            "virtio-net at /machine/net/virtio-backend: isr 1",
            "  queue 0: size 256, in use 0, last-avail-idx 40, shadow-avail-idx 41, used-idx 39, signalled-used 38 (valid True)",
            "  queue 1: size 256, in use 0, last-avail-idx 41, shadow-avail-idx 41, used-idx 39, signalled-used 38 (valid True)",
        ])
        self.assertEqual(monitor.asked[2], ("x-query-virtio-queue-status", {"path": "/machine/net/virtio-backend", "queue": 0}))

    def test_both_appliances_serve_the_same_bench_files(self):
        for image, _, _ in guest.HTTP_SCHEMES.values():
            root = REPOSITORY / "images" / image / "www"
            self.assertEqual(len((root / "bench" / "1k.txt").read_bytes()), 1024)
            self.assertEqual(len((root / "bench" / "1m.txt").read_bytes()), MIB)
        for target in guest.HTTP_FILES.values():
            self.assertEqual((REPOSITORY / "images/http-appliance/www" / target.lstrip("/")).read_bytes(),
                             (REPOSITORY / "images/https-appliance/www" / target.lstrip("/")).read_bytes())

    def test_the_guest_waits_for_the_appliance_s_serving_line_as_its_oracle_does(self):
        for scheme, (image, _, port) in guest.HTTP_SCHEMES.items():
            oracle = json.loads((REPOSITORY / "images" / image / "oracle.json").read_text())
            after = re.compile(oracle["http_client"]["after"])
            serving = next(pattern for pattern in oracle["patterns"] if "serving /www" in pattern)
            line = serving.strip("^$").replace("\\", "")
            self.assertTrue(after.search(line), scheme)
            self.assertIn(f"-:{port}", " ".join(oracle["qemu_args"]["x86_64"]))  # the guest serves on the forwarded port

    def test_the_linux_workload_serves_on_the_forwarded_port_then_says_so(self):
        plain = guest.http_workload("http", 80)
        self.assertIn("ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up", plain)
        self.assertIn("route add default gw 10.0.2.2", plain)
        self.assertIn("httpd -p 80 -h /www\n", plain)
        self.assertNotIn("openssl", plain)
        secure = guest.http_workload("https", 443)
        self.assertIn("openssl s_server -WWW -tls1_3 -accept 443 -cert /etc/identity.pem -key /etc/identity.pem", secure)
        self.assertIn("cd /www", secure)
        self.assertIn("LD_LIBRARY_PATH=/lib", secure)
        lines = secure.splitlines()
        self.assertLess(next(i for i, l in enumerate(lines) if "s_server" in l), lines.index(f'echo "{guest.LINUX_SERVING}"'))
        self.assertTrue(re.match(r"^sleep [0-9]+$", lines[-1]))  # bounded: the harness stops the machine first

    def test_the_guest_s_initramfs_files(self):
        files = {"/bench/1k.txt": b"k" * 1024, "/bench/1m.txt": b"m" * MIB}
        openssl = [("bin/openssl", 0o755, b"ELF"), ("lib/libssl.so.3", 0o644, b"SSL")]
        plain = guest.http_guest_files("http", files, b"PEM", openssl)
        self.assertEqual(plain, [("www/bench/1k.txt", 0o644, files["/bench/1k.txt"]),
                                 ("www/bench/1m.txt", 0o644, files["/bench/1m.txt"])])
        secure = guest.http_guest_files("https", files, b"PEM", openssl)
        self.assertIn(("etc/identity.pem", 0o600, b"PEM"), secure)
        self.assertEqual(secure[-2:], openssl)

    def test_the_entries_pair_in_bench_py_with_latency_and_handshake(self):
        def side(good_per_second, median, p99, handshakes):
            rows = {row: guest.HttpRow(row, good_per_second * 10 + 1, 1, 0, MIB if row.startswith("1m") else 1024, 10.0,
                                       median, p99) for row in guest.HTTP_ROWS}
            return guest.HttpSide(rows, handshakes)
        entries = []
        for benchmark in ("http_guest", "https_guest"):
            handshakes = [30_000_000, 10_000_000, 20_000_000] if benchmark == "https_guest" else []
            entries += guest.http_entries(benchmark, "ours", side(300, 2, 9, handshakes))
            entries += guest.http_entries(benchmark, "baseline_linux", side(100, 8, 40, [x * 2 for x in handshakes]))
        summaries = bench.summarize({"benchmarks": guest.with_variation(entries)})
        records = {record.name: record for record in bench.load_records(REPOSITORY / "tests" / "bench" / "benchmarks.json")
                   if record.binary == guest.HTTP_GROUP}
        self.assertEqual(len(records), 2 * 4 * 3 + 1)
        for name, record in records.items():
            result = bench.evaluate(record, summaries)
            self.assertIsNone(result["problem"], name)
        rate = bench.evaluate(records["https_guest_1m_keepalive"], summaries)
        self.assertAlmostEqual(rate["ours"], 300.0)  # good requests: complete less failed
        self.assertAlmostEqual(rate["ratio"], 3.0)
        self.assertIs(rate["met"], True)
        self.assertAlmostEqual(bench.evaluate(records["http_guest_1k_new_median"], summaries)["ratio"], 4.0)
        self.assertAlmostEqual(bench.evaluate(records["http_guest_1k_new_p99"], summaries)["ours"], 9.0)
        handshake = bench.evaluate(records["https_guest_handshake"], summaries)
        self.assertAlmostEqual(handshake["ours"], 20.0)  # the median of three, in ms
        self.assertAlmostEqual(handshake["ratio"], 2.0)
        self.assertNotIn("http_guest/handshake/ours", summaries)  # plain HTTP has no handshake


import bench_boot  # noqa: E402


def desktop_console(prompt_present="800x456 at (32, 59)") -> list:
    """Image desktop's lines as the group times them: (seconds since QEMU's start, line)."""
    lines = ["vectra: booting image desktop on x86_64",
             "virtio-gpu: 1af4:1050 serving scanout 0 (1024x768) as vectra.display, 403059 us after boot",
             "virtio-gpu: present 1 of 1024x768 at (0, 0), 786432 pixels presented in all",
             "virtio-gpu: present 2 of 800x483 at (32, 32), 1172832 pixels presented in all",
             "vsh: ready: a vfsd session and a terminal window",
             "virtio-gpu: present 4 of 800x27 at (32, 32), 1216032 pixels presented in all",
             f"virtio-gpu: present 5 of {prompt_present}, 1580832 pixels presented in all"]
    return [(0.5 + index * 0.25, line) for index, line in enumerate(lines)]


class DesktopGroup(unittest.TestCase):
    """Group guest_desktop (bench_boot.py, ADR 0051): image desktop to its first frame and prompt
    against the do-nothing kernel and the Linux guest's framebuffer console."""

    def test_the_first_present_and_the_present_covering_the_prompt_after_ready_are_taken(self):
        times = bench_boot.desktop_times(desktop_console())
        self.assertEqual(times, {"frame": 1.0, "prompt": 2.0})

    def test_a_present_before_ready_or_missing_the_prompt_is_not_the_prompt(self):
        # Present 2 covers the prompt's box but comes before vsh wrote its prompt; present 4 is the title bar.
        with self.assertRaisesRegex(Failure, "no frame covering vsh's prompt"):
            bench_boot.desktop_times(desktop_console(prompt_present="800x19 at (32, 59)"))
        with self.assertRaisesRegex(Failure, "no first present"):
            bench_boot.desktop_times([(1.0, "vsh: ready: a vfsd session and a terminal window")])

    def test_the_prompt_box_must_be_covered_whole(self):
        present = bench_boot.PRESENT.match("virtio-gpu: present 6 of 800x437 at (32, 78), 1 pixels presented in all")
        self.assertTrue(bench_boot.covers(present, bench_boot.PROMPT_BOX))
        for partial in ("60x19 at (32, 78)", "800x18 at (32, 78)", "800x437 at (33, 78)", "800x437 at (32, 79)"):
            with self.subTest(partial):
                match = bench_boot.PRESENT.match(f"virtio-gpu: present 6 of {partial}, 1 pixels presented in all")
                self.assertFalse(bench_boot.covers(match, bench_boot.PROMPT_BOX))

    def test_the_linux_guest_needs_its_frame_then_its_prompt(self):
        timed = [(20.0, "linux-guest: running the workload"), (20.5, bench_boot.LINUX_FRAME),
                 (21.0, bench_boot.LINUX_PROMPT), (21.1, bench_boot.LINUX_PROMPT)]
        self.assertEqual(bench_boot.linux_times(timed), {"frame": 20.5, "prompt": 21.0})
        with self.assertRaisesRegex(Failure, "did not come up"):
            bench_boot.linux_times([(1.0, "linux-bench: no framebuffer console")] + timed)
        with self.assertRaisesRegex(Failure, "no prompt line"):
            bench_boot.linux_times(timed[:2])
        with self.assertRaisesRegex(Failure, "prompt came before its frame"):
            bench_boot.linux_times([(1.0, bench_boot.LINUX_PROMPT), (2.0, bench_boot.LINUX_FRAME)])

    def test_the_workload_checks_the_console_and_says_the_prompt_from_the_prompt_itself(self):
        script = bench_boot.linux_workload()
        self.assertIn("[ -e /dev/fb0 ] && grep -q 'frame buffer' /sys/class/vtconsole/vtcon*/name", script)
        self.assertIn(f"export PS1='$(echo \"{bench_boot.LINUX_PROMPT}\" > /dev/console)/ # '", script)
        self.assertIn("exec sh -i < /dev/tty1 > /dev/tty1", script)

    def test_the_floor_is_its_first_line_and_is_built_for_each_platform(self):
        self.assertEqual(bench_boot.floor_time([(0.1, "SeaBIOS"), (0.3, bench_boot.FLOOR_LINE)]), 0.3)
        with self.assertRaises(Failure):
            bench_boot.floor_time([(0.1, "other")])
        for platform in ("x86_64", "aarch64"):
            with self.subTest(platform):
                commands = bench_boot.floor_commands(platform, Path("/tmp/floor"))
                self.assertTrue(Path(commands[0][3]).exists())  # the source
                self.assertTrue(Path(commands[1][2]).exists())  # the linker script
                self.assertIn(bench_boot.FLOOR_LINE.encode(), Path(commands[0][3]).read_bytes())
        with self.assertRaises(Failure):
            bench_boot.floor_commands("hosted", Path("/tmp/floor"))

    def test_the_entries_pair_in_bench_py_against_both_baselines(self):
        entries = []
        for ours, floor, linux in ((1.2, 0.4, 30.0), (1.0, 0.2, 40.0), (1.4, 0.3, 35.0)):
            entries += bench_boot.entries("ours", {"frame": ours, "prompt": ours + 1})
            entries += bench_boot.entries("baseline_floor", {"frame": floor, "prompt": floor})
            entries += bench_boot.entries("baseline_linux", {"frame": linux, "prompt": linux + 0.5})
        summaries = bench.summarize({"benchmarks": guest.with_variation(entries)})
        records = {record.name: record for record in bench.load_records(REPOSITORY / "tests" / "bench" / "benchmarks.json")
                   if record.binary == bench_boot.DESKTOP_GROUP}
        self.assertEqual(set(records), {"desktop_boot_to_frame", "desktop_boot_to_frame_vs_linux",
                                        "desktop_boot_to_prompt", "desktop_boot_to_prompt_vs_linux"})
        frame = bench.evaluate(records["desktop_boot_to_frame"], summaries)
        self.assertIsNone(frame["problem"])
        self.assertAlmostEqual(frame["ours"], 1200.0)  # ms, the median
        self.assertAlmostEqual(frame["ratio"], 4.0)
        prompt = bench.evaluate(records["desktop_boot_to_prompt_vs_linux"], summaries)
        self.assertAlmostEqual(prompt["baseline"], 35500.0)
        self.assertAlmostEqual(prompt["ratio"], 2200 / 35500)
        self.assertIn("desktop_boot/frame/baseline_floor", summaries)
        self.assertIn(bench_boot.DESKTOP_GROUP, guest.GROUPS)


if __name__ == "__main__":
    unittest.main()
