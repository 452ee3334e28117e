# SPDX-License-Identifier: Apache-2.0
"""Group `guest_keys` of `./vectra bench` (ADR 0047's amendment "Key to photon", issue 13): how long a
key takes from its interrupt to the flush of the frame that shows its echo, measured inside image
desktop (vsh in a vterm window on compositord) on x86_64 or aarch64 under TCG, or hosted.

The image is built into a folder of its own (build/desktop-<platform>-key-stamps) with
CONFIG_INPUT_KEY_STAMPS and CONFIG_VTERM_KEY_STAMPS set to the number of keys typed, so that

    virtio-input: key <k> interrupt <ns> ns        (host-input: on hosted)
    vterm: key <k> in window <w>: received <ns> drawn <ns> flushed <ns> ns

are printed for each key press: the input driver's time when it ran after the key's interrupt, and
vterm's when compositord handed it the key, when the window's next damage — vsh's echo — went out,
and when compositord answered the frame carrying it (composed and presented). All are the image's
monotonic clock (the scaled cycle counter; the host's clock on hosted), the same in every Task.

Each repetition boots the image once; once vsh is ready the harness types KEYS letters, each held
HOLD_MS (QMP send-key, or xdotool on the hosted window), then Return and `exit`; then, as the
image's oracle does, Ctrl+Shift+Enter shows the second vsh's window and `exit` ends it (those keys
come after the stamped ones). Keys are paired
by number: k-th press at the driver, k-th press vterm received. Per repetition: the median and the
99th percentile (nearest rank) of interrupt → flushed (`ours`) and of interrupt → received (the
input path alone: `baseline_key_to_read`). The hops' medians go to the log.

Pure parts (parsing, pairing, percentiles, entries) are tested by tests/tools/test_bench_keys.py;
the boots are not part of any test (a benchmark is never a pass/fail test).
"""

import math
import re
import statistics
import time
from dataclasses import dataclass

import bench_guest
import boot
import build
import capture
import disks
import images
import keys as key_oracles
import qemu
import ui
from ui import Failure

KEYS_GROUP = "guest_keys"
KEYS_IMAGE = "desktop"
KEYS = 100
HOLD_MS = 100
# The letters typed, KEYS of them: vsh echoes each; the line is then an unknown command.
TYPED = ("abcdefghijklmnopqrstuvwxyz" * 4)[:KEYS]
READY = r"^vsh: ready: a vfsd session and a terminal window$"
ANSWERED = r"^vsh: line 1 answered$"
EXITED = r"^vsh: exit 0$"
# The image's second vsh waits for a window (ADR 0044's second amendment): shown by the person's
# chord once the first has exited, then ended, so that the image powers off as its oracle's run does.
SECOND_SHOWN = r"^vterm: window 2 shown, with a waiting program$"
BOOT_TIMEOUT_SECONDS = 300

DRIVER_LINE = re.compile(r"^(?:virtio-input|host-input): key (?P<key>[0-9]+) interrupt (?P<at>[0-9]+) ns$")
VTERM_LINE = re.compile(r"^vterm: key (?P<key>[0-9]+) in window (?P<window>[0-9]+): received (?P<received>[0-9]+) "
                        r"drawn (?P<drawn>[0-9]+) flushed (?P<flushed>[0-9]+) ns$")


@dataclass(frozen=True)
class KeyPath:
    """One key's stamps, in nanoseconds of the image's monotonic clock."""

    key: int
    interrupt: int
    received: int
    drawn: int
    flushed: int

    @property
    def photon(self) -> int:
        return self.flushed - self.interrupt

    @property
    def to_read(self) -> int:
        return self.received - self.interrupt


def parse_paths(lines: list, expected: int) -> list:
    """The KeyPaths of keys 1..expected from a boot's console; every key stamped once at both ends,
    in order (interrupt ≤ received ≤ drawn ≤ flushed)."""
    interrupts, vterm = {}, {}
    for raw in lines:
        line = raw.strip()
        match = DRIVER_LINE.match(line)
        if match:
            key = int(match.group("key"))
            if key in interrupts:
                raise Failure(f"the input driver stamped key {key} twice")
            interrupts[key] = int(match.group("at"))
            continue
        match = VTERM_LINE.match(line)
        if match:
            key = int(match.group("key"))
            if key in vterm:
                raise Failure(f"vterm stamped key {key} twice")
            vterm[key] = tuple(int(match.group(name)) for name in ("received", "drawn", "flushed"))
    paths = []
    for key in range(1, expected + 1):
        if key not in interrupts or key not in vterm:
            where = "the input driver" if key not in interrupts else "vterm"
            raise Failure(f"{where} printed no stamp for key {key} (of {expected}): did every key reach the window?")
        path = KeyPath(key, interrupts[key], *vterm[key])
        if not path.interrupt <= path.received <= path.drawn <= path.flushed:
            raise Failure(f"key {key}'s stamps are out of order: {path}")
        paths.append(path)
    return paths


def percentile(values: list, share: float) -> float:
    """The nearest-rank percentile (share 0.99: the 99th) of `values`."""
    ordered = sorted(values)
    if not ordered:
        raise Failure("no values")
    return float(ordered[max(0, math.ceil(share * len(ordered)) - 1)])


def hop_medians(paths: list) -> dict:
    """Where the time goes, each hop's median in nanoseconds."""
    return {
        "interrupt_to_received": statistics.median(path.received - path.interrupt for path in paths),
        "received_to_drawn": statistics.median(path.drawn - path.received for path in paths),
        "drawn_to_flushed": statistics.median(path.flushed - path.drawn for path in paths),
        "interrupt_to_flushed": statistics.median(path.photon for path in paths),
    }


def entry(name: str, nanoseconds: float) -> dict:
    """One Google Benchmark "iteration" entry: the time in real_time (and cpu_time), its rate in items_per_second."""
    return {"name": name, "run_name": name, "run_type": "iteration", "iterations": 1, "real_time": float(nanoseconds),
            "cpu_time": float(nanoseconds), "time_unit": "ns", "bytes_per_second": 0.0,
            "items_per_second": 1e9 / nanoseconds if nanoseconds else 0.0}


def report_entries(platform_name: str, paths: list) -> list:
    """One repetition's entries: median and p99 of key → photon (ours) and of key → read (baseline)."""
    photon = [path.photon for path in paths]
    to_read = [path.to_read for path in paths]
    return [
        entry(f"key_to_photon/{platform_name}/ours", statistics.median(photon)),
        entry(f"key_to_photon/{platform_name}/baseline_key_to_read", statistics.median(to_read)),
        entry(f"key_to_photon_p99/{platform_name}/ours", percentile(photon, 0.99)),
        entry(f"key_to_photon_p99/{platform_name}/baseline_key_to_read", percentile(to_read, 0.99)),
    ]


def key_steps() -> tuple:
    return key_oracles.parse_all([
        {"after": READY, "text": TYPED + "\n", "hold_ms": HOLD_MS},
        {"after": ANSWERED, "text": "exit\n"},
        {"after": EXITED, "keys": ["ctrl-shift-ret"]},
        {"after": SECOND_SHOWN, "text": "exit\n"},
    ], "the key-to-photon benchmark")


def stamped_request(platform_name: str, jobs: int) -> build.BuildRequest:
    return build.BuildRequest(KEYS_IMAGE, platform_name, jobs=jobs, folder_name=f"{KEYS_IMAGE}-{platform_name}-key-stamps",
                              assignments=(f"CONFIG_INPUT_KEY_STAMPS={KEYS}", f"CONFIG_VTERM_KEY_STAMPS={KEYS}"))


def boot_once(platform, image, elf, log, verbose: bool) -> list:
    """Boots the stamped image once with the keys typed; its console lines."""
    copies = disks.copies_for_run(image.folder, elf.parent, log.parent / "disks")
    screens = capture.for_platform(platform, typing=True)
    try:
        command = qemu.command(platform, elf, "tcg", "test", None, image, copies)
        command = command[:1] + screens.arguments() + command[1:]
        if platform.hosted:
            typer = key_oracles.KeyTyper(key_steps(), screens.type_step, requests=lambda step: step)
        else:
            typer = key_oracles.KeyTyper(key_steps(), screens.socket.execute)
        result = boot.boot(command, log, BOOT_TIMEOUT_SECONDS, echo=verbose, symbols=elf, on_line=typer.feed,
                           environment=screens.environment())
    finally:
        screens.close()
    if result.start_error or result.timed_out or typer.reasons():
        raise Failure(f"{KEYS_IMAGE} with key stamps did not run to its end: "
                      f"{result.start_error or ('timed out' if result.timed_out else typer.reasons()[0])} "
                      f"(console: {log})")
    return result.lines


def run_keys(platform_name: str, repetitions: int, jobs: int, verbose: bool) -> dict:
    """Builds desktop with key stamps, boots it `repetitions` times with KEYS keys typed."""
    platform = images.platform(platform_name)
    image = images.image(KEYS_IMAGE)
    elf = build.build(stamped_request(platform_name, jobs))
    entries = []
    for repetition in range(1, repetitions + 1):
        ui.step(f"{KEYS_GROUP} on {platform_name}, repetition {repetition} of {repetitions}: "
                f"{KEYS_IMAGE}, {KEYS} keys typed")
        log = elf.parent / "bench-runs" / f"keys-{repetition}.log"
        paths = parse_paths(boot_once(platform, image, elf, log, verbose), KEYS)
        hops = hop_medians(paths)
        ui.step("  medians: " + ", ".join(f"{name} {value / 1e6:.2f} ms" for name, value in hops.items())
                + f"; p99 interrupt_to_flushed {percentile([path.photon for path in paths], 0.99) / 1e6:.2f} ms")
        entries += report_entries(platform_name, paths)
    return {"context": bench_guest.context() | {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "platform": platform_name},
            "benchmarks": bench_guest.with_variation(entries)}
