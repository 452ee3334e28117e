# SPDX-License-Identifier: Apache-2.0
"""Guest-level benchmark groups of `./vectra bench` (ADR 0028): an image and a Linux guest doing
the same job in the same QEMU, under TCG, on copies of the same disk file attached with the same
`-drive`/`-device` arguments. A record whose binary is `guest_<group>` is run here instead of by
a Google Benchmark binary; each repetition boots the image once and the Linux guest once (one
after the other, so the machine's load falls on both alike), and the numbers come back in Google
Benchmark's JSON shape, so bench.py pairs, summarises and tabulates them like any other record.

Group `guest_block` (image blk-bench, records block_guest_*): blk-bench prints, per run,

    blk-bench: <run>: <bytes> bytes in <requests> requests of <size> bytes at queue depth <n>: <ns> ns

(timed in the image with the monotonic clock, the scaled cycle counter). The Linux guest (Debian
6.1 and busybox, linuxguest.py) then does the same runs on /dev/vda at partition bench's offset,
with the sizes blk-bench printed: `dd oflag=direct` and `dd iflag=direct` of 1 MiB blocks for the
sequential runs, and for random 4 KiB reads at queue depth 32, 32 busybox `dd iflag=direct`
streams of 4 KiB reads at once, each from its own random place (busybox has no asynchronous I/O
and fio is not in the initramfs: each stream reads on sequentially, the device sees 32 reads in
flight at random places). The guest times each run with the kernel's clock (/proc/timer_list's
`now at … nsecs`, read by shell builtins: no process started) and prints

    linux-bench: <run>: <start ns> <end ns>

Starting dd is not I/O: each run's dd (or 32 dd's) is also timed, three times in the same boot,
with nothing to move, and the least of those is taken off the run's time.

Group `guest_store` (image store-bench, records store_guest_*; ADR 0023's amendment): store-bench
prints, per run,

    store-bench: <run>: <bytes> bytes in <count> <writes|reads|files> of <size> bytes[ …]: <ns> ns

for a 256 MiB file written in 1 MiB writes and synced, read back, and 10,000 files of 100 bytes
created, stat-ed, read and synced on vfsd's store mount. The Linux guest gets the same disk file
with an ext4 filesystem made in the partition by the host's mkfs.ext4, loads ext4, mounts
/dev/vda1 and runs guest/store_bench.c (built static with the host's gcc), which does the same
with write/fsync, read (page cache dropped first), open/write/close, stat, open/read/close and
syncfs, timing itself with CLOCK_MONOTONIC and printing `linux-bench: <run>: <ns>`.

The pure parts (parsing both consoles, the workload script, the report entries) are tested by
tests/tools/test_bench_guest.py; the boots are not part of any test (a benchmark is never a
pass/fail test).
"""

import json
import os
import re
import shutil
import statistics
import socket
import subprocess
import time
from dataclasses import dataclass
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

BLOCK_GROUP = "guest_block"
BLOCK_IMAGE = "blk-bench"
BLOCK_PARTITION = "bench"
BLOCK_BENCHMARK = "block_guest"
BLOCK_RUNS = ("sequential-write", "sequential-read", "random-read")
LINUX_STREAMS = 32
BOOT_TIMEOUT_SECONDS = 300

OURS_LINE = re.compile(r"^blk-bench: (?P<run>[a-z-]+): (?P<bytes>[0-9]+) bytes in (?P<requests>[0-9]+) requests of "
                       r"(?P<size>[0-9]+) bytes at queue depth (?P<depth>[0-9]+): (?P<ns>[0-9]+) ns$")
LINUX_LINE = re.compile(r"^linux-bench: (?P<run>[a-z-]+): (?P<start>[0-9]+) (?P<end>[0-9]+)$")


@dataclass(frozen=True)
class Measurement:
    """One run of one side: what it moved and how long it took."""

    run: str
    bytes: int
    requests: int
    request_bytes: int
    depth: int
    nanoseconds: int


def runs_from(lines: list, pattern, runs: tuple, program: str, measure) -> dict:
    """run -> Measurement from a bench Task's console: the lines `pattern` matches, each run of
    `runs` exactly once; `measure(match, run, line)` makes and checks one Measurement."""
    found = {}
    for line in lines:
        match = pattern.match(line.strip())
        if not match:
            continue
        run = match.group("run")
        if run not in runs:
            raise Failure(f"{program} printed a run this group does not know: {line.strip()!r}")
        if run in found:
            raise Failure(f"{program} printed run {run} twice")
        found[run] = measure(match, run, line)
    missing = [run for run in runs if run not in found]
    if missing:
        raise Failure(f"{program} printed no {', '.join(missing)} line (did the image run to its end?)")
    return found


def parse_ours(lines: list) -> dict:
    """run -> Measurement from blk-bench's console; every run of BLOCK_RUNS exactly once, each
    line consistent (bytes = requests × size, a time above zero)."""
    def measure(match, run, line):
        measured = Measurement(run, int(match.group("bytes")), int(match.group("requests")), int(match.group("size")),
                               int(match.group("depth")), int(match.group("ns")))
        if measured.requests == 0 or measured.bytes != measured.requests * measured.request_bytes:
            raise Failure(f"blk-bench's {run} line does not add up: {line.strip()!r}")
        if measured.nanoseconds <= 0 or measured.depth <= 0:
            raise Failure(f"blk-bench's {run} line has no time or no depth: {line.strip()!r}")
        return measured
    return runs_from(lines, OURS_LINE, BLOCK_RUNS, "blk-bench", measure)

SPAWN_TRIES = 3


def linux_workload(first_byte: int, ours: dict, seed: int = 1) -> str:
    """The busybox sh script that makes the Linux guest do blk-bench's runs, at the partition's
    first byte of /dev/vda, with the sizes blk-bench printed. The clock is read by shell builtins
    alone (no process started); each run's dd started with nothing to move is timed SPAWN_TRIES
    times first."""
    write, read, random_read = ours["sequential-write"], ours["sequential-read"], ours["random-read"]
    if read.request_bytes != write.request_bytes or read.requests != write.requests:
        raise Failure("blk-bench's sequential write and read differ in size: the guest cannot repeat both")
    if first_byte % write.request_bytes or first_byte % random_read.request_bytes:
        raise Failure(f"partition {BLOCK_PARTITION} does not start on a multiple of the request sizes")
    if random_read.depth != LINUX_STREAMS or random_read.requests % LINUX_STREAMS:
        raise Failure(f"blk-bench's random reads are not {LINUX_STREAMS} in flight in a multiple of {LINUX_STREAMS}")
    block = write.request_bytes
    small = random_read.request_bytes
    places = write.bytes // small
    per_stream = random_read.requests // LINUX_STREAMS
    if places <= per_stream:
        raise Failure("the random reads' range is smaller than one stream's reads")
    at = first_byte // block
    # Each run's command, to be followed by how much it moves (0: only starting it).
    commands = {"sequential-write": f"dd if=/dev/zero of=/dev/vda bs={block} seek={at} oflag=direct count=",
                "sequential-read": f"dd if=/dev/vda of=/dev/null bs={block} skip={at} iflag=direct count=",
                "random-read": "streams "}
    spawns = "".join(f"timed {run}-spawn {commands[run]}0\n" for run in BLOCK_RUNS for _ in range(SPAWN_TRIES))
    return (
        "# blk-bench's runs, by Linux and busybox (tools/vectra/bench_guest.py)\n"
        f"RANDOM={seed}\n"
        "now() {\n"
        "  t=\n"
        "  while [ -z \"$t\" ] && read -r line; do\n"
        "    case \"$line\" in \"now at \"*) t=${line#now at }; t=${t% nsecs} ;; esac\n"
        "  done < /proc/timer_list\n"
        "}\n"
        "timed() { name=$1; shift; now; a=$t; \"$@\" 2>/dev/null || echo \"linux-bench: $name failed\"; now; "
        "echo \"linux-bench: $name: $a $t\"; }\n"
        "streams() {\n"
        "  i=0\n"
        f"  while [ $i -lt {LINUX_STREAMS} ]; do\n"
        f"    dd if=/dev/vda of=/dev/null bs={small} count=$1 "
        f"skip=$(({first_byte // small} + (RANDOM * 32768 + RANDOM) % {places - per_stream})) "
        "iflag=direct &\n"
        "    i=$((i + 1))\n"
        "  done\n"
        "  wait\n"
        "}\n"
        f"{spawns}"
        f"timed sequential-write {commands['sequential-write']}{write.requests}\n"
        f"timed sequential-read {commands['sequential-read']}{read.requests}\n"
        f"timed random-read {commands['random-read']}{per_stream}\n")


def parse_linux(lines: list, ours: dict) -> dict:
    """run -> Measurement of the Linux guest: each run's time less the least of its SPAWN_TRIES
    timings of starting the same dd (or dd's) with nothing to move."""
    durations = {}
    for line in lines:
        text = line.strip()
        if text.startswith("linux-bench: ") and text.endswith(" failed"):
            raise Failure(f"the Linux guest's run failed: {text!r}")
        match = LINUX_LINE.match(text)
        if match:
            start, end = int(match.group("start")), int(match.group("end"))
            if end < start:
                raise Failure(f"the Linux guest's clock went backwards: {text!r}")
            durations.setdefault(match.group("run"), []).append(end - start)
    measured = {}
    for run in BLOCK_RUNS:
        spawn = durations.get(f"{run}-spawn", [])
        if len(durations.get(run, [])) != 1 or len(spawn) != SPAWN_TRIES:
            raise Failure(f"the Linux guest printed not one {run} line and {SPAWN_TRIES} {run}-spawn lines "
                          "(did its workload run?)")
        nanoseconds = durations[run][0] - min(spawn)
        if nanoseconds <= 0:
            raise Failure(f"the Linux guest's {run} took no longer than starting it: the run is too small to time")
        mine = ours[run]
        measured[run] = Measurement(run, mine.bytes, mine.requests, mine.request_bytes, mine.depth, nanoseconds)
    return measured


def run_key(run: str) -> str:
    return run.replace("-", "_")


def report_entries(side: str, measured: dict, benchmark: str = BLOCK_BENCHMARK, runs: tuple = BLOCK_RUNS) -> list:
    """One Google Benchmark "iteration" entry per run: real_time in ns, bytes and requests (or
    files) per second."""
    entries = []
    for run in runs:
        value = measured[run]
        name = f"{benchmark}/{run_key(run)}/{side}"
        seconds = value.nanoseconds / 1e9
        entries.append({"name": name, "run_name": name, "run_type": "iteration", "iterations": 1,
                        "real_time": float(value.nanoseconds), "cpu_time": float(value.nanoseconds), "time_unit": "ns",
                        "bytes_per_second": value.bytes / seconds, "items_per_second": value.requests / seconds})
    return entries


def with_variation(entries: list) -> list:
    """`entries` and, per run, a "cv" aggregate of each metric (sample standard deviation over
    mean), as Google Benchmark reports it for repeated runs; medians are left to bench.py."""
    runs = {}
    for entry in entries:
        runs.setdefault(entry["run_name"], []).append(entry)
    aggregates = []
    for name, repeated in runs.items():
        aggregate = {"name": f"{name}_cv", "run_name": name, "run_type": "aggregate", "aggregate_name": "cv",
                     "repetitions": len(repeated), "time_unit": "ns"}
        for metric in ("real_time", "cpu_time", "bytes_per_second", "items_per_second"):
            values = [entry[metric] for entry in repeated]
            mean = statistics.fmean(values)
            aggregate[metric] = statistics.stdev(values) / mean if len(values) > 1 and mean else 0.0
        aggregates.append(aggregate)
    return entries + aggregates


def context() -> dict:
    return {"host_name": socket.gethostname(), "num_cpus": os.cpu_count(), "load_avg": list(os.getloadavg()),
            "library_build_type": "guest"}


def find_partition(image: images.Image, name: str):
    for disk in disks.load(image.folder):
        for partition in disk.partitions:
            if partition.name == name:
                return partition
    raise Failure(f"image {image.name} declares no partition {name}")


def partition_first_byte(image: images.Image) -> int:
    return find_partition(image, BLOCK_PARTITION).first_sector * disks.SECTOR


def run_block(platform_name: str, repetitions: int, jobs: int, verbose: bool) -> dict:
    """Builds blk-bench, then boots it and the Linux guest `repetitions` times each, alternating."""
    platform = images.platform(platform_name)
    if platform.hosted:
        raise Failure("the guest-level block group runs on a QEMU platform (x86_64, aarch64)")
    image = images.image(BLOCK_IMAGE)
    request = build.BuildRequest(BLOCK_IMAGE, platform_name, jobs=jobs)
    elf = build.build(request)
    first_byte = partition_first_byte(image)
    folder = elf.parent / "bench-runs"
    entries = []
    for repetition in range(1, repetitions + 1):
        ui.step(f"{BLOCK_GROUP} on {platform_name}, repetition {repetition} of {repetitions}: {BLOCK_IMAGE}, then Linux")
        copies = disks.copies_for_run(image.folder, elf.parent, folder / "ours")
        command = qemu.command(platform, elf, "tcg", "test", None, image, copies)
        result = boot.boot(command, folder / f"ours-{repetition}.log", BOOT_TIMEOUT_SECONDS, echo=verbose)
        if result.start_error or result.timed_out:
            raise Failure(f"{BLOCK_IMAGE} did not run to its end: {result.start_error or 'timed out'}")
        ours = parse_ours(result.lines)
        copies = disks.copies_for_run(image.folder, elf.parent, folder / "linux")
        guest = linuxguest.run(platform_name, linux_workload(first_byte, ours, seed=repetition), copies,
                               BOOT_TIMEOUT_SECONDS, echo=verbose)
        if guest.start_error or guest.timed_out:
            raise Failure(f"the Linux guest did not run to its end: {guest.start_error or 'timed out'}")
        linux = parse_linux(guest.lines, ours)
        entries += report_entries("ours", ours) + report_entries("baseline_linux", linux)
    return {"context": context() | {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, "benchmarks": with_variation(entries)}


# --- Group guest_store: the store through vfsd against ext4 -------------------------------------

STORE_GROUP = "guest_store"
STORE_IMAGE = "store-bench"
STORE_PARTITION = "data"
STORE_BENCHMARK = "store_guest"
STORE_RUNS = ("sequential-write", "sequential-read", "small-files")
STORE_UNITS = {"sequential-write": "writes", "sequential-read": "reads", "small-files": "files"}
# ext4 is a module in Debian's kernel; its checksums ask the crypto API for crc32c, which no
# module's .modinfo names as a dependency.
STORE_MODULES = ("crc32c_generic", "ext4")
STORE_PROGRAM = Path(__file__).resolve().parent / "guest" / "store_bench.c"
STORE_COMPILERS = {"x86_64": "x86_64-linux-gnu-gcc", "aarch64": "aarch64-linux-gnu-gcc"}
STORE_MOUNT = "/mnt"

STORE_LINE = re.compile(r"^store-bench: (?P<run>[a-z-]+): (?P<bytes>[0-9]+) bytes in (?P<count>[0-9]+) "
                        r"(?P<unit>[a-z]+) of (?P<size>[0-9]+) bytes(?: created, stat-ed and read)?(?:, then sync)?: "
                        r"(?P<ns>[0-9]+) ns$")
STORE_LINUX_LINE = re.compile(r"^linux-bench: (?P<run>[a-z-]+): (?P<ns>[0-9]+)$")


def parse_store_ours(lines: list) -> dict:
    """run -> Measurement from store-bench's console; every run of STORE_RUNS exactly once, each
    line consistent (bytes = count × size, the unit the run's, a time above zero), the
    sequential write and read of the same size."""
    def measure(match, run, line):
        measured = Measurement(run, int(match.group("bytes")), int(match.group("count")), int(match.group("size")), 1,
                               int(match.group("ns")))
        if (match.group("unit") != STORE_UNITS[run] or measured.requests == 0
                or measured.bytes != measured.requests * measured.request_bytes):
            raise Failure(f"store-bench's {run} line does not add up: {line.strip()!r}")
        if measured.nanoseconds <= 0:
            raise Failure(f"store-bench's {run} line has no time: {line.strip()!r}")
        return measured
    found = runs_from(lines, STORE_LINE, STORE_RUNS, "store-bench", measure)
    write, read = found["sequential-write"], found["sequential-read"]
    if (write.requests, write.request_bytes) != (read.requests, read.request_bytes) or write.request_bytes != 1024 * 1024:
        raise Failure("store-bench's sequential write and read are not the same MiB: the guest cannot repeat both")
    return found


def store_workload(ours: dict) -> str:
    """The busybox sh script that makes the Linux guest repeat store-bench's runs on the ext4
    filesystem of partition 1 (/dev/vda1), with the sizes store-bench printed, through the static
    program store_bench (it times itself)."""
    mebibytes = ours["sequential-write"].requests
    files = ours["small-files"].requests
    if ours["small-files"].request_bytes != 100:
        raise Failure("store-bench's small files are not of 100 bytes, as the guest's program makes them")
    return ("# store-bench's runs, by Linux on ext4 (tools/vectra/bench_guest.py)\n"
            f"mkdir -p {STORE_MOUNT}\n"
            f"mount -t ext4 /dev/vda1 {STORE_MOUNT} || echo \"linux-bench: mount failed\"\n"
            f"store_bench {STORE_MOUNT} {mebibytes} {files} || echo \"linux-bench: store_bench failed\"\n"
            f"umount {STORE_MOUNT}\n")


def parse_store_linux(lines: list, ours: dict) -> dict:
    """run -> Measurement of the Linux guest: each run's nanoseconds as store_bench timed them."""
    durations = {}
    for line in lines:
        text = line.strip()
        if text.startswith("linux-bench: ") and " failed" in text:
            raise Failure(f"the Linux guest's run failed: {text!r}")
        match = STORE_LINUX_LINE.match(text)
        if match:
            durations.setdefault(match.group("run"), []).append(int(match.group("ns")))
    measured = {}
    for run in STORE_RUNS:
        if len(durations.get(run, [])) != 1:
            raise Failure(f"the Linux guest printed not one {run} line (did its workload run?)")
        if durations[run][0] <= 0:
            raise Failure(f"the Linux guest's {run} took no time")
        mine = ours[run]
        measured[run] = Measurement(run, mine.bytes, mine.requests, mine.request_bytes, 1, durations[run][0])
    return measured


def ext4_command(disk: Path, first_byte: int, size_bytes: int) -> list:
    """The host's mkfs.ext4 (e2fsprogs) making an ext4 filesystem in a partition of a disk file:
    4 KiB blocks, inode tables and journal written now (lazy initialisation would have the guest's
    kernel zero them in the background while it is measured)."""
    return ["mkfs.ext4", "-q", "-F", "-b", "4096", "-E",
            f"offset={first_byte},lazy_itable_init=0,lazy_journal_init=0", str(disk), str(size_bytes // 4096)]


def store_program(platform_name: str, folder: Path) -> bytes:
    """store_bench.c built as a static program for the guest with the host's gcc (a cross gcc for aarch64)."""
    compiler = STORE_COMPILERS[platform_name]
    if not shutil.which(compiler):
        raise Failure(f"{compiler} is not installed: the Linux guest's store_bench cannot be built for {platform_name}")
    folder.mkdir(parents=True, exist_ok=True)
    output = folder / "store_bench"
    subprocess.run([compiler, "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o", str(output), str(STORE_PROGRAM)],
                   check=True)
    return output.read_bytes()


def run_store(platform_name: str, repetitions: int, jobs: int, verbose: bool) -> dict:
    """Builds store-bench and the guest's program, then boots the image and the Linux guest
    (ext4 made on its copy of the disk) `repetitions` times each, alternating."""
    platform = images.platform(platform_name)
    if platform.hosted:
        raise Failure("the guest-level store group runs on a QEMU platform (x86_64, aarch64)")
    image = images.image(STORE_IMAGE)
    elf = build.build(build.BuildRequest(STORE_IMAGE, platform_name, jobs=jobs))
    partition = find_partition(image, STORE_PARTITION)
    folder = elf.parent / "bench-runs"
    program = store_program(platform_name, folder)
    entries = []
    for repetition in range(1, repetitions + 1):
        ui.step(f"{STORE_GROUP} on {platform_name}, repetition {repetition} of {repetitions}: {STORE_IMAGE}, then Linux")
        copies = disks.copies_for_run(image.folder, elf.parent, folder / "ours")
        command = qemu.command(platform, elf, "tcg", "test", None, image, copies)
        result = boot.boot(command, folder / f"ours-{repetition}.log", BOOT_TIMEOUT_SECONDS, echo=verbose)
        if result.start_error or result.timed_out:
            raise Failure(f"{STORE_IMAGE} did not run to its end: {result.start_error or 'timed out'}")
        ours = parse_store_ours(result.lines)
        copies = disks.copies_for_run(image.folder, elf.parent, folder / "linux")
        subprocess.run(ext4_command(copies[0], partition.first_sector * disks.SECTOR, partition.size_bytes), check=True)
        guest = linuxguest.run(platform_name, store_workload(ours), copies, BOOT_TIMEOUT_SECONDS, echo=verbose,
                               extra_modules=STORE_MODULES, programs=[("store_bench", program)])
        if guest.start_error or guest.timed_out:
            raise Failure(f"the Linux guest did not run to its end: {guest.start_error or 'timed out'}")
        linux = parse_store_linux(guest.lines, ours)
        entries += (report_entries("ours", ours, STORE_BENCHMARK, STORE_RUNS)
                    + report_entries("baseline_linux", linux, STORE_BENCHMARK, STORE_RUNS))
    return {"context": context() | {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, "benchmarks": with_variation(entries)}


GROUPS = {BLOCK_GROUP: run_block, STORE_GROUP: run_store}


def is_guest_binary(binary: str) -> bool:
    return binary.startswith("guest_")


def run_group(binary: str, platform_name: str, repetitions: int, jobs: int, verbose: bool, output: Path) -> dict:
    """Runs guest group `binary`; its report (Google Benchmark's JSON shape) is also written to `output`."""
    if binary not in GROUPS:
        raise Failure(f"no guest-level group {binary}; groups: {', '.join(sorted(GROUPS))}")
    report = GROUPS[binary](platform_name, repetitions, jobs, verbose)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    ui.step(f"wrote {paths.relative(output)}")
    return report
