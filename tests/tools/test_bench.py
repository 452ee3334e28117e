# SPDX-License-Identifier: Apache-2.0
"""Tests for the pure parts of `./vectra bench` (tools/vectra/bench.py): the metadata checks, goal
expressions, pairing of Google Benchmark runs, ratios, the table and the results.json shape; and
that tests/bench/benchmarks.json names only benchmarks its sources register.

Run with Debian's Python, from tests/tools:
    /usr/bin/python3 -m unittest -v test_bench
"""

import importlib.util
import json
import re
import shutil
import sys
import time
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # keep tools/vectra/ free of __pycache__
HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent.parent
TOOLS = REPOSITORY / "tools" / "vectra"
sys.path.insert(0, str(TOOLS))  # bench.py imports its siblings by name


def load(module_name, file_name):
    specification = importlib.util.spec_from_file_location(module_name, TOOLS / file_name)
    module = importlib.util.module_from_spec(specification)
    sys.modules[module_name] = module
    specification.loader.exec_module(module)
    return module


bench = load("vectra_bench", "bench.py")
bench_status = load("vectra_bench_status", "bench_status.py")
Failure = sys.modules["ui"].Failure

RECORD = {
    "name": "task_switch",
    "binary": "bench_primitives",
    "benchmark": "BM_task_switch",
    "baseline": "baseline_raw_fcontext",
    "baseline_name": "raw fcontext",
    "unit": "ns/round trip",
    "better": "lower",
    "goal": "<= 1.2",
    "description": "two Tasks yielding",
}


def records_of(*entries):
    return bench.parse_records({"records": list(entries)})


def record(**changes):
    entry = dict(RECORD, **changes)
    return records_of(entry)[0]


def aggregate(run, aggregate_name, real_time, time_unit="ns", **extra):
    entry = {"name": f"{run}_{aggregate_name}", "run_name": run, "run_type": "aggregate", "repetitions": 5,
             "aggregate_name": aggregate_name, "real_time": real_time, "cpu_time": real_time,
             "time_unit": time_unit}
    entry.update(extra)
    return entry


# A trimmed report as Google Benchmark 1.7 writes it with --benchmark_report_aggregates_only.
REPORT = {
    "context": {"num_cpus": 2, "library_build_type": "release"},
    "benchmarks": [
        aggregate("BM_task_switch/ours", "mean", 70.0),
        aggregate("BM_task_switch/ours", "median", 60.0),
        aggregate("BM_task_switch/ours", "cv", 0.02),
        aggregate("BM_task_switch/baseline_raw_fcontext", "median", 0.010, time_unit="us"),
        aggregate("BM_task_switch/baseline_raw_fcontext", "cv", 0.05),
        aggregate("BM_ring/ours/real_time", "median", 2000.0, items_per_second=16e6, label="pinned"),
        aggregate("BM_ring/ours/real_time", "cv", 0.1, items_per_second=0.2),
        aggregate("BM_ring/baseline_spsc/real_time", "median", 100.0, items_per_second=320e6),
        {"name": "BM_broken/ours", "run_name": "BM_broken/ours", "run_type": "iteration",
         "error_occurred": True, "error_message": "cross-core benchmarks need two CPUs"},
    ],
}


class GoalExpressions(unittest.TestCase):
    def test_each_operator_is_parsed_and_judged_at_its_boundary(self):
        self.assertTrue(bench.parse_goal("<= 1.2").met_by(1.2))
        self.assertFalse(bench.parse_goal("<= 1.2").met_by(1.2001))
        self.assertTrue(bench.parse_goal(">= 50").met_by(50))
        self.assertFalse(bench.parse_goal(">= 50").met_by(49.9))
        self.assertFalse(bench.parse_goal("< 1").met_by(1))
        self.assertTrue(bench.parse_goal("> 1").met_by(1.5))
        self.assertEqual(bench.parse_goal(">=2.5e2"), bench.Goal(">=", 250.0))

    def test_no_goal_and_no_measurement_give_no_verdict(self):
        self.assertIsNone(bench.parse_goal(None))
        self.assertIsNone(bench.parse_goal("<= 1").met_by(None))

    def test_malformed_goals_are_refused(self):
        for text in ["1.2", "== 1", "≤ 1.2", "<= x", "<= 1.2 ns", "", 5]:
            with self.subTest(text=text), self.assertRaises(Failure):
                bench.parse_goal(text)


class Metadata(unittest.TestCase):
    def test_defaults_pair_ours_with_the_named_baseline(self):
        parsed = record()
        self.assertEqual(parsed.ours_run, "BM_task_switch/ours")
        self.assertEqual(parsed.baseline_run, "BM_task_switch/baseline_raw_fcontext")
        self.assertEqual((parsed.metric, parsed.scale, parsed.ratio, parsed.goal_on),
                         ("real_time", 1.0, "ours/baseline", "ratio"))

    def test_bad_records_are_refused_naming_the_record(self):
        cases = {
            "missing field": {key: value for key, value in RECORD.items() if key != "unit"},
            "unknown field": dict(RECORD, colour="blue"),
            "bad name": dict(RECORD, name="Task Switch"),
            "bad binary": dict(RECORD, binary="primitives"),
            "baseline not a baseline run": dict(RECORD, baseline="ours"),
            "baseline with a slash": dict(RECORD, baseline="baseline/x"),
            "bad direction": dict(RECORD, better="faster"),
            "bad metric": dict(RECORD, metric="wall_time"),
            "bad ratio": dict(RECORD, ratio="ours-baseline"),
            "bad goal_on": dict(RECORD, goal_on="baseline"),
            "zero scale": dict(RECORD, scale=0),
            "boolean scale": dict(RECORD, scale=True),
            "bad goal": dict(RECORD, goal="at most 1.2"),
        }
        for label, entry in cases.items():
            with self.subTest(label), self.assertRaises(Failure) as caught:
                records_of(entry)
            self.assertIn(f"record {entry['name']!r}", caught.exception.message)

    def test_a_name_used_twice_is_refused(self):
        with self.assertRaises(Failure):
            records_of(RECORD, dict(RECORD, baseline="baseline_other"))

    def test_a_document_without_records_is_refused(self):
        for document in [[], {"record": []}, {"records": {}}, {"records": ["x"]}]:
            with self.subTest(document=document), self.assertRaises(Failure):
                bench.parse_records(document)

    def test_the_filter_selects_by_record_or_benchmark_name(self):
        records = records_of(RECORD, dict(RECORD, name="ring_pingpong", benchmark="BM_ring_pingpong"))
        self.assertEqual([r.name for r in bench.select(records, "")], ["task_switch", "ring_pingpong"])
        self.assertEqual([r.name for r in bench.select(records, "ring")], ["ring_pingpong"])
        self.assertEqual([r.name for r in bench.select(records, "^BM_task")], ["task_switch"])
        with self.assertRaises(Failure):
            bench.select(records, "nothing-matches")
        with self.assertRaises(Failure):
            bench.select(records, "(")

    def test_a_set_selects_the_records_naming_it(self):
        records = records_of(dict(RECORD, sets=["speed"]), dict(RECORD, name="ring_pingpong", sets=["speed", "rings"]),
                             dict(RECORD, name="other"))
        self.assertEqual([r.name for r in bench.select(records, "@speed")], ["task_switch", "ring_pingpong"])
        self.assertEqual([r.name for r in bench.select(records, "@rings")], ["ring_pingpong"])
        with self.assertRaisesRegex(Failure, "sets: rings, speed"):
            bench.select(records, "@nothing")
        for bad in ("speed", ["Speed"], [1], ["two words"]):
            with self.subTest(bad), self.assertRaisesRegex(Failure, "sets must be"):
                records_of(dict(RECORD, sets=bad))

    def test_the_repository_set_issue9_holds_the_issue_s_six_goals(self):
        records = bench.load_records(REPOSITORY / "tests" / "bench" / "benchmarks.json")
        chosen = bench.select(records, "@issue9")
        self.assertEqual([r.name for r in chosen if r.goal is not None],
                         ["task_switch", "ring_pingpong_same_core", "ring_pingpong_cross_core", "ring_throughput",
                          "cross_cpu_wakeup", "two_pairs_pingpong"])
        self.assertEqual([r.name for r in chosen if r.goal is None],
                         ["task_switch_vs_boost_fiber", "ring_pingpong_same_core_vs_fiber_channel",
                          "ring_throughput_vs_slot_sized"])

    def test_the_filter_ignores_case(self):
        records = records_of(RECORD, dict(RECORD, name="ring_pingpong", benchmark="BM_ring_pingpong"))
        self.assertEqual([r.name for r in bench.select(records, "Ring")], ["ring_pingpong"])
        self.assertEqual([r.name for r in bench.select(records, "^bm_TASK")], ["task_switch"])


class TheRepositoryMetadata(unittest.TestCase):
    """tests/bench/benchmarks.json must name only runs that its Bench<Area>.cpp registers."""

    def test_every_record_pairs_two_registered_benchmarks(self):
        records = bench.load_records(REPOSITORY / "tests" / "bench" / "benchmarks.json")
        self.assertTrue(records)
        for parsed in records:
            if parsed.binary.startswith("guest_"):
                continue  # a guest-level group: its runs are checked by test_bench_guest.py
            area = parsed.binary[len("bench_"):]
            source = REPOSITORY / "tests" / "bench" / ("Bench" + "".join(p.capitalize() for p in area.split("_")) + ".cpp")
            with self.subTest(parsed.name):
                self.assertTrue(source.exists(), f"{parsed.binary} has no source {source.name}")
                registered = set(re.findall(r'->Name\("([^"]+)"\)', source.read_text()))
                self.assertIn(parsed.ours_run, registered)
                self.assertIn(parsed.baseline_run, registered)

    def test_every_registered_benchmark_has_ours_or_a_baseline_name(self):
        for source in sorted((REPOSITORY / "tests" / "bench").glob("Bench*.cpp")):
            for name in re.findall(r'->Name\("([^"]+)"\)', source.read_text()):
                with self.subTest(name):
                    self.assertRegex(name, r"^BM_[a-z0-9_]+/(ours|baseline_[a-z0-9_]+)$")


class Pairing(unittest.TestCase):
    def test_run_names_lose_google_benchmark_suffixes(self):
        self.assertEqual(bench.run_name({"run_name": "BM_x/ours/real_time"}), "BM_x/ours")
        self.assertEqual(bench.run_name({"run_name": "BM_x/ours/real_time/threads:2"}), "BM_x/ours")
        self.assertEqual(bench.run_name({"name": "BM_x/ours_median", "run_type": "aggregate"}), "BM_x/ours")
        self.assertEqual(bench.run_name({"name": "BM_x/baseline_pipe"}), "BM_x/baseline_pipe")

    def test_medians_and_variation_come_from_the_aggregates_in_nanoseconds(self):
        summaries = bench.summarize(REPORT)
        self.assertEqual(summaries["BM_task_switch/ours"].medians["real_time"], 60.0)  # the median, not the mean
        self.assertEqual(summaries["BM_task_switch/ours"].variation["real_time"], 0.02)
        self.assertAlmostEqual(summaries["BM_task_switch/baseline_raw_fcontext"].medians["real_time"], 10.0)
        self.assertEqual(summaries["BM_ring/ours"].medians["items_per_second"], 16e6)
        self.assertEqual(summaries["BM_ring/ours"].label, "pinned")
        self.assertEqual(summaries["BM_broken/ours"].error, "cross-core benchmarks need two CPUs")

    def test_a_run_without_aggregates_gives_the_median_of_its_repetitions(self):
        report = {"benchmarks": [{"name": "BM_x/ours", "run_name": "BM_x/ours", "run_type": "iteration",
                                  "real_time": value, "time_unit": "ns"} for value in (5.0, 1.0, 3.0, 100.0)]}
        summary = bench.summarize(report)["BM_x/ours"]
        self.assertEqual(summary.medians["real_time"], 4.0)
        self.assertEqual(summary.repetitions, 4)

    def test_the_benchmark_filter_matches_exactly_the_paired_runs(self):
        expression = re.compile(bench.benchmark_filter([record()]))
        self.assertTrue(expression.match("BM_task_switch/ours"))
        self.assertTrue(expression.match("BM_task_switch/ours/real_time"))
        self.assertTrue(expression.match("BM_task_switch/baseline_raw_fcontext"))
        self.assertFalse(expression.match("BM_task_switch/ours_extra"))
        self.assertFalse(expression.match("BM_task_switch/baseline_spsc"))


class Ratios(unittest.TestCase):
    def setUp(self):
        self.summaries = bench.summarize(REPORT)

    def test_a_time_ratio_is_ours_over_baseline(self):
        result = bench.evaluate(record(), self.summaries)
        self.assertEqual((result["ours"], result["baseline"]), (60.0, 10.0))
        self.assertAlmostEqual(result["ratio"], 6.0)
        self.assertIs(result["met"], False)
        self.assertIsNone(result["problem"])

    def test_a_speedup_ratio_is_baseline_over_ours(self):
        result = bench.evaluate(record(ratio="baseline/ours", goal=">= 5"), self.summaries)
        self.assertAlmostEqual(result["ratio"], 10.0 / 60.0)
        self.assertIs(result["met"], False)
        slow_baseline = bench.evaluate(record(benchmark="BM_ring", baseline="baseline_spsc", ratio="baseline/ours",
                                              goal=">= 0.05"), self.summaries)
        self.assertAlmostEqual(slow_baseline["ratio"], 100.0 / 2000.0)
        self.assertIs(slow_baseline["met"], True)

    def test_a_rate_uses_its_metric_and_scale(self):
        result = bench.evaluate(record(benchmark="BM_ring", baseline="baseline_spsc", metric="items_per_second",
                                       scale=1e-6, better="higher", goal=">= 1.0"), self.summaries)
        self.assertAlmostEqual(result["ours"], 16.0)
        self.assertAlmostEqual(result["baseline"], 320.0)
        self.assertAlmostEqual(result["ratio"], 0.05)
        self.assertIs(result["met"], False)
        self.assertEqual(result["ours_cv"], 0.2)

    def test_a_scale_applies_to_both_values_and_an_absolute_goal_judges_ours(self):
        result = bench.evaluate(record(scale=0.5, goal="<= 40", goal_on="ours"), self.summaries)
        self.assertEqual((result["ours"], result["baseline"]), (30.0, 5.0))
        self.assertAlmostEqual(result["ratio"], 6.0)
        self.assertIs(result["met"], True)

    def test_no_goal_gives_no_verdict(self):
        result = bench.evaluate(record(goal=None), self.summaries)
        self.assertIsNone(result["goal"])
        self.assertIsNone(result["met"])

    def test_a_missing_or_failed_run_is_a_problem_not_a_verdict(self):
        missing = bench.evaluate(record(baseline="baseline_absent"), self.summaries)
        self.assertIsNone(missing["baseline"])
        self.assertIsNone(missing["ratio"])
        self.assertIsNone(missing["met"])
        self.assertIn("BM_task_switch/baseline_absent did not run", missing["problem"])
        failed = bench.evaluate(record(benchmark="BM_broken"), self.summaries)
        self.assertIn("need two CPUs", failed["problem"])
        unmeasured = bench.evaluate(record(benchmark="BM_ring", baseline="baseline_spsc", metric="bytes_per_second"),
                                    self.summaries)
        self.assertIn("reported no bytes_per_second", unmeasured["problem"])


def repetitions(run, values, metric="real_time"):
    return [{"name": run, "run_name": run, "run_type": "iteration", metric: value, "time_unit": "ns"}
            for value in values]


def repeated_report(ours, baseline):
    """A report with every repetition, as --benchmark_display_aggregates_only writes it."""
    def median(values):
        ordered = sorted(values)
        return ordered[len(ordered) // 2]
    return {"benchmarks": repetitions("BM_task_switch/ours", ours) +
            repetitions("BM_task_switch/baseline_raw_fcontext", baseline) +
            [aggregate("BM_task_switch/ours", "median", median(ours)),
             aggregate("BM_task_switch/baseline_raw_fcontext", "median", median(baseline))]}


class Spreads(unittest.TestCase):
    def test_each_run_keeps_the_min_and_max_of_its_repetitions(self):
        summaries = bench.summarize(repeated_report([60.0, 58.0, 70.0], [10.0, 11.0, 9.0]))
        self.assertEqual(summaries["BM_task_switch/ours"].spread("real_time"), (58.0, 70.0))
        self.assertEqual(summaries["BM_task_switch/ours"].medians["real_time"], 60.0)
        result = bench.evaluate(record(scale=0.5), summaries)
        self.assertEqual(result["ours_spread"], [29.0, 35.0])
        self.assertEqual(result["baseline_spread"], [4.5, 5.5])
        self.assertAlmostEqual(result["ratio_spread"][0], 58.0 / 11.0)
        self.assertAlmostEqual(result["ratio_spread"][1], 70.0 / 9.0)

    def test_met_is_decided_only_when_the_whole_spread_is_on_one_side_of_the_goal(self):
        clear_miss = bench.evaluate(record(goal="<= 1.2"), bench.summarize(repeated_report([60, 61, 62], [10, 10, 11])))
        self.assertIs(clear_miss["met"], False)
        clear_pass = bench.evaluate(record(goal="<= 10"), bench.summarize(repeated_report([60, 61, 62], [10, 10, 11])))
        self.assertIs(clear_pass["met"], True)
        # The median ratio (6.1) meets "<= 6.5", but the slowest ours over the fastest baseline does not.
        straddling = bench.evaluate(record(goal="<= 6.5"), bench.summarize(repeated_report([58, 61, 75], [10, 10, 11])))
        self.assertAlmostEqual(straddling["ratio"], 6.1)
        self.assertEqual(straddling["met"], "unclear")
        on_ours = bench.evaluate(record(goal="<= 60", goal_on="ours"),
                                 bench.summarize(repeated_report([55, 59, 64], [10, 10, 11])))
        self.assertEqual(on_ours["met"], "unclear")

    def test_without_repetitions_the_median_decides_alone(self):
        self.assertIs(bench.verdict(bench.parse_goal("<= 1"), 0.5, None), True)
        self.assertIsNone(bench.verdict(None, 0.5, (0.1, 2.0)))
        self.assertIsNone(bench.verdict(bench.parse_goal("<= 1"), None, None))

    def test_the_table_says_unclear(self):
        result = bench.evaluate(record(goal="<= 6.5"), bench.summarize(repeated_report([58, 61, 75], [10, 10, 11])))
        self.assertIn("unclear", bench.format_table([result]))
        self.assertIn("58.0–75.0", bench.format_table([result]))


def full_document(records, **changes):
    summaries = bench.summarize(REPORT)
    results = [bench.evaluate(parsed, summaries) for parsed in records]
    context = {"date": "2026-01-02T03:04:05+0000", "cpus": 2, "load_average": [1.5, 1.0, 0.5], "repetitions": 5}
    context.update(changes)
    return bench.results_document(results, context)


class StatusTable(unittest.TestCase):
    def setUp(self):
        self.records = records_of(RECORD, dict(RECORD, name="wake", goal="<= 250", goal_on="ours"))

    def test_the_table_has_one_row_per_record_with_goal_spread_and_verdict(self):
        table = bench_status.status_table(full_document(self.records), self.records)
        self.assertIn("2026-01-02T03:04:05+0000", table)
        self.assertIn("load average 1.50, 1.00, 0.50", table)
        rows = [line for line in table.splitlines() if line.startswith("| `")]
        self.assertEqual([row.split("`")[1] for row in rows], ["task_switch", "wake"])
        self.assertIn("≤ 1.2×", rows[0])
        self.assertIn("| no |", rows[0])
        self.assertIn("ours ≤ 250 ns/round trip", rows[1])
        self.assertIn("2 % / 5 %", rows[0])

    def test_a_partial_or_foreign_results_file_is_refused(self):
        with self.assertRaises(Failure):
            bench_status.status_table(full_document(self.records[:1]), self.records)
        with self.assertRaises(Failure):
            bench_status.status_table(full_document(self.records), self.records[:1])

    def test_only_the_marked_region_is_replaced(self):
        text = f"before\n{bench_status.BEGIN}\nold table\n{bench_status.END}\nafter\n"
        replaced = bench_status.replace_region(text, "new table")
        self.assertEqual(replaced, f"before\n{bench_status.BEGIN}\nnew table\n{bench_status.END}\nafter\n")
        with self.assertRaises(Failure):
            bench_status.replace_region("no markers", "table")


class PartialStatus(unittest.TestCase):
    """A run of some records rewrites only their rows, dated, and the next partial run keeps that honest."""

    def setUp(self):
        self.records = records_of(RECORD, dict(RECORD, name="wake", goal="<= 250", goal_on="ours"),
                                  dict(RECORD, name="third"))
        self.whole = bench_status.status_table(full_document(self.records), self.records)

    def part(self, names, date, load, chosen):
        chosen_records = [parsed for parsed in self.records if parsed.name in names]
        document = full_document(chosen_records, date=date, load_average=load, filter=chosen)
        for result in document["records"]:
            result["ours"] = 99.0  # tell the re-measured rows from the whole run's
        return document

    def rows(self, region):
        return {line.split("`")[1]: line for line in region.splitlines() if line.startswith("| `")}

    def test_only_the_measured_rows_change_and_a_dated_line_says_so(self):
        region = bench_status.updated_region(self.whole, self.part(["wake"], "2026-02-03T04:05:06+0000",
                                                                   [7.25, 6.0, 5.0], "@issue9"), self.records)
        before, after = self.rows(self.whole), self.rows(region)
        self.assertEqual(list(after), ["task_switch", "wake", "third"])
        self.assertEqual(after["task_switch"], before["task_switch"])
        self.assertEqual(after["third"], before["third"])
        self.assertNotEqual(after["wake"], before["wake"])
        self.assertIn("| 99.0 ns/round trip", after["wake"])
        lines = region.splitlines()
        self.assertEqual(lines[0], self.whole.splitlines()[0])  # the whole run's line stays first
        self.assertTrue(lines[1].startswith(bench_status.PART_PREFIX + "2026-02-03T04:05:06+0000"))
        for words in ("`./vectra bench '@issue9'`", "rows `wake`;", "load average 7.25, 6.00, 5.00", "median of 5"):
            self.assertIn(words, lines[1])
        self.assertEqual(lines[2], "")

    def test_a_later_run_takes_its_rows_out_of_the_earlier_line(self):
        first = bench_status.updated_region(self.whole, self.part(["wake", "third"], "2026-02-03T00:00:00+0000",
                                                                  [1.0, 1.0, 1.0], "wake|third"), self.records)
        second = bench_status.updated_region(first, self.part(["third"], "2026-02-04T00:00:00+0000",
                                                              [2.0, 2.0, 2.0], "third"), self.records)
        parts = [line for line in second.splitlines() if line.startswith(bench_status.PART_PREFIX)]
        self.assertEqual(len(parts), 2)
        self.assertIn("rows `wake`;", parts[0])
        self.assertIn("2026-02-03", parts[0])
        self.assertIn("rows `third`;", parts[1])
        self.assertIn("2026-02-04", parts[1])
        third = bench_status.updated_region(second, self.part(["wake", "third"], "2026-02-05T00:00:00+0000",
                                                              [3.0, 3.0, 3.0], "wake|third"), self.records)
        parts = [line for line in third.splitlines() if line.startswith(bench_status.PART_PREFIX)]
        self.assertEqual(len(parts), 1, "a line whose rows were all measured again goes")
        self.assertIn("rows `wake`, `third`;", parts[0])

    def test_foreign_results_and_rows_the_table_lacks_are_refused(self):
        document = self.part(["wake"], "2026-02-03T00:00:00+0000", [1.0, 1.0, 1.0], "wake")
        with self.assertRaises(Failure):
            bench_status.updated_region(self.whole, document, self.records[:1])  # wake is not a record
        with self.assertRaises(Failure):
            bench_status.updated_region("a table without rows", document, self.records)
        with self.assertRaises(Failure):
            bench_status.updated_region(self.whole, full_document([]), self.records)

    def test_a_new_record_gets_its_row_in_benchmarks_json_order(self):
        for missing in ("task_switch", "wake", "third"):
            with self.subTest(missing):
                table = "\n".join(line for line in self.whole.splitlines() if f"`{missing}`" not in line)
                region = bench_status.updated_region(table, self.part([missing], "d", [1.0], missing), self.records)
                self.assertEqual(list(self.rows(region)), ["task_switch", "wake", "third"])
                self.assertIn("| 99.0 ns/round trip", self.rows(region)[missing])

    def test_rewrite_status_picks_the_whole_table_or_the_rows(self):
        import tempfile  # noqa: PLC0415
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "STATUS.md"
            path.write_text(f"before\n{bench_status.BEGIN}\nold\n{bench_status.END}\nafter\n")
            bench_status.rewrite_status(full_document(self.records), self.records, path)
            self.assertEqual(bench_status.region_of(path.read_text()).strip("\n"), self.whole)
            bench_status.rewrite_status(self.part(["task_switch"], "2026-03-01T00:00:00+0000", [1.0], "task"),
                                        self.records, path)
            text = path.read_text()
            self.assertTrue(text.startswith("before\n") and text.endswith("after\n"))
            self.assertIn("rows `task_switch`;", text)
            self.assertIn("| 99.0 ns/round trip", self.rows(bench_status.region_of(text))["task_switch"])


class TheRepositoryStatus(unittest.TestCase):
    """docs/STATUS.md shows a generated table of exactly the records in benchmarks.json."""

    def test_the_status_table_names_exactly_the_records_with_their_goals(self):
        records = bench.load_records(REPOSITORY / "tests" / "bench" / "benchmarks.json")
        region = bench_status.region_of((REPOSITORY / "docs" / "STATUS.md").read_text())
        rows = [line for line in region.splitlines() if line.startswith("| `")]
        self.assertEqual([row.split("`")[1] for row in rows], [parsed.name for parsed in records],
                         "regenerate with ./vectra bench --status")
        for parsed, row in zip(records, rows):
            with self.subTest(parsed.name):
                cells = [cell.strip() for cell in row.split("|")]
                goal = cells[5]
                if parsed.goal is None:
                    self.assertEqual(goal, "—")
                else:
                    self.assertIn(f"{parsed.goal.value:g}", goal)
                    self.assertIn({"<=": "≤", ">=": "≥", "<": "<", ">": ">"}[parsed.goal.operator], goal)

    def test_every_description_says_what_each_side_does(self):
        for parsed in bench.load_records(REPOSITORY / "tests" / "bench" / "benchmarks.json"):
            with self.subTest(parsed.name):
                self.assertRegex(parsed.description, r"^ours: .+; baseline: .+")


class Output(unittest.TestCase):
    def setUp(self):
        summaries = bench.summarize(REPORT)
        self.results = [
            bench.evaluate(record(), summaries),
            bench.evaluate(record(name="vs_pipe", ratio="baseline/ours", goal=">= 0.1"), summaries),
            bench.evaluate(record(name="wake", goal="<= 250", goal_on="ours", unit="ns/wake"), summaries),
            bench.evaluate(record(name="absent", baseline="baseline_absent", goal=None), summaries),
        ]

    def test_results_json_has_one_record_per_benchmark_with_the_agreed_fields(self):
        document = json.loads(json.dumps(bench.results_document(self.results, {"repetitions": 5})))
        self.assertEqual(document["schema"], "vectra.bench.results/1")
        self.assertEqual(document["context"], {"repetitions": 5})
        self.assertEqual([entry["name"] for entry in document["records"]], ["task_switch", "vs_pipe", "wake", "absent"])
        for entry in document["records"]:
            for key in ("name", "unit", "ours", "baseline_name", "baseline", "ratio", "goal", "met", "better"):
                self.assertIn(key, entry)
        first = document["records"][0]
        self.assertEqual((first["goal"], first["met"], first["better"]), ("<= 1.2", False, "lower"))
        self.assertIsNone(document["records"][3]["ratio"])

    def test_the_table_is_aligned_and_says_what_each_ratio_means(self):
        table = bench.format_table(self.results)
        lines = table.splitlines()
        self.assertEqual(lines[0].split(), ["benchmark", "unit", "ours", "min–max", "baseline", "min–max", "ratio",
                                            "goal", "met", "noise"])
        rows = lines[2:6]
        unit_column = lines[0].index("unit")
        self.assertTrue(all(row[unit_column - 2:unit_column] == "  " for row in rows))
        self.assertIn("6.00x", rows[0])
        self.assertIn("x faster", rows[1])
        self.assertIn("<= 250 ns/wake", rows[2])
        self.assertIn("n/a", rows[3])
        self.assertIn("absent: BM_task_switch/baseline_absent did not run", table)

    def test_numbers_are_printed_with_sensible_precision(self):
        self.assertEqual(bench.number_text(None), "-")
        self.assertEqual(bench.number_text(57404.2), "57,404")
        self.assertEqual(bench.number_text(113.4), "113")
        self.assertEqual(bench.number_text(68.84), "68.8")
        self.assertEqual(bench.number_text(1.204), "1.20")
        self.assertEqual(bench.number_text(0.1371), "0.137")


class Commands(unittest.TestCase):
    def test_the_build_is_release_without_sanitizers_in_build_bench(self):
        request = bench.bench_request(2)
        self.assertEqual(request.folder.name, "bench")
        self.assertEqual(request.platform, "hosted")
        definitions = set(request.extra_definitions)
        for definition in ("-DVECTRA_BENCHMARKS=ON", "-DVECTRA_HOST_TESTS=OFF", "-DVECTRA_SANITIZE=OFF",
                           "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG"):
            self.assertIn(definition, definitions)

    def test_set_reaches_the_configuration(self):
        request = bench.bench_request(2, ("CONFIG_DEBUG_SNAPSHOT=n",))
        self.assertEqual(request.assignments, ("CONFIG_DEBUG_SNAPSHOT=n",))
        self.assertIn("-DVECTRA_SET=CONFIG_DEBUG_SNAPSHOT=n", bench.build.configure_command(request))

    def test_each_binary_runs_repeated_with_json_output(self):
        command = bench.binary_command(Path("bench_primitives"), [record()], Path("out.json"), 5, None)
        self.assertIn("--benchmark_repetitions=5", command)
        self.assertIn("--benchmark_display_aggregates_only=true", command)  # every repetition in the JSON
        self.assertIn("--benchmark_out=out.json", command)
        self.assertIn("--benchmark_out_format=json", command)
        self.assertFalse(any(part.startswith("--benchmark_min_time") for part in command))
        self.assertIn("--benchmark_min_time=0.1",
                      bench.binary_command(Path("b"), [record()], Path("o.json"), 1, 0.1))

    def test_a_binary_that_boots_an_image_is_told_where_it_is(self):
        plain = bench.image_environment("bench_primitives", 2, build_image=False)
        self.assertNotIn("VECTRA_BENCH_SPEEDTEST_IMAGE", plain)
        image, platform, elf_variable, disk_variable = bench.IMAGE_BINARIES["bench_sqlite"]
        self.assertEqual((image, platform), ("sqlite-speedtest", "hosted"))
        folder = bench.build.BuildRequest(image, platform).folder
        if (folder / "vectra.elf").exists() and (folder / "disk0.img").exists():
            environment = bench.image_environment("bench_sqlite", 2, build_image=False)
            self.assertEqual(environment[elf_variable], str(folder / "vectra.elf"))
            self.assertEqual(environment[disk_variable], str(folder / "disk0.img"))
        else:
            with self.assertRaises(Failure) as raised:
                bench.image_environment("bench_sqlite", 2, build_image=False)
            self.assertIn("is missing", raised.exception.message)

    def test_a_binary_that_shows_a_window_runs_on_a_private_xvfb(self):
        environment = {"DISPLAY": ":4242", "KEPT": "yes"}
        with bench.window_environment("bench_primitives", environment) as plain:
            self.assertIs(plain, environment)
        self.assertEqual(bench.WINDOW_BINARIES["bench_hosted_window"], (1920, 1080))
        if shutil.which("Xvfb") is None or shutil.which("xwd") is None:
            with self.assertRaises(Failure) as raised:
                with bench.window_environment("bench_hosted_window", environment):
                    pass
            self.assertIn("private Xvfb", raised.exception.message)
            return
        with bench.window_environment("bench_hosted_window", environment) as shown:
            self.assertNotEqual(shown["DISPLAY"], ":4242")
            self.assertEqual(shown["KEPT"], "yes")
            number = shown["DISPLAY"].lstrip(":")
            socket = Path(f"/tmp/.X11-unix/X{number}")
            self.assertTrue(socket.exists(), "the private Xvfb listens on its display's socket")
        self.assertEqual(environment["DISPLAY"], ":4242")
        for _ in range(50):
            if not socket.exists():
                break
            time.sleep(0.1)
        self.assertFalse(socket.exists(), "the private Xvfb is stopped after the binary's run")


if __name__ == "__main__":
    unittest.main()
