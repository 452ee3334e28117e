# SPDX-License-Identifier: Apache-2.0
"""The kernel's debug snapshot (primitives/task/include/vectra/kernel/Snapshot.h holds the layout):
decoded from the bytes `./vectra top` copied out of a running image, and drawn as a table.

Pure: bytes in, a Snapshot or a SnapshotError out. Every malformed or truncated table is refused
with a message saying what is wrong; a torn copy (the kernel rewrote the table while it was read)
is a TornSnapshot, which the reader answers by copying again.
"""

import struct
from dataclasses import dataclass

MAGIC = b"VSNAPSH1"
VERSION = 2
HEADER_BYTES = 64
RECORD_BYTES = 496
NAME_BYTES = 32
RING_ENTRY_BYTES = 12
RING_ENDS_PER_RECORD = 32
CLASS_SLOTS = 16
RING_ENDS_OFFSET = 112
MAXIMUM_TASKS = 256  # CONFIG_DEBUG_SNAPSHOT_TASKS's range

STATES = ("runnable", "waiting", "exited")
BANDS = ("person", "network")
# vectra/CapabilityClass.h, index = the class's number
CLASSES = (None, "task", "memory", "ring", "signal", "bundle", "reticle", "irq", "device", "timer", "pci-device",
           "device-memory")
ENDS = {1: "send", 2: "receive"}


def class_name(number: int) -> str:
    """A capability class's name; a class newer than this table is named by its number."""
    return CLASSES[number] if number < len(CLASSES) else f"class-{number}"


class SnapshotError(ValueError):
    """A table that is not a debug snapshot, or not a whole one."""


class TornSnapshot(SnapshotError):
    """The header's and trailer's generations differ: the copy caught the kernel mid-write."""


class NoSnapshotYet(SnapshotError):
    """The table was never written: the image has not switched Tasks yet."""


@dataclass(frozen=True)
class RingEnd:
    end: str          # "send" or "receive"
    used: int         # messages in the Ring
    capacity: int     # its slots


@dataclass(frozen=True)
class TaskRecord:
    name: str
    id: int
    state: str
    band: str
    cpu: int
    time_used_ns: int
    switches: int
    reticle_used: int
    reticle_size: int
    capabilities: int
    by_class: dict    # class name -> count (only classes held)
    rings: tuple      # RingEnd, one per Ring end the Task has bound


@dataclass(frozen=True)
class Snapshot:
    generation: int
    taken_at_ns: int
    switches: int
    tasks_listed: int
    cpus: int
    tasks: tuple


def table_bytes(task_capacity: int) -> int:
    """The size of the kernel's table for CONFIG_DEBUG_SNAPSHOT_TASKS = task_capacity."""
    return HEADER_BYTES + task_capacity * RECORD_BYTES + 8


def _name(raw: bytes, index: int) -> str:
    text = raw.split(b"\0", 1)[0]
    if not text:
        raise SnapshotError(f"task record {index}: empty name")
    if any(byte < 0x20 or byte > 0x7e for byte in text):
        raise SnapshotError(f"task record {index}: name {text!r} is not printable ASCII")
    return text.decode("ascii")


def _record(data: bytes, at: int, index: int) -> TaskRecord:
    name = _name(data[at:at + NAME_BYTES], index)
    identifier, state, band, cpu, ring_count = struct.unpack_from("<IBBBB", data, at + 32)
    time_used, switches, reticle_used, reticle_size = struct.unpack_from("<QQQQ", data, at + 40)
    capabilities, = struct.unpack_from("<I", data, at + 72)
    counts = struct.unpack_from(f"<{CLASS_SLOTS}H", data, at + 76)
    if state >= len(STATES):
        raise SnapshotError(f"task {name}: unknown state {state}")
    if band >= len(BANDS):
        raise SnapshotError(f"task {name}: unknown band {band}")
    if ring_count > RING_ENDS_PER_RECORD:
        raise SnapshotError(f"task {name}: {ring_count} Ring ends, at most {RING_ENDS_PER_RECORD} fit a record")
    if reticle_used > reticle_size:
        raise SnapshotError(f"task {name}: Reticle bytes used ({reticle_used}) exceed its size ({reticle_size})")
    if counts[0] != 0:
        raise SnapshotError(f"task {name}: capabilities counted under class 0, which no capability has")
    if sum(counts) != capabilities:
        raise SnapshotError(f"task {name}: capabilities by class add up to {sum(counts)}, not {capabilities}")
    rings = []
    for ring in range(ring_count):
        end, used, capacity = struct.unpack_from("<B3xII", data, at + RING_ENDS_OFFSET + ring * RING_ENTRY_BYTES)
        if end not in ENDS:
            raise SnapshotError(f"task {name}: Ring end {ring} has unknown kind {end}")
        if capacity == 0 or used > capacity:
            raise SnapshotError(f"task {name}: Ring end {ring} holds {used} of {capacity} slots")
        rings.append(RingEnd(ENDS[end], used, capacity))
    by_class = {class_name(number): count for number, count in enumerate(counts) if number and count}
    return TaskRecord(name, identifier, STATES[state], BANDS[band], cpu, time_used, switches, reticle_used,
                      reticle_size, capabilities, by_class, tuple(rings))


def decode(data: bytes) -> Snapshot:
    """One whole snapshot from a copy of the kernel's table; SnapshotError (or a subclass) if not."""
    if len(data) < HEADER_BYTES:
        raise SnapshotError(f"truncated: {len(data)} bytes, a snapshot header alone is {HEADER_BYTES}")
    generation, = struct.unpack_from("<Q", data, 0)
    if generation == 0:
        raise NoSnapshotYet("no snapshot yet: the image has not switched Tasks")
    if data[8:16] != MAGIC:
        raise SnapshotError(f"not a debug snapshot: magic {bytes(data[8:16])!r}, expected {MAGIC!r}")
    (version, record_bytes, taken_at, switches, recorded, capacity, listed, cpus, ring_ends,
     class_slots) = struct.unpack_from("<IIQQIIIIII", data, 16)
    if version != VERSION:
        raise SnapshotError(f"snapshot version {version}; this tool reads version {VERSION}")
    if record_bytes != RECORD_BYTES or ring_ends != RING_ENDS_PER_RECORD or class_slots != CLASS_SLOTS:
        raise SnapshotError(f"unexpected record shape ({record_bytes} bytes, {ring_ends} Ring ends, "
                            f"{class_slots} classes)")
    if not 0 < capacity <= MAXIMUM_TASKS:
        raise SnapshotError(f"task capacity {capacity} is outside 1..{MAXIMUM_TASKS}")
    if recorded > capacity or recorded > listed or (listed > recorded and recorded != capacity):
        raise SnapshotError(f"{recorded} task records for {listed} listed Tasks and room for {capacity}")
    if cpus == 0:
        raise SnapshotError("a snapshot of no CPUs")
    size = table_bytes(capacity)
    if len(data) < size:
        raise SnapshotError(f"truncated: {len(data)} bytes, a table of {capacity} Tasks is {size}")
    trailer, = struct.unpack_from("<Q", data, size - 8)
    if trailer != generation:
        raise TornSnapshot(f"torn copy: generation {generation} at the start, {trailer} at the end")
    tasks = tuple(_record(data, HEADER_BYTES + index * RECORD_BYTES, index) for index in range(recorded))
    for task in tasks:
        if task.cpu >= cpus:
            raise SnapshotError(f"task {task.name}: CPU {task.cpu} of {cpus}")
    if len({task.id for task in tasks}) != len(tasks):
        raise SnapshotError("two task records share an id")
    return Snapshot(generation, taken_at, switches, listed, cpus, tasks)


def _kib(size: int) -> str:
    return f"{(size + 1023) // 1024}"


def _capabilities(task: TaskRecord) -> str:
    return " ".join(f"{name}:{count}" for name, count in task.by_class.items())


def _rings(task: TaskRecord) -> str:
    return " ".join(f"{'>' if ring.end == 'send' else '<'}{ring.used}/{ring.capacity}" for ring in task.rings)


def cpu_share(task: TaskRecord, previous, now: Snapshot) -> str:
    """The Task's share of its CPU since the previous snapshot ("" when there is none to compare)."""
    if previous is None or now.taken_at_ns <= previous.taken_at_ns:
        return "-"
    before = next((each for each in previous.tasks if each.id == task.id), None)
    used = task.time_used_ns - (before.time_used_ns if before else 0)
    return f"{100.0 * used / (now.taken_at_ns - previous.taken_at_ns):5.1f}"


def table(snapshot: Snapshot, title: str, previous: Snapshot = None) -> list:
    """The snapshot as text lines: a heading, then one row per Task."""
    lines = [f"{title} — snapshot {snapshot.generation}, taken at {snapshot.taken_at_ns / 1e9:.3f} s monotonic, "
             f"{snapshot.switches} switches, {snapshot.tasks_listed} Tasks, {snapshot.cpus} CPU"]
    if snapshot.tasks_listed > len(snapshot.tasks):
        lines.append(f"(only {len(snapshot.tasks)} of {snapshot.tasks_listed} Tasks fit the table: "
                     f"raise CONFIG_DEBUG_SNAPSHOT_TASKS)")
    rows = [("ID", "NAME", "STATE", "BAND", "CPU", "%CPU", "TIME ms", "SWITCHES", "RETICLE KiB", "CAPS",
             "BY CLASS", "RINGS (>send <receive used/slots)")]
    for task in snapshot.tasks:
        rows.append((str(task.id), task.name, task.state, task.band, str(task.cpu), cpu_share(task, previous, snapshot),
                     f"{task.time_used_ns / 1e6:.1f}", str(task.switches),
                     f"{_kib(task.reticle_used)}/{_kib(task.reticle_size)}", str(task.capabilities),
                     _capabilities(task), _rings(task)))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return lines
