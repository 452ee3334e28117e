# SPDX-License-Identifier: Apache-2.0
"""Disks in images: images/<image>/disks.json declares them, `./vectra build` makes them with
Debian's tools (sgdisk, mkfs.fat, mtools, dd) into the image's build folder, and `run`, `debug`
and the test harness attach copies of them (ADR 0017).

    {"disks": [{"name": "disk0", "size_mib": 64,
                "partitions": [{"name": "raw", "type": "raw", "size_kib": 1024, "content": "raw.bin"},
                               {"name": "boot", "type": "fat32", "size_mib": 40, "content": "boot"}]}]}

A disk's `transport` says how QEMU attaches it: "virtio-pci" (the default: a virtio-blk-pci
function) or "virtio-mmio" (a virtio-blk-device on the machine's virtio-mmio bus, aarch64 virt
only, version 2: `-global virtio-mmio.force-legacy=false`); hosted serves every disk as --disk=.

A disk is a GPT (1 MiB alignment, partitions in the order given, each starting on a MiB) with
deterministic GUIDs (derived from the declaration's stamp), so the same declaration and content
give the same bytes. A `raw` partition (Linux-data type) starts with the bytes of its `content`
file, zeroes after; a `fat32` partition (basic-data type) is formatted by `mkfs.fat -F 32` and
filled with the files of its `content` folder by `mcopy -s` (`--invariant`, a volume id from the stamp
and the files' own times keep it reproducible). A disk is rebuilt only when its
stamp — a SHA-256 of the declaration, the tools' versions and every content file's path and
bytes — changes.

The parsing and layout are pure (tests/tools/test_disks.py); making a disk runs the tools.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DECLARATION = "disks.json"
MIB = 1024 * 1024
SECTOR = 512
ALIGNMENT = MIB  # every partition starts on a MiB; the first at 1 MiB (sector 2048)
TAIL = MIB  # room left at the end for the backup GPT (33 sectors), kept at a whole MiB
MAXIMUM_DISKS = 4
MAXIMUM_PARTITIONS = 16
MAXIMUM_DISK_MIB = 4096
FAT32_MINIMUM_MIB = 33  # mkfs.fat -F 32 needs 65525 clusters: 33 MiB with 512-byte clusters
TYPE_CODES = {"raw": "8300", "fat32": "0700"}  # sgdisk codes: Linux filesystem data, basic data
DISK_NAME = re.compile(r"^[a-z][a-z0-9-]{0,15}$")
PARTITION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,35}$")
TRANSPORTS = {"virtio-pci": "virtio-blk-pci", "virtio-mmio": "virtio-blk-device"}  # QEMU's device for each
DEFAULT_TRANSPORT = "virtio-pci"
TOOLS = {"sgdisk": "gdisk", "mkfs.fat": "dosfstools", "mcopy": "mtools", "dd": "coreutils"}


class DiskError(ValueError):
    """A disks.json that cannot be used, or a disk that could not be made; one line naming why."""


@dataclass(frozen=True)
class Partition:
    name: str
    kind: str  # "raw" or "fat32"
    size_bytes: int
    content: str  # a path relative to the image folder, or "" for none
    first_sector: int = 0  # placed by layout()

    @property
    def last_sector(self) -> int:
        return self.first_sector + self.size_bytes // SECTOR - 1


@dataclass(frozen=True)
class Disk:
    name: str
    size_bytes: int
    partitions: tuple
    transport: str = DEFAULT_TRANSPORT  # a key of TRANSPORTS


def _size(entry: dict, where: str) -> int:
    """A size from exactly one of size_mib or size_kib (positive integers)."""
    given = [key for key in ("size_mib", "size_kib") if key in entry]
    if len(given) != 1:
        raise DiskError(f"{where}: give exactly one of \"size_mib\" or \"size_kib\"")
    value = entry[given[0]]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise DiskError(f"{where}: \"{given[0]}\" must be a positive integer")
    return value * (MIB if given[0] == "size_mib" else 1024)


def _content(entry: dict, kind: str, folder: Path, size: int, where: str) -> str:
    content = entry.get("content", "")
    if not isinstance(content, str):
        raise DiskError(f"{where}: \"content\" must be a path inside the image folder")
    if not content:
        return ""
    if Path(content).is_absolute() or ".." in Path(content).parts:
        raise DiskError(f"{where}: \"content\" {content!r} must be a relative path inside the image folder")
    path = folder / content
    if kind == "raw":
        if not path.is_file():
            raise DiskError(f"{where}: \"content\" {content!r} is not a file in {folder.name}/")
        if path.stat().st_size > size:
            raise DiskError(f"{where}: \"content\" {content!r} ({path.stat().st_size} bytes) is larger than the partition")
    elif not path.is_dir():
        raise DiskError(f"{where}: \"content\" {content!r} is not a folder in {folder.name}/ (a fat32 partition is filled from a folder)")
    return content


def parse(data, folder: Path, source: str = DECLARATION) -> tuple:
    """The disks a disks.json declares, placed; every mistake is one DiskError naming the field."""
    if not isinstance(data, dict) or set(data) - {"disks", "about"} or not isinstance(data.get("disks"), list):
        raise DiskError(f"{source}: expected {{\"disks\": [...]}}")
    entries = data["disks"]
    if not 1 <= len(entries) <= MAXIMUM_DISKS:
        raise DiskError(f"{source}: \"disks\" must list 1 to {MAXIMUM_DISKS} disks")
    disks, names = [], set()
    for index, entry in enumerate(entries):
        where = f"{source}: disks[{index}]"
        if not isinstance(entry, dict):
            raise DiskError(f"{where}: expected an object")
        unknown = set(entry) - {"name", "size_mib", "partitions", "transport"}
        if unknown:
            raise DiskError(f"{where}: unknown field {sorted(unknown)[0]!r}")
        name = entry.get("name")
        if not isinstance(name, str) or not DISK_NAME.match(name):
            raise DiskError(f"{where}: \"name\" must be 1-16 of [a-z0-9-], starting with a letter")
        if name in names:
            raise DiskError(f"{where}: disk name {name!r} is used twice")
        names.add(name)
        transport = entry.get("transport", DEFAULT_TRANSPORT)
        if not isinstance(transport, str) or transport not in TRANSPORTS:
            raise DiskError(f"{where}: \"transport\" must be one of {', '.join(sorted(TRANSPORTS))}")
        size = entry.get("size_mib")
        if isinstance(size, bool) or not isinstance(size, int) or not 2 <= size <= MAXIMUM_DISK_MIB:
            raise DiskError(f"{where}: \"size_mib\" must be an integer from 2 to {MAXIMUM_DISK_MIB}")
        partitions = entry.get("partitions", [])
        if not isinstance(partitions, list) or not 1 <= len(partitions) <= MAXIMUM_PARTITIONS:
            raise DiskError(f"{where}: \"partitions\" must list 1 to {MAXIMUM_PARTITIONS} partitions")
        parsed, partition_names = [], set()
        for number, partition in enumerate(partitions):
            at = f"{where}.partitions[{number}]"
            if not isinstance(partition, dict):
                raise DiskError(f"{at}: expected an object")
            unknown = set(partition) - {"name", "type", "size_mib", "size_kib", "content"}
            if unknown:
                raise DiskError(f"{at}: unknown field {sorted(unknown)[0]!r}")
            label = partition.get("name")
            if not isinstance(label, str) or not PARTITION_NAME.match(label):
                raise DiskError(f"{at}: \"name\" must be 1-36 ASCII letters, digits, spaces or ._- (the GPT name storaged selects by)")
            if label in partition_names:
                raise DiskError(f"{at}: partition name {label!r} is used twice on {name}")
            partition_names.add(label)
            kind = partition.get("type")
            if kind not in TYPE_CODES:
                raise DiskError(f"{at}: \"type\" must be one of {', '.join(sorted(TYPE_CODES))}")
            bytes_ = _size(partition, at)
            if bytes_ % SECTOR:
                raise DiskError(f"{at}: the size must be a whole number of 512-byte sectors")
            if kind == "fat32" and bytes_ < FAT32_MINIMUM_MIB * MIB:
                raise DiskError(f"{at}: a fat32 partition needs at least {FAT32_MINIMUM_MIB} MiB (65525 clusters)")
            parsed.append(Partition(label, kind, bytes_, _content(partition, kind, folder, bytes_, at)))
        disks.append(layout(Disk(name, size * MIB, tuple(parsed), transport), where))
    return tuple(disks)


def layout(disk: Disk, where: str = "disk") -> Disk:
    """Places the partitions one after another, each on a MiB; refuses a disk they do not fit."""
    placed, offset = [], ALIGNMENT
    for partition in disk.partitions:
        placed.append(Partition(partition.name, partition.kind, partition.size_bytes, partition.content,
                                offset // SECTOR))
        offset += -(-partition.size_bytes // ALIGNMENT) * ALIGNMENT
    if offset + TAIL > disk.size_bytes:
        need = -(-(offset + TAIL) // MIB)
        raise DiskError(f"{where}: the partitions need a disk of at least {need} MiB (1 MiB before, 1 MiB after, "
                        f"each on a MiB), {disk.name} has {disk.size_bytes // MIB}")
    return Disk(disk.name, disk.size_bytes, tuple(placed), disk.transport)


def load(image_folder: Path) -> tuple:
    """The image's disks (empty when it declares none)."""
    source = image_folder / DECLARATION
    if not source.exists():
        return ()
    try:
        data = json.loads(source.read_text())
    except (OSError, ValueError) as problem:
        raise DiskError(f"{image_folder.name}/{DECLARATION}: {problem}")
    return parse(data, image_folder, f"{image_folder.name}/{DECLARATION}")


def built_paths(disks: tuple, folder: Path) -> list:
    return [folder / f"{disk.name}.img" for disk in disks]


# Making disks ------------------------------------------------------------------------------------

def _tool_environment() -> dict:
    environment = dict(os.environ)
    environment["PATH"] = environment.get("PATH", "") + ":/usr/sbin:/sbin"
    environment["MTOOLS_SKIP_CHECK"] = "1"
    environment["LC_ALL"] = "C"
    return environment


def _run(command: list, what: str) -> str:
    try:
        process = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                 stdin=subprocess.DEVNULL, env=_tool_environment())
    except FileNotFoundError:
        package = TOOLS.get(command[0], command[0])
        raise DiskError(f"{what}: {command[0]} not found (Debian package {package}; ./vectra setup installs it)")
    if process.returncode != 0:
        last = process.stdout.strip().splitlines()[-1:] or ["(no output)"]
        raise DiskError(f"{what}: {command[0]} failed (exit {process.returncode}): {last[0]}")
    return process.stdout


def tool_versions() -> str:
    """The tools' versions, part of the stamp: a new mkfs.fat may lay a filesystem out differently."""
    versions = []
    for command in (["sgdisk", "--version"], ["mkfs.fat", "--help"], ["mcopy", "--version"]):
        try:
            output = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                    stdin=subprocess.DEVNULL, env=_tool_environment()).stdout
        except FileNotFoundError:
            output = "missing"
        versions.append(output.strip().splitlines()[0] if output.strip() else "")
    return "\n".join(versions)


def stamp(disk: Disk, image_folder: Path, versions: str) -> str:
    """SHA-256 over the placed declaration, the tools' versions and every content file (path and bytes)."""
    digest = hashlib.sha256()
    digest.update(repr(disk).encode())
    digest.update(versions.encode())
    for partition in disk.partitions:
        if not partition.content:
            continue
        root = image_folder / partition.content
        files = [root] if root.is_file() else sorted(path for path in root.rglob("*"))
        for path in files:
            digest.update(str(path.relative_to(image_folder)).encode() + b"\0")
            if path.is_file():
                digest.update(path.read_bytes())
            digest.update(b"\1")
    return digest.hexdigest()


def _guid(seed: str, label: str) -> str:
    """A GUID derived from the stamp: the same declaration gives the same disk bytes."""
    text = hashlib.sha256(f"{seed}:{label}".encode()).hexdigest()[:32].upper()
    return f"{text[0:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:32]}"


def _write_at(disk_path: Path, source: Path, first_sector: int, what: str) -> None:
    _run(["dd", f"if={source}", f"of={disk_path}", "bs=1M", "conv=notrunc,fsync", "status=none",
          f"seek={first_sector * SECTOR}", "oflag=seek_bytes"], what)


def _format_fat32(partition: Partition, image_folder: Path, work: Path, seed: str, what: str) -> Path:
    image = work / f"{partition.name}.fat"
    with open(image, "wb") as handle:
        handle.truncate(partition.size_bytes)
    volume_id = _guid(seed, partition.name).replace("-", "")[:8]
    label = re.sub(r"[^A-Z0-9_-]", "_", partition.name.upper())[:11]
    _run(["mkfs.fat", "-F", "32", "--invariant", "-i", volume_id, "-n", label, str(image)], what)
    if partition.content:
        entries = sorted((image_folder / partition.content).iterdir())
        if entries:
            _run(["mcopy", "-s", "-p", "-m", "-i", str(image), *[str(entry) for entry in entries], "::/"], what)
    return image


def make(disk: Disk, image_folder: Path, target: Path, seed: str) -> None:
    """Writes `disk` to `target` (replaced atomically)."""
    what = f"making {target.name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".disk-", dir=target.parent) as scratch:
        work = Path(scratch)
        path = work / target.name
        with open(path, "wb") as handle:
            handle.truncate(disk.size_bytes)
        command = ["sgdisk", "-a", str(ALIGNMENT // SECTOR), "-U", _guid(seed, "disk")]
        for number, partition in enumerate(disk.partitions, start=1):
            command += ["-n", f"{number}:{partition.first_sector}:{partition.last_sector}",
                        "-c", f"{number}:{partition.name}", "-t", f"{number}:{TYPE_CODES[partition.kind]}",
                        "-u", f"{number}:{_guid(seed, partition.name)}"]
        _run(command + [str(path)], what)
        for partition in disk.partitions:
            if partition.kind == "raw" and partition.content:
                _write_at(path, image_folder / partition.content, partition.first_sector, what)
            elif partition.kind == "fat32":
                _write_at(path, _format_fat32(partition, image_folder, work, seed, what), partition.first_sector, what)
        os.replace(path, target)


def build(image_folder: Path, out_folder: Path, announce=None) -> list:
    """Makes every disk the image declares into out_folder unless its stamp is unchanged; returns the paths."""
    disks = load(image_folder)
    if not disks:
        return []
    versions = tool_versions()
    paths = []
    for disk in disks:
        target = out_folder / f"{disk.name}.img"
        record = out_folder / f"{disk.name}.img.stamp"
        seed = stamp(disk, image_folder, versions)
        current = record.read_text().strip() if record.exists() else ""
        if current != seed or not target.exists():
            if announce:
                announce(f"making disk {target.name} ({disk.size_bytes // MIB} MiB, "
                         f"{len(disk.partitions)} partition{'s' if len(disk.partitions) != 1 else ''})")
            record.unlink(missing_ok=True)
            make(disk, image_folder, target, seed)
            record.write_text(seed + "\n")
        paths.append(target)
    return paths


def copies_for_run(image_folder: Path, built_folder: Path, run_folder: Path) -> list:
    """Fresh copies of an image's built disks for one run (none when it declares none)."""
    disks = load(image_folder)
    if not disks:
        return []
    built = built_paths(disks, built_folder)
    missing = [path for path in built if not path.exists()]
    if missing:
        raise DiskError(f"{missing[0]} is missing: build the image first (./vectra build)")
    return fresh_copies(built, run_folder)


def fresh_copies(built: list, folder: Path) -> list:
    """Copies of the built disks in `folder` (a run's own): tests and runs never write the built disk."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for path in built:
        copy = folder / path.name
        shutil.copyfile(path, copy)
        copies.append(copy)
    return copies


def transports(image_folder: Path) -> tuple:
    """How each of the image's disks is attached, in order (empty when it declares none)."""
    return tuple(disk.transport for disk in load(image_folder))


def attach_arguments(hosted: bool, disk_paths: list, disk_transports=()) -> list:
    """What boots a machine with these disks: --disk= on hosted; on QEMU each disk's transport
    (`disk_transports`, in order; virtio-pci where none is given): virtio-blk-pci, or
    virtio-blk-device on virtio-mmio, whose slots are then version 2 (the only version we drive)."""
    arguments = []
    for index, path in enumerate(disk_paths):
        if hosted:
            arguments.append(f"--disk={path}")
            continue
        transport = disk_transports[index] if index < len(disk_transports) else DEFAULT_TRANSPORT
        if transport not in TRANSPORTS:
            raise DiskError(f"disk {index}: unknown transport {transport!r}")
        quoted = str(path).replace(",", ",,")  # QEMU's option syntax doubles a comma inside a value
        arguments += ["-drive", f"if=none,id=disk{index},file={quoted},format=raw",
                      "-device", f"{TRANSPORTS[transport]},drive=disk{index}"]
    if not hosted and "virtio-mmio" in disk_transports[:len(disk_paths)]:
        arguments += ["-global", "virtio-mmio.force-legacy=false"]
    return arguments
