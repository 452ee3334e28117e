# SPDX-License-Identifier: Apache-2.0
"""`./vectra bench [FILTER]`: builds the host benchmarks into build/bench (hosted platform, Release
-O2, no sanitizers), runs each Google Benchmark binary a benchmark record needs, pairs every
`<benchmark>/ours` median with its `<benchmark>/<baseline>` median as tests/bench/benchmarks.json
says, prints a table and writes build/bench/results.json. Records of a `guest_<group>` binary are
guest-level groups instead (bench_guest.py, ADR 0028): an image and a Linux guest doing the same
job in the same QEMU under TCG, reported in the same JSON shape and paired the same way.

Benchmarks report numbers, never verdicts: the command fails only when it cannot build or run them.
The pure parts (metadata checks, goal expressions, pairing, ratios, the table, the JSON shape) are
tested by tests/tools/test_bench.py.
"""

import contextlib
import json
import math
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import bench_guest
import build
import capture
import paths
import ui
from ui import Failure

METADATA = paths.REPOSITORY / "tests" / "bench" / "benchmarks.json"
FOLDER_NAME = "bench"
RESULTS_SCHEMA = "vectra.bench.results/1"
DEFAULT_REPETITIONS = 5

GOAL = re.compile(r"^\s*(<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\s*$")
METRICS = ("real_time", "cpu_time", "items_per_second", "bytes_per_second")
RATIOS = ("ours/baseline", "baseline/ours")
# Google Benchmark appends these to a run's name (UseRealTime, Threads, ...); pairing ignores them.
RUN_NAME_SUFFIX = re.compile(r"/(real_time|manual_time|process_time|threads:\d+|iterations:\d+|"
                             r"repeats:\d+|min_time:[0-9.]+s?|min_warmup_time:[0-9.]+s?)$")
NANOSECONDS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
UNCLEAR = "unclear"
REQUIRED_FIELDS = ("name", "binary", "benchmark", "baseline", "baseline_name", "unit", "better", "goal",
                   "description")


@dataclass(frozen=True)
class Goal:
    """A goal expression such as "<= 1.2" or ">= 50"."""

    operator: str
    value: float

    def met_by(self, measured):
        if measured is None or (isinstance(measured, float) and math.isnan(measured)):
            return None
        return {"<=": measured <= self.value, ">=": measured >= self.value,
                "<": measured < self.value, ">": measured > self.value}[self.operator]

    def __str__(self) -> str:
        return f"{self.operator} {self.value:g}"


def parse_goal(text):
    """Goal for "<= 1.2" and friends; None for null (a record reported without a goal)."""
    if text is None:
        return None
    match = GOAL.match(text) if isinstance(text, str) else None
    if match is None:
        raise Failure(f"goal {text!r} is not an expression like \"<= 1.2\" or \">= 50\"")
    return Goal(match.group(1), float(match.group(2)))


@dataclass(frozen=True)
class Record:
    """One line of tests/bench/benchmarks.json: which two runs to pair and how to judge them."""

    name: str
    binary: str
    benchmark: str
    baseline: str
    baseline_name: str
    unit: str
    better: str
    goal: object  # Goal or None
    description: str
    metric: str = "real_time"
    scale: float = 1.0
    ratio: str = "ours/baseline"
    goal_on: str = "ratio"
    sets: tuple = ()  # named groups run together: ./vectra bench @NAME

    @property
    def ours_run(self) -> str:
        return f"{self.benchmark}/ours"

    @property
    def baseline_run(self) -> str:
        return f"{self.benchmark}/{self.baseline}"


def parse_records(document, where: str = "benchmarks.json") -> list:
    """The records of a metadata document, checked; a bad record stops with its name and field."""
    if not isinstance(document, dict) or not isinstance(document.get("records"), list):
        raise Failure(f"{where}: expected an object with a list 'records'")
    records, names = [], set()
    for index, entry in enumerate(document["records"]):
        label = f"{where}: record {index + 1}"
        if not isinstance(entry, dict):
            raise Failure(f"{label}: expected an object")
        label = f"{where}: record {entry.get('name', index + 1)!r}"
        missing = [key for key in REQUIRED_FIELDS if key not in entry]
        if missing:
            raise Failure(f"{label}: missing {', '.join(missing)}")
        known = set(REQUIRED_FIELDS) | {"metric", "scale", "ratio", "goal_on", "sets"}
        unknown = sorted(set(entry) - known)
        if unknown:
            raise Failure(f"{label}: unknown field {', '.join(unknown)}")
        if not re.match(r"^[a-z][a-z0-9_]*$", str(entry["name"])):
            raise Failure(f"{label}: names are lower_snake_case")
        if entry["name"] in names:
            raise Failure(f"{label}: the name is used twice")
        names.add(entry["name"])
        if not re.match(r"^(bench|guest)_[a-z0-9_]+$", str(entry["binary"])):
            raise Failure(f"{label}: binary must be bench_<area> (built from tests/bench/Bench<Area>.cpp) "
                          f"or guest_<group> (a guest-level group, bench_guest.py)")
        if not str(entry["baseline"]).startswith("baseline") or "/" in str(entry["baseline"]):
            raise Failure(f"{label}: baseline must name the run <benchmark>/baseline_<how>, got {entry['baseline']!r}")
        if entry["better"] not in ("lower", "higher"):
            raise Failure(f"{label}: better must be \"lower\" or \"higher\"")
        metric = entry.get("metric", "real_time")
        if metric not in METRICS:
            raise Failure(f"{label}: metric must be one of {', '.join(METRICS)}")
        ratio = entry.get("ratio", "ours/baseline")
        if ratio not in RATIOS:
            raise Failure(f"{label}: ratio must be \"ours/baseline\" or \"baseline/ours\"")
        goal_on = entry.get("goal_on", "ratio")
        if goal_on not in ("ratio", "ours"):
            raise Failure(f"{label}: goal_on must be \"ratio\" or \"ours\"")
        scale = entry.get("scale", 1.0)
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or scale <= 0:
            raise Failure(f"{label}: scale must be a positive number")
        sets = entry.get("sets", [])
        if not isinstance(sets, list) or not all(isinstance(name, str) and re.match(r"^[a-z][a-z0-9_-]*$", name)
                                                 for name in sets):
            raise Failure(f"{label}: sets must be a list of lower-case names (./vectra bench @NAME runs a set)")
        try:
            goal = parse_goal(entry["goal"])
        except Failure as problem:
            raise Failure(f"{label}: {problem.message}")
        records.append(Record(entry["name"], entry["binary"], entry["benchmark"], entry["baseline"],
                              entry["baseline_name"], entry["unit"], entry["better"], goal,
                              entry["description"], metric, float(scale), ratio, goal_on, tuple(sets)))
    return records


def load_records(path: Path = METADATA) -> list:
    try:
        document = json.loads(Path(path).read_text())
    except (OSError, ValueError) as problem:
        raise Failure(f"cannot read {paths.relative(path)}: {problem}")
    return parse_records(document, paths.relative(path))


def select(records: list, pattern: str) -> list:
    """Records whose name (or benchmark) the regular expression finds, ignoring case (`Signal`
    finds signal_raise_to_wake); `@NAME`: the records whose `sets` name it; all of them without one."""
    if not pattern:
        return list(records)
    if pattern.startswith("@"):
        chosen = [record for record in records if pattern[1:] in record.sets]
        if not chosen:
            known = sorted({name for record in records for name in record.sets})
            raise Failure(f"no benchmark record is in the set {pattern[1:]!r}; sets: {', '.join(known) or 'none'}")
        return chosen
    try:
        expression = re.compile(pattern, re.IGNORECASE)
    except re.error as problem:
        raise Failure(f"filter {pattern!r} is not a regular expression: {problem}")
    chosen = [record for record in records if expression.search(record.name) or expression.search(record.benchmark)]
    if not chosen:
        raise Failure(f"no benchmark record matches {pattern!r}; records: "
                      f"{', '.join(record.name for record in records)}")
    return chosen


# Google Benchmark's JSON --------------------------------------------------------------------------

def run_name(entry: dict) -> str:
    """The pairing name of a JSON entry: run_name without Google Benchmark's suffixes."""
    name = entry.get("run_name") or entry.get("name", "")
    if entry.get("run_type") == "aggregate" and "run_name" not in entry:
        name = re.sub(r"_(mean|median|stddev|cv)$", "", name)
    while True:
        shorter = RUN_NAME_SUFFIX.sub("", name)
        if shorter == name:
            return name
        name = shorter


def metric_value(entry: dict, metric: str):
    """The metric of one JSON entry; times in nanoseconds whatever the entry's time_unit."""
    if metric not in entry:
        return None
    value = float(entry[metric])
    if metric in ("real_time", "cpu_time"):
        value *= NANOSECONDS.get(entry.get("time_unit", "ns"), 1.0)
    return value


@dataclass
class Summary:
    """Every metric's median, coefficient of variation and values (one per repetition) for one run."""

    medians: dict = field(default_factory=dict)
    variation: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    repetitions: int = 1
    error: str = ""
    label: str = ""

    def spread(self, metric: str):
        """(min, max) of the metric over the repetitions, or None when none were reported."""
        values = self.values.get(metric)
        return (min(values), max(values)) if values else None


def summarize(report: dict) -> dict:
    """run name -> Summary, from one binary's JSON report. Uses the median aggregates when the run
    was repeated; a run without aggregates (one repetition) gives its own values. The individual
    repetitions (run_type "iteration") give each metric's spread."""
    summaries = {}
    plain = {}
    for entry in report.get("benchmarks", []):
        name = run_name(entry)
        summary = summaries.setdefault(name, Summary())
        if entry.get("error_occurred"):
            summary.error = entry.get("error_message", "error")
            continue
        if entry.get("label"):
            summary.label = entry["label"]
        if entry.get("run_type") == "aggregate":
            aggregate = entry.get("aggregate_name")
            summary.repetitions = int(entry.get("repetitions", summary.repetitions) or summary.repetitions)
            for metric in METRICS:
                if metric not in entry:
                    continue
                if aggregate == "median":
                    summary.medians[metric] = metric_value(entry, metric)
                elif aggregate == "cv":
                    summary.variation[metric] = float(entry[metric])
        else:
            plain.setdefault(name, []).append(entry)
    for name, entries in plain.items():
        summary = summaries[name]
        for metric in METRICS:
            values = sorted(value for value in (metric_value(entry, metric) for entry in entries) if value is not None)
            if values:
                summary.values[metric] = values
        if summary.medians:
            continue
        for metric in METRICS:
            values = summary.values.get(metric)
            if values:
                middle = len(values) // 2
                summary.medians[metric] = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
        summary.repetitions = len(entries)
    return summaries


# Records ------------------------------------------------------------------------------------------

def ratio_spread(ratio_of: str, ours_spread, baseline_spread):
    """The extreme ratios any pairing of the repetitions could give: (lowest, highest)."""
    if not ours_spread or not baseline_spread:
        return None
    numerator, denominator = (ours_spread, baseline_spread) if ratio_of == "ours/baseline" else \
        (baseline_spread, ours_spread)
    if denominator[0] <= 0:
        return None
    return (numerator[0] / denominator[1], numerator[1] / denominator[0])


def verdict(goal, judged, spread):
    """True or False when the median and the whole spread fall on the same side of the goal;
    "unclear" when the spread straddles it; None without a goal or a measurement."""
    if goal is None:
        return None
    met = goal.met_by(judged)
    if met is None or spread is None:
        return met
    if goal.met_by(spread[0]) == met and goal.met_by(spread[1]) == met:
        return met
    return UNCLEAR


def evaluate(record: Record, summaries: dict) -> dict:
    """The results.json record for one metadata record, given the summaries of its binary's runs."""
    ours_summary = summaries.get(record.ours_run)
    baseline_summary = summaries.get(record.baseline_run)
    problems = []
    for run, summary in ((record.ours_run, ours_summary), (record.baseline_run, baseline_summary)):
        if summary is None:
            problems.append(f"{run} did not run")
        elif summary.error:
            problems.append(f"{run}: {summary.error}")
        elif record.metric not in summary.medians:
            problems.append(f"{run} reported no {record.metric}")

    def value_of(summary):
        if summary is None or summary.error or record.metric not in summary.medians:
            return None
        return summary.medians[record.metric] * record.scale

    ours, baseline = value_of(ours_summary), value_of(baseline_summary)
    ratio = None
    if ours is not None and baseline is not None:
        numerator, denominator = (ours, baseline) if record.ratio == "ours/baseline" else (baseline, ours)
        ratio = numerator / denominator if denominator else None

    def spread_of(summary, value):
        if value is None:
            return None
        spread = summary.spread(record.metric)
        return (spread[0] * record.scale, spread[1] * record.scale) if spread else None

    ours_spread, baseline_spread = spread_of(ours_summary, ours), spread_of(baseline_summary, baseline)
    ratios = ratio_spread(record.ratio, ours_spread, baseline_spread)
    if record.goal_on == "ours":
        met = verdict(record.goal, ours, ours_spread)
    else:
        met = verdict(record.goal, ratio, ratios)

    def variation(summary):
        if summary is None:
            return None
        return summary.variation.get(record.metric)

    return {
        "name": record.name,
        "unit": record.unit,
        "ours": ours,
        "baseline_name": record.baseline_name,
        "baseline": baseline,
        "ratio": ratio,
        "goal": str(record.goal) if record.goal is not None else None,
        "met": met,
        "ours_spread": list(ours_spread) if ours_spread else None,
        "baseline_spread": list(baseline_spread) if baseline_spread else None,
        "ratio_spread": list(ratios) if ratios else None,
        "better": record.better,
        "ratio_of": record.ratio,
        "goal_on": record.goal_on,
        "ours_run": record.ours_run,
        "baseline_run": record.baseline_run,
        "binary": record.binary,
        "ours_cv": variation(ours_summary),
        "baseline_cv": variation(baseline_summary),
        "repetitions": ours_summary.repetitions if ours_summary else None,
        "description": record.description,
        "problem": "; ".join(problems) or None,
    }


def number_text(value) -> str:
    if value is None:
        return "-"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def ratio_text(result: dict) -> str:
    if result["ratio"] is None:
        return "-"
    suffix = "x faster" if result["ratio_of"] == "baseline/ours" else "x"
    return f"{number_text(result['ratio'])}{suffix}"


def goal_text(result: dict) -> str:
    if result["goal"] is None:
        return "-"
    return f"{result['goal']} {result['unit']}" if result["goal_on"] == "ours" else result["goal"]


def met_text(result: dict) -> str:
    if result["problem"]:
        return "n/a"
    return {True: "yes", False: "no", None: "-", UNCLEAR: UNCLEAR}[result["met"]]


def spread_text(spread) -> str:
    """"60.1–63.0" for a (min, max) pair; "-" without one."""
    if not spread:
        return "-"
    return f"{number_text(spread[0])}–{number_text(spread[1])}"


def noise_text(result: dict) -> str:
    values = [value for value in (result["ours_cv"], result["baseline_cv"]) if value is not None]
    return f"±{max(values) * 100:.0f}%" if values else "-"


def format_table(results: list) -> str:
    """An aligned table: name, unit, ours and baseline (median, min–max), ratio, goal, met, noise
    (largest cv)."""
    header = ["benchmark", "unit", "ours", "min–max", "baseline", "min–max", "ratio", "goal", "met", "noise"]
    rows = [[result["name"], result["unit"], number_text(result["ours"]), spread_text(result.get("ours_spread")),
             number_text(result["baseline"]), spread_text(result.get("baseline_spread")), ratio_text(result),
             goal_text(result), met_text(result), noise_text(result)] for result in results]
    numeric = {2, 3, 4, 5, 6}
    widths = [max(len(row[column]) for row in [header] + rows) for column in range(len(header))]

    def line(cells):
        parts = [cell.rjust(widths[index]) if index in numeric else cell.ljust(widths[index])
                 for index, cell in enumerate(cells)]
        return "  ".join(parts).rstrip()

    lines = [line(header), line(["-" * width for width in widths])]
    lines += [line(row) for row in rows]
    for result in results:
        if result["problem"]:
            lines.append(f"{result['name']}: {result['problem']}")
    return "\n".join(lines)


def results_document(results: list, context: dict) -> dict:
    """The content of build/bench/results.json."""
    return {"schema": RESULTS_SCHEMA, "context": context, "records": results}


def benchmark_filter(records: list) -> str:
    """--benchmark_filter for exactly the runs these records pair (with any suffix)."""
    runs = sorted({run for record in records for run in (record.ours_run, record.baseline_run)})
    return "^(" + "|".join(re.escape(run) for run in runs) + ")(/.*)?$"


# Running ------------------------------------------------------------------------------------------

def bench_request(jobs: int, assignments: tuple = ()) -> build.BuildRequest:
    return build.BuildRequest(
        "bench", "hosted", assignments=assignments, jobs=jobs, folder_name=FOLDER_NAME,
        extra_definitions=("-DVECTRA_BENCHMARKS=ON", "-DVECTRA_HOST_TESTS=OFF", "-DVECTRA_SANITIZE=OFF",
                           "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG",
                           "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG"))


def binary_command(binary: Path, records: list, output: Path, repetitions: int, min_time) -> list:
    command = [str(binary), f"--benchmark_filter={benchmark_filter(records)}",
               f"--benchmark_repetitions={repetitions}", "--benchmark_display_aggregates_only=true",
               "--benchmark_format=console", f"--benchmark_out={output}", "--benchmark_out_format=json"]
    if min_time is not None:
        command.append(f"--benchmark_min_time={min_time}")
    return command


# Benchmark binaries that boot an image (process-level groups): the image and platform ./vectra
# bench builds first, and the environment variables that name its ELF and its first disk.
IMAGE_BINARIES = {
    "bench_sqlite": ("sqlite-speedtest", "hosted", "VECTRA_BENCH_SPEEDTEST_IMAGE", "VECTRA_BENCH_SPEEDTEST_DISK"),
}


def image_environment(binary_name: str, jobs: int, build_image: bool) -> dict:
    """The environment a binary runs in: for one that boots an image, that image built (Release
    like every image build) and named with its disk."""
    environment = dict(os.environ)
    if binary_name not in IMAGE_BINARIES:
        return environment
    image, platform, elf_variable, disk_variable = IMAGE_BINARIES[binary_name]
    request = build.BuildRequest(image, platform, jobs=jobs)
    elf = build.build(request) if build_image else request.elf
    disk = request.folder / "disk0.img"
    if not elf.exists() or not disk.exists():
        raise Failure(f"{binary_name} boots {image} on {platform}: {paths.relative(elf)} or its disk is missing")
    environment[elf_variable] = str(elf)
    environment[disk_variable] = str(disk)
    return environment


# Benchmark binaries that show a window (bench_hosted_window: the hosted platform's SDL window): each
# runs on a private Xvfb of this size (capture.py's, as the hosted screen oracles), named by DISPLAY.
WINDOW_BINARIES = {
    "bench_hosted_window": (1920, 1080),
}


@contextlib.contextmanager
def window_environment(binary_name: str, environment: dict):
    """The environment with a private Xvfb's DISPLAY for a binary that shows a window, the server
    stopped afterwards; any other binary's environment unchanged."""
    if binary_name not in WINDOW_BINARIES:
        yield environment
        return
    width, height = WINDOW_BINARIES[binary_name]
    try:
        screens = capture.XvfbScreens(width, height)
    except capture.CaptureError as problem:
        raise Failure(f"{binary_name} shows a window on a private Xvfb: {problem}")
    try:
        yield dict(environment, DISPLAY=screens.display)
    finally:
        screens.close()


def run_binary(binary: Path, records: list, output: Path, repetitions: int, min_time, verbose: bool,
               environment: dict = None) -> dict:
    command = binary_command(binary, records, output, repetitions, min_time)
    log = output.with_suffix(".log")
    ui.step(f"running {binary.name}: {len(records)} record{'s' if len(records) != 1 else ''}, "
            f"{repetitions} repetition{'s' if repetitions != 1 else ''} each (log: {paths.relative(log)})")
    output.unlink(missing_ok=True)
    with open(log, "w") as handle:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, text=True, errors="replace", env=environment)
        for line in process.stdout:
            handle.write(line)
            if verbose:
                print(line, end="", flush=True)
        process.wait()
    if process.returncode != 0 or not output.exists():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise Failure(f"{binary.name} failed (exit {process.returncode}):\n{tail}")
    try:
        return json.loads(output.read_text())
    except ValueError as problem:
        raise Failure(f"{paths.relative(output)} is not JSON: {problem}")


def context_of(reports: dict, repetitions: int) -> dict:
    """Where and how the numbers were taken: enough to tell two results.json files apart."""
    first = next(iter(reports.values()), {}).get("context", {})
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "host": first.get("host_name"),
        "cpus": first.get("num_cpus"),
        "mhz_per_cpu": first.get("mhz_per_cpu"),
        "load_average": first.get("load_avg"),
        "benchmark_library_build": first.get("library_build_type"),
        "repetitions": repetitions,
        "statistic": "median of the repetitions",
        "build": "hosted, Release -O2 -DNDEBUG, no sanitizers",
    }


def add_command(commands, common) -> None:
    """Registers `bench` with main.py's sub-command parser."""
    command = commands.add_parser("bench", parents=[common],
                                  help="build and run the host benchmarks, compare each with its baseline")
    command.add_argument("filter", nargs="?", default="", metavar="FILTER",
                         help="regular expression on record names, case-insensitive, or @SET: the records whose "
                              "'sets' name it (default: every record in tests/bench/benchmarks.json)")
    command.add_argument("--repetitions", type=int, default=DEFAULT_REPETITIONS,
                         help=f"runs of each benchmark; the median is reported (default: {DEFAULT_REPETITIONS})")
    command.add_argument("--min-time", type=float, default=None, metavar="SECONDS",
                         help="Google Benchmark's minimum time per run (default: the library's, 0.5 s)")
    command.add_argument("--no-build", action="store_true", help="run what build/bench already holds")
    command.add_argument("--set", action="append", default=[], metavar="CONFIG_X=VALUE",
                         help="build the benchmarks with this assignment (repeatable), e.g. to measure what "
                              "an option costs: CONFIG_DEBUG_SNAPSHOT=n")
    command.add_argument("-v", "--verbose", action="store_true", help="show Google Benchmark's own output "
                         "(and the guests' consoles)")
    command.add_argument("--guest-platform", default="x86_64", choices=("x86_64", "aarch64", "hosted"),
                         help="where guest-level groups (records of a guest_<group> binary: an image against a "
                              "Linux guest in the same QEMU, under TCG; guest_keys also hosted) run (default: x86_64)")
    command.add_argument("--status", action="store_true",
                         help="after the run, rewrite the benchmark table of docs/STATUS.md from results.json "
                              "(with a FILTER: only those rows, with a dated line saying so)")
    command.add_argument("--status-only", action="store_true",
                         help="rewrite docs/STATUS.md's benchmark table from the existing build/bench/results.json "
                              "without building or running anything")
    command.set_defaults(handler=bench_command)


def write_status(records: list, results_path: Path) -> None:
    import bench_status  # noqa: PLC0415 (only this option needs it)
    try:
        document = json.loads(results_path.read_text())
    except (OSError, ValueError) as problem:
        raise Failure(f"cannot read {paths.relative(results_path)}: {problem}; run ./vectra bench first")
    bench_status.rewrite_status(document, records)
    whole = bench_status.is_whole(document, records)
    print(f"rewrote {'the benchmark table' if whole else 'the measured rows of the benchmark table'} of "
          f"{paths.relative(bench_status.STATUS)}")


def bench_command(arguments) -> int:
    all_records = load_records()
    records = select(all_records, arguments.filter)
    request = bench_request(arguments.jobs, build.assignments(arguments.set))
    if arguments.status_only:
        write_status(all_records, request.folder / "results.json")
        return 0
    if arguments.status and arguments.set:
        raise Failure("--status writes what the tree's own configuration measures: run it without --set")
    if arguments.repetitions < 1:
        raise Failure("--repetitions must be at least 1")
    binaries = {}
    for record in records:
        binaries.setdefault(record.binary, []).append(record)
    host_binaries = [name for name in binaries if not bench_guest.is_guest_binary(name)]
    if host_binaries and not arguments.no_build:
        paths.BUILD.mkdir(exist_ok=True)
        build.configure(request)
        build.compile_folder(request)
    reports = {}
    for name, chosen in binaries.items():
        if bench_guest.is_guest_binary(name):
            reports[name] = bench_guest.run_group(name, arguments.guest_platform, arguments.repetitions, arguments.jobs,
                                                  arguments.verbose, request.folder / f"{name}.json")
            continue
        binary = request.folder / "tests" / "bench" / name
        if not binary.exists():
            raise Failure(f"{paths.relative(binary)} does not exist: is there a tests/bench/Bench*.cpp for it?")
        environment = image_environment(name, arguments.jobs, not arguments.no_build)
        with window_environment(name, environment) as shown:
            reports[name] = run_binary(binary, chosen, request.folder / f"{name}.json", arguments.repetitions,
                                       arguments.min_time, arguments.verbose, shown)
    results = [evaluate(record, summarize(reports[record.binary])) for record in records]
    print()
    print(format_table(results))
    output = request.folder / "results.json"
    context = context_of(reports, arguments.repetitions)
    if arguments.filter:
        context["filter"] = arguments.filter
    if not host_binaries:
        context["build"] = "guest-level groups only: an image and a Linux guest under QEMU TCG (bench_guest.py)"
    document = results_document(results, context)
    output.write_text(json.dumps(document, indent=2) + "\n")
    print(f"\nmedians of {arguments.repetitions} repetitions, min–max of the repetitions; noise = largest "
          f"coefficient of variation of the pair; met is \"unclear\" when the spread straddles the goal. "
          f"Numbers, not verdicts: this machine's load moves them.\nwrote {paths.relative(output)}")
    failed = any(result["problem"] for result in results)
    if arguments.status and not failed:
        write_status(all_records, output)
    return 1 if failed else 0
