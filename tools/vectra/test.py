# SPDX-License-Identifier: Apache-2.0
"""`./vectra test`: the host unit tests (CTest, with sanitizers), then every image booted on every
platform its oracle lists, each console matched against the oracle. Keeps going after a failure and
ends with the line `N passed, N failed`."""

import re
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

import boot
import build
import elf as elves
import images
import kvm
import oracle as oracles
import paths
import qemu
import ui
from ui import Failure

TAIL_LINES = 40
PROBE_IMAGE = "minimal"  # the image the KVM probe prefers: the smallest that exercises a boot


@dataclass
class Tally:
    passed: int = 0
    failed: int = 0
    lines: list = field(default_factory=list)  # one result line per check, repeated in the summary

    def record(self, line: str, passed: int, failed: int) -> None:
        self.passed += passed
        self.failed += failed
        self.lines.append(line)
        print(line, flush=True)


@dataclass
class Target:
    image: images.Image
    platform_name: str
    request: build.BuildRequest
    platform: object = None  # images.Platform, None when platforms/<name>/ does not exist
    problem: str = ""  # set when the target cannot be booted (unknown platform, build failed)

    @property
    def name(self) -> str:
        return f"{self.image.name}-{self.platform_name}"


# Host unit tests ---------------------------------------------------------------------------------

def host_tests_request(jobs: int) -> build.BuildRequest:
    return build.BuildRequest("host-tests", "hosted", jobs=jobs, folder_name="host-tests",
                              extra_definitions=("-DVECTRA_HOST_TESTS=ON", "-DVECTRA_SANITIZE=ON"))


@dataclass
class CtestCounts:
    passed: int
    failed: int
    failed_names: list


def parse_junit(text: str) -> CtestCounts:
    """Counts from `ctest --output-junit`: disabled tests and SKIP_* results are neither passed nor
    failed; a test that could not run counts as failed, as ctest itself counts it."""
    root = ElementTree.fromstring(text)
    passed, failed_names = 0, []
    for case in root.iter("testcase"):
        status = case.get("status", "run")
        skipped = case.find("skipped")
        if status == "disabled":
            continue
        if status == "notrun" and skipped is not None and skipped.get("message", "").startswith("SKIP_"):
            continue
        if status == "run" and case.find("failure") is None:
            passed += 1
        else:
            failed_names.append(case.get("name", "?"))
    return CtestCounts(passed, len(failed_names), failed_names)


def parse_ctest_summary(output: str):
    """Counts from ctest's `NN% tests passed, F tests failed out of T` line, or None."""
    match = re.search(r"(\d+)% tests passed, (\d+) tests? failed out of (\d+)", output)
    if match is None:
        return None
    failed, total = int(match.group(2)), int(match.group(3))
    names = re.findall(r"^\s*\d+ - (\S+) \((?:Failed|Not Run|Timeout|SEGFAULT|Exception)", output,
                       re.MULTILINE)
    return CtestCounts(total - failed, failed, names)


def run_host_tests(jobs: int, tally: Tally) -> None:
    request = host_tests_request(jobs)
    try:
        paths.BUILD.mkdir(exist_ok=True)
        build.configure(request)
        build.compile_folder(request, capture=True)
    except Failure as problem:
        ui.error(problem.message)
        tally.record(f"FAIL  host tests  {problem.summary}", 0, 1)
        return
    ui.step("running the host unit tests")
    junit = request.folder / "ctest-junit.xml"
    junit.unlink(missing_ok=True)
    command = ["ctest", "--test-dir", str(request.folder), "--output-on-failure",
               "--output-junit", str(junit), "-j", str(build.jobs(jobs))]
    process = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, errors="replace")
    print(process.stdout, end="", flush=True)
    counts = None
    if junit.exists():
        try:
            counts = parse_junit(junit.read_text(errors="replace"))
        except ElementTree.ParseError:
            counts = None
    if counts is None:
        counts = parse_ctest_summary(process.stdout)
    if counts is None:
        if "No tests were found" in process.stdout:
            counts = CtestCounts(0, 0, [])
        else:
            tally.record(f"FAIL  host tests  ctest exit {process.returncode}, no results", 0, 1)
            return
    if counts.failed == 0 and process.returncode != 0:
        tally.record(f"FAIL  host tests  ctest exit {process.returncode} with {counts.passed} passed",
                     counts.passed, 1)
    elif counts.failed:
        tally.record(f"FAIL  host tests  {counts.failed} of {counts.passed + counts.failed} failed: "
                     f"{', '.join(counts.failed_names)}", counts.passed, counts.failed)
    else:
        tally.record(f"PASS  host tests  {counts.passed} passed", counts.passed, 0)


# Image tests -------------------------------------------------------------------------------------

def select_targets(arguments) -> list:
    """Every image × platform its oracle lists, narrowed to the image and platform asked for."""
    if arguments.image:
        chosen = [images.image(arguments.image)]
        if chosen[0].oracle is None:
            raise Failure(f"image {arguments.image} has no oracle.json, so it cannot be tested")
    else:
        chosen = [entry for entry in images.all_images().values() if entry.oracle is not None]
    if arguments.platform:
        images.platform(arguments.platform)
    platforms = images.all_platforms()
    targets = []
    for image in chosen:
        names = list(image.oracle.platforms)
        if arguments.platform:
            if arguments.platform not in names:
                if arguments.image:
                    raise Failure(f"the oracle of {image.name} does not list platform {arguments.platform} "
                                  f"(it lists: {', '.join(names) or 'none'})")
                continue
            names = [arguments.platform]
        for name in names:
            request = build.BuildRequest(image.name, name, jobs=arguments.jobs)
            target = Target(image, name, request, platforms.get(name))
            if target.platform is None:
                target.problem = f"no platforms/{name}/platform.json"
            targets.append(target)
    return targets


def build_targets(targets: list) -> None:
    for target in targets:
        if target.problem:
            continue
        try:
            build.build(target.request, capture=True)
        except Failure as problem:
            ui.error(problem.message)
            target.problem = problem.summary


def choose_accelerators(mode: str, targets: list, binary=None) -> dict:
    """platform name → "kvm", "tcg" or "host", probing KVM once per platform that could use it."""
    chosen = {}
    for target in targets:
        platform = target.platform
        if platform is None or platform.name in chosen:
            continue
        if platform.hosted:
            chosen[platform.name] = "host"
            continue
        reason = qemu.kvm_unavailable_reason(platform)
        if mode == "tcg" or (reason is not None and mode == "auto"):
            chosen[platform.name] = "tcg"
        elif reason is not None:
            ui.note(f"--kvm: KVM cannot be used for {platform.name} ({reason}); using TCG")
            chosen[platform.name] = "tcg"
        elif mode == "kvm":
            chosen[platform.name] = "kvm"
        else:
            candidates = [each for each in targets if each.platform is platform and not each.problem]
            candidates.sort(key=lambda each: each.image.name != PROBE_IMAGE)
            if not candidates:
                chosen[platform.name] = "tcg"
                continue
            probe = candidates[0]
            result = kvm.probe(platform, probe.image, probe.request.elf, binary)
            kvm.remember(platform, result)
            chosen[platform.name] = kvm.announce(result)
    return chosen


def _columns(targets: list) -> tuple:
    image_width = max([len(target.image.name) for target in targets] + [7])
    platform_width = max([len(target.platform_name) for target in targets] + [7])
    return image_width, platform_width


def boot_target(target: Target, accelerator: str, widths: tuple, tally: Tally, binary=None,
                echo: bool = False) -> None:
    image_width, platform_width = widths
    prefix = f"{target.image.name:<{image_width}}  {target.platform_name:<{platform_width}}  {accelerator:<4}"
    if target.problem:
        tally.record(f"FAIL  {prefix}  {target.problem}", 0, 1)
        return
    platform, oracle = target.platform, target.image.oracle
    elf = target.request.elf
    log = target.request.folder / "console.log"
    ui.step(f"booting {target.name} ({accelerator})")
    matcher = oracles.ConsoleMatcher(oracle)
    command = qemu.command(platform, elf, "kvm" if accelerator == "kvm" else "tcg", "test", binary)
    result = boot.boot(command, log, oracle.timeout_seconds, matcher, echo=echo)
    if result.start_error:
        tally.record(f"FAIL  {prefix}  {result.start_error}", 0, 1)
        return
    verdict = oracles.judge(matcher, platform.exit_kind, result.exit_code, result.timed_out)
    timing = f"{result.seconds:5.3f} s" if result.seconds < 0.1 else f"{result.seconds:5.2f} s"
    if verdict.passed:
        size = elves.describe(elf, ui.size_text)
        first = f"{result.first_line_seconds * 1000:4.0f} ms to first line, " if result.first_line_seconds >= 0 else ""
        tally.record(f"PASS  {prefix}  {first}{timing} to power-off   image {size}", 1, 0)
        return
    tally.record(f"FAIL  {prefix}  {timing}  {verdict.reason}", 0, 1)
    if verdict.next_pattern is not None:
        print(f"      expected next: pattern {matcher.matched + 1} of {len(oracle.patterns)}: "
              f"{oracles.quoted(verdict.next_pattern)}")
    shown = oracles.tail(result.lines, TAIL_LINES)
    print(f"      console, last {len(shown)} of {len(result.lines)} lines ({paths.relative(log)}):")
    for line in shown:
        print(f"      | {line}")
    print(flush=True)


def test_command(arguments) -> int:
    tally = Tally()
    subset = arguments.image is not None or arguments.platform is not None
    targets = select_targets(arguments)
    if not arguments.no_host and not subset:
        run_host_tests(arguments.jobs, tally)
    if not arguments.no_build:
        build_targets(targets)
    else:
        for target in targets:
            if not target.problem and not target.request.elf.exists():
                target.problem = f"--no-build: {paths.relative(target.request.elf)} does not exist"
    accelerators = choose_accelerators(kvm.mode_from(arguments), targets, arguments.qemu_binary)
    widths = _columns(targets)
    for target in targets:
        accelerator = accelerators.get(target.platform_name, "-")
        boot_target(target, accelerator, widths, tally, arguments.qemu_binary, arguments.verbose)
    if not targets:
        ui.warn("no image × platform to boot")
    ui.step("summary")
    for line in tally.lines:
        print(line)
    print(f"{tally.passed} passed, {tally.failed} failed", flush=True)
    return 0 if tally.failed == 0 else 1
