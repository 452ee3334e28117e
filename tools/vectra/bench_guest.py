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

Group `guest_http` (images http-appliance and https-appliance built to serve for ever, records
http_guest_* and https_guest_*; ADR 0050): per repetition and scheme, the appliance and then the
Linux guest (busybox httpd, or openssl s_server -WWW -tls1_3 with the appliance's certificate) are
booted with the image's own QEMU network flags and driven from the host: each file of www/bench
fetched once and compared, the TLS 1.3 handshakes timed (https), then ab per row (1 KiB and 1 MiB,
a new connection per request and keep-alive, 10 s, 4 connections); the machine is then stopped.
Our appliance boots with a QMP socket beside its log: when ab fails on one of its rows, the kernel's
debug snapshot (each Task's state, switches and Ring depths; ADR 0011) is read through it twice, 2 s
apart, while the guest still runs, with each virtio queue as QEMU sees it, and written beside the log;
the failure names the file — a stall is then diagnosed from the run it happened in.

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
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import bench_boot
import boot
import build
import disks
import hostclient as host_clients
import httpclient as http_clients
import images
import linuxguest
import paths
import qemu
import snapshot as snapshots
import top
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


# --- Group guest_http: the static-file appliance against busybox httpd and openssl s_server ----

HTTP_GROUP = "guest_http"
# scheme -> (image, benchmark, the port the guest serves on)
HTTP_SCHEMES = {"http": ("http-appliance", "http_guest", 80), "https": ("https-appliance", "https_guest", 443)}
HTTP_FILES = {"1k": "/bench/1k.txt", "1m": "/bench/1m.txt"}
HTTP_MODES = ("new", "keepalive")
HTTP_ROWS = tuple(f"{size}_{mode}" for size in HTTP_FILES for mode in HTTP_MODES)
# The appliance images end after their oracle's requests; built again to serve for ever.
HTTP_SERVE_FOREVER = ("CONFIG_HTTP_APPLIANCE_REQUESTS=0",)
HTTP_ROW_SECONDS = 10  # ab's time limit per row
HTTP_ROW_REQUESTS = 50000  # and its request limit
HTTP_CONCURRENCY = 4  # connections at once (the appliances serve 8)
HTTP_HANDSHAKES = 20
HTTP_FETCH_SECONDS = 60
HTTP_BOOT_SECONDS = 900
TLS_SERVER_NAME = "tls.vectra.test"
LINUX_ADDRESS = ("10.0.2.15", "255.255.255.0", "10.0.2.2")  # QEMU's user network, as netd takes it
LINUX_SERVING = "linux-bench: serving"
LINUX_WWW = "www"


@dataclass(frozen=True)
class HttpRow:
    """One row as ab measured it: good requests (complete less failed) over the time taken."""

    row: str
    complete: int
    failed: int
    kept_alive: int
    document_bytes: int
    seconds: float
    median_ms: float
    p99_ms: float

    @property
    def good(self) -> int:
        return self.complete - self.failed


AB_FIELDS = {"complete": re.compile(r"^Complete requests:\s+([0-9]+)$"),
             "failed": re.compile(r"^Failed requests:\s+([0-9]+)$"),
             "non_2xx": re.compile(r"^Non-2xx responses:\s+([0-9]+)$"),
             "kept_alive": re.compile(r"^Keep-Alive requests:\s+([0-9]+)$"),
             "document_bytes": re.compile(r"^Document Length:\s+([0-9]+) bytes$"),
             "seconds": re.compile(r"^Time taken for tests:\s+([0-9.]+) seconds$"),
             "median_ms": re.compile(r"^\s*50%\s+([0-9]+)$"),
             "p99_ms": re.compile(r"^\s*99%\s+([0-9]+)$")}


def parse_ab(row: str, text: str, expected_bytes: int) -> HttpRow:
    """ab's report for one row, checked: every request answered 2xx with the file's length, at least
    one complete, a time above zero; failed requests (resets, wrong lengths) counted, not timed."""
    found = {}
    for line in text.splitlines():
        for field, pattern in AB_FIELDS.items():
            match = pattern.match(line.rstrip())
            if match:
                if field in found:
                    raise Failure(f"ab's report for {row} has two {field} lines")
                found[field] = match.group(1)
    missing = [field for field in ("complete", "failed", "document_bytes", "seconds", "median_ms", "p99_ms")
               if field not in found]
    if missing:
        raise Failure(f"ab's report for {row} has no {', '.join(missing)} (did it run?)")
    if int(found.get("non_2xx", 0)):
        raise Failure(f"{row}: {found['non_2xx']} answers were not 2xx")
    measured = HttpRow(row, int(found["complete"]), int(found["failed"]), int(found.get("kept_alive", 0)),
                       int(found["document_bytes"]), float(found["seconds"]), float(found["median_ms"]),
                       float(found["p99_ms"]))
    if measured.document_bytes != expected_bytes:
        raise Failure(f"{row}: ab got documents of {measured.document_bytes} bytes, the file has {expected_bytes}")
    if measured.good <= 0 or measured.seconds <= 0:
        raise Failure(f"{row}: no request answered whole ({measured.complete} complete, {measured.failed} failed)")
    if measured.p99_ms < measured.median_ms:
        raise Failure(f"{row}: ab's 99th percentile is below its median")
    return measured


def ab_command(scheme: str, port: int, row: str) -> list:
    """ab for one row: bounded in time and in requests, HTTP_CONCURRENCY connections, a new connection
    per request or HTTP/1.0 keep-alive (-k); TLS 1.3 only for https; -r: a reset is counted, not fatal."""
    size, mode = row.split("_")
    command = ["ab", "-t", str(HTTP_ROW_SECONDS), "-n", str(HTTP_ROW_REQUESTS), "-c", str(HTTP_CONCURRENCY), "-r"]
    if mode == "keepalive":
        command.append("-k")
    if scheme == "https":
        command += ["-f", "TLS1.3"]
    return command + [f"{scheme}://127.0.0.1:{port}{HTTP_FILES[size]}"]


def fetch_once(scheme: str, port: int, target: str, tls, timeout: float = HTTP_FETCH_SECONDS) -> bytes:
    """One HTTP/1.0 GET of `target` (TLS verified against the build's CA for tls.vectra.test on
    https), read to the end; the body of a 200, else a Failure."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as plain:
        stream = tls.wrap_socket(plain, server_hostname=TLS_SERVER_NAME) if scheme == "https" else plain
        stream.sendall(f"GET {target} HTTP/1.0\r\n\r\n".encode())
        received = bytearray()
        while True:
            try:
                chunk = stream.recv(65536)
            except ssl.SSLEOFError:
                break
            if not chunk:
                break
            received += chunk
    head, separator, body = bytes(received).partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0].split()
    if not separator or len(status) < 2 or status[1] != b"200":
        raise Failure(f"GET {target} on port {port}: not a 200 ({bytes(received[:80])!r})")
    return body


def handshake_nanoseconds(port: int, tls, count: int = HTTP_HANDSHAKES) -> list:
    """`count` TCP connections each with a TLS 1.3 handshake (verified), one after the other: the time
    from connect to the handshake's end, in ns; a version other than TLS 1.3 is a Failure."""
    times = []
    for _ in range(count):
        started = time.monotonic_ns()
        with socket.create_connection(("127.0.0.1", port), timeout=HTTP_FETCH_SECONDS) as plain:
            with tls.wrap_socket(plain, server_hostname=TLS_SERVER_NAME) as stream:
                times.append(time.monotonic_ns() - started)
                if stream.version() != "TLSv1.3":
                    raise Failure(f"the handshake on port {port} agreed {stream.version()}, not TLSv1.3")
    return times


@dataclass
class HttpSide:
    """What one boot served: each row as ab measured it, and the handshakes (https)."""

    rows: dict
    handshakes: list


def run_row(command: list, when_stuck=None) -> str:
    """ab for one row; its report. A failed ab is a Failure with ab's last words and, when
    `when_stuck` is given (our side), the sentence it returns about the guest's state then."""
    ran = subprocess.run(command, capture_output=True, text=True, timeout=HTTP_ROW_SECONDS * 6 + 60)
    if ran.returncode != 0:
        state = f"; {when_stuck()}" if when_stuck is not None else ""
        raise Failure(f"{' '.join(command)} failed ({ran.returncode}): {ran.stderr.strip()[-300:]}{state}")
    return ran.stdout


STUCK_LOOKS = 2  # snapshots taken when a row of ours fails, STUCK_SECONDS apart: what still moves
STUCK_SECONDS = 2.0


def virtio_queues(monitor) -> list:
    """Each virtio device's queues as QEMU sees them (QMP x-query-virtio-queue-status): what the
    driver made available (shadow-avail-idx), what the device used (used-idx) and the used index it
    last signalled about — a lost interrupt and a driver out of buffers read differently here."""
    lines = []
    for device in monitor.execute("x-query-virtio") or []:
        status = monitor.execute("x-query-virtio-status", path=device["path"])
        lines.append(f"{device['name']} at {device['path']}: isr {status.get('isr')}")
        for queue in range(status.get("num-vqs", 0)):
            state = monitor.execute("x-query-virtio-queue-status", path=device["path"], queue=queue)
            lines.append("  queue {}: size {}, in use {}, last-avail-idx {}, shadow-avail-idx {}, used-idx {}, "
                         "signalled-used {} (valid {})".format(
                             queue, state.get("vring-num"), state.get("inuse"), state.get("last-avail-idx"),
                             state.get("shadow-avail-idx"), state.get("used-idx"), state.get("signalled-used"),
                             state.get("signalled-used-valid")))
    return lines


def snapshot_writer(open_memory, locate, title: str, output: Path, devices=None, pause=time.sleep):
    """A `when_stuck` for our side: the kernel's debug snapshot, read through `open_memory()` (an
    object with read(address, size) and close(), QEMU's monitor) at `locate()` (address, bytes),
    STUCK_LOOKS times STUCK_SECONDS apart, with `devices(memory)`'s lines (virtio_queues) after the
    first, written to `output` as `./vectra top` prints it. Returns what it did in a sentence; never
    raises, so the failure that asked for it is still the one reported."""
    def write() -> str:
        lines = []
        try:
            memory = open_memory()
            try:
                address, size = locate()
                for look in range(STUCK_LOOKS):
                    if look > 0:
                        pause(STUCK_SECONDS)
                    taken = top.read_snapshot(memory, address, size)
                    lines += snapshots.table(taken, f"{title}, look {look + 1} of {STUCK_LOOKS}")
                    if look == 0 and devices is not None:
                        try:
                            lines += devices(memory)
                        except (Failure, KeyError, TypeError, AttributeError) as problem:
                            lines.append(f"the devices' queues could not be read: {problem}")
            finally:
                memory.close()
        except (Failure, OSError) as problem:
            if not lines:
                return f"the guest's debug snapshot could not be read: {problem}"
            lines.append(f"then: {problem}")
        output.write_text("\n".join(lines) + "\n")
        return f"the guest's debug snapshot then: {paths.relative(output)}"
    return write


def drive(scheme: str, port: int, files: dict, tls, when_stuck=None) -> HttpSide:
    """From the host, against the guest serving on `port`: every file fetched once and compared with
    `files` (target -> bytes), the TLS handshakes (https), then each row with ab (run_row)."""
    for target, data in files.items():
        if fetch_once(scheme, port, target, tls) != data:
            raise Failure(f"{scheme} GET {target}: the body differs from the file")
    handshakes = handshake_nanoseconds(port, tls) if scheme == "https" else []
    rows = {}
    for row in HTTP_ROWS:
        report = run_row(ab_command(scheme, port, row), when_stuck)
        rows[row] = parse_ab(row, report, len(files[HTTP_FILES[row.split('_')[0]]]))
    return HttpSide(rows, handshakes)


def http_workload(scheme: str, port: int) -> str:
    """The busybox sh script of the Linux guest: eth0 at QEMU's user network address, then busybox
    httpd (http) or openssl s_server -WWW -tls1_3 (https) serving /www on `port`; it says it serves and
    waits (the harness stops the machine)."""
    address, mask, gateway = LINUX_ADDRESS
    if scheme == "http":
        server = f"httpd -p {port} -h /{LINUX_WWW}\n"
    else:
        server = (f"(cd /{LINUX_WWW} && LD_LIBRARY_PATH=/lib openssl s_server -WWW -tls1_3 -accept {port} "
                  "-cert /etc/identity.pem -key /etc/identity.pem -quiet >/dev/null 2>&1 &)\n")
    return ("# the appliance's files served by Linux (tools/vectra/bench_guest.py)\n"
            "ifconfig lo 127.0.0.1 up\n"
            f"ifconfig eth0 {address} netmask {mask} up || echo \"linux-bench: eth0 failed\"\n"
            f"route add default gw {gateway}\n"
            f"{server}"
            "sleep 2\n"
            f"echo \"{LINUX_SERVING}\"\n"
            "sleep 3600\n")


def http_guest_files(scheme: str, files: dict, identity: bytes, openssl: list) -> list:
    """The initramfs files of the Linux guest: the served files under /www, and for https the
    appliance's identity (certificate then key) and openssl with its libraries."""
    served = [(f"{LINUX_WWW}{target}", 0o644, data) for target, data in files.items()]
    if scheme == "http":
        return served
    return served + [("etc/identity.pem", 0o600, identity)] + list(openssl)


def http_entries(benchmark: str, side: str, measured: HttpSide) -> list:
    """Per row a "<row>" entry (items_per_second: good requests per second; real_time and cpu_time:
    the median latency; bytes_per_second: the files' bytes) and a "<row>_p99" entry (the 99th
    percentile as its times); for https a "handshake" entry (the median handshake as its times)."""
    def entry(run, nanoseconds, items, bytes_):
        name = f"{benchmark}/{run}/{side}"
        return {"name": name, "run_name": name, "run_type": "iteration", "iterations": 1,
                "real_time": float(nanoseconds), "cpu_time": float(nanoseconds), "time_unit": "ns",
                "items_per_second": items, "bytes_per_second": bytes_}
    entries = []
    for row in HTTP_ROWS:
        value = measured.rows[row]
        per_second = value.good / value.seconds
        bytes_per_second = per_second * value.document_bytes
        entries.append(entry(row, value.median_ms * 1e6, per_second, bytes_per_second)
                       | {"failed_requests": value.failed, "kept_alive_requests": value.kept_alive})
        entries.append(entry(f"{row}_p99", value.p99_ms * 1e6, per_second, bytes_per_second))
    if measured.handshakes:
        median = statistics.median(measured.handshakes)
        entries.append(entry("handshake", median, 1e9 / median, 0.0))
    return entries


def serve_and_drive(command: list, log: Path, serving: re.Pattern, drive_it, verbose: bool, boot_it=None):
    """Boots `command` (or calls `boot_it(on_line, stop)`), drives the guest once a console line
    matches `serving`, then stops it; what `drive_it()` returned."""
    outcome, stop = {}, threading.Event()

    def on_line(line):
        if "side" in outcome or "error" in outcome or not serving.search(line):
            return ()
        try:
            outcome["side"] = drive_it()
        except (Failure, OSError, ssl.SSLError, subprocess.TimeoutExpired) as problem:
            outcome["error"] = problem
        stop.set()
        return ()

    if boot_it is None:
        result = boot.boot(command, log, HTTP_BOOT_SECONDS, echo=verbose, on_line=on_line, stop=stop)
    else:
        result = boot_it(on_line, stop)
    if "error" in outcome:
        problem = outcome["error"]
        raise problem if isinstance(problem, Failure) else Failure(f"driving the guest failed: {problem}")
    if "side" not in outcome:
        raise Failure(f"the guest never served ({result.start_error or 'timed out' if result.timed_out else 'it ended'}); "
                      f"see {paths.relative(log)}")
    return outcome["side"]


def run_http(platform_name: str, repetitions: int, jobs: int, verbose: bool) -> dict:
    """Builds http-appliance and https-appliance to serve for ever, then per repetition and scheme
    boots the appliance and the Linux guest with the same QEMU network flags, each driven by ab."""
    platform = images.platform(platform_name)
    if platform.hosted:
        raise Failure("the guest-level HTTP group runs on a QEMU platform (x86_64, aarch64)")
    if not shutil.which("ab"):
        raise Failure("ab is not installed (Debian's apache2-utils; ./vectra setup installs it)")
    pins = linuxguest.load_pins()
    openssl = linuxguest.openssl_files(platform_name, pins)
    built = {}
    for scheme, (image_name, _, _) in HTTP_SCHEMES.items():
        request = build.BuildRequest(image_name, platform_name, assignments=HTTP_SERVE_FOREVER, jobs=jobs,
                                     folder_name=f"{image_name}-{platform_name}-bench")
        built[scheme] = (images.image(image_name), build.build(request))
    entries = []
    for repetition in range(1, repetitions + 1):
        for scheme, (image_name, benchmark, guest_port) in HTTP_SCHEMES.items():
            image, elf = built[scheme]
            ui.step(f"{HTTP_GROUP} on {platform_name}, repetition {repetition} of {repetitions}: {image_name}, then Linux")
            client = image.oracle.for_platform(platform_name).http_client
            root = image.folder / client.root
            files = {target: (root / target.lstrip("/")).read_bytes() for target in HTTP_FILES.values()}
            data = elf.parent / "image-data" / image_name
            tls = http_clients.tls_context(data / "ca.pem") if scheme == "https" else None
            folder = elf.parent / "bench-runs"
            port = host_clients.free_port()
            copies = disks.copies_for_run(image.folder, elf.parent, folder / "ours")
            monitor = folder / "qmp.sock"
            monitor.unlink(missing_ok=True)
            command = qemu.command(platform, elf, "tcg", "test", None, image, copies, port)
            command += ["-qmp", f"unix:{monitor},server=on,wait=off"]
            stuck = snapshot_writer(lambda: top.QemuMemory(monitor, folder), lambda: top.locate(elf),
                                    f"{image_name} when ab failed", folder / f"ours-{scheme}-{repetition}.stuck.txt",
                                    virtio_queues)
            ours = serve_and_drive(command, folder / f"ours-{scheme}-{repetition}.log", client.after,
                                   lambda: drive(scheme, port, files, tls, stuck), verbose)
            forwards = host_clients.substitute(image.oracle.qemu_arguments(platform_name), port)
            identity = (data / "identity.pem").read_bytes() if scheme == "https" else b""
            guest_files = http_guest_files(scheme, files, identity, openssl)
            linux_log = paths.BUILD / f"linux-guest-{platform_name}" / "console.log"
            linux = serve_and_drive(
                None, linux_log, re.compile("^" + re.escape(LINUX_SERVING) + "$"),
                lambda: drive(scheme, port, files, tls), verbose,
                boot_it=lambda on_line, stop: linuxguest.run(
                    platform_name, http_workload(scheme, guest_port), [], HTTP_BOOT_SECONDS, echo=verbose,
                    extra_modules=("virtio_net",), files=guest_files, qemu_arguments=forwards,
                    on_line=on_line, stop=stop))
            entries += http_entries(benchmark, "ours", ours) + http_entries(benchmark, "baseline_linux", linux)
    return {"context": context() | {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, "benchmarks": with_variation(entries)}


def run_keys(platform_name: str, repetitions: int, jobs: int, verbose: bool) -> dict:
    import bench_keys  # noqa: PLC0415 (it uses this module's helpers)
    return bench_keys.run_keys(platform_name, repetitions, jobs, verbose)


def run_desktop(platform_name: str, repetitions: int, jobs: int, verbose: bool) -> dict:
    """Group guest_desktop (bench_boot.py, ADR 0051): image desktop's boot to its first frame and to
    vsh's prompt against the do-nothing kernel and a Linux guest's framebuffer console."""
    return bench_boot.run_desktop(platform_name, repetitions, jobs, verbose, lambda entries: {
        "context": context() | {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, "benchmarks": with_variation(entries)})


GROUPS = {BLOCK_GROUP: run_block, STORE_GROUP: run_store, HTTP_GROUP: run_http, bench_boot.DESKTOP_GROUP: run_desktop,
          "guest_keys": run_keys}


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
