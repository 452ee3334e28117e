#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Boot manifest compiler.

Reads an image's boot manifest (images/<image>/manifest.json), checks every Task's Bundle
against the capability footprint its entry point declares (a footprint.json in the
component that defines the entry), and emits C++ data for initd. A missing grant, an extra
grant, a wrong class, a wrong right or an unknown connection stops the build with a message
naming the Task, the slot and the reason.

Usage:
  compile.py --manifest FILE --srctree DIR --output FILE.cpp [--depfile FILE]
"""

import argparse
import glob
import json
import os
import re
import sys

CLASSES = {"DeviceCap", "ReticleCap", "RingCap", "SignalCap", "TaskCap", "IrqCap"}
EXPECTATIONS = {"success": "Success", "panicked": "Panicked", "faulted": "Faulted"}
RIGHTS = {"read": "RightRead", "write": "RightWrite", "send": "RightSend", "receive": "RightReceive",
          "grant": "RightGrant", "spawn": "RightSpawn", "raise": "RightRaise", "retype": "RightRetype"}
KINDS = {"service": "Service", "check": "Check"}
BANDS = {"person": "Person", "network": "Network"}
NAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")
ENTRY = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class ManifestError(Exception):
    pass


def load_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, json.JSONDecodeError) as error:
        raise ManifestError(f"{path}: {error}") from error


def find_footprints(srctree):
    """Map entry name -> (path, footprint) for every footprint file in the component layers."""
    footprints = {}
    patterns = ["services/*/footprint.json", "services/*/*.footprint.json",
                "apps/*/footprint.json", "apps/*/*.footprint.json",
                "components/*/footprint.json", "components/*/*.footprint.json"]
    for pattern in patterns:
        for path in sorted(glob.glob(os.path.join(srctree, pattern))):
            footprint = load_json(path)
            entry = footprint.get("entry")
            if not entry:
                raise ManifestError(f"{path}: footprint names no entry")
            if entry in footprints:
                raise ManifestError(f"{path}: entry {entry} already declared by {footprints[entry][0]}")
            footprints[entry] = (path, footprint)
    return footprints


def require(condition, message):
    if not condition:
        raise ManifestError(message)


def check_rights(where, rights):
    require(isinstance(rights, list) and rights, f"{where}: rights must be a non-empty list")
    for right in rights:
        require(right in RIGHTS, f"{where}: unknown right '{right}' (known: {', '.join(sorted(RIGHTS))})")
    return sorted(set(rights))


def check_task(task, connections, footprints, schemas):
    name = task.get("name", "?")
    require(NAME.match(name), f"task '{name}': names are 1-31 of [a-z0-9_-], starting with a letter")
    entry = task.get("entry", "")
    require(ENTRY.match(entry), f"task {name}: entry '{entry}' is not a C++ identifier")
    require(entry in footprints, f"task {name}: no component declares a footprint for entry '{entry}'")
    footprint_path, footprint = footprints[entry]
    require(task.get("kind") in KINDS, f"task {name}: kind must be one of {', '.join(KINDS)}")
    require(task.get("band", "person") in BANDS, f"task {name}: band must be one of {', '.join(BANDS)}")
    for field, low, high in (("reticle_kib", 64, 1 << 22), ("stack_kib", 8, 4096)):
        value = task.get(field)
        require(isinstance(value, int) and low <= value <= high,
                f"task {name}: {field} must be an integer in [{low}, {high}]")
    if task["kind"] == "service":
        restart = task.get("restart", {"max_restarts": 0, "window_ms": 0, "backoff_ms": 0})
        for field, high in (("max_restarts", 100), ("window_ms", 3_600_000), ("backoff_ms", 60_000)):
            value = restart.get(field)
            require(isinstance(value, int) and 0 <= value <= high,
                    f"task {name}: restart.{field} must be an integer in [0, {high}]")
        require("expect" not in task, f"task {name}: only check Tasks have an 'expect'")
    else:
        require("restart" not in task, f"task {name}: only services have a restart policy")
        require(task.get("expect", "success") in EXPECTATIONS,
                f"task {name}: expect must be one of {', '.join(EXPECTATIONS)}")
    bundle = task.get("bundle", {})
    declared = footprint.get("slots", {})
    schemas.update(footprint.get("schemas", {}))
    for slot in sorted(declared):
        require(slot in bundle, f"task {name}: the manifest does not grant slot '{slot}' "
                f"({declared[slot]['class']}) that {os.path.relpath(footprint_path)} requires")
    for slot in sorted(bundle):
        require(slot in declared, f"task {name}: the manifest grants slot '{slot}' that entry '{entry}' "
                f"does not declare in its footprint (an extra grant)")
        grant, need = bundle[slot], declared[slot]
        where = f"task {name}, slot '{slot}'"
        require(grant.get("class") in CLASSES, f"{where}: unknown class '{grant.get('class')}'")
        require(grant["class"] == need["class"], f"{where}: granted {grant['class']}, footprint wants {need['class']}")
        granted_rights = check_rights(where, grant.get("rights"))
        needed_rights = sorted(set(need.get("rights", [])))
        require(granted_rights == needed_rights, f"{where}: granted rights {granted_rights}, footprint declares {needed_rights}")
        if grant["class"] == "RingCap":
            connection = grant.get("connection")
            require(connection in connections, f"{where}: unknown connection '{connection}'")
            require(grant.get("ring") in ("requests", "replies"), f"{where}: ring must be 'requests' or 'replies'")
            require(not (connections[connection].get("one_way") and grant["ring"] == "replies"),
                    f"{where}: connection '{connection}' is one-way: it has no replies Ring")
            schema = connections[connection]["schema"]
            require(schema == need.get("schema"), f"{where}: connection '{connection}' speaks {schema}, "
                    f"footprint wants {need.get('schema')}")
            end = "consumer" if "receive" in granted_rights else "producer"
            require(end == need.get("end"), f"{where}: grants the {end} end, footprint wants the {need.get('end')} end")
        if grant["class"] == "IrqCap":
            require(grant.get("line") == need.get("line") == "software",
                    f"{where}: only the software interrupt line can be granted in this build")
        if grant["class"] == "DeviceCap":
            require(grant.get("device") == need.get("device") == "console",
                    f"{where}: only the console device exists in this build")
    return footprint_path


def check_ring_ends(tasks, connections):
    """Each Ring is single-producer/single-consumer: every end is granted exactly once."""
    holders = {}
    for task in tasks:
        for slot, grant in task["bundle"].items():
            if grant.get("class") != "RingCap":
                continue
            end = "consumer" if "receive" in grant["rights"] else "producer"
            key = (grant["connection"], grant["ring"], end)
            require(key not in holders, f"task {task['name']}, slot '{slot}': the {end} end of "
                    f"{grant['connection']}.{grant['ring']} is already granted to {holders.get(key)}")
            holders[key] = task["name"]
    for connection, spec in connections.items():
        for ring in (("requests",) if spec.get("one_way") else ("requests", "replies")):
            for end in ("producer", "consumer"):
                require((connection, ring, end) in holders,
                        f"connection {connection}: nobody holds the {end} end of its {ring} Ring")


def cxx_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def emit(manifest, connections, schemas, output):
    tasks = manifest["tasks"]
    connection_names = list(connections)
    headers = sorted({schemas[connections[c]["schema"]]["header"] for c in connection_names})
    lines = ["// Generated by tools/manifest/compile.py from the image's manifest.json. Do not edit.",
             "#include <initd/Manifest.h>",
             "#include <vectra/kernel/Entries.h>"]
    lines += [f"#include <{header}>" for header in headers]
    lines += ["", "namespace vectra::initd {", "", "namespace {", ""]
    lines.append("constexpr ConnectionSpec connections[] = {")
    for connection in connection_names:
        schema = schemas[connections[connection]["schema"]]
        one_way = "true" if connections[connection].get("one_way") else "false"
        lines.append(f"    {{ {cxx_string(connection)}, {cxx_string(connections[connection]['schema'])}, "
                     f"{schema['id']}, {schema['slot_count']}, {schema['slot_size']}, {one_way} }},")
    if not connection_names:
        lines.append("    { \"none\", \"none\", 0, 2, 16, true },")
    lines.append("};")
    for index, task in enumerate(tasks):
        lines.append(f"constexpr SlotSpec slots_{index}[] = {{")
        for slot, grant in sorted(task["bundle"].items()):
            rights = " | ".join(RIGHTS[r] for r in sorted(set(grant["rights"])))
            kind = {"DeviceCap": "SlotKind::Console", "ReticleCap": "SlotKind::Memory",
                    "SignalCap": "SlotKind::Ready", "TaskCap": "SlotKind::Tasks",
                    "IrqCap": "SlotKind::SoftwareIrq"}.get(grant["class"])
            connection_index = 0
            if grant["class"] == "RingCap":
                kind = "SlotKind::RequestRing" if grant["ring"] == "requests" else "SlotKind::ReplyRing"
                connection_index = connection_names.index(grant["connection"])
            lines.append(f"    {{ {cxx_string(slot)}, {kind}, {connection_index}, {rights} }},")
        lines.append("};")
    lines.append("constexpr TaskSpec tasks[] = {")
    for index, task in enumerate(tasks):
        restart = task.get("restart", {"max_restarts": 0, "window_ms": 0, "backoff_ms": 0})
        expect = EXPECTATIONS[task.get("expect", "success")]
        lines.append(f"    {{ {cxx_string(task['name'])}, &task_entries::{task['entry']}, "
                     f"TaskKind::{KINDS[task['kind']]}, Band::{BANDS[task.get('band', 'person')]}, "
                     f"{task['reticle_kib']}, {task['stack_kib']}, slots_{index}, "
                     f"sizeof(slots_{index}) / sizeof(slots_{index}[0]), "
                     f"{{ {restart['max_restarts']}, {restart['window_ms']}, {restart['backoff_ms']} }}, "
                     f"Expectation::{expect} }},")
    lines.append("};")
    lines += ["", "}", "",
              f"BootManifest const boot_manifest {{ {cxx_string(manifest['image'])}, tasks, {len(tasks)}, "
              f"connections, {len(connection_names)} }};", "", "}", ""]
    text = "\n".join(lines)
    try:
        with open(output, encoding="utf-8") as handle:
            if handle.read() == text:
                return
    except OSError:
        pass
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(text)


def compile_manifest(manifest_path, srctree, output, depfile=None, include_dirs=None):
    manifest = load_json(manifest_path)
    require(isinstance(manifest.get("image"), str), f"{manifest_path}: 'image' must name the image")
    require(isinstance(manifest.get("tasks"), list) and manifest["tasks"], f"{manifest_path}: 'tasks' must be a non-empty list")
    require(len(manifest["tasks"]) <= 24, f"{manifest_path}: at most 24 tasks (initd's signal bits)")
    connections = manifest.get("connections", {})
    for connection, spec in connections.items():
        require(NAME.match(connection), f"connection '{connection}': bad name")
        require(isinstance(spec, dict) and isinstance(spec.get("schema"), str), f"connection {connection}: needs a schema")
    footprints = find_footprints(srctree)
    schemas = {}
    names = set()
    used = []
    for task in manifest["tasks"]:
        require(task.get("name") not in names, f"task {task.get('name')}: declared twice")
        names.add(task.get("name"))
        used.append(check_task(task, connections, footprints, schemas))
    for connection, spec in connections.items():
        require(spec["schema"] in schemas, f"connection {connection}: no footprint describes schema {spec['schema']}")
    check_ring_ends(manifest["tasks"], connections)
    emit(manifest, connections, schemas, output)
    if include_dirs:
        # The include folder of whichever component ships each schema header.
        folders = set()
        for connection in connections.values():
            header = schemas[connection["schema"]]["header"]
            for candidate in glob.glob(os.path.join(srctree, "*", "*", "include", header)):
                folders.add(candidate[: -len(header) - 1])
        with open(include_dirs, "w", encoding="utf-8") as handle:
            handle.write(";".join(sorted(folders)))
    if depfile:
        with open(depfile, "w", encoding="utf-8") as handle:
            handle.write(f"{output}: {manifest_path} " + " ".join(sorted(set(used))) + "\n")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--srctree", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--depfile")
    parser.add_argument("--include-dirs", help="write the include folders of the schemas' components here")
    arguments = parser.parse_args(argv)
    try:
        compile_manifest(arguments.manifest, arguments.srctree, arguments.output, arguments.depfile,
                         arguments.include_dirs)
    except ManifestError as error:
        print(f"manifest error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
