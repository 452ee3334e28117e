#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Boot manifest compiler.

Reads an image's boot manifest (images/<image>/manifest.json), checks every Task's Bundle
against the capability footprint its entry point declares (a footprint.json in the
component that defines the entry), checks the composition against the build's configuration
(.config) and emits C++ data for initd.

Every problem ends in one line, `<file>: <field>: <reason>`: a missing or extra grant, a wrong
class or right, an unknown connection, a value of the wrong JSON type, a name the generated C++
could not hold (control characters, non-ASCII, `;`, a trailing newline...), an entry whose
component the configuration leaves off or does not register, a memory grant smaller
than the Kconfig sizes of the component it hosts, or an `image` that is not the manifest's folder.
Every string that reaches the generated C++ is validated strictly first and escaped when emitted.

Usage:
  compile.py --manifest FILE --srctree DIR --output FILE.cpp [--image NAME] [--config .config]
             [--include-dirs FILE] [--depfile FILE]

Entries are registered by the components that define them: a source file in the footprint's folder
says `VECTRA_TASK_ENTRY(name);` (vectra/TaskEntry.h). The generated table repeats that line
for each entry it names and takes the entry's address, so an entry whose registration goes after
configuration fails the link, naming it. The kernel names no entry.
"""

import argparse
import glob
import json
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import taskconfig  # noqa: E402
from messages import kind_of, printable, shown, suggestion  # noqa: E402,F401

CLASSES = {"DeviceCap", "ReticleCap", "RingCap", "SignalCap", "TaskCap", "IrqCap", "PciDeviceCap", "VirtioMmioSlotCap",
           "MemCap"}
EXPECTATIONS = {"success": "Success", "panicked": "Panicked", "faulted": "Faulted"}
RIGHTS = {"read": "RightRead", "write": "RightWrite", "send": "RightSend", "receive": "RightReceive",
          "grant": "RightGrant", "spawn": "RightSpawn", "raise": "RightRaise", "retype": "RightRetype"}
KINDS = {"service": "Service", "check": "Check"}
BANDS = {"person": "Person", "network": "Network"}
SLOT_KINDS = {"DeviceCap": "SlotKind::Console", "ReticleCap": "SlotKind::Memory", "SignalCap": "SlotKind::Ready",
              "TaskCap": "SlotKind::Tasks", "IrqCap": "SlotKind::SoftwareIrq", "PciDeviceCap": "SlotKind::PciDevice",
              "VirtioMmioSlotCap": "SlotKind::MmioSlot"}
# A PCI function by vendor:device (hex) or class:subclass (hex); the kernel's PciMatch word (vectra/Pci.h).
PCI_MATCH = re.compile(r"([0-9a-f]{4}):([0-9a-f]{4})|class:([0-9a-f]{2}):([0-9a-f]{2})")
PCI_MATCH_RULE = "vendor:device as 4+4 hex digits (1af4:1005) or class:CC:SS (class:06:00)"
PCI_RIGHTS = {"read", "write", "grant"}
# Devices a DeviceCap can name, and the initd slot kind that grants each. blockN: the hosted
# process's N-th --disk= file (ADR 0017), which a footprint asks for as "block" (any of them).
# host-sockets: the hosted kernel's loopback-only host-sockets capability (ADR 0024, amendments).
# input: the hosted window's keyboard and mouse (ADR 0040 §6), with the window (CONFIG_DISPLAY).
# snapshot: the kernel's debug snapshot, to read (ADR 0045), with CONFIG_DEBUG_SNAPSHOT.
# i8042: the PS/2 keyboard controller's two ports and line (ADR 0031 amendment), x86_64 only.
DISKS = ("block0", "block1", "block2", "block3")
DEVICES = {"console": "SlotKind::Console", "display": "SlotKind::Display", "entropy": "SlotKind::Entropy",
           **{disk: "SlotKind::Disk" for disk in DISKS}, "host-sockets": "SlotKind::HostSockets",
           "input": "SlotKind::HostInput", "snapshot": "SlotKind::Snapshot",
           "i8042": "SlotKind::I8042"}
NO_RESTART = {"max_restarts": 0, "window_ms": 0, "backoff_ms": 0}
RESTART_LIMITS = (("max_restarts", 16),  # initd remembers 16 restarts (RestartHistory)
                  ("window_ms", 3_600_000), ("backoff_ms", 60_000))
SIZE_LIMITS = (("reticle_kib", 64, 1 << 22), ("stack_kib", 8, 4096))
GUARD_KIB = 4  # the guard page below every Task's stack, carved from the same Reticle
# Supervision (docs/adr/0010-supervision-at-scale.md): initd and each group supervisor give every
# child a ready bit (0-23) and an exit bit (32-55) of their own Signal Mask, so a supervisor has at
# most 24 children; a manifest of more Tasks is placed into group supervisors under initd.
MAX_CHILDREN = 24
MAX_TASKS = MAX_CHILDREN * MAX_CHILDREN  # initd's 24 places, each a group of 24
CAPABILITY_SPACE = 64  # entries in a Task's capability space (docs/primitives.md)
SUPERVISOR_OWN_ENTRIES = 6  # console, memory, tasks, software line, back-off timer, its own ready capability
BUNDLE_SLOTS = 16  # slots in a Bundle (docs/primitives.md)
GROUP_ENTRY = "initd_group"  # registered by services/initd
GROUP_STACK_KIB = 32
GROUP_OWN_KIB = 64  # the group's Task block, timer and capability bookkeeping, with room to spare
CARVE_SLACK_KIB = 4  # a child Reticle is carved page-aligned, its descriptor beside it
GROUP_RESTART = {"max_restarts": 3, "window_ms": 10_000, "backoff_ms": 10}  # a service group's default policy
AUTO_GROUP_SIZE = {"check": MAX_CHILDREN, "service": 16}  # services also keep a ready capability each

# Patterns are matched with fullmatch: `$` would accept a trailing newline.
NAME = re.compile(r"[a-z][a-z0-9_-]{0,30}")
NAME_RULE = "1-31 of [a-z0-9_-], starting with a letter"
IMAGE = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
IMAGE_RULE = "1-63 of [a-z0-9_-], starting with a letter or digit"
ENTRY = re.compile(r"[a-z_][a-z0-9_]{0,62}")
ENTRY_RULE = "a C++ identifier of 1-63 of [a-z0-9_]"
SCHEMA = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
SCHEMA_RULE = "dotted lower-case words, e.g. vectra.vfs"
CXX_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*|[0-9]{1,9}")
CXX_NAME_RULE = "a qualified C++ name (a::b::c) or a decimal number"
HEADER = re.compile(r"[A-Za-z0-9_]+(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*\.h")
HEADER_RULE = "a relative header path of [A-Za-z0-9_./-] ending in .h"
SYMBOL = re.compile(r"CONFIG_[A-Z0-9_]+")
SYMBOL_RULE = "a Kconfig symbol, CONFIG_[A-Z0-9_]+"
REGISTRATION = re.compile(r"^\s*VECTRA_TASK_ENTRY\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*;", re.MULTILINE)
SOURCE_SUFFIXES = (".cpp", ".cc", ".h")

TASK_FIELDS = {"name", "entry", "kind", "band", "reticle_kib", "stack_kib", "bundle", "restart", "expect", "domain",
               "count", "group", "platforms", "when", "cpu", "config", "control", "one_of"}
# vectra.control (ADR 0045 §6): initd serves it on a direct connection the compiler makes for the one
# Task marked "control": true, granting that Task the client ends its footprint declares.
CONTROL_CONNECTION = "control"
CONTROL_SCHEMA = "vectra.control"
# What never moves (ADR 0006, amendment "a capability that cannot be moved"): every grant carries
# RightMove, which a footprint does not declare, except initd's control connection (the authority
# the manifest gives one Task, which that Task must not hand on) and device capabilities (the
# manifest names which Task drives which device; none of the protocols carries one). A MemCap slot
# (a configuration, the build's file) is the supervisor's read-only copy, granted with read alone.
PINNED_CLASSES = {"DeviceCap", "PciDeviceCap", "VirtioMmioSlotCap", "IrqCap", "MemCap"}
CONFIG_KIB = 8  # a configuration's page (a memory object) in its supervisor's Reticle, with its descriptor
PLATFORMS = ("x86_64", "aarch64", "hosted")
DOMAIN_EXTRA_KIB = 20  # a Task in a domain also has a 16 KiB kernel stack and a guard page below its user stack
FOLDER = re.compile(r"[a-z0-9_-]+(/[a-z0-9_-]+)*")
GRANT_FIELDS = {"class", "rights", "connection", "ring", "device", "line", "pci", "pci_index", "virtio_mmio", "file"}
# A MemCap slot holds the bytes of a file the build made in the image's data folder (ADR 0038 §3): a
# key, a certificate. Read-only, copied once into the supervisor's memory like a configuration (ADR 0037).
DATA_FILE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
DATA_FILE_RULE = "a file name of [A-Za-z0-9_.-], not starting with '.' (no folder)"
DATA_FILE_MAX_BYTES = 1 << 20
DATA_SLOTS_MAX = 4  # read-only data slots initd keeps per Task: a configuration and files (maximum_data_per_task)
DESCRIPTOR_KIB = 4  # a memory object's descriptor beside its pages
DATA_NOT_READ = "(files not read)"  # a Composition's data_dir when no build made them (./vectra authority)
PCI_INDEX_MAX = 31  # the n-th function matching, in enumeration order (bus, device, function)
FOOTPRINT_FIELDS = {"entry", "description", "kconfig", "slots", "schemas", "memory", "config"}
NEED_FIELDS = {"class", "rights", "schema", "end", "device", "line", "privileged"}
SCHEMA_FIELDS = {"header", "id", "slot_count", "slot_size"}


class ManifestError(Exception):
    """One line: `<file>: <field>: <reason>`."""


def display(path, srctree=None):
    """A path as a reader wants it: relative to the source tree (or the current folder) when inside."""
    absolute = os.path.abspath(path)
    for base in (srctree, os.getcwd()):
        if base and absolute.startswith(os.path.abspath(base) + os.sep):
            return os.path.relpath(absolute, base)
    return absolute


class Source:
    """One input file; its checks raise ManifestError naming the file and the field."""

    def __init__(self, path, srctree=None):
        self.path = path
        self.name = display(path, srctree)

    def fail(self, field, reason):
        raise ManifestError(f"{self.name}: {field}: {reason}")

    def require(self, condition, field, reason):
        if not condition:
            self.fail(field, reason)

    def load(self):
        try:
            with open(self.path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise ManifestError(f"{self.name}: cannot read: {error.strerror or error}")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ManifestError(f"{self.name}: (file): not valid UTF-8 (byte 0x{data[error.start]:02x} "
                                f"at offset {error.start})")
        try:
            value = json.loads(text, object_pairs_hook=self._object, parse_constant=self._constant)
        except json.JSONDecodeError as error:
            raise ManifestError(f"{self.name}: (file): not JSON: {error.msg} at line {error.lineno} "
                                f"column {error.colno}")
        except RecursionError:
            raise ManifestError(f"{self.name}: (file): nested too deeply")
        except ValueError as error:  # from the hooks below
            raise ManifestError(f"{self.name}: (file): {error}")
        self.require(isinstance(value, dict), "(file)", "must hold one JSON object")
        return value

    @staticmethod
    def _object(pairs):
        result = {}
        for key, value in pairs:
            if key in result:
                raise ValueError(f"key {shown(key)} appears twice in one object")
            result[key] = value
        return result

    @staticmethod
    def _constant(name):
        raise ValueError(f"{name} is not a JSON number")

    def object(self, value, field):
        self.require(isinstance(value, dict), field, f"must be a JSON object, not {kind_of(value)}")
        return value

    def fields(self, value, field, allowed, required=()):
        self.object(value, field)
        for key in value:
            if key not in allowed:
                self.fail(f"{field}.{printable(key)}" if field else printable(key),
                          f"unknown field{suggestion(key, allowed)}")
        for key in required:
            self.require(key in value, field or "(top level)", f"the field '{key}' is missing")
        return value

    def string(self, value, field, pattern=None, rule=""):
        self.require(isinstance(value, str), field, f"must be a string, not {kind_of(value)}")
        for character in value:
            if ord(character) < 0x20 or ord(character) == 0x7f:
                self.fail(field, f"{shown(value)} holds a control character (U+{ord(character):04X})")
            if ord(character) > 0x7e:
                self.fail(field, f"{shown(value)} holds the non-ASCII character U+{ord(character):04X}; "
                                 f"only ASCII is allowed here")
        if pattern is not None and not pattern.fullmatch(value):
            self.fail(field, f"{shown(value)} is not {rule}")
        return value

    def integer(self, value, field, low, high):
        self.require(isinstance(value, int) and not isinstance(value, bool) and low <= value <= high,
                     field, f"must be an integer in [{low}, {high}], not {shown(value)}")
        return value

    def choice(self, value, field, choices):
        self.string(value, field)
        self.require(value in choices, field,
                     f"{shown(value)} is not one of {', '.join(sorted(choices))}{suggestion(value, choices)}")
        return value

    def list(self, value, field, non_empty=True):
        self.require(isinstance(value, list), field, f"must be a JSON list, not {kind_of(value)}")
        self.require(value or not non_empty, field, "must not be empty")
        return value


# Footprints ----------------------------------------------------------------------------------

def check_footprint(source, footprint):
    """Validates one footprint file; everything it holds may reach the generated C++."""
    source.fields(footprint, "", FOOTPRINT_FIELDS, ("entry", "kconfig", "slots"))
    source.string(footprint["entry"], "entry", ENTRY, ENTRY_RULE)
    source.string(footprint["kconfig"], "kconfig", SYMBOL, SYMBOL_RULE)
    if "description" in footprint:
        source.require(isinstance(footprint["description"], str), "description", "must be a string")
    for slot, need in source.object(footprint["slots"], "slots").items():
        field = f"slots.{printable(slot)}"
        source.string(slot, field, NAME, NAME_RULE)
        source.fields(need, field, NEED_FIELDS, ("class", "rights"))
        source.choice(need["class"], f"{field}.class", CLASSES)
        for index, right in enumerate(source.list(need["rights"], f"{field}.rights")):
            source.choice(right, f"{field}.rights[{index}]", RIGHTS)
        if need["class"] == "MemCap":
            source.require(sorted(set(need["rights"])) == ["read"], f"{field}.rights",
                           "a MemCap slot holds the build's bytes read-only: its rights are [\"read\"]")
        if need["class"] == "RingCap":
            source.string(need.get("schema"), f"{field}.schema", SCHEMA, SCHEMA_RULE)
            source.choice(need.get("end"), f"{field}.end", {"producer", "consumer"})
        source.require(isinstance(need.get("privileged", False), bool), f"{field}.privileged",
                       f"must be true or false, not {shown(need.get('privileged'))}")
        source.require(not need.get("privileged") or need["class"] == "RingCap", f"{field}.privileged",
                       "only a RingCap slot holds a privileged connection")
    for schema, spec in source.object(footprint.get("schemas", {}), "schemas").items():
        field = f"schemas.{printable(schema)}"
        source.string(schema, field, SCHEMA, SCHEMA_RULE)
        source.fields(spec, field, SCHEMA_FIELDS, SCHEMA_FIELDS)
        source.string(spec["header"], f"{field}.header", HEADER, HEADER_RULE)
        for key in ("id", "slot_count", "slot_size"):
            source.string(spec[key], f"{field}.{key}", CXX_NAME, CXX_NAME_RULE)
    if "config" in footprint:
        taskconfig.check_declaration(source, footprint["config"])
        source.require(taskconfig.SLOT not in footprint["slots"], f"slots.{taskconfig.SLOT}",
                       f"the slot '{taskconfig.SLOT}' is the one initd fills from the manifest's \"config\" "
                       f"(declared by the footprint's \"config\"); it is not granted in a Bundle")
    if "memory" in footprint:
        memory = source.fields(footprint["memory"], "memory", {"fixed_kib", "bytes_per"}, ("fixed_kib",))
        source.integer(memory["fixed_kib"], "memory.fixed_kib", 0, 1 << 22)
        for symbol, size in source.object(memory.get("bytes_per", {}), "memory.bytes_per").items():
            source.string(symbol, "memory.bytes_per", SYMBOL, SYMBOL_RULE)
            source.integer(size, f"memory.bytes_per.{symbol}", 0, 1 << 30)


def find_footprints(srctree):
    """Map entry name -> (Source, footprint) for every footprint file in the component layers."""
    footprints = {}
    patterns = ["services/*/footprint.json", "services/*/*.footprint.json",
                "apps/*/footprint.json", "apps/*/*.footprint.json",
                "components/*/footprint.json", "components/*/*.footprint.json"]
    for pattern in patterns:
        for path in sorted(glob.glob(os.path.join(srctree, pattern))):
            source = Source(path, srctree)
            footprint = source.load()
            check_footprint(source, footprint)
            entry = footprint["entry"]
            if entry in footprints:
                source.fail("entry", f"'{entry}' is already declared by {footprints[entry][0].name}")
            footprints[entry] = (source, footprint)
    return footprints


def registered_entries(folder):
    """The entry names the sources under `folder` register with VECTRA_TASK_ENTRY(name);."""
    names = set()
    for directory, _, files in os.walk(folder):
        for name in files:
            if name.endswith(SOURCE_SUFFIXES):
                with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as handle:
                    names.update(REGISTRATION.findall(handle.read()))
    return names


def read_config(path):
    """CONFIG_X -> value (strings unquoted, n for `is not set`) from a .config file."""
    values = {}
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            line = line.rstrip("\n")
            unset = re.fullmatch(r"# (CONFIG_[A-Za-z0-9_]+) is not set", line)
            if unset:
                values[unset.group(1)] = "n"
                continue
            match = re.fullmatch(r"(CONFIG_[A-Za-z0-9_]+)=(.*)", line)
            if match:
                value = match.group(2)
                if len(value) >= 2 and value[0] == value[-1] == '"':
                    value = re.sub(r"\\(.)", r"\1", value[1:-1])
                values[match.group(1)] = value
    return values


# The manifest --------------------------------------------------------------------------------

class Composition:
    """The inputs a manifest is checked against."""

    def __init__(self, srctree, footprints, config=None, config_name="", registered=registered_entries,
                 platform=None, partitions=None, data_dir=None, symbols=None):
        self.srctree = srctree
        self.data_dir = data_dir  # the image's data folder the build made (MemCap files); None: none
        self.data_inputs = []  # the files MemCap slots read (the depfile's inputs)
        self.partitions = partitions  # the partition names of the image's disks.json; None: it has none
        self.footprints = footprints
        self.config = config  # None: no configuration to check against
        self.config_name = config_name
        self.platform = platform  # without a configuration: the platform whose Tasks to keep (None: all)
        self.symbols = symbols  # without a configuration: the Kconfig symbols that are y, for "when" (None: all)
        self.registered = registered  # folder -> the entry names its sources register


def check_rights(source, field, rights):
    for index, right in enumerate(source.list(rights, field)):
        source.choice(right, f"{field}[{index}]", RIGHTS)
    return sorted(set(rights))


def check_entry(source, field, name, entry, composition):
    footprints = composition.footprints
    source.require(entry in footprints, field, f"no component declares a footprint for entry '{entry}'"
                   f"{suggestion(entry, footprints)}")
    footprint_source, footprint = footprints[entry]
    folder = os.path.dirname(footprint_source.path)
    source.require(entry in composition.registered(folder), field,
                   f"entry '{entry}' ({footprint_source.name}) is not registered: no source in "
                   f"{display(folder, composition.srctree)} says `VECTRA_TASK_ENTRY({entry});`")
    if composition.config is not None:
        symbol = footprint["kconfig"]
        value = composition.config.get(symbol)
        source.require(value == "y", field,
                       f"task {name} needs entry '{entry}', built only with {symbol}=y ({footprint_source.name}), "
                       f"and the configuration has {symbol} {'unset' if value in (None, 'n') else '=' + value}: "
                       f"add {symbol}=y to the image's defconfig")
    return footprint_source, footprint


def check_memory(source, field, task, footprint_source, footprint, composition):
    """reticle_kib must hold the stack, its guard page and what the footprint needs for the
    configured Kconfig sizes."""
    memory = footprint.get("memory")
    if memory is None or composition.config is None:
        return
    terms, parts, total_bytes = [], [], 0
    for symbol, size in sorted(memory.get("bytes_per", {}).items()):
        raw = composition.config.get(symbol)
        source.require(raw is not None and re.fullmatch(r"[0-9]+", raw), field,
                       f"{footprint_source.name} sizes this Task by {symbol}, which {composition.config_name} "
                       f"does not set to a number")
        total_bytes += int(raw) * size
        terms.append(f"{symbol}={raw}")
        parts.append(f"{size} B x {symbol}")
    needed = task["stack_kib"] + GUARD_KIB + memory["fixed_kib"] + math.ceil(total_bytes / 1024)
    if task.get("domain") not in (None, False):
        needed += DOMAIN_EXTRA_KIB
        parts.append(f"{DOMAIN_EXTRA_KIB} KiB kernel stack and user-stack guard (in a domain)")
    if task["reticle_kib"] < needed:
        source.fail(field, f"{task['reticle_kib']} KiB is less than the {needed} KiB task {task['name']} needs with "
                    f"{', '.join(terms) or 'its configuration'} ({task['stack_kib']} KiB stack + {GUARD_KIB} KiB guard + "
                    f"{memory['fixed_kib']} KiB{''.join(' + ' + part for part in parts)}, "
                    f"{footprint_source.name}): raise reticle_kib or lower {' / '.join(sorted(memory.get('bytes_per', {}))) or 'the sizes'}")


def check_task(source, index, task, connections, composition, schemas):
    field = f"tasks[{index}]"
    source.fields(task, field, TASK_FIELDS, ("name", "entry", "kind", "reticle_kib", "stack_kib"))
    name = source.string(task["name"], f"{field}.name", NAME, NAME_RULE)
    field = f"tasks[{index}] ({name})"
    entry = source.string(task["entry"], f"{field}.entry", ENTRY, ENTRY_RULE)
    footprint_source, footprint = check_entry(source, f"{field}.entry", name, entry, composition)
    source.choice(task["kind"], f"{field}.kind", KINDS)
    source.choice(task.get("band", "person"), f"{field}.band", BANDS)
    for key, low, high in SIZE_LIMITS:
        source.integer(task[key], f"{field}.{key}", low, high)
    if task["kind"] == "service":
        restart = source.fields(task.get("restart", NO_RESTART), f"{field}.restart", set(NO_RESTART), NO_RESTART)
        for key, high in RESTART_LIMITS:
            source.integer(restart[key], f"{field}.restart.{key}", 0, high)
        source.require("expect" not in task, f"{field}.expect", "only check Tasks have an 'expect'")
    else:
        source.require("restart" not in task, f"{field}.restart", "only services have a restart policy")
        source.choice(task.get("expect", "success"), f"{field}.expect", EXPECTATIONS)
    bundle = source.object(task.get("bundle", {}), f"{field}.bundle")
    declared = footprint["slots"]
    schemas.update(footprint.get("schemas", {}))
    for slot in sorted(declared):
        source.require(slot in bundle, f"{field}.bundle", f"task {name}: the manifest does not grant slot '{slot}' "
                       f"({declared[slot]['class']}) that {footprint_source.name} requires")
    for slot in sorted(bundle):
        where = f"{field}.bundle.{printable(slot)}"
        source.string(slot, where, NAME, NAME_RULE)
        source.require(slot in declared, where, f"task {name}: the manifest grants slot '{slot}' that entry "
                       f"'{entry}' does not declare in its footprint (an extra grant){suggestion(slot, declared)}")
        grant, need = source.fields(bundle[slot], where, GRANT_FIELDS, ("class", "rights")), declared[slot]
        source.choice(grant["class"], f"{where}.class", CLASSES)
        source.require(grant["class"] == need["class"], f"{where}.class",
                       f"slot '{slot}' granted {grant['class']}, footprint wants {need['class']}")
        granted_rights = check_rights(source, f"{where}.rights", grant["rights"])
        needed_rights = sorted(set(need["rights"]))
        source.require(granted_rights == needed_rights, f"{where}.rights",
                       f"slot '{slot}': granted rights {granted_rights}, footprint declares {needed_rights}")
        if grant["class"] == "RingCap":
            connection = source.string(grant.get("connection"), f"{where}.connection")
            source.require(connection in connections, f"{where}.connection",
                           f"unknown connection {shown(connection)}{suggestion(connection, connections)}")
            ring = source.choice(grant.get("ring"), f"{where}.ring", {"requests", "replies"})
            source.require(not (connections[connection].get("one_way") and ring == "replies"), f"{where}.ring",
                           f"connection '{connection}' is one-way: it has no replies Ring")
            schema = connections[connection]["schema"]
            source.require(schema == need.get("schema"), f"{where}.connection",
                           f"connection '{connection}' speaks {schema}, footprint wants {need.get('schema')}")
            # A privileged connection (compositord's transient listener, ADR 0048 §4) reaches only slots a
            # footprint marks privileged, and such a slot holds only a privileged connection.
            privileged = bool(connections[connection].get("privileged"))
            source.require(privileged == bool(need.get("privileged")), f"{where}.connection",
                           f"connection '{connection}' is privileged: only a slot its entry's footprint marks "
                           f"privileged may hold it" if privileged else
                           f"slot '{slot}' is privileged in entry '{entry}''s footprint: it holds only a connection "
                           f"the manifest marks privileged, not '{connection}'")
            end = "consumer" if "receive" in granted_rights else "producer"
            source.require(end == need.get("end"), f"{where}.rights",
                           f"grants the {end} end, footprint wants the {need.get('end')} end")
        if grant["class"] == "IrqCap":
            source.require(grant.get("line") == need.get("line") == "software", f"{where}.line",
                           "only the software interrupt line can be granted in this build")
        if grant["class"] == "DeviceCap":
            device = source.choice(grant.get("device"), f"{where}.device", set(DEVICES))
            wanted = need.get("device")
            source.require(device == wanted or (wanted == "block" and device in DISKS), f"{where}.device",
                           f"slot '{slot}' grants the {device} device, footprint wants {need.get('device')}")
            check_device(source, f"{where}.device", device, composition)
            if device == "entropy":
                check_entropy_grant(source, where, name, bundle, granted_rights)
        if grant["class"] == "PciDeviceCap":
            check_pci_grant(source, where, name, grant, granted_rights, composition)
        else:
            source.require("pci" not in grant, f"{where}.pci", "only a PciDeviceCap names a PCI function")
            source.require("pci_index" not in grant, f"{where}.pci_index", "only a PciDeviceCap names a PCI function")
        if grant["class"] == "MemCap":
            task.setdefault("data_files", {})[slot] = check_file_grant(source, where, name, grant, composition)
        else:
            source.require("file" not in grant, f"{where}.file", "only a MemCap names a file")
        if grant["class"] == "VirtioMmioSlotCap":
            check_mmio_slot_grant(source, where, name, grant, granted_rights, composition)
        else:
            source.require("virtio_mmio" not in grant, f"{where}.virtio_mmio",
                           "only a VirtioMmioSlotCap names a virtio-mmio slot")
    check_config(source, field, name, entry, task, footprint_source, footprint, composition)
    source.require(data_slots(task) <= DATA_SLOTS_MAX, f"{field}.bundle",
                   f"task {name} has {data_slots(task)} read-only data slots (configuration and files); "
                   f"its supervisor keeps at most {DATA_SLOTS_MAX}")
    check_memory(source, f"{field}.reticle_kib", task, footprint_source, footprint, composition)
    check_domain(source, field, task, composition)
    check_cpu(source, field, task, composition)
    return footprint_source.path


def check_file_grant(source, where, name, grant, composition):
    """A MemCap names a file the build made in the image's data folder; its bytes, which the boot
    table carries and the supervisor copies into a read-only memory object (ADR 0038 §3)."""
    file = source.string(grant.get("file"), f"{where}.file", DATA_FILE, DATA_FILE_RULE)
    source.require(composition.data_dir is not None, f"{where}.file",
                   f"task {name}: the build gives this image no data folder to read {shown(file)} from")
    if composition.data_dir == DATA_NOT_READ:
        return b""
    path = os.path.join(composition.data_dir, file)
    source.require(os.path.isfile(path), f"{where}.file",
                   f"task {name}: the build made no file {shown(file)} in {display(composition.data_dir, composition.srctree)}"
                   f" (images/<image>/make-data.sh makes the image's files)")
    with open(path, "rb") as handle:
        data = handle.read(DATA_FILE_MAX_BYTES + 1)
    source.require(len(data) > 0, f"{where}.file", f"task {name}: file {shown(file)} is empty")
    source.require(len(data) <= DATA_FILE_MAX_BYTES, f"{where}.file",
                   f"task {name}: file {shown(file)} is larger than {DATA_FILE_MAX_BYTES} bytes")
    composition.data_inputs.append(path)
    return data


def data_slots(task):
    """The read-only data slots a Task's supervisor keeps for it: its configuration, then its files."""
    return (1 if "config_bytes" in task else 0) + len(task.get("data_files", {}))


def data_kib(task):
    """What a Task's read-only data takes of its supervisor's Reticle: pages and a descriptor each."""
    files = sum(-(-len(data) // 4096) * 4 + DESCRIPTOR_KIB for data in task.get("data_files", {}).values())
    return (CONFIG_KIB if "config_bytes" in task else 0) + files


def check_config(source, field, name, entry, task, footprint_source, footprint, composition):
    """A Task whose footprint declares a configuration gets one (its `config` checked against the
    declaration and encoded; absent = every field absent, refused if one is required); any other
    Task has none to give (docs/adr/0037-configuration-data-in-the-manifest.md)."""
    declaration = footprint.get("config")
    if declaration is None:
        source.require("config" not in task, f"{field}.config",
                       f"entry '{entry}' declares no configuration ({footprint_source.name} has no \"config\"): "
                       f"task {name} cannot be given one")
        return
    context = taskconfig.Context(footprint_source.name, composition.partitions)
    task["config_bytes"] = taskconfig.check_value(source, task.get("config", {}), declaration, f"{field}.config",
                                                  context)


def check_pci_grant(source, where, name, grant, granted_rights, composition):
    """A PciDeviceCap names one function by `pci` (vendor:device or class:CC:SS); initd opens it at
    boot and the Task is not spawned when the machine lacks it. The hosted platform has no PCI."""
    source.string(grant.get("pci"), f"{where}.pci", PCI_MATCH, PCI_MATCH_RULE)
    if "pci_index" in grant:
        index = grant["pci_index"]
        source.require(isinstance(index, int) and not isinstance(index, bool) and 0 <= index <= PCI_INDEX_MAX,
                       f"{where}.pci_index", f"the n-th matching function counted from 0: an integer 0-{PCI_INDEX_MAX}")
    for right in granted_rights:
        source.require(right in PCI_RIGHTS, f"{where}.rights",
                       f"a PciDeviceCap carries read, write and grant, not '{right}'")
    if composition.config is not None and composition.config.get("CONFIG_PLATFORM_HOSTED") == "y":
        source.fail(f"{where}.pci", f"task {name} is granted a PCI function, and the hosted platform has no PCI "
                                    f"(docs/adr/0012-device-capabilities.md): run this image on x86_64 or aarch64")


# The virtio entropy device: virtio-rng-pci (modern 1af4:1044, transitional 1af4:1005), virtio-mmio device id 4.
ENTROPY_PCI = ("1af4:1044", "1af4:1005")
ENTROPY_VIRTIO_ID = 4


def check_entropy_grant(source, where, name, bundle, granted_rights):
    """The EntropySource feeds the kernel's pool (docs/adr/0025-virtio-mmio-slots-and-entropy.md §3):
    it goes only to an entropy driver, a Task the manifest also grants an entropy device (a
    virtio-rng PCI function or the virtio-mmio slot holding device 4), and only with write."""
    source.require(granted_rights == ["write"], f"{where}.rights",
                   f"an EntropySource is granted with write only (to feed the pool), not {granted_rights}")
    drives_entropy = any(
        (grant.get("class") == "PciDeviceCap" and str(grant.get("pci", "")).lower() in ENTROPY_PCI)
        or (grant.get("class") == "VirtioMmioSlotCap" and grant.get("virtio_mmio") == ENTROPY_VIRTIO_ID)
        for grant in bundle.values() if isinstance(grant, dict))
    source.require(drives_entropy, f"{where}.device",
                   f"task {name} is granted the EntropySource but no entropy device: only an entropy driver "
                   f"(a PciDeviceCap on {' or '.join(ENTROPY_PCI)}, or a VirtioMmioSlotCap with virtio_mmio "
                   f"{ENTROPY_VIRTIO_ID}) may feed the kernel's pool")


def check_mmio_slot_grant(source, where, name, grant, granted_rights, composition):
    """A VirtioMmioSlotCap names a slot by the virtio device id it holds (`virtio_mmio`: 4 is
    entropy); initd opens it at boot and the Task is not spawned when no slot holds one. Only
    aarch64 has virtio-mmio slots (docs/adr/0025-virtio-mmio-slots-and-entropy.md)."""
    source.require("virtio_mmio" in grant, f"{where}.virtio_mmio",
                   "a VirtioMmioSlotCap names the virtio device id its slot holds (4: entropy)")
    source.integer(grant["virtio_mmio"], f"{where}.virtio_mmio", 1, 0xffff)
    for right in granted_rights:
        source.require(right in PCI_RIGHTS, f"{where}.rights",
                       f"a VirtioMmioSlotCap carries read, write and grant, not '{right}'")
    if composition.config is not None and composition.config.get("CONFIG_PLATFORM_AARCH64") != "y":
        source.fail(f"{where}.virtio_mmio", f"task {name} is granted a virtio-mmio slot, and only aarch64 has them "
                                            f"(docs/adr/0025-virtio-mmio-slots-and-entropy.md)")


def pci_match_word(text):
    """The PciMatch word (vectra/Pci.h) for a checked `pci` field."""
    match = PCI_MATCH.fullmatch(text)
    if match.group(1):
        return (1 << 48) | (int(match.group(1), 16) << 16) | int(match.group(2), 16)
    return (2 << 48) | (int(match.group(3), 16) << 8) | int(match.group(4), 16)


def check_device(source, where, device, composition):
    """The display exists only with CONFIG_DISPLAY=y (docs/adr/0014-display-as-a-capability.md); a
    disk DeviceCap only on hosted, whose --disk= files the kernel serves (ADR 0017); host-sockets
    only on hosted, whose kernel has the host's sockets (ADR 0024, amendments); input only on hosted
    with the window (ADR 0040 §6)."""
    if composition.config is None:
        return
    if device == "host-sockets":
        source.require(composition.config.get("CONFIG_PLATFORM_HOSTED") == "y", where,
                       "grants host-sockets, the hosted process's own sockets; on x86_64 and aarch64 the "
                       "network is a NIC its driver holds as a PciDeviceCap")
        return
    if device == "snapshot":
        source.require(composition.config.get("CONFIG_DEBUG_SNAPSHOT") == "y", where,
                       "grants snapshot, the kernel's debug snapshot, which needs CONFIG_DEBUG_SNAPSHOT=y")
        return
    if device == "i8042":
        source.require(composition.config.get("CONFIG_PLATFORM_X86_64") == "y", where,
                       "grants i8042, the PS/2 keyboard controller, which only x86_64 machines have; on aarch64 "
                       "and hosted a keyboard is a virtio-input function or the window's input")
        return
    if device == "input":
        source.require(composition.config.get("CONFIG_PLATFORM_HOSTED") == "y"
                       and composition.config.get("CONFIG_DISPLAY") == "y", where,
                       "grants input, the hosted window's keyboard and mouse, which needs the hosted platform "
                       "with CONFIG_DISPLAY=y; on x86_64 and aarch64 a keyboard is a virtio-input PCI function "
                       "its driver holds as a PciDeviceCap")
        return
    if device in DISKS:
        source.require(composition.config.get("CONFIG_PLATFORM_HOSTED") == "y", where,
                       f"grants {device}, a hosted --disk= file; on x86_64 and aarch64 a disk is a virtio-blk "
                       f"PCI function its driver holds as a PciDeviceCap")
        return
    if device != "display":
        return
    setting = composition.config.get("CONFIG_DISPLAY")
    source.require(setting == "y", where,
                   f"grants the display, but the configuration has CONFIG_DISPLAY "
                   f"{'unset' if setting in (None, 'n') else '=' + setting}: add CONFIG_DISPLAY=y to the image's defconfig")


def check_cpu(source, field, task, composition):
    """`cpu`: a CPU index below CONFIG_CPUS_MAX (the Task is pinned there) or "any" (placed round-robin,
    may be stolen by an idle CPU); absent: CPU 0, pinned (docs/adr/0026-one-executor-per-cpu.md)."""
    if "cpu" not in task:
        return
    value, where = task["cpu"], f"{field}.cpu"
    source.require(value == "any" or (isinstance(value, int) and not isinstance(value, bool)), where,
                   f"must be a CPU index or \"any\", not {kind_of(value)}")
    source.require(domain_of(task) is None or value == 0, where,
                   f"task {task['name']} runs in a protection domain, and domains run on cpu 0 "
                   f"(docs/adr/0026-one-executor-per-cpu.md)")
    if value == "any" or composition.config is None:
        return
    maximum = int(composition.config.get("CONFIG_CPUS_MAX", "1"))
    source.require(0 <= value < maximum, where,
                   f"task {task['name']} asks for cpu {value}, and CONFIG_CPUS_MAX={maximum} allows 0 to {maximum - 1}")


def check_domain(source, field, task, composition):
    """`domain`: true (a domain of the Task's own, named after it), a domain name several Tasks
    share, or false/absent (none). Only with CONFIG_DOMAINS=y, which the hosted platform lacks."""
    if "domain" not in task:
        return
    value = task["domain"]
    where = f"{field}.domain"
    if isinstance(value, bool):
        if not value:
            return
    else:
        source.require(isinstance(value, str), where,
                       f"must be true, false or a domain name, not {kind_of(value)}")
        source.string(value, where, NAME, NAME_RULE)
    if composition.config is None:
        return
    if composition.config.get("CONFIG_PLATFORM_HOSTED") == "y":
        source.fail(where, f"task {task['name']} asks for a protection domain, and the hosted platform has none "
                           f"(docs/adr/0009-protection-domains.md): run this image on x86_64 or aarch64")
    setting = composition.config.get("CONFIG_DOMAINS")
    source.require(setting == "y", where,
                   f"task {task['name']} asks for a protection domain, but the configuration has CONFIG_DOMAINS "
                   f"{'unset' if setting in (None, 'n') else '=' + setting}: add CONFIG_DOMAINS=y to the image's "
                   f"defconfig")


def cpu_of(task):
    """The C++ placement of a Task (vectra/TaskTypes.h): its CPU index, processor_any, or processor_boot."""
    value = task.get("cpu")
    if value is None:
        return "processor_boot"
    return "processor_any" if value == "any" else str(int(value))


def domain_of(task):
    """The domain a Task runs in: its own name for `true`, the given name, or None."""
    value = task.get("domain")
    if value is True:
        return task["name"]
    return value if isinstance(value, str) else None


def component_folder(srctree, footprint_path):
    return os.path.relpath(os.path.dirname(os.path.abspath(footprint_path)), os.path.abspath(srctree)).replace(os.sep, "/")


def check_domains(source, tasks, used, srctree):
    """A domain maps one component's data section, and that section belongs to one domain: every
    Task of a component in a domain runs in that domain. Returns [(domain, folder)] in order."""
    domains, folder_domain, folder_task = {}, {}, {}
    for index, (task, footprint_path) in enumerate(zip(tasks, used)):
        folder = component_folder(srctree, footprint_path)
        domain = domain_of(task)
        field = f"tasks[{index}] ({task['name']}).domain"
        if folder in folder_domain and folder_domain[folder] != domain:
            other = folder_task[folder]
            source.fail(field, f"task {task['name']} runs component {folder} "
                               f"{'in domain ' + domain if domain else 'outside any domain'}, but task {other} runs it "
                               f"{'in domain ' + folder_domain[folder] if folder_domain[folder] else 'outside any domain'}"
                               f": a component's data belongs to one domain, so its Tasks share it (or none does)")
        folder_domain[folder], folder_task[folder] = domain, task["name"]
        if domain is None:
            continue
        source.require(FOLDER.fullmatch(folder), field, f"component folder {shown(folder)} is not a plain path")
        if domain in domains:
            source.require(domains[domain] == folder, field,
                           f"domain {domain} already runs component {domains[domain]}; a domain runs one component "
                           f"(its data section), so task {task['name']} ({folder}) needs a domain of its own")
        domains[domain] = folder
    return list(domains.items())


def add_control(source, tasks, connections, composition):
    """The control connection (ADR 0045 §6): at most one Task says "control": true, never one in a
    group; the compiler makes the connection (a manifest may not) and grants the Task the client
    ends of vectra.control its footprint declares; initd holds the service ends. No other Task may
    name the connection or declare the schema's slots."""
    for connection, spec in connections.items():
        source.require(connection != CONTROL_CONNECTION and spec.get("schema") != CONTROL_SCHEMA,
                       f"connections.{printable(connection)}",
                       f"the {CONTROL_SCHEMA} connection is made by the compiler for the Task marked "
                       f"\"control\": true; a manifest does not declare it")
    holder = None
    for index, task in enumerate(tasks):
        if not isinstance(task, dict):
            continue
        field = f"tasks[{index}] ({printable(str(task.get('name')))})"
        control = task.get("control", False)
        source.require(isinstance(control, bool), f"{field}.control", f"must be true or false, not {shown(control)}")
        bundle = task.get("bundle")
        for slot, grant in (bundle.items() if isinstance(bundle, dict) else ()):
            source.require(not (isinstance(grant, dict) and grant.get("connection") == CONTROL_CONNECTION),
                           f"{field}.bundle.{printable(slot)}",
                           f"the control connection's ends are granted by \"control\": true, not in a bundle")
        entry = task.get("entry")
        footprint = composition.footprints.get(entry) if isinstance(entry, str) else None
        declared = {slot: need for slot, need in (footprint[1]["slots"].items() if footprint else ())
                    if need.get("schema") == CONTROL_SCHEMA}
        if not control:
            source.require(not declared, f"{field}.control",
                           f"entry '{task.get('entry')}' declares {CONTROL_SCHEMA} slots ({', '.join(sorted(declared))}): "
                           f"only the Task marked \"control\": true gets initd's control connection")
            continue
        source.require(holder is None, f"{field}.control",
                       f"only one Task may hold initd's control connection, and {holder} does already")
        holder = task.get("name")
        config = composition.config
        source.require(config is None or config.get("CONFIG_INITD_CONTROL") == "y", f"{field}.control",
                       f"initd serves {CONTROL_SCHEMA} only with CONFIG_INITD_CONTROL=y ({composition.config_name} "
                       f"leaves it unset): add CONFIG_CORE_CONTROL=y to the image's defconfig")
        source.require("group" not in task, f"{field}.control",
                       f"the control Task is connected to initd directly: it cannot be in group {shown(task.get('group'))}")
        ends = sorted(need.get("end") for need in declared.values())
        source.require(ends == ["consumer", "producer"], f"{field}.control",
                       f"entry '{task.get('entry')}' must declare one producer and one consumer {CONTROL_SCHEMA} slot "
                       f"(the requests and replies of initd's control connection)")
        source.require(isinstance(task.setdefault("bundle", {}), dict), f"{field}.bundle",
                       f"must be a JSON object, not {kind_of(task.get('bundle'))}")
        bundle = task["bundle"]
        for slot, need in declared.items():
            producer = need["end"] == "producer"
            bundle[slot] = {"class": "RingCap", "connection": CONTROL_CONNECTION,
                            "ring": "requests" if producer else "replies",
                            "rights": ["send"] if producer else ["receive"]}
    if holder is not None:
        connections[CONTROL_CONNECTION] = {"schema": CONTROL_SCHEMA, "served_by_initd": True}


def grant_moves(grant):
    """Whether a granted slot carries RightMove (PINNED_CLASSES)."""
    return grant["class"] not in PINNED_CLASSES and grant.get("connection") != CONTROL_CONNECTION


def rights_expression(rights, moves):
    """The C++ rights of a slot: its rights by name, then RightMove when it may move."""
    names = {**RIGHTS, "revoke": "RightRevoke"}
    moves = moves or "move" in rights
    return " | ".join([names[right] for right in sorted(set(rights) - {"move"})] + (["RightMove"] if moves else []))


def check_ring_ends(source, tasks, connections):
    """Each Ring is single-producer/single-consumer: every end is granted exactly once. A listener's
    client side (requests producer, replies consumer) is the exception: its clients bind it in turns.
    An `optional_client` connection's client side may be held by no Task: a service's spare device
    connection in an image (or on a platform) with fewer drivers (inputd's second: ADR 0040 §6)."""
    holders = {}
    sets = {}
    for index, task in enumerate(tasks):
        for slot, grant in task.get("bundle", {}).items():
            if grant.get("class") != "RingCap":
                continue
            end = "consumer" if "receive" in grant["rights"] else "producer"
            key = (grant["connection"], grant["ring"], end)
            client_side = (grant["ring"], end) in (("requests", "producer"), ("replies", "consumer"))
            shared = connections.get(grant["connection"], {}).get("listener") and client_side
            # Alternatives of one set (ADR 0052) serve the same ends: only one of them runs.
            shared = shared or ("one_of" in task and sets.get(key) == task["one_of"])
            sets[key] = task.get("one_of")
            source.require(shared or key not in holders, f"tasks[{index}] ({task['name']}).bundle.{slot}",
                           f"the {end} end of {grant['connection']}.{grant['ring']} is already granted to "
                           f"{holders.get(key)}")
            holders[key] = task["name"]
    for connection, spec in connections.items():
        for ring in (("requests",) if spec.get("one_way") else ("requests", "replies")):
            for end in ("producer", "consumer"):
                client_side = (ring, end) in (("requests", "producer"), ("replies", "consumer"))
                if spec.get("served_by_initd") and not client_side:
                    continue  # initd serves vectra.control itself
                source.require((connection, ring, end) in holders or (client_side and spec.get("optional_client")),
                               f"connections.{connection}", f"nobody holds the {end} end of its {ring} Ring")


def served_ends(task):
    """The Ring ends a Task serves: requests it receives, replies it sends."""
    return {(grant["connection"], grant["ring"]) for grant in task.get("bundle", {}).values()
            if grant.get("class") == "RingCap"
            and (grant["ring"], "receive" in grant["rights"]) in (("requests", True), ("replies", False))}


def devices_of(task):
    """What a Task's supervisor hands it of the machine: PCI functions (vendor:device or class) and DeviceCaps
    other than the console."""
    held = set()
    for grant in task.get("bundle", {}).values():
        if grant.get("class") == "PciDeviceCap":
            held.add(f"the PCI function {grant['pci']}")
        elif grant.get("class") == "DeviceCap" and grant.get("device") != "console":
            held.add(f"the {grant['device']} device")
    return held


def check_alternatives(source, tasks):
    """`"one_of": "<set>"` (docs/adr/0052-a-display-chosen-at-run-time.md): services, in the manifest's
    order, of which their supervisor runs the first whose device the machine has and that becomes
    ready. They serve exactly the same connections (so clients reach whichever runs through the one
    connection), are all services, share one supervisor (the same `group`, or initd), and the devices
    they are granted are theirs alone: no Task outside the set is granted one. Sets a task's
    `alternative` (its rank in its set)."""
    sets = {}
    for index, task in enumerate(tasks):
        if "one_of" not in task:
            continue
        field = f"tasks[{index}] ({task['name']}).one_of"
        name = source.string(task["one_of"], field, NAME, NAME_RULE)
        source.require(task["kind"] == "service", field, f"task {task['name']} is a check; only services are alternatives")
        source.require(not task.get("control"), field, f"task {task['name']} is initd's control client, not an alternative")
        members = sets.setdefault(name, [])
        if members:
            first = tasks[members[0]]
            source.require(task.get("group") == first.get("group"), field,
                           f"task {task['name']} is in {shown(task.get('group', 'initd'))}, {first['name']} of the same set "
                           f"in {shown(first.get('group', 'initd'))}: alternatives share one supervisor, which chooses")
            source.require(served_ends(task) == served_ends(first), field,
                           f"task {task['name']} serves {sorted(served_ends(task))}, {first['name']} of the same set "
                           f"{sorted(served_ends(first))}: alternatives serve the same connections")
        source.require(served_ends(task), field, f"task {task['name']} serves no connection: nothing to be an alternative for")
        source.require(len(members) < 256, field, "a set has at most 256 alternatives")
        task["alternative"] = len(members)
        members.append(index)
    for name, members in sets.items():
        owned = set().union(*(devices_of(tasks[index]) for index in members))
        for index, task in enumerate(tasks):
            if task.get("one_of") == name:
                continue
            taken = sorted(devices_of(task) & owned)
            source.require(not taken, f"tasks[{index}] ({task['name']}).bundle",
                           f"task {task['name']} is granted {taken[0] if taken else ''}, which belongs to the "
                           f"alternatives of set '{name}' ({', '.join(tasks[member]['name'] for member in members)}): "
                           f"only they are granted it")


def too_many(count):
    return (f"{count} tasks, at most {MAX_TASKS} ({MAX_CHILDREN} group supervisors under initd, "
            f"each supervising {MAX_CHILDREN})")


def expand_counts(source, tasks):
    """`"count": N` stands for N copies of a Task named <name>-0 ... <name>-(N-1)."""
    total = 0
    for index, task in enumerate(tasks):
        if isinstance(task, dict) and "count" in task:
            total += source.integer(task["count"], f"tasks[{index}].count", 1, MAX_TASKS)
        else:
            total += 1
    source.require(total <= MAX_TASKS, "tasks", too_many(total))
    expanded = []
    for index, task in enumerate(tasks):
        if not isinstance(task, dict) or "count" not in task:
            expanded.append(task)
            continue
        count = task["count"]
        name = source.string(task.get("name"), f"tasks[{index}].name", NAME, NAME_RULE)
        last = f"{name}-{count - 1}"
        source.require(NAME.fullmatch(last), f"tasks[{index}].count", f"copy names such as '{last}' are not {NAME_RULE}")
        for copy in range(count):
            duplicate = {key: value for key, value in task.items() if key != "count"}
            duplicate["name"] = f"{name}-{copy}"
            expanded.append(duplicate)
    return expanded


class Placement:
    """Who supervises whom: initd's children (Tasks and group supervisors) and each group's.
    `supervisor[i]` is the index of Task i's group in `groups` (None: initd), `position[i]` its
    place among its supervisor's children (its ready bit; its exit bit is 32 + position)."""

    def __init__(self):
        self.groups = []  # each {"name", "kind", "members": [task index], "restart"}
        self.supervisor = []
        self.position = []
        self.group_position = []


def opens_pci(task):
    """Whether a Task's Bundle names a PCI function or a virtio-mmio slot: initd alone holds the PCI bus and
    the slots, and opens them."""
    bundle = task.get("bundle")
    return isinstance(bundle, dict) and any(isinstance(grant, dict)
                                            and grant.get("class") in ("PciDeviceCap", "VirtioMmioSlotCap")
                                            for grant in bundle.values())


def place(source, tasks, groups_field):
    """Places every Task under initd or a group supervisor (docs/adr/0010-supervision-at-scale.md):
    Tasks naming a `group` go to that group; the others stay initd's while initd has room for
    them and the groups (24 children), else the checks, then the services, are put in groups of
    their own kind — except Tasks granted a PCI function, which only initd can open, so they stay
    initd's. Refuses what does not fit in one line."""
    policies = source.object(groups_field if groups_field is not None else {}, "groups")
    names = {task["name"] for task in tasks}
    declared = {}
    for group, spec in policies.items():
        field = f"groups.{printable(group)}"
        source.string(group, field, NAME, NAME_RULE)
        source.require(group not in names, field, f"'{group}' is also a task's name")
        source.fields(spec, field, {"restart"})
        restart = source.fields(spec.get("restart", GROUP_RESTART), f"{field}.restart", set(NO_RESTART), NO_RESTART)
        for key, high in RESTART_LIMITS:
            source.integer(restart[key], f"{field}.restart.{key}", 0, high)
        declared[group] = restart
    placement = Placement()
    members = {}
    for index, task in enumerate(tasks):
        if "group" in task:
            group = source.string(task["group"], f"tasks[{index}] ({task['name']}).group", NAME, NAME_RULE)
            source.require(group not in names, f"tasks[{index}] ({task['name']}).group",
                           f"'{group}' is a task's name, not a group's")
            source.require(not opens_pci(task), f"tasks[{index}] ({task['name']}).group",
                           f"task {task['name']} is granted a PCI function or virtio-mmio slot, which only initd opens "
                           f"(docs/adr/0012-device-capabilities.md): it cannot be in group {group}")
            members.setdefault(group, []).append(index)
    for group in declared:
        source.require(group in members, f"groups.{group}", "no task names this group")
    ungrouped = [index for index, task in enumerate(tasks) if "group" not in task]
    automatic = []
    for kind in ("check", "service"):
        if len(ungrouped) + len(members) + len(automatic) <= MAX_CHILDREN:
            break
        chosen = [index for index in ungrouped if tasks[index]["kind"] == kind and not opens_pci(tasks[index])
                  and not tasks[index].get("control") and "one_of" not in tasks[index]]
        ungrouped = [index for index in ungrouped if index not in chosen]
        size = AUTO_GROUP_SIZE[kind]
        automatic += [chosen[start:start + size] for start in range(0, len(chosen), size)]
    top = len(ungrouped) + len(members) + len(automatic)
    source.require(top <= MAX_CHILDREN, "tasks",
                   f"{len(tasks)} tasks need {top} places under initd, which has {MAX_CHILDREN} (its signal bits); "
                   f"put more Tasks in each group (at most {MAX_CHILDREN}, {MAX_TASKS} tasks in all)")
    taken = set(names) | set(members)
    counter = 0
    for chunk in automatic:
        while f"group-{counter}" in taken:
            counter += 1
        members[f"group-{counter}"] = chunk
        taken.add(f"group-{counter}")
    placement.supervisor = [None] * len(tasks)
    placement.position = [0] * len(tasks)
    for group, indices in members.items():
        kinds = {tasks[index]["kind"] for index in indices}
        field = f"tasks[{indices[0]}] ({tasks[indices[0]]['name']}).group"
        source.require(len(kinds) == 1, field, f"group {group} mixes services and checks; a group holds one kind")
        source.require(len(indices) <= MAX_CHILDREN, field,
                       f"group {group} has {len(indices)} tasks, at most {MAX_CHILDREN} (a supervisor's signal bits)")
        kind = kinds.pop()
        source.require(kind == "service" or group not in declared, f"groups.{group}.restart",
                       "a group of checks is not restarted (its checks run once)")
        number = len(placement.groups)
        placement.groups.append({"name": group, "kind": kind, "members": indices,
                                 "restart": declared.get(group, GROUP_RESTART) if kind == "service" else NO_RESTART})
        for position, index in enumerate(indices):
            placement.supervisor[index] = number
            placement.position[index] = position
    position = 0
    for index in ungrouped:
        placement.position[index] = position
        position += 1
    placement.group_position = list(range(position, position + len(placement.groups)))
    return placement


def group_bundle(placement, number, tasks, connection_names):
    """A group supervisor's Bundle: what it needs itself, and what its children are granted (with
    `grant`, so it can grant on); a service group may also reset its children's Rings (`revoke`).
    Whatever the group grants on with RightMove it holds with RightMove (a copy only narrows)."""
    group = placement.groups[number]
    service = group["kind"] == "service"
    slots = {"console": ("SlotKind::Console", 0, {"write"}), "memory": ("SlotKind::Memory", 0, {"retype", "move"}),
             "tasks": ("SlotKind::Tasks", 0, {"spawn", "move"})}
    if service:
        slots["ready"] = ("SlotKind::Ready", 0, {"raise", "move"})
    for index in group["members"]:
        for grant in tasks[index].get("bundle", {}).values():
            capability_class = grant["class"]
            if capability_class == "RingCap":
                connection = connection_names.index(grant["connection"])
                name = f"{grant['ring']}-{connection}"
                kind = "SlotKind::RequestRing" if grant["ring"] == "requests" else "SlotKind::ReplyRing"
                extra = {"grant", "revoke"} if service else {"grant"}
            elif capability_class == "ReticleCap":
                continue  # each child's own Reticle, carved by the group
            elif capability_class == "SignalCap":
                continue  # a child's ready bit is in the group's own mask
            elif capability_class == "MemCap":
                continue  # the build's bytes: the group copies them into its own memory (data_kib)
            elif capability_class == "DeviceCap":
                name, kind = grant["device"], DEVICES[grant["device"]]
                connection, extra = 0, {"grant"}
            else:
                name, kind = {"TaskCap": ("tasks", "SlotKind::Tasks"),
                              "IrqCap": ("irq-software", "SlotKind::SoftwareIrq")}[capability_class]
                connection, extra = 0, {"grant"}
            if grant_moves(grant):
                extra = extra | {"move"}
            _, _, rights = slots.get(name, (kind, connection, set()))
            slots[name] = (kind, connection, rights | set(grant["rights"]) | extra)
    return slots


def group_reticle_kib(placement, number, tasks):
    return GROUP_OWN_KIB + GROUP_STACK_KIB + GUARD_KIB + sum(
        tasks[index]["reticle_kib"] + CARVE_SLACK_KIB + data_kib(tasks[index])
        for index in placement.groups[number]["members"])


def initd_own_entries(composition, tasks):
    """What initd holds of its own (primitives/kernel Kernel.cpp gives it, services/initd keeps):
    console, memory, tasks, the back-off timer and the heartbeat timer (./vectra run builds with
    CONFIG_INITD_STAY_UP); the software line, the EntropySource, the virtio-mmio slots and the i8042
    (where the platform may have them) only when a Task is granted them — initd gives back the ones its
    manifest grants no Task; the PCI bus where the platform may have it; the display (and the hosted
    window's input), the debug snapshot and the host's sockets with their configuration and
    platform; one DeviceCap per disk up to the highest the manifest grants. Without a
    configuration, every platform's."""
    config = composition.config or {}
    platform = configured_platform(composition)
    grants = [grant for task in tasks for grant in task.get("bundle", {}).values() if isinstance(grant, dict)]
    classes = {grant.get("class") for grant in grants}
    entries = ["console", "memory", "tasks"]
    entries += ["irq-software"] if "IrqCap" in classes else []
    entries += ["entropy"] if any(grant.get("device") == "entropy" for grant in grants) else []
    entries += ["back-off timer", "heartbeat timer"]
    entries += ["pci"] if platform in (None, "x86_64", "aarch64") else []
    entries += ["virtio-mmio"] if platform in (None, "aarch64") and "VirtioMmioSlotCap" in classes else []
    entries += ["host-sockets"] if platform in (None, "hosted") else []
    if config.get("CONFIG_DISPLAY") == "y":
        entries += ["display"] + (["input"] if platform in (None, "hosted") else [])
    entries += ["snapshot"] if config.get("CONFIG_DEBUG_SNAPSHOT") == "y" else []
    entries += ["i8042"] if platform in (None, "x86_64") and any(grant.get("device") == "i8042" for grant in grants) else []
    disks = {grant.get("device") for task in tasks for grant in task.get("bundle", {}).values()
             if grant.get("class") == "DeviceCap" and grant.get("device") in DISKS}
    entries += DISKS[:max((DISKS.index(disk) + 1 for disk in disks), default=0)]
    return entries


def opened_devices(task):
    """The PCI functions and virtio-mmio slots a Task's supervisor opens for it and keeps."""
    return sum(1 for grant in task.get("bundle", {}).values()
               if grant.get("class") in ("PciDeviceCap", "VirtioMmioSlotCap"))


def check_placement(source, placement, tasks, connections, composition=None):
    """Every supervisor's capability space holds what it keeps: its own capabilities, the Rings it
    holds, and per child a TaskCap and a ReticleCap (and a service's ready capability, its
    read-only data, and the devices opened for it)."""
    connection_names = list(connections)

    def cost(index):
        return (3 if tasks[index]["kind"] == "service" else 2) + data_slots(tasks[index]) + opened_devices(tasks[index])

    def per_child(indices):
        # Alternatives (ADR 0052): one runs at a time, and one passed over gives everything back.
        sets = {}
        for index in indices:
            if "one_of" in tasks[index]:
                sets[tasks[index]["one_of"]] = max(sets.get(tasks[index]["one_of"], 0), cost(index))
        return sum(cost(index) for index in indices if "one_of" not in tasks[index]) + sum(sets.values())

    initd_children = [index for index, number in enumerate(placement.supervisor) if number is None]
    initd_rings = sum(1 if spec.get("one_way") else 2 for spec in connections.values())
    own = initd_own_entries(composition or Composition(None, {}), tasks)
    initd_entries = (len(own) + initd_rings + per_child(initd_children)
                     + sum(3 if group["kind"] == "service" else 2 for group in placement.groups))
    source.require(initd_entries <= CAPABILITY_SPACE, "tasks",
                   f"initd would hold {initd_entries} capabilities ({len(own)} of its own: {', '.join(own)}; "
                   f"{initd_rings} Ring ends; its children's), its space has {CAPABILITY_SPACE}: put Tasks in groups")
    for number, group in enumerate(placement.groups):
        slots = group_bundle(placement, number, tasks, connection_names)
        field = f"tasks[{group['members'][0]}] ({tasks[group['members'][0]]['name']}).group"
        source.require(len(slots) <= BUNDLE_SLOTS, field,
                       f"group {group['name']} would need {len(slots)} Bundle slots for what its tasks hold, "
                       f"a Bundle has {BUNDLE_SLOTS}: split the group")
        entries = len(slots) + 1 + per_child(group["members"])  # + its back-off timer
        source.require(entries <= CAPABILITY_SPACE, field,
                       f"group {group['name']} would hold {entries} capabilities, its space has {CAPABILITY_SPACE}: "
                       f"split the group")


def configured_platform(composition):
    """The platform the configuration is for; without a configuration the one the caller named, or
    None (unit tests: every task stays)."""
    if composition.config is None:
        return composition.platform
    for name in PLATFORMS:
        if composition.config.get(f"CONFIG_PLATFORM_{name.upper()}") == "y":
            return name
    return None


def for_this_platform(source, manifest, tasks, composition):
    """A task's optional `platforms` (a list of platform names) keeps it out of the other platforms'
    images (a hosted disk driver, a PCI probe), and its optional `when` (a Kconfig symbol) out of
    the configurations where that symbol is not y (one of two servers of a connection, picked by
    the configuration; `one_of` picks at run time instead, ADR 0052); the connections only such tasks were granted go
    with them. Without a configuration every task stays."""
    platform = configured_platform(composition)
    kept = []
    for index, task in enumerate(tasks):
        if isinstance(task, dict) and "platforms" in task:
            names = source.list(task["platforms"], f"tasks[{index}].platforms")
            for number, name in enumerate(names):
                source.choice(name, f"tasks[{index}].platforms[{number}]", set(PLATFORMS))
            task = {key: value for key, value in task.items() if key != "platforms"}
            if platform is not None and platform not in names:
                continue
        if isinstance(task, dict) and "when" in task:
            symbol = source.string(task["when"], f"tasks[{index}].when")
            source.require(SYMBOL.fullmatch(symbol) is not None, f"tasks[{index}].when", f"must be {SYMBOL_RULE}")
            task = {key: value for key, value in task.items() if key != "when"}
            if composition.config is not None and composition.config.get(symbol) != "y":
                continue
            if composition.config is None and composition.symbols is not None and symbol not in composition.symbols:
                continue
        kept.append(task)
    if len(kept) != len(tasks) and isinstance(manifest.get("connections"), dict):
        granted = {grant.get("connection") for task in kept if isinstance(task, dict)
                   for grant in (task.get("bundle") or {}).values() if isinstance(grant, dict)}
        manifest["connections"] = {name: spec for name, spec in manifest["connections"].items() if name in granted}
    return kept


def check_manifest(source, manifest, composition, image=None):
    """Checks everything; returns (connections, schemas, footprint paths used)."""
    source.fields(manifest, "", {"image", "connections", "tasks", "groups"}, ("image", "tasks"))
    name = source.string(manifest["image"], "image", IMAGE, IMAGE_RULE)
    if image is not None:
        source.require(name == image, "image", f"says '{name}', but the manifest belongs to image '{image}' "
                       f"(its folder): set \"image\": \"{image}\"")
    tasks = for_this_platform(source, manifest, expand_counts(source, source.list(manifest["tasks"], "tasks")),
                              composition)
    manifest["tasks"] = tasks
    every_service = set()
    config = composition.config or {}
    if config.get("CONFIG_DOMAIN_EVERY_SERVICE") == "y":
        # Every service (with CONFIG_DOMAIN_EVERY_TASK every Task) that names no domain runs in a
        # domain of its component's own (named after the component's folder, found below): a
        # component's data belongs to one domain, so its Tasks share it.
        every_task = config.get("CONFIG_DOMAIN_EVERY_TASK") == "y"
        for index, task in enumerate(tasks):
            if isinstance(task, dict) and (every_task or task.get("kind") == "service") and "domain" not in task:
                task["domain"] = True
                every_service.add(index)
    connections = source.object(manifest.get("connections", {}), "connections")
    for connection, spec in connections.items():
        field = f"connections.{printable(connection)}"
        source.string(connection, field, NAME, NAME_RULE)
        source.fields(spec, field, {"schema", "one_way", "listener", "optional_client", "privileged"}, ("schema",))
        source.string(spec["schema"], f"{field}.schema", SCHEMA, SCHEMA_RULE)
        for flag in ("one_way", "listener", "optional_client", "privileged"):
            source.require(isinstance(spec.get(flag, False), bool), f"{field}.{flag}",
                           f"must be true or false, not {shown(spec.get(flag))}")
        source.require(not (spec.get("one_way") and spec.get("listener")), field,
                       "a listener is a Ring pair: it cannot be one_way")
    add_control(source, tasks, connections, composition)
    schemas, names, used = {}, {}, []
    for index, task in enumerate(tasks):
        used.append(check_task(source, index, task, connections, composition, schemas))
        source.require(task["name"] not in names, f"tasks[{index}].name",
                       f"task {task['name']}: declared twice (also tasks[{names.get(task['name'])}])")
        names[task["name"]] = index
    for connection, spec in connections.items():
        source.require(spec["schema"] in schemas, f"connections.{connection}.schema",
                       f"no footprint of this manifest's tasks describes schema {spec['schema']}")
    check_alternatives(source, tasks)
    check_ring_ends(source, tasks, connections)
    placement = place(source, tasks, manifest.get("groups"))
    check_placement(source, placement, tasks, connections, composition)
    manifest["groups"] = placement
    # ... and so do the other Tasks of those components (a client check in the same component).
    service_folders = {component_folder(composition.srctree, used[index]) for index in every_service}
    for index, task in enumerate(tasks):
        if "domain" not in task and component_folder(composition.srctree, used[index]) in service_folders:
            every_service.add(index)
    for index in sorted(every_service):
        task = tasks[index]
        task["domain"] = os.path.basename(component_folder(composition.srctree, used[index]))
        source.string(task["domain"], f"tasks[{index}] ({task['name']}).domain", NAME, NAME_RULE)
    domains = check_domains(source, tasks, used, composition.srctree)
    return connections, schemas, used, domains


# Emitting --------------------------------------------------------------------------------------

def cxx_string(text):
    """A C++ string literal. Inputs are validated to printable ASCII before they get here; anything
    else is escaped, so no input can break the generated file."""
    out = []
    for character in text:
        if character in '\\"':
            out.append("\\" + character)
        elif " " <= character <= "~" and character != "?":
            out.append(character)
        else:  # `?` too: no trigraphs
            out.extend(f"\\{byte:03o}" for byte in character.encode("utf-8"))
    return '"' + "".join(out) + '"'


def cxx_name(text):
    """A C++ name or number taken from an input; refused (never emitted) unless it is one."""
    if not CXX_NAME.fullmatch(text):
        raise ManifestError(f"internal: {shown(text)} is not a C++ name")
    return text


# The libraries every component may link (L0 and the ports): their data is no one domain's, so each
# domain maps a private copy of it (primitives/task/src/Domain.cpp). Object paths as the link names them.
LIBRARY_OBJECTS = ("core/*/CMakeFiles/*", "components/ports/*/CMakeFiles/*")


def emit_linker_fragment(domains, path, config=None):
    """Each domain's component data (.data, .bss) in page-aligned output sections of its own,
    between __domain_data_start and __domain_data_end, and — when there are domains — the shared
    libraries' data in pages of its own, between __library_data_start and __library_data_end
    (INCLUDEd by the platform linker scripts)."""
    lines = ["/* Generated by tools/manifest/compile.py from the image's manifest.json. Do not edit. */",
             "__domain_data_start = ALIGN(4096);"]
    for index, (domain, folder) in enumerate(domains):
        if not FOLDER.fullmatch(folder):
            raise ManifestError(f"internal: {shown(folder)} is not a folder path")
        lines += [f"/* domain {domain}: {folder} */",
                  f".vectra.domain.{index} : ALIGN(4096) {{",
                  f"    __vectra_domain_{index}_start = .;",
                  f"    *{folder}/CMakeFiles/*(.data .data.* .bss .bss.* COMMON)",
                  "    . = ALIGN(4096);",
                  f"    __vectra_domain_{index}_end = .;",
                  "}"]
    lines += ["__domain_data_end = ALIGN(4096);"]
    # With CONFIG_DOMAINS a Task may spawn into a domain the manifest does not name (bench-domains).
    if domains or (config or {}).get("CONFIG_DOMAINS") == "y":
        patterns = " ".join(f"{pattern}(.data .data.* .bss .bss.* COMMON)" for pattern in LIBRARY_OBJECTS)
        lines += ["/* the shared libraries' data: every domain maps a copy of its own */",
                  ".vectra.library_data : ALIGN(4096) {",
                  "    __library_data_start = .;",
                  f"    {patterns}",
                  "    . = ALIGN(4096);",
                  "    __library_data_end = .;",
                  "}"]
        limit = (config or {}).get("CONFIG_DOMAIN_LIBRARY_DATA_KIB")
        if limit is not None and limit.isdigit():
            lines.append(f"ASSERT(__library_data_end - __library_data_start <= {int(limit)} * 1024, "
                         f"\"the shared libraries' data (core/, ports) exceeds CONFIG_DOMAIN_LIBRARY_DATA_KIB={int(limit)}\")")  # no ';': lld reads one as a section
    else:
        lines += ["__library_data_start = .;", "__library_data_end = .;"]
    lines.append("")
    write_if_changed(path, "\n".join(lines))


def emit(manifest, connections, schemas, output, domains=()):
    tasks = manifest["tasks"]
    placement = manifest["groups"]
    connection_names = list(connections)
    headers = sorted({schemas[connections[c]["schema"]]["header"] for c in connection_names})
    for header in headers:
        if not HEADER.fullmatch(header):
            raise ManifestError(f"internal: {shown(header)} is not a header path")
    lines = ["// Generated by tools/manifest/compile.py from the image's manifest.json. Do not edit.",
             "#include <initd/Manifest.h>",
             "#include <vectra/TaskEntry.h>"]
    lines += [f"#include <{header}>" for header in headers]
    lines.append("")
    entries = {task["entry"] for task in tasks} | ({GROUP_ENTRY} if placement.groups else set())
    lines += [f"VECTRA_TASK_ENTRY({cxx_name(entry)});" for entry in sorted(entries)]
    lines += ["", "namespace vectra::initd {", "", "namespace {", ""]
    lines.append("constexpr ConnectionSpec connections[] = {")
    for connection in connection_names:
        schema = schemas[connections[connection]["schema"]]
        one_way = "true" if connections[connection].get("one_way") else "false"
        lines.append(f"    {{ {cxx_string(connection)}, {cxx_string(connections[connection]['schema'])}, "
                     f"{cxx_name(schema['id'])}, {cxx_name(schema['slot_count'])}, {cxx_name(schema['slot_size'])}, "
                     f"{one_way} }},")
    if not connection_names:
        lines.append("    { \"none\", \"none\", 0, 2, 16, true },")
    lines.append("};")
    for index, task in enumerate(tasks):
        if "config_bytes" in task:
            data = task["config_bytes"]
            lines.append(f"/* {cxx_name(task['entry'])}'s configuration ({len(data)} bytes, canonical binary) */")
            lines.append(f"constexpr u8 config_{index}[] = {{")
            lines += ["    " + ", ".join(f"{byte:#04x}" for byte in data[start:start + 16]) + ","
                      for start in range(0, len(data), 16)]
            lines.append("};")
        data_arrays = {}
        for ordinal, (slot, data) in enumerate(sorted(task.get("data_files", {}).items())):
            data_arrays[slot] = f"data_{index}_{ordinal}"
            lines.append(f"/* {cxx_name(task['entry'])}'s slot {slot}: {task['bundle'][slot]['file']} ({len(data)} bytes, made by the build) */")
            lines.append(f"constexpr u8 {data_arrays[slot]}[] = {{")
            lines += ["    " + ",".join(f"{byte:#04x}" for byte in data[start:start + 32]) + ","
                      for start in range(0, len(data), 32)]
            lines.append("};")
        lines.append(f"constexpr SlotSpec slots_{index}[] = {{")
        granted = dict(task.get("bundle", {}))
        if "config_bytes" in task:
            granted[taskconfig.SLOT] = {"class": "config", "rights": ["read"]}
        for slot, grant in sorted(granted.items()):
            if grant["class"] == "config":
                lines.append(f"    {{ .name = {cxx_string(slot)}, .kind = SlotKind::Config, .connection = 0, .rights = RightRead, "
                             f".config_bytes = config_{index}, .config_length = sizeof(config_{index}) }},")
                continue
            if grant["class"] == "MemCap":
                array = data_arrays[slot]
                lines.append(f"    {{ .name = {cxx_string(slot)}, .kind = SlotKind::Config, .connection = 0, .rights = RightRead, "
                             f".config_bytes = {array}, .config_length = sizeof({array}) }},")
                continue
            rights = rights_expression(grant["rights"], grant_moves(grant))
            kind = SLOT_KINDS.get(grant["class"])
            connection_index = 0
            disk = ""
            if grant["class"] == "DeviceCap":
                kind = DEVICES[grant["device"]]
                if grant["device"] in DISKS:
                    disk = f", 0ull, {DISKS.index(grant['device'])}"
            if grant["class"] == "RingCap":
                kind = "SlotKind::RequestRing" if grant["ring"] == "requests" else "SlotKind::ReplyRing"
                connection_index = connection_names.index(grant["connection"])
            match = ""
            if grant["class"] == "PciDeviceCap":
                match = f", {pci_match_word(grant['pci']):#x}ull"
                if grant.get("pci_index", 0):
                    match += f", 0, 0, {grant['pci_index']}"
            if grant["class"] == "VirtioMmioSlotCap":
                match = f", 0ull, 0, {grant['virtio_mmio']}"
            lines.append(f"    {{ {cxx_string(slot)}, {kind}, {connection_index}, {rights}{match}{disk} }},")
        lines.append("};")
    for number in range(len(placement.groups)):
        lines.append(f"constexpr SlotSpec slots_{len(tasks) + number}[] = {{")
        for slot, (kind, connection_index, rights) in sorted(group_bundle(placement, number, tasks,
                                                                          connection_names).items()):
            rights = rights_expression(rights, False)
            disk = f", 0ull, {DISKS.index(slot)}" if slot in DISKS else ""
            lines.append(f"    {{ {cxx_string(slot)}, {kind}, {connection_index}, {rights}{disk} }},")
        lines.append("};")
    domain_names = [domain for domain, _ in domains]
    for index in range(len(domains)):
        lines.append(f"extern \"C\" char __vectra_domain_{index}_start[];")
        lines.append(f"extern \"C\" char __vectra_domain_{index}_end[];")
    if domains:
        lines.append("constexpr DomainSpec domains[] = {")
        for index, domain in enumerate(domain_names):
            lines.append(f"    {{ {cxx_string(domain)}, __vectra_domain_{index}_start, __vectra_domain_{index}_end }},")
        lines.append("};")

    def supervisor(number):
        return "supervised_by_initd" if number is None else str(len(tasks) + number)

    lines.append("constexpr TaskSpec tasks[] = {")
    for index, task in enumerate(tasks):
        restart = task.get("restart", NO_RESTART)
        expect = EXPECTATIONS[task.get("expect", "success")]
        lines.append(f"    {{ {cxx_string(task['name'])}, &task_entries::{cxx_name(task['entry'])}, "
                     f"TaskKind::{KINDS[task['kind']]}, Band::{BANDS[task.get('band', 'person')]}, "
                     f"{int(task['reticle_kib'])}, {int(task['stack_kib'])}, slots_{index}, "
                     f"sizeof(slots_{index}) / sizeof(slots_{index}[0]), "
                     f"{{ {int(restart['max_restarts'])}, {int(restart['window_ms'])}, {int(restart['backoff_ms'])} }}, "
                     f"Expectation::{expect}, "
                     f"{'&domains[%d]' % domain_names.index(domain_of(task)) if domain_of(task) else 'nullptr'}, "
                     f"{supervisor(placement.supervisor[index])}, {int(placement.position[index])}, 0, "
                     f"{cpu_of(task)}{alternative_of(task)} }},")
    for number, group in enumerate(placement.groups):
        index = len(tasks) + number
        restart = group["restart"]
        lines.append(f"    {{ {cxx_string(group['name'])}, &task_entries::{GROUP_ENTRY}, "
                     f"TaskKind::{KINDS[group['kind']]}, Band::Person, "
                     f"{group_reticle_kib(placement, number, tasks)}, {GROUP_STACK_KIB}, slots_{index}, "
                     f"sizeof(slots_{index}) / sizeof(slots_{index}[0]), "
                     f"{{ {int(restart['max_restarts'])}, {int(restart['window_ms'])}, {int(restart['backoff_ms'])} }}, "
                     f"Expectation::Success, nullptr, supervised_by_initd, {placement.group_position[number]}, "
                     f"{len(group['members'])}, processor_boot }},")
    lines.append("};")
    count = len(tasks) + len(placement.groups)
    control = (f", {connection_names.index(CONTROL_CONNECTION)}" if CONTROL_CONNECTION in connection_names else "")
    lines += ["", "}", "",
              f"BootManifest const boot_manifest {{ {cxx_string(manifest['image'])}, tasks, {count}, "
              f"connections, {len(connection_names)}{control} }};", "", "}", "",
              "/* The name the kernel boots under: the image's, from here rather than the configuration, so",
              "   images whose configurations are the same share one build (all but this file). */",
              f"char const vectra::kernel::image_name[] = {cxx_string(manifest['image'])};", ""]
    write_if_changed(output, "\n".join(lines))


def alternative_of(task):
    """A TaskSpec's trailing `one_of, alternative` for a member of a set (ADR 0052); nothing otherwise."""
    return f", {cxx_string(task['one_of'])}, {int(task['alternative'])}" if "one_of" in task else ""


def write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.read() == text:
                return
    except (OSError, UnicodeDecodeError):
        pass
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def image_partitions(manifest_path, srctree=None, disks_path=None):
    """The partition names of the disks.json beside a manifest (a Task's config may name them), or None."""
    disks_path = disks_path or os.path.join(os.path.dirname(os.path.abspath(manifest_path)), "disks.json")
    return taskconfig.partitions_of(Source(disks_path, srctree)) if os.path.exists(disks_path) else None


def compile_manifest(manifest_path, srctree, output, depfile=None, include_dirs=None, image=None,
                     config_path=None, registered=registered_entries, linker_fragment=None, disks_path=None,
                     data_dir=None):
    """Checks the manifest and writes the C++ data. config_path, when given, is the build's .config;
    data_dir, when given, is the image's data folder the build made (the files MemCap slots name);
    registered maps a footprint's folder to the entries its sources register (tests replace it);
    linker_fragment, when given, receives the domains' data sections (a linker script fragment)."""
    source = Source(manifest_path, srctree)
    manifest = source.load()
    config = read_config(config_path) if config_path else None
    disks_path = disks_path or os.path.join(os.path.dirname(os.path.abspath(manifest_path)), "disks.json")
    partitions = image_partitions(manifest_path, srctree, disks_path)
    composition = Composition(srctree, find_footprints(srctree), config,
                              display(config_path, srctree) if config_path else "", registered, partitions=partitions,
                              data_dir=data_dir)
    connections, schemas, used, domains = check_manifest(source, manifest, composition, image)
    emit(manifest, connections, schemas, output, domains)
    if linker_fragment:
        emit_linker_fragment(domains, linker_fragment, config)
    if include_dirs:
        # The include folder of whichever component ships each schema header.
        folders = set()
        for connection in connections.values():
            header = schemas[connection["schema"]]["header"]
            for candidate in glob.glob(os.path.join(srctree, "*", "*", "include", header)):
                folders.add(candidate[: -len(header) - 1])
        write_if_changed(include_dirs, ";".join(sorted(folders)))
    if depfile:
        inputs = sorted(set(used)) + ([disks_path] if partitions is not None else []) + composition.data_inputs
        write_if_changed(depfile, f"{output}: {manifest_path} " + " ".join(inputs) + "\n")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--srctree", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--image", help="the image folder's name, which the manifest's 'image' must match")
    parser.add_argument("--config", help="the build's .config: enabled entries and Kconfig sizes are checked")
    parser.add_argument("--depfile")
    parser.add_argument("--include-dirs", help="write the include folders of the schemas' components here")
    parser.add_argument("--linker-fragment", help="write the domains' data sections (a linker script fragment) here")
    parser.add_argument("--data-dir", help="the image's data folder the build made (the files MemCap slots name)")
    arguments = parser.parse_args(argv)
    try:
        compile_manifest(arguments.manifest, arguments.srctree, arguments.output, arguments.depfile,
                         arguments.include_dirs, arguments.image, arguments.config,
                         linker_fragment=arguments.linker_fragment, data_dir=arguments.data_dir)
    except ManifestError as error:
        print(f"manifest error: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # a bug here must still end in one line; the tests look for it
        print(f"manifest error: {display(arguments.manifest)}: internal error ({type(error).__name__}: "
              f"{shown(str(error))}); please report it", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
