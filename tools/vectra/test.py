# SPDX-License-Identifier: Apache-2.0
"""`./vectra test`: the host unit tests (CTest, with sanitizers), then every image booted on every
platform its oracle lists, each console matched against the oracle. Keeps going after a failure and
ends with the line `N passed, N failed`.

One line per step (`[ n/N  m:ss] ...`): the host-test build, then the host tests' run beside each
image's build and boot. Configure and build output goes to log files in the build folders, named on
failure. An image boots as soon as it is built, on a pool of boot threads (as many as CPUs), while
the next images build on a pool of two build threads; failures print as they happen and again
before the final line."""

import dataclasses
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

import boot
import build
import capture
import disks
import elf as elves
import hostclient as host_clients
import hostserver as host_servers
import httpclient as http_clients
import images
import keys as key_oracles
import kvm
import oracle as oracles
import paths
import qemu
import resize as resize_oracles
import screen as screen_oracles
import ui
from ui import Failure

TAIL_LINES = 40
PROBE_IMAGE = "minimal"  # the image the KVM probe prefers: the smallest that exercises a boot


class Progress:
    """The `[ n/N  m:ss]` prefix of every step line; thread-safe (boots report from their threads)."""

    def __init__(self, total: int):
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.lock = threading.RLock()

    def elapsed(self) -> str:
        seconds = int(time.monotonic() - self.started)
        return f"{seconds // 60}:{seconds % 60:02d}"

    def prefix(self, count: bool = True) -> str:
        if count:
            self.done += 1
        width = len(str(self.total))
        return f"[{self.done:>{width}}/{self.total} {self.elapsed():>5}]"

    def say(self, text: str, count: bool = True, details=()) -> None:
        with self.lock:
            print(f"{self.prefix(count)} {text}", flush=True)
            for line in details:
                print(line)
            sys.stdout.flush()


@dataclass
class Tally:
    progress: Progress
    passed: int = 0
    failed: int = 0
    failures: list = field(default_factory=list)  # result lines of failed checks, repeated at the end

    def record(self, line: str, passed: int, failed: int, details=()) -> None:
        with self.progress.lock:
            self.passed += passed
            self.failed += failed
            if failed:
                self.failures.append(line)
            self.progress.say(line, details=details)


@dataclass
class Target:
    image: images.Image
    platform_name: str
    request: build.BuildRequest
    platform: object = None  # images.Platform, None when platforms/<name>/ does not exist
    problem: str = ""  # set when the target cannot be booted (unknown platform, build failed)
    builder: "Target" = None  # the target whose build links this image too (same configuration)
    overlay: str = ""  # the images/overlays/<name>.conf this variant adds, if any
    variant: str = ""  # the oracle's variant this boot is (same build, other arguments), if any

    @property
    def label(self) -> str:
        """The image as the test lines name it: `minimal`, `minimal+domains` for an overlay variant,
        `smp@gicv3` for an oracle variant."""
        return self.image.name + (f"+{self.overlay}" if self.overlay else "") + (f"@{self.variant}" if self.variant else "")

    @property
    def name(self) -> str:
        return (f"{self.image.name}-{self.platform_name}" + (f"+{self.overlay}" if self.overlay else "")
                + (f"@{self.variant}" if self.variant else ""))

    @property
    def elf(self):
        return self.request.image_elf(self.image.name)

    @property
    def log(self):
        return self.elf.parent / (f"console@{self.variant}.log" if self.variant else "console.log")

    @property
    def disk_copies(self):
        """Where this boot's copies of the image's disks go (a variant may boot beside its base)."""
        return self.elf.parent / (f"test-disks@{self.variant}" if self.variant else "test-disks")

    @property
    def screens_folder(self):
        """Where this boot's screenshots go: a variant booted beside its base must not take (or
        delete) the base's screen-N files, which capture replaces on every try."""
        return self.elf.parent / f"screens@{self.variant}" if self.variant else self.elf.parent


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


CTEST_LINE = re.compile(r"^\s*(\d+)/(\d+) Test\s+#\d+: (\S+) \.*\s*(\*+)?(Passed|Failed|Not Run|Timeout|"
                        r"\S+)")


def build_host_tests(jobs: int, tally: Tally):
    request = host_tests_request(jobs)
    started = time.monotonic()
    try:
        paths.BUILD.mkdir(exist_ok=True)
        build.configure(request, announce=False)
        build.compile_folder(request, capture=True, announce=False)
    except Failure as problem:
        tally.record(f"FAIL  host tests  {problem.summary}", 0, 1,
                     details=[f"      {line}" for line in problem.message.splitlines()[1:]])
        return None
    tally.progress.say(f"built host-tests in {time.monotonic() - started:.0f} s")
    return request


def stream_ctest(command: list, log_path, progress: Progress, beside_images: bool = False) -> tuple:
    """Runs ctest with its output in log_path; shows each failing test at once and the progress
    (one rewritten line on a terminal, a line per quarter otherwise, and always a line per quarter
    beside the image steps, whose lines a rewritten line would garble). Returns (exit code, output)."""
    terminal = sys.stdout.isatty() and not beside_images
    output = []
    next_quarter = 1
    with open(log_path, "w", encoding="utf-8", errors="replace") as log, \
            subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, errors="replace") as process:
        for line in process.stdout:
            log.write(line)
            log.flush()
            output.append(line)
            match = CTEST_LINE.match(line)
            if match is None:
                continue
            done, total, name, status = int(match.group(1)), int(match.group(2)), match.group(3), match.group(5)
            with progress.lock:
                if status != "Passed":
                    if terminal:
                        print("\r\033[K", end="")
                    print(f"      host test {name}: {line.split(name, 1)[1].strip(' .*')} "
                          f"(output: {paths.relative(log_path)})", flush=True)
                if terminal:
                    print(f"\r\033[K      host tests: {done} of {total} done, last {name}", end="", flush=True)
                elif done * 4 >= total * next_quarter:
                    while done * 4 >= total * next_quarter:
                        next_quarter += 1
                    print(f"      host tests: {done} of {total} done ({progress.elapsed()})", flush=True)
    if terminal:
        print("\r\033[K", end="", flush=True)
    return process.returncode, "".join(output)


def run_host_tests(request, jobs: int, tally: Tally, beside_images: bool = False) -> None:
    junit = request.folder / "ctest-junit.xml"
    junit.unlink(missing_ok=True)
    log = request.folder / "ctest.log"
    command = ["ctest", "--test-dir", str(request.folder), "--output-on-failure",
               "--output-junit", str(junit), "-j", str(build.jobs(jobs))]
    returncode, output = stream_ctest(command, log, tally.progress, beside_images)
    counts = None
    if junit.exists():
        try:
            counts = parse_junit(junit.read_text(errors="replace"))
        except ElementTree.ParseError:
            counts = None
    if counts is None:
        counts = parse_ctest_summary(output)
    if counts is None:
        if "No tests were found" in output:
            counts = CtestCounts(0, 0, [])
        else:
            tally.record(f"FAIL  host tests  ctest exit {returncode}, no results (log: {paths.relative(log)})", 0, 1)
            return
    if counts.failed == 0 and returncode != 0:
        tally.record(f"FAIL  host tests  ctest exit {returncode} with {counts.passed} passed", counts.passed, 1)
    elif counts.failed:
        tally.record(f"FAIL  host tests  {counts.failed} of {counts.passed + counts.failed} failed: "
                     f"{', '.join(counts.failed_names)} (output: {paths.relative(log)})", counts.passed, counts.failed)
    else:
        tally.record(f"PASS  host tests  {counts.passed} passed", counts.passed, 0)


# Image tests -------------------------------------------------------------------------------------

def select_targets(arguments) -> list:
    """Every image × platform its oracle lists, narrowed to the image and platform asked for
    (--quick: the probe image on each platform, without its overlay variants)."""
    if arguments.image:
        chosen = [images.image(arguments.image)]
        if chosen[0].oracle is None:
            raise Failure(f"image {arguments.image} has no oracle.json, so it cannot be tested")
    elif getattr(arguments, "quick", False):
        chosen = [images.image(PROBE_IMAGE)]
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
        variants = [(name, "") for name in names]
        # --quick boots the probe image once per platform: its overlay variants wait for the full run.
        for overlay, overlay_platforms in () if getattr(arguments, "quick", False) else image.oracle.overlays:
            variants += [(name, overlay) for name in overlay_platforms
                         if not arguments.platform or name == arguments.platform]
        for name, overlay in variants:
            overlay_file = paths.IMAGES / "overlays" / f"{overlay}.conf"
            request = build.BuildRequest(image.name, name, jobs=arguments.jobs,
                                         overlays=(str(overlay_file),) if overlay else (),
                                         folder_name=f"{image.name}-{name}+{overlay}" if overlay else "")
            built = dataclasses.replace(image, oracle=image.oracle.for_overlay(overlay)) if overlay else image
            target = Target(built, name, request, platforms.get(name), overlay=overlay)
            if target.platform is None:
                target.problem = f"no platforms/{name}/platform.json"
            elif overlay and not overlay_file.exists():
                target.problem = f"no overlay {paths.relative(overlay_file)} (named in the oracle's \"overlays\")"
            targets.append(target)
        # Oracle variants boot the build of the image's own target again, with other arguments.
        for variant in () if getattr(arguments, "quick", False) else image.oracle.variants:
            for name in variant.platforms:
                if arguments.platform and name != arguments.platform:
                    continue
                request = build.BuildRequest(image.name, name, jobs=arguments.jobs)
                varied = dataclasses.replace(image, oracle=image.oracle.for_variant(variant.name))
                target = Target(varied, name, request, platforms.get(name), variant=variant.name)
                if target.platform is None:
                    target.problem = f"no platforms/{name}/platform.json"
                elif name not in names and not arguments.platform:
                    target.problem = f"variant {variant.name} names platform {name}, which the oracle does not test"
                targets.append(target)
    # Platform by platform (consecutive builds share the compiler's cache best), the probe image first.
    order = {name: index for index, name in enumerate(platforms)}
    targets.sort(key=lambda each: (order.get(each.platform_name, len(order)), each.image.name != PROBE_IMAGE))
    return share_builds(targets)


def configuration_key(image: images.Image) -> tuple:
    """What decides an image's configuration besides its platform: its defconfig's assignments."""
    try:
        text = (image.folder / "defconfig").read_text()
    except OSError:
        text = ""
    return tuple(sorted(line.strip() for line in text.splitlines()
                        if line.strip() and not line.strip().startswith("#")))


def share_builds(targets: list) -> list:
    """Images of one platform whose configurations are the same are built once: the first one's
    folder links the others too (each into images/<image>/vectra.elf), since only their boot
    manifests differ. Returns the targets with each group's members right after its first, so
    they boot as soon as their one build is done."""
    groups = {}
    for target in targets:
        if not target.problem and not target.variant:
            groups.setdefault((target.platform_name, target.overlay, configuration_key(target.image)), []).append(target)
    for group in groups.values():
        primary, others = group[0], group[1:]
        if not others:
            continue
        primary.request = dataclasses.replace(primary.request,
                                              shared_images=tuple(other.image.name for other in others))
        for other in others:
            other.request = primary.request
            other.builder = primary
    # A variant boots what its image's own target (or that target's builder) built.
    for variant in targets:
        if not variant.variant:
            continue
        base = next((target for target in targets if not target.variant and not target.overlay
                     and target.image.name == variant.image.name and target.platform_name == variant.platform_name), None)
        if base is not None:
            variant.request = base.request
            variant.builder = base.builder or base
    ordered = []
    for target in targets:
        if target.builder is None and not target.variant:
            ordered.append(target)
            ordered += [other for other in targets if other.builder is target]
    return ordered + [target for target in targets if target.variant and target.builder is None]


def build_target(target: Target, progress: Progress) -> None:
    started = time.monotonic()
    try:
        build.build(target.request, capture=True, announce=False)
    except Failure as problem:
        target.problem = problem.summary
        progress.say(f"FAIL  build {target.name}: {problem.summary}",
                     details=[f"      {line}" for line in problem.message.splitlines()[1:]])
        return
    shared = f" (and {', '.join(target.request.shared_images)})" if target.request.shared_images else ""
    progress.say(f"built {target.name}{shared} in {time.monotonic() - started:.0f} s")


def choose_accelerator(mode: str, target: Target, chosen: dict, binary=None) -> str:
    """kvm, tcg or host for the target's platform, probing KVM once per platform that could use it
    (with the first built target of that platform)."""
    platform = target.platform
    if platform is None:
        return "-"
    if platform.name in chosen:
        return chosen[platform.name]
    if platform.hosted:
        chosen[platform.name] = "host"
        return "host"
    reason = qemu.kvm_unavailable_reason(platform)
    if mode == "tcg" or (reason is not None and mode == "auto"):
        chosen[platform.name] = "tcg"
    elif reason is not None:
        ui.note(f"--kvm: KVM cannot be used for {platform.name} ({reason}); using TCG")
        chosen[platform.name] = "tcg"
    elif mode == "kvm":
        chosen[platform.name] = "kvm"
    elif target.problem:
        return "tcg"  # probe with a target that built
    else:
        result = kvm.probe(platform, target.image, target.elf, binary)
        kvm.remember(platform, result)
        chosen[platform.name] = kvm.announce(result)
    return chosen[platform.name]


def _columns(targets: list) -> tuple:
    image_width = max([len(target.label) for target in targets] + [7])
    platform_width = max([len(target.platform_name) for target in targets] + [7])
    return image_width, platform_width


def line_watchers(*watchers):
    """One on_line for boot.boot(): each watcher's feed in turn, the lines they return together."""
    present = [each for each in watchers if each is not None]
    if not present:
        return None

    def feed(line):
        extra = []
        for each in present:
            extra += each.feed(line) or []
        return extra
    return feed


def boot_target(target: Target, accelerator: str, widths: tuple, tally: Tally, binary=None,
                echo: bool = False) -> None:
    image_width, platform_width = widths
    prefix = f"{target.label:<{image_width}}  {target.platform_name:<{platform_width}}  {accelerator:<4}"
    if target.problem:
        tally.record(f"FAIL  {prefix}  {target.problem}", 0, 1)
        return
    platform, oracle = target.platform, target.image.oracle.for_platform(target.platform_name)
    elf = target.elf
    log = target.log
    matcher = oracles.ConsoleMatcher(oracle)
    try:
        disk_copies = disks.copies_for_run(target.image.folder, elf.parent, target.disk_copies)
    except (disks.DiskError, OSError) as problem:
        tally.record(f"FAIL  {prefix}  {problem}", 0, 1)
        return
    host_port = host_clients.free_port() if oracle.host_client or oracle.http_client else None
    command = qemu.command(platform, elf, "kvm" if accelerator == "kvm" else "tcg", "test", binary, target.image,
                           disk_copies, host_port)
    watcher, screens, typer = None, None, None
    if oracle.screens or oracle.keys:
        try:
            screens = capture.for_platform(platform, typing=bool(oracle.keys))
        except capture.CaptureError as problem:
            tally.record(f"FAIL  {prefix}  {problem}", 0, 1)
            return
        command = command[:1] + screens.arguments() + command[1:]
    if oracle.screens:
        watcher = screen_oracles.ScreenWatcher(oracle.screens, target.image.folder, target.screens_folder, screens.capture)
    if oracle.keys and platform.hosted:
        typer = key_oracles.KeyTyper(oracle.keys, screens.type_step, requests=lambda step: step)
    elif oracle.keys:
        typer = key_oracles.KeyTyper(oracle.keys, screens.socket.execute)
    resizer, vnc_folder = None, None
    if oracle.resizes:
        if platform.hosted:
            tally.record(f"FAIL  {prefix}  a resize oracle asks through QEMU's VNC server: the hosted platform has none", 0, 1)
            return
        # A socket of this boot, in a short private folder (socket paths are limited to ~100 bytes).
        vnc_folder = tempfile.mkdtemp(prefix="vectra-vnc-")
        vnc_path = os.path.join(vnc_folder, "vnc.sock")
        command = command[:1] + ["-vnc", f"unix:{vnc_path}"] + command[1:]
        resizer = resize_oracles.Resizer(oracle.resizes, lambda: resize_oracles.VncClient(vnc_path))
    servers = None
    if oracle.host_servers:
        try:
            servers = host_servers.HostServers(oracle.host_servers, target.image.folder,
                                               elf.parent / "image-data" / target.image.name)
            servers.start()
            # QEMU: guestfwd rules to relays; hosted: --forward= targets on loopback.
            substitute = host_servers.substitute_hosted if platform.hosted else host_servers.substitute
            command = substitute(command, servers.ports)
        except (host_servers.HostServerError, OSError, ssl.SSLError) as problem:
            if servers is not None:
                servers.stop()
            for each in (screens, resizer):
                if each is not None:
                    each.close()
            if vnc_folder is not None:
                shutil.rmtree(vnc_folder, ignore_errors=True)
            tally.record(f"FAIL  {prefix}  host servers: {problem}", 0, 1)
            return
    console = []
    try:
        for number in range(1, oracle.boots + 1):
            # Several boots run on the same disk copies; the last boot's console is console.log.
            log_path = log if number == oracle.boots else log.with_name(f"{log.stem}-boot{number}.log")
            client = host_clients.Watcher(oracle.host_client, host_port) if oracle.host_client else None
            http = (http_clients.Watcher(oracle.http_client, host_port, target.image.folder,
                                         data_folder=elf.parent / "image-data" / target.image.name,
                                         port_from_console=platform.hosted)
                    if oracle.http_client else None)
            result = boot.boot(command, log_path, oracle.timeout_seconds, matcher, echo=echo, symbols=elf,
                               on_line=line_watchers(watcher, typer, client, http, resizer, servers),
                               environment=screens.environment() if screens else None)
            console += result.lines
            if result.start_error or number == oracle.boots:
                break
            early = oracles.ending_reasons(matcher, platform.exit_kind, result.exit_code, result.timed_out)
            if early:
                shown = oracles.tail(console, TAIL_LINES)
                tally.record(f"FAIL  {prefix}  boot {number} of {oracle.boots}: {early[0]}", 0, 1,
                             details=[f"      console, last {len(shown)} lines ({paths.relative(log_path)}):"]
                             + [f"      | {line}" for line in shown])
                return
    finally:
        if servers is not None:
            servers.stop()
        if screens is not None:
            screens.close()
        if resizer is not None:
            resizer.close()
        if vnc_folder is not None:
            shutil.rmtree(vnc_folder, ignore_errors=True)
    result.lines = console
    if result.start_error:
        tally.record(f"FAIL  {prefix}  {result.start_error}", 0, 1)
        return
    verdict = oracles.judge(matcher, platform.exit_kind, result.exit_code, result.timed_out)
    for each in (watcher, typer, resizer, servers):
        if each is not None:
            more_reasons = each.reasons()
            verdict.reasons += more_reasons
            verdict.passed = verdict.passed and not more_reasons
    timing = f"{result.seconds:5.3f} s" if result.seconds < 0.1 else f"{result.seconds:5.2f} s"
    if verdict.passed:
        size = elves.describe(elf, ui.size_text)
        first = f"{result.first_line_seconds * 1000:4.0f} ms to first line, " if result.first_line_seconds >= 0 else ""
        tally.record(f"PASS  {prefix}  {first}{timing} to power-off   image {size}", 1, 0)
        return
    details = []
    if watcher is not None and watcher.written():
        details.append("      screenshots written: " + ", ".join(str(paths.relative(path)) for path in watcher.written()))
    if verdict.next_pattern is not None:
        details.append(f"      expected next: {matcher.unmatched()}: "
                       f"{oracles.quoted(verdict.next_pattern)}")
    shown = oracles.tail(result.lines, TAIL_LINES)
    details.append(f"      console, last {len(shown)} of {len(result.lines)} lines ({paths.relative(log)}):")
    details += [f"      | {line}" for line in shown]
    tally.record(f"FAIL  {prefix}  {timing}  {verdict.reason}", 0, 1, details=details)


def boot_workers() -> int:
    """Boots at once: one per CPU (VECTRA_BOOTS overrides)."""
    try:
        wanted = int(os.environ.get("VECTRA_BOOTS", "0") or 0)
    except ValueError:
        wanted = 0
    return wanted if wanted > 0 else (os.cpu_count() or 2)


def build_workers() -> int:
    """Image builds at once: two (VECTRA_BUILDS overrides). A build's configure, manifest compile and
    link each run on one CPU, so a second build fills the CPU the first leaves idle."""
    try:
        wanted = int(os.environ.get("VECTRA_BUILDS", "0") or 0)
    except ValueError:
        wanted = 0
    return wanted if wanted > 0 else 2


def test_command(arguments) -> int:
    subset = arguments.image is not None or arguments.platform is not None
    targets = select_targets(arguments)
    host = not arguments.no_host and not subset
    building = not arguments.no_build
    builds = sum(1 for target in targets if target.builder is None and not target.variant) if building else 0
    progress = Progress((2 if host else 0) + len(targets) + builds)
    tally = Tally(progress)
    host_run = None
    if host:
        request = build_host_tests(arguments.jobs, tally)
        if request is None:
            progress.say("skipped running the host tests: they did not build")
        elif arguments.verbose or not targets:
            run_host_tests(request, arguments.jobs, tally)
        else:
            # The host tests run beside the image builds and boots: alone they keep about 0.6 of two
            # CPUs busy (tests waiting on timeouts, guests and subprocesses; ADR 0054).
            host_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="host-tests")
            host_run = host_pool.submit(run_host_tests, request, arguments.jobs, tally, True)
            host_pool.shutdown(wait=False)
    if not targets:
        ui.warn("no image × platform to boot")
    mode = kvm.mode_from(arguments)
    accelerators, accelerator_lock = {}, threading.Lock()
    widths = _columns(targets)
    # Builds run on their own pool (in target order, two at once); each boot waits for the build it
    # boots, then runs on the boot pool, so booting one image overlaps building the next ones.
    build_pool = ThreadPoolExecutor(max_workers=1 if arguments.verbose else build_workers())
    pool = ThreadPoolExecutor(max_workers=1 if arguments.verbose else boot_workers())
    built = {}

    def build_then_boot(target: Target) -> None:
        for source in (target.builder, target):
            if source is not None and id(source) in built:
                built[id(source)].result()
        if target.builder is not None and target.builder.problem and not target.problem:
            target.problem = f"built with {target.builder.name}, which failed"
        elif not target.problem and not target.elf.exists():
            target.problem = f"--no-build: {paths.relative(target.elf)} does not exist"
        with accelerator_lock:
            accelerator = choose_accelerator(mode, target, accelerators, arguments.qemu_binary)
        boot_target(target, accelerator, widths, tally, arguments.qemu_binary, arguments.verbose)

    try:
        for target in targets:
            if building and not target.problem and target.builder is None:
                built[id(target)] = build_pool.submit(build_target, target, progress)
        boots = [pool.submit(build_then_boot, target) for target in targets]
        for each in boots:
            each.result()
        if host_run is not None:
            host_run.result()
    except BaseException:
        boot.stop_all()
        build_pool.shutdown(wait=True, cancel_futures=True)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    build_pool.shutdown(wait=True)
    pool.shutdown(wait=True)
    if tally.failures:
        print(f"==> {len(tally.failures)} failed (elapsed {progress.elapsed()}):")
        for line in tally.failures:
            print(f"  {line}")
    else:
        print(f"==> everything passed in {progress.elapsed()}")
    print(f"{tally.passed} passed, {tally.failed} failed", flush=True)
    return 0 if tally.failed == 0 else 1
