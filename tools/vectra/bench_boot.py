# SPDX-License-Identifier: Apache-2.0
"""Guest-level group `guest_desktop` of `./vectra bench` (ADR 0051): how long image desktop takes
under TCG from QEMU's start to its first presented frame and to vsh's prompt drawn, against the
do-nothing kernel's floor and against Debian's Linux 6.1 reaching a framebuffer console prompt on
the same display device.

Every side boots the same machine: the platform's QEMU arguments, image desktop's own (its oracle's
`qemu_args`: virtio-gpu-pci, the virtio keyboard and tablet) and fresh copies of its disks. Times
are taken on the host, from just before QEMU is started to the moment its console line arrives:

- ours, frame: `virtio-gpu: present 1 of …` (the driver prints it once the device answered the
  transfer and the flush of compositord's first full frame);
- ours, prompt: the first present after `vsh: ready` (vsh has written its greeting and prompt to
  the window's session) whose rectangle covers the prompt: PROMPT_BOX, the first cells of the
  window's second text row, as `desktop.png` shows it;
- floor: the first line of tools/vectra/guest/floor-<arch>.S (no set-up at all: QEMU and the
  firmware alone), the same for both records;
- Linux: its workload's `linux-bench: frame` (printed once virtio_gpu and what it depends on are
  loaded — fbcon takes the framebuffer over inside the module's probe — and checked: /dev/fb0 and a
  frame-buffer console bound) and `linux-bench: prompt`, printed by busybox sh's prompt expansion
  on tty1 (the framebuffer console) right before it writes the prompt there. fbcon draws on the
  write and its emulated framebuffer reaches the device from a worker shortly after: Linux's prompt
  time stops a little before the device shows it, ours after.

Each repetition boots ours, the floor and Linux one after the other; the guests that do not end by
themselves (the desktop waits for keys, Linux's shell for a line) are stopped once measured.
The pure parts are tested by tests/tools/test_bench_guest.py.
"""

import re
import subprocess
import threading
import time
from pathlib import Path

import boot
import build
import disks
import images
import linuxguest
import paths
import qemu
import ui
from ui import Failure

DESKTOP_GROUP = "guest_desktop"
DESKTOP_IMAGE = "desktop"
DESKTOP_BENCHMARK = "desktop_boot"
DESKTOP_RUNS = ("frame", "prompt")
DESKTOP_SIDES = ("ours", "baseline_floor", "baseline_linux")
BOOT_SECONDS = 600
FLOOR_SOURCES = paths.REPOSITORY / "tools" / "vectra" / "guest"
FLOOR_LINE = "floor: a do-nothing kernel's first line"
FLOOR_TARGETS = {"x86_64": "x86_64-linux-gnu", "aarch64": "aarch64-linux-gnu"}

FIRST_FRAME = re.compile(r"^virtio-gpu: present 1 of [0-9]+x[0-9]+ at \([0-9]+, [0-9]+\)")
PRESENT = re.compile(r"^virtio-gpu: present [0-9]+ of (?P<width>[0-9]+)x(?P<height>[0-9]+) "
                     r"at \((?P<x>[0-9]+), (?P<y>[0-9]+)\)")
VSH_READY = re.compile(r"^vsh: ready: ")
# The prompt `vsh:/$ ` (7 cells of 10x19 px) at the start of the window's second text row: the
# window at (32, 32), its title bar 27 px high, the greeting in the first row (desktop.png).
PROMPT_BOX = (32, 78, 70, 19)  # x, y, width, height
LINUX_FRAME = "linux-bench: frame"
LINUX_PROMPT = "linux-bench: prompt"


def covers(present: re.Match, box: tuple) -> bool:
    x, y, width, height = box
    left, top = int(present.group("x")), int(present.group("y"))
    right, bottom = left + int(present.group("width")), top + int(present.group("height"))
    return left <= x and top <= y and right >= x + width and bottom >= y + height


def desktop_times(timed: list) -> dict:
    """{"frame": s, "prompt": s} from the desktop's console, (seconds since QEMU's start, line)
    pairs in order: the first presented frame, and the first present after vsh's ready line
    covering PROMPT_BOX."""
    frame = prompt = None
    ready = False
    for seconds, line in timed:
        text = line.strip()
        if frame is None and FIRST_FRAME.match(text):
            frame = seconds
        if VSH_READY.match(text):
            ready = True
        match = PRESENT.match(text)
        if ready and prompt is None and match and covers(match, PROMPT_BOX):
            prompt = seconds
    if frame is None:
        raise Failure("the desktop printed no first present (virtio-gpu: present 1 of …)")
    if prompt is None:
        raise Failure("the desktop presented no frame covering vsh's prompt after vsh: ready")
    return {"frame": frame, "prompt": prompt}


def linux_times(timed: list) -> dict:
    """{"frame": s, "prompt": s} from the Linux guest's console: its workload's two lines; a
    framebuffer console that did not come up is a Failure."""
    found = {}
    for seconds, line in timed:
        text = line.strip()
        if text.startswith("linux-bench: no "):
            raise Failure(f"the Linux guest's display did not come up: {text!r}")
        for run, marker in (("frame", LINUX_FRAME), ("prompt", LINUX_PROMPT)):
            if text == marker and run not in found:
                found[run] = seconds
    missing = [run for run in DESKTOP_RUNS if run not in found]
    if missing:
        raise Failure(f"the Linux guest printed no {' and no '.join(missing)} line")
    if found["prompt"] < found["frame"]:
        raise Failure("the Linux guest's prompt came before its frame")
    return found


def floor_time(timed: list) -> float:
    for seconds, line in timed:
        if line.strip() == FLOOR_LINE:
            return seconds
    raise Failure("the do-nothing kernel printed no first line")


def linux_workload() -> str:
    """The busybox sh script of the Linux guest (virtio_gpu already loaded by /init): the frame line
    once a framebuffer console is bound, then an interactive sh on tty1 whose prompt expansion says
    `linux-bench: prompt` on the serial console."""
    return ("# a framebuffer console prompt on virtio-gpu (tools/vectra/bench_boot.py)\n"
            "if [ -e /dev/fb0 ] && grep -q 'frame buffer' /sys/class/vtconsole/vtcon*/name; then\n"
            f"  echo \"{LINUX_FRAME}\"\n"
            "else\n"
            "  echo \"linux-bench: no framebuffer console\"\n"
            "fi\n"
            f"export PS1='$(echo \"{LINUX_PROMPT}\" > /dev/console)/ # '\n"
            "setsid sh -c 'exec sh -i < /dev/tty1 > /dev/tty1 2>&1' &\n"
            "sleep 3600\n")


def floor_commands(platform_name: str, folder: Path) -> list:
    """The commands that assemble and link the do-nothing kernel of `platform_name` into
    folder/floor.elf (clang and lld, as the images are built)."""
    if platform_name not in FLOOR_TARGETS:
        raise Failure(f"no do-nothing kernel for platform {platform_name}")
    source = FLOOR_SOURCES / f"floor-{platform_name}.S"
    script = FLOOR_SOURCES / f"floor-{platform_name}.ld"
    return [["clang", f"--target={FLOOR_TARGETS[platform_name]}", "-c", str(source), "-o", str(folder / "floor.o")],
            ["ld.lld", "-T", str(script), "--build-id=none", "-o", str(folder / "floor.elf"), str(folder / "floor.o")]]


def build_floor(platform_name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for command in floor_commands(platform_name, folder):
        ran = subprocess.run(command, capture_output=True, text=True)
        if ran.returncode != 0:
            raise Failure(f"{' '.join(command)} failed: {ran.stderr.strip()[-300:]}")
    return folder / "floor.elf"


def timed_boot(boot_it, measured) -> tuple:
    """Boots through `boot_it(on_line, stop)` with each console line timed from just before the
    start; stops the guest once `measured(timed)` says it has what it needs. (timed lines, result)."""
    timed, stop = [], threading.Event()
    started = time.monotonic()

    def on_line(line):
        timed.append((time.monotonic() - started, line))
        if measured(timed):
            stop.set()
        return ()

    result = boot_it(on_line, stop)
    if result.start_error:
        raise Failure(result.start_error)
    return timed, result


def has_marker(pattern: str):
    return lambda timed: bool(timed) and timed[-1][1].strip() == pattern


def desktop_done(timed) -> bool:
    try:
        desktop_times(timed)
        return True
    except Failure:
        return False


def entries(side: str, times: dict) -> list:
    result = []
    for run in DESKTOP_RUNS:
        name = f"{DESKTOP_BENCHMARK}/{run}/{side}"
        nanoseconds = times[run] * 1e9
        result.append({"name": name, "run_name": name, "run_type": "iteration", "iterations": 1,
                       "real_time": nanoseconds, "cpu_time": nanoseconds, "time_unit": "ns",
                       "items_per_second": 1 / times[run], "bytes_per_second": 0.0})
    return result


def run_desktop(platform_name: str, repetitions: int, jobs: int, verbose: bool, report) -> dict:
    """Builds image desktop and the do-nothing kernel, then per repetition boots the desktop, the
    floor and the Linux guest on the same machine; `report(entries)` makes the group's report."""
    platform = images.platform(platform_name)
    if platform.hosted:
        raise Failure("the desktop's boot group runs on a QEMU platform (x86_64, aarch64)")
    image = images.image(DESKTOP_IMAGE)
    elf = build.build(build.BuildRequest(DESKTOP_IMAGE, platform_name, jobs=jobs))
    folder = elf.parent / "bench-runs"
    floor = build_floor(platform_name, folder / "floor")
    image_arguments = list(image.oracle.qemu_arguments(platform_name))
    found = []
    for repetition in range(1, repetitions + 1):
        ui.step(f"{DESKTOP_GROUP} on {platform_name}, repetition {repetition} of {repetitions}: "
                f"{DESKTOP_IMAGE}, the do-nothing kernel, then Linux")
        copies = disks.copies_for_run(image.folder, elf.parent, folder / "ours")
        command = qemu.command(platform, elf, "tcg", "test", None, image, copies)
        timed, _ = timed_boot(lambda on_line, stop: boot.boot(command, folder / f"ours-{repetition}.log", BOOT_SECONDS,
                                                              echo=verbose, on_line=on_line, stop=stop), desktop_done)
        ours = desktop_times(timed)
        copies = disks.copies_for_run(image.folder, elf.parent, folder / "floor-disks")
        command = qemu.command(platform, floor, "tcg", "test", None, image, copies)
        timed, _ = timed_boot(lambda on_line, stop: boot.boot(command, folder / f"floor-{repetition}.log", BOOT_SECONDS,
                                                              echo=verbose, on_line=on_line, stop=stop),
                              has_marker(FLOOR_LINE))
        floor_seconds = floor_time(timed)
        copies = disks.copies_for_run(image.folder, elf.parent, folder / "linux")
        timed, _ = timed_boot(lambda on_line, stop: linuxguest.run(
            platform_name, linux_workload(), copies, BOOT_SECONDS, echo=verbose, extra_modules=("virtio_gpu",),
            qemu_arguments=image_arguments, on_line=on_line, stop=stop), has_marker(LINUX_PROMPT))
        linux = linux_times(timed)
        ui.step(f"  frame {ours['frame'] * 1000:.0f} ms, prompt {ours['prompt'] * 1000:.0f} ms; floor "
                f"{floor_seconds * 1000:.0f} ms; Linux frame {linux['frame'] * 1000:.0f} ms, "
                f"prompt {linux['prompt'] * 1000:.0f} ms")
        found += (entries("ours", ours) + entries("baseline_floor", {run: floor_seconds for run in DESKTOP_RUNS})
                  + entries("baseline_linux", linux))
    return report(found)
