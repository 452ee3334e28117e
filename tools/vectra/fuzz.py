# SPDX-License-Identifier: Apache-2.0
"""`./vectra fuzz [TARGET] [--seconds N]`: the libFuzzer targets of the host-test tree (build/host-tests,
configured exactly as `./vectra test` configures it).

Without TARGET it lists the targets; with a name (or `all`) it builds just those executables and runs
each for N seconds over the same corpus folders CTest gives it (vectra_fuzz_target in
tests/CMakeLists.txt): new inputs go to build/host-tests/tests/fuzz-corpus/<target>/, the seed corpus
in tests/fuzz/corpus/<target>/ is only read. A crash leaves its reproducer in
build/host-tests/fuzz-artifacts/<target>/; the command names it, says how to replay it, and fails.
A crash found becomes a regression test: copy the reproducer into the seed corpus and add a unit test.

The pure parts (reading the targets from CTest's file, the command line, finding reproducers in
libFuzzer's output) are tested by tests/tools/test_fuzz.py.
"""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import build
import paths
import ui
from ui import Failure

DEFAULT_SECONDS = 60
CTEST_FILE = Path("tests") / "CTestTestfile.cmake"
ADD_TEST = re.compile(r"^add_test\(\[=\[fuzz\.([A-Za-z0-9_]+)\]=\]\s+(.*)\)\s*$")
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
# libFuzzer: "artifact_prefix='…'; Test unit written to …/crash-<sha1>"
REPRODUCER = re.compile(r"Test unit written to (\S+)")
# The options CTest passes that this command replaces.
REPLACED_OPTIONS = ("-max_total_time=", "-seed=", "-artifact_prefix=")


@dataclass(frozen=True)
class FuzzTarget:
    name: str  # json_decode (the executable is fuzz_json_decode)
    executable: Path
    options: tuple  # libFuzzer options from CTest, e.g. -print_final_stats=1
    corpora: tuple  # folders: the writable one in the build tree first, then the seed corpus

    @property
    def build_target(self) -> str:
        return f"fuzz_{self.name}"


def parse_ctest_file(text: str) -> dict:
    """name → FuzzTarget for every `fuzz.<name>` test in a CTestTestfile.cmake."""
    targets = {}
    for line in text.splitlines():
        match = ADD_TEST.match(line.strip())
        if match is None:
            continue
        arguments = [argument.replace('\\"', '"') for argument in QUOTED.findall(match.group(2))]
        if not arguments:
            continue
        options = tuple(argument for argument in arguments[1:] if argument.startswith("-"))
        corpora = tuple(Path(argument) for argument in arguments[1:] if not argument.startswith("-"))
        targets[match.group(1)] = FuzzTarget(match.group(1), Path(arguments[0]), options, corpora)
    return targets


def select(targets: dict, wanted: str) -> list:
    """The targets a command line names: one by name (with or without fuzz_), or `all`."""
    if wanted == "all":
        return [targets[name] for name in sorted(targets)]
    name = wanted[len("fuzz_"):] if wanted.startswith("fuzz_") else wanted
    if name not in targets:
        known = ", ".join(sorted(targets)) or "none"
        raise Failure(f"no fuzz target {wanted!r} (known: {known})")
    return [targets[name]]


def command(target: FuzzTarget, seconds: int, artifacts: Path) -> list:
    """The libFuzzer command line: CTest's options and corpora, our time limit and artifact folder."""
    kept = [option for option in target.options if not option.startswith(REPLACED_OPTIONS)]
    return [str(target.executable), f"-max_total_time={seconds}", f"-artifact_prefix={artifacts}/",
            *kept, *(str(corpus) for corpus in target.corpora)]


def reproducers(output: str) -> list:
    """Paths of the inputs libFuzzer saved because they crashed (or leaked, or timed out)."""
    return REPRODUCER.findall(output)


def seed_count(target: FuzzTarget) -> int:
    """Inputs in the target's seed corpus (the corpus folders inside tests/)."""
    seeds = paths.REPOSITORY / "tests"
    return sum(1 for corpus in target.corpora if seeds in corpus.parents and corpus.is_dir()
               for entry in corpus.iterdir() if entry.is_file())


def host_tree_targets(request: build.BuildRequest) -> dict:
    ctest_file = request.folder / CTEST_FILE
    if not ctest_file.exists():
        raise Failure(f"{paths.relative(ctest_file)} is missing: the host-test tree has no tests")
    return parse_ctest_file(ctest_file.read_text(errors="replace"))


def build_executables(request: build.BuildRequest, chosen: list) -> None:
    """Builds only the chosen fuzz executables, not the whole host-test tree."""
    ui.step(f"building {', '.join(target.build_target for target in chosen)}")
    arguments = ["cmake", "--build", str(request.folder), "-j", str(build.jobs(request.jobs))]
    for target in chosen:
        arguments += ["--target", target.build_target]
    if subprocess.run(arguments, stdin=subprocess.DEVNULL).returncode != 0:
        raise Failure("building the fuzz targets failed; the compiler's messages are above")


def run_target(target: FuzzTarget, seconds: int, folder: Path) -> list:
    """Runs one target; returns the reproducers it left."""
    artifacts = folder / "fuzz-artifacts" / target.name
    artifacts.mkdir(parents=True, exist_ok=True)
    for corpus in target.corpora:
        if paths.REPOSITORY / "build" in corpus.resolve().parents:
            corpus.mkdir(parents=True, exist_ok=True)
    arguments = command(target, seconds, artifacts)
    ui.step(f"fuzzing {target.name} for {seconds} s")
    print(ui.command_line(arguments), flush=True)
    lines = []
    with subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                          text=True, errors="replace", cwd=folder) as process:
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line)
    found = reproducers("".join(lines))
    if process.returncode != 0 and not found:
        found = [f"(libFuzzer exit {process.returncode}, no reproducer written: see the output above)"]
    return found


def fuzz_command(arguments) -> int:
    import test  # the host-test tree is configured exactly as `./vectra test` configures it

    if arguments.seconds <= 0:
        raise Failure("--seconds must be positive")
    request = test.host_tests_request(arguments.jobs)
    paths.BUILD.mkdir(exist_ok=True)
    build.configure(request)
    targets = host_tree_targets(request)
    if arguments.target is None:
        print("fuzz targets (run one with ./vectra fuzz TARGET [--seconds N], or all of them with `all`):")
        for name in sorted(targets):
            print(f"  {name:<20} {seed_count(targets[name])} seed inputs")
        return 0
    chosen = select(targets, arguments.target)
    build_executables(request, chosen)
    crashes = {}
    for target in chosen:
        found = run_target(target, arguments.seconds, request.folder)
        if found:
            crashes[target.name] = found
    ui.step("summary")
    for target in chosen:
        if target.name not in crashes:
            print(f"PASS  {target.name}  no crash in {arguments.seconds} s")
            continue
        for reproducer in crashes[target.name]:
            if not reproducer.startswith("/"):
                print(f"FAIL  {target.name}  {reproducer}")
                continue
            shown = paths.relative(Path(reproducer))
            print(f"FAIL  {target.name}  reproducer: {shown}")
            print(f"      replay: {paths.relative(target.executable)} {shown}")
    if crashes:
        print("A crash found becomes a regression test: copy the reproducer into tests/fuzz/corpus/<target>/ "
              "and add a unit test that decodes it.")
        return 1
    return 0


def add_command(commands, common) -> None:
    command = commands.add_parser("fuzz", parents=[common],
                                  help="list the libFuzzer targets, or run one (or all) for a while")
    command.add_argument("target", nargs="?", metavar="TARGET",
                         help="a fuzz target such as json_decode, or `all` (default: list them)")
    command.add_argument("--seconds", type=int, default=DEFAULT_SECONDS,
                         help=f"how long each target runs (default: {DEFAULT_SECONDS})")
    command.set_defaults(handler=fuzz_command)
