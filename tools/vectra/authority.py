# SPDX-License-Identifier: Apache-2.0
"""`./vectra authority IMAGE [--svg FILE]`: the image's capability graph, from its boot manifest and
the footprints of its entries — which Task holds what capability with which rights, and through
which Rings authority can flow — as text, and as SVG through Graphviz's `dot`.

The manifest is checked by the manifest compiler first (the same checks as configuring, less the
configuration), so the graph only ever describes a composition the build would accept.
"""

import functools
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import images
import paths
from ui import Failure

sys.path.insert(0, str(paths.REPOSITORY / "tools" / "manifest"))
import compile as manifest_compiler  # noqa: E402

# What the kernel gives initd at boot (primitives/kernel/src/Kernel.cpp, "give" calls): slot,
# class, what it names, rights. tests/tools/test_authority.py checks this against the kernel source.
KERNEL_TO_INITD = (
    ("console", "DeviceCap", "the console", ("write", "grant")),
    ("memory", "ReticleCap", "the root Reticle", ("retype", "grant", "revoke", "move")),
    ("tasks", "TaskCap", "the right to spawn Tasks", ("spawn", "grant", "move")),
    ("irq-software", "IrqCap", "the software interrupt line", ("receive", "read", "grant")),
    ("pci", "DeviceCap", "the PCI bus, on a machine with PCI", ("read",)),
    ("virtio-mmio", "DeviceCap", "the virtio-mmio slots, on a machine with an occupied one", ("read",)),
    ("display", "DeviceCap", "the display, on a machine with one", ("read", "write", "grant", "revoke")),
    ("entropy", "DeviceCap", "the kernel's entropy pool, to feed", ("write", "grant", "revoke")),
    ("host-sockets", "DeviceCap", "the host's sockets, loopback only, on hosted", ("read", "write", "grant", "revoke")),
    ("input", "DeviceCap", "the window's keys and mouse, on hosted with a display", ("read", "grant", "revoke")),
    ("snapshot", "DeviceCap", "the debug snapshot, to read, with CONFIG_DEBUG_SNAPSHOT", ("read", "grant", "revoke")),
    ("i8042", "DeviceCap", "the i8042 keyboard controller, on x86_64", ("read", "write", "grant", "revoke")),
)


@dataclass
class Holding:
    """One capability one Task holds: its Bundle slot, class, what it names, rights."""
    slot: str
    capability_class: str
    names: str
    rights: tuple
    node: str  # the graph node of what it names


@dataclass
class TaskNode:
    name: str
    heading: str
    holdings: list = field(default_factory=list)
    reticle_kib: int = 0


@dataclass
class RingFlow:
    """A Ring (one direction of a connection): who produces, who consumes."""
    name: str
    schema: str
    producer: str = "?"
    consumer: str = "?"


@dataclass
class Graph:
    image: str
    manifest: str
    footprints: list
    tasks: list  # TaskNode, initd first
    supervisors: list  # initd, then the group supervisors
    rings: list  # RingFlow


@functools.lru_cache(maxsize=None)
def configured_symbols(srctree: Path, image: str, platform: str) -> frozenset:
    """The Kconfig symbols (CONFIG_X) that are y when `image` is configured for `platform`: the
    platform's defconfig, then the image's, merged by tools/kconfig as a build merges them."""
    sys.path.insert(0, str(srctree / "tools" / "kconfig"))
    import configure as kconfig_configure  # noqa: E402 (kconfiglib: Debian's python3-kconfiglib)
    fragments = [str(srctree / "platforms" / platform / "defconfig"), str(srctree / "images" / image / "defconfig")]
    try:
        kconf, errors = kconfig_configure.configure(str(srctree / "Kconfig"), str(srctree), fragments, [])
    except kconfig_configure.ConfigurationError as problem:
        errors = problem.errors
    if errors:
        raise Failure(f"image {image} does not configure for {platform}: {errors[0]}")
    return frozenset(f"CONFIG_{symbol.name}" for symbol in kconf.unique_defined_syms if symbol.str_value == "y")


def load_graph(srctree: Path, image: str, platform: str = None, symbols: set = None) -> Graph:
    """Checks images/<image>/manifest.json against the footprints in srctree and builds the graph
    (of the Tasks the image runs on `platform`; without one, of an image whose Tasks run everywhere).
    `symbols`, the Kconfig symbols that are y, decides the Tasks a manifest keeps only `"when"` one is
    (an image with such Tasks needs them)."""
    manifest_path = Path(srctree) / "images" / image / "manifest.json"
    source = manifest_compiler.Source(str(manifest_path), str(srctree))
    try:
        manifest = source.load()
        tasks = manifest.get("tasks") if isinstance(manifest, dict) else None
        if platform is None and isinstance(tasks, list) and any(isinstance(task, dict) and "platforms" in task
                                                                for task in tasks):
            raise Failure(f"image {image} runs some Tasks on some platforms only: name one with -p "
                          f"({', '.join(manifest_compiler.PLATFORMS)})")
        if symbols is None and isinstance(tasks, list) and any(isinstance(task, dict) and "when" in task
                                                               for task in tasks):
            if platform is None:
                raise Failure(f"image {image} picks some Tasks by its configuration (\"when\"): name a platform "
                              f"with -p ({', '.join(manifest_compiler.PLATFORMS)})")
            symbols = configured_symbols(Path(srctree), image, platform)
        composition = manifest_compiler.Composition(str(srctree), manifest_compiler.find_footprints(str(srctree)),
                                                    platform=platform, data_dir=manifest_compiler.DATA_NOT_READ,
                                                    symbols=symbols,
                                                    partitions=manifest_compiler.image_partitions(str(manifest_path), str(srctree)))
        connections, _, used, _ = manifest_compiler.check_manifest(source, manifest, composition, image)
    except manifest_compiler.ManifestError as problem:
        raise Failure(f"manifest error: {problem}")
    footprints = {entry: footprint for entry, (_, footprint) in composition.footprints.items()}
    rings = {}
    for connection, spec in connections.items():
        for ring in (("requests",) if spec.get("one_way") else ("requests", "replies")):
            rings[(connection, ring)] = RingFlow(f"{connection}.{ring}", spec["schema"])
            if spec.get("served_by_initd"):  # vectra.control (ADR 0045 §6): initd holds the service ends
                setattr(rings[(connection, ring)], "consumer" if ring == "requests" else "producer", "initd")
    initd = TaskNode("initd", "the first Task, spawned by the kernel; follows the boot manifest")
    initd.holdings = [Holding(slot, capability_class, names, rights, node_of(capability_class, names, "initd"))
                      for slot, capability_class, names, rights in KERNEL_TO_INITD]
    tasks = [initd]
    placement = manifest["groups"]
    groups = [group_node(placement, number, manifest["tasks"], list(connections), rings)
              for number in range(len(placement.groups))]
    for index, task in enumerate(manifest["tasks"]):
        number = placement.supervisor[index]
        supervisor = initd if number is None else groups[number]
        position = placement.position[index]
        node = TaskNode(task["name"], heading(task, footprints[task["entry"]],
                                              manifest_compiler.display(used[index], str(srctree))))
        for slot, grant in sorted(task.get("bundle", {}).items()):
            node.holdings.append(holding(slot, grant, task, position, footprints[task["entry"]]["slots"][slot], rings,
                                         supervisor.name))
        if "config_bytes" in task:  # ADR 0037: the supervisor's copy of the manifest's bytes, read only
            node.holdings.append(Holding("config", "MemCap", f"{task['name']}'s configuration ({len(task['config_bytes'])} "
                                         f"bytes), made by {supervisor.name}", ("read",), f"config:{task['name']}"))
        tasks.append(node)
        describe_initd_side(supervisor, task, position)
    for number, group in enumerate(placement.groups):
        service = group["kind"] == "service"
        describe_initd_side(initd, {"name": group["name"], "reticle_kib": groups[number].reticle_kib,
                                    "bundle": {"ready": {"class": "SignalCap"}} if service else {}},
                            placement.group_position[number])
    tasks += groups
    for (connection, ring), flow in rings.items():
        initd.holdings.append(Holding(f"({connection}.{ring})", "RingCap", f"Ring {flow.name}, created by initd",
                                      ("all",), f"ring:{flow.name}"))
    return Graph(image, manifest_compiler.display(str(manifest_path), str(srctree)),
                 sorted({manifest_compiler.display(path, str(srctree)) for path in used}), tasks,
                 [initd.name] + [group.name for group in groups], list(rings.values()))


def heading(task: dict, footprint: dict, footprint_name: str) -> str:
    kind = task["kind"]
    if kind == "service":
        restart = task.get("restart", manifest_compiler.NO_RESTART)
        kind = (f"service, restarted at most {restart['max_restarts']} times in {restart['window_ms']} ms "
                f"after {restart['backoff_ms']} ms")
    else:
        kind = f"check, expected to end in {task.get('expect', 'success')}"
    return (f"entry {task['entry']} ({footprint_name}); {kind}; {task.get('band', 'person')} band; "
            f"{task['reticle_kib']} KiB Reticle, {task['stack_kib']} KiB stack")


def node_of(capability_class: str, names: str, holder: str) -> str:
    """Graph node of the object a capability names (Reticles are per Task, the rest shared)."""
    if capability_class == "ReticleCap":
        return f"reticle:{holder}"
    return {"TaskCap": "spawn", "IrqCap": "irq:software", "SignalCap": f"signal:{holder}"}.get(capability_class, names)


def device_names(device: str) -> str:
    """What a DeviceCap the manifest grants by device name reaches (tools/manifest/compile.py DEVICES)."""
    return {"console": "the console", "display": "the display",
            "entropy": "the kernel's entropy pool (feeding it)",
            "host-sockets": "the host's loopback sockets",
            "input": "the window's keyboard and mouse",
            "snapshot": "the kernel's debug snapshot (reading it)",
            "i8042": "the i8042 keyboard controller (ports 0x60 and 0x64, IRQ 1)"}.get(device, f"disk {device} (a hosted --disk= file)")


def group_node(placement, number: int, tasks: list, connection_names: list, rings: dict) -> TaskNode:
    """A group supervisor the manifest compiler placed: its computed Bundle (docs/adr/0010)."""
    group = placement.groups[number]
    restart = group["restart"]
    kind = (f"a service to initd, restarted at most {restart['max_restarts']} times in {restart['window_ms']} ms "
            f"after {restart['backoff_ms']} ms" if group["kind"] == "service" else "a check to initd, not restarted")
    reticle_kib = manifest_compiler.group_reticle_kib(placement, number, tasks)
    node = TaskNode(group["name"], f"group supervisor (entry {manifest_compiler.GROUP_ENTRY}) of {len(group['members'])} "
                                   f"{group['kind']}s, placed by the manifest compiler; {kind}; {reticle_kib} KiB Reticle, "
                                   f"{manifest_compiler.GROUP_STACK_KIB} KiB stack")
    node.reticle_kib = reticle_kib
    classes = {**{kind: "DeviceCap" for kind in manifest_compiler.DEVICES.values()},
               "SlotKind::Memory": "ReticleCap", "SlotKind::Tasks": "TaskCap",
               "SlotKind::Ready": "SignalCap", "SlotKind::SoftwareIrq": "IrqCap",
               "SlotKind::RequestRing": "RingCap", "SlotKind::ReplyRing": "RingCap"}
    for slot, (kind, connection, rights) in sorted(manifest_compiler.group_bundle(placement, number, tasks,
                                                                                  connection_names).items()):
        capability_class = classes[kind]
        if capability_class == "RingCap":
            flow = rings[(connection_names[connection], "requests" if kind == "SlotKind::RequestRing" else "replies")]
            node.holdings.append(Holding(slot, capability_class, f"Ring {flow.name} ({flow.schema}), to grant on",
                                         tuple(sorted(rights)), f"ring:{flow.name}"))
            continue
        if capability_class == "DeviceCap":
            names = device_names(slot)  # a group's device slot is named by the device (compile.group_bundle)
            node.holdings.append(Holding(slot, capability_class, names, tuple(sorted(rights)), f"device:{slot}"))
            continue
        names = {"ReticleCap": f"its own Reticle ({reticle_kib} KiB)",
                 "TaskCap": "the right to spawn Tasks (initd's)", "IrqCap": "the software interrupt line",
                 "SignalCap": f"initd's signal bit {placement.group_position[number]} (ready)"}[capability_class]
        node.holdings.append(Holding(slot, capability_class, names, tuple(sorted(rights)),
                                     node_of(capability_class, names, group["name"])))
    return node


def holding(slot: str, grant: dict, task: dict, index: int, need: dict, rings: dict,
            supervisor: str = "initd") -> Holding:
    moves = {"move"} if manifest_compiler.grant_moves(grant) else set()
    capability_class, rights = grant["class"], tuple(sorted(set(grant["rights"]) | moves))
    name = task["name"]
    if capability_class == "RingCap":
        flow = rings[(grant["connection"], grant["ring"])]
        if need["end"] == "producer":
            flow.producer = name
        else:
            flow.consumer = name
        return Holding(slot, capability_class, f"Ring {flow.name} ({flow.schema}), {need['end']} end", rights,
                       f"ring:{flow.name}")
    if capability_class == "PciDeviceCap":
        index = grant.get("pci_index", 0)
        which = f"#{index} of " if index else ""
        names = f"PCI function {which}{grant['pci']} (opened by initd)"
        return Holding(slot, capability_class, names, rights, f"pci:{grant['pci']}" + (f"#{index}" if index else ""))
    if capability_class == "VirtioMmioSlotCap":
        names = f"the virtio-mmio slot holding virtio device {grant['virtio_mmio']} (opened by initd)"
        return Holding(slot, capability_class, names, rights, f"pci:virtio-mmio-{grant['virtio_mmio']}")
    if capability_class == "MemCap":  # ADR 0038 §3: the supervisor's copy of a file the build made, read only
        return Holding(slot, capability_class, f"the build's file {grant['file']}, copied by {supervisor}", rights,
                       f"data:{name}.{slot}")
    if capability_class == "DeviceCap":
        device = grant.get("device", "console")
        return Holding(slot, capability_class, device_names(device), rights, f"device:{device}")
    names = {"ReticleCap": f"its own Reticle ({task['reticle_kib']} KiB)",
             "TaskCap": "the right to spawn Tasks (initd's)", "IrqCap": "the software interrupt line",
             "SignalCap": f"{supervisor}'s signal bit {index} (ready)"}[capability_class]
    return Holding(slot, capability_class, names, rights, node_of(capability_class, names, name))


def describe_initd_side(initd: TaskNode, task: dict, index: int) -> None:
    """What a supervisor (initd, or a group supervisor) keeps for each Task it starts: the Reticle it
    carved, the Task it spawned, and the original of the ready bit it granted (revoking it revokes
    the child's). Rights are those the kernel calls mint (primitives/kernel/src/Calls.cpp: carve and
    create_ring give all rights)."""
    name = task["name"]
    origin = "the root" if initd.name == "initd" else f"{initd.name}'s Reticle"
    initd.holdings.append(Holding(f"({name})", "ReticleCap", f"{name}'s Reticle ({task['reticle_kib']} KiB), "
                                  f"carved from {origin}", ("all",), f"reticle:{name}"))
    initd.holdings.append(Holding(f"({name})", "TaskCap", f"Task {name}, spawned by {initd.name}",
                                  ("read", "grant", "revoke"), f"task:{name}"))
    if "config_bytes" in task:
        initd.holdings.append(Holding(f"({name})", "MemCap", f"{name}'s configuration, copied from the boot manifest",
                                      ("read", "write", "grant", "revoke"), f"config:{name}"))
    for slot, grant in sorted(task.get("bundle", {}).items()):
        if grant["class"] == "MemCap":
            initd.holdings.append(Holding(f"({name})", "MemCap", f"{name}'s {slot}: the build's file {grant['file']}, "
                                          f"copied from the boot manifest", ("read", "write", "grant", "revoke"),
                                          f"data:{name}.{slot}"))
    if any(grant["class"] == "SignalCap" for grant in task.get("bundle", {}).values()):
        initd.holdings.append(Holding(f"({name})", "SignalCap", f"signal bit {index} ({name}'s ready)",
                                      ("raise", "grant", "revoke"), f"signal:{name}"))


# Text ------------------------------------------------------------------------------------------

def text(graph: Graph) -> str:
    lines = [f"authority of image {graph.image}, from {graph.manifest} and the footprints "
             f"{', '.join(graph.footprints)}",
             "(slots in parentheses are what initd keeps for itself, not a Bundle slot)" if len(graph.supervisors) == 1 else
             "(slots in parentheses are what initd or a group supervisor keeps for itself, not a Bundle slot)", ""]
    for task in graph.tasks:
        lines.append(f"Task {task.name}: {task.heading}")
        slot_width = max(len(holding.slot) for holding in task.holdings)
        class_width = max(len(holding.capability_class) for holding in task.holdings)
        names_width = max(len(holding.names) for holding in task.holdings)
        for holding in task.holdings:
            lines.append(f"  {holding.slot:<{slot_width}}  {holding.capability_class:<{class_width}}  "
                         f"{holding.names:<{names_width}}  {', '.join(holding.rights)}".rstrip())
        lines.append("")
    lines.append("Authority flowing through Rings (a sender can move a capability it holds with move along "
                 "with a message; a copy needs grant on it):")
    if not graph.rings:
        lines.append("  none: this image has no connections")
    holders = {task.name: task for task in graph.tasks}
    for ring in graph.rings:
        sender = holders.get(ring.producer)
        movable = ", ".join(holding.slot for holding in sender.holdings if "move" in holding.rights) if sender else "-"
        copyable = ", ".join(holding.slot for holding in sender.holdings if "grant" in holding.rights) if sender else ""
        lines.append(f"  {ring.name} ({ring.schema}): {ring.producer} -> {ring.consumer}; "
                     f"{ring.producer} could move {movable or 'nothing'}; copy {copyable or 'nothing (no grant right)'}")
    return "\n".join(lines) + "\n"


# Graphviz --------------------------------------------------------------------------------------

def quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


OBJECT_SHAPES = {"device": "hexagon", "pci": "hexagon", "reticle": "folder", "spawn": "component", "irq": "hexagon",
                 "signal": "circle", "task": "box"}


def dot(graph: Graph) -> str:
    """The graph in Graphviz's language: Tasks as boxes, what they hold as other shapes, an edge per
    capability (labelled slot: rights), Rings drawn in the direction messages flow."""
    lines = [f"digraph {quoted('authority ' + graph.image)} {{",
             "  rankdir=LR; node [fontname=\"Helvetica\", fontsize=10]; edge [fontname=\"Helvetica\", fontsize=9];",
             f"  label={quoted('image ' + graph.image + ': capabilities held (dashed: kept by initd) and Rings (bold)')};",
             "  kernel [shape=doubleoctagon];"]
    objects = {}
    for task in graph.tasks:
        lines.append(f"  {quoted('task:' + task.name)} [shape=box, style=rounded, label={quoted(task.name)}];")
        for holding in task.holdings:
            if holding.node.startswith(("ring:", "task:")):
                continue
            objects.setdefault(holding.node, holding.names if not holding.node.startswith("signal:")
                               else f"ready bit\n{holding.node.split(':', 1)[1]}")
    for node, label in sorted(objects.items()):
        shape = OBJECT_SHAPES.get(node.split(":", 1)[0], "ellipse")
        lines.append(f"  {quoted(node)} [shape={shape}, label={quoted(label)}];")
    for ring in graph.rings:
        lines.append(f"  {quoted('ring:' + ring.name)} [shape=cds, label={quoted(ring.name + chr(10) + ring.schema)}];")
    lines.append(f"  kernel -> {quoted('task:initd')} [label=\"spawns\"];")
    for task in graph.tasks:
        for holding in task.holdings:
            if holding.capability_class == "RingCap" and task.name != "initd":
                continue  # drawn below, in the direction of flow
            kept = holding.slot.startswith("(")  # initd's own, named by the Task it is for
            style = ", style=dashed" if kept else ""
            label = ", ".join(holding.rights) if kept else f"{holding.slot}: {', '.join(holding.rights)}"
            lines.append(f"  {quoted('task:' + task.name)} -> {quoted(holding.node)} [label={quoted(label)}{style}];")
    for ring in graph.rings:
        lines.append(f"  {quoted('task:' + ring.producer)} -> {quoted('ring:' + ring.name)} "
                     f"[label=\"send\", style=bold];")
        lines.append(f"  {quoted('ring:' + ring.name)} -> {quoted('task:' + ring.consumer)} "
                     f"[label=\"receive\", style=bold];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_svg(graph: Graph, output: Path) -> None:
    program = shutil.which("dot")
    if program is None:
        raise Failure("Graphviz's dot is not installed: run ./vectra setup (Debian package graphviz)")
    result = subprocess.run([program, "-Tsvg"], input=dot(graph), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise Failure(f"dot failed: {result.stderr.strip().splitlines()[-1] if result.stderr.strip() else result.returncode}")
    try:
        Path(output).write_text(result.stdout)
    except OSError as problem:
        raise Failure(f"cannot write {output}: {problem.strerror or problem}")


def authority_command(arguments) -> int:
    images.image(arguments.image)  # did-you-mean for a misspelt name
    graph = load_graph(paths.REPOSITORY, arguments.image, arguments.platform)
    print(text(graph), end="")
    if arguments.svg:
        write_svg(graph, Path(arguments.svg))
        print(f"wrote {arguments.svg}", file=sys.stderr)  # stdout stays the text alone
    return 0


def add_command(commands) -> None:
    """Registers `authority` with main.py's sub-command parser."""
    command = commands.add_parser("authority", help="print an image's capability graph (text, or SVG with --svg)")
    command.add_argument("image", metavar="IMAGE", help="image folder under images/")
    command.add_argument("--svg", metavar="FILE", help="also draw the graph as SVG into FILE (Graphviz dot)")
    command.add_argument("-p", "--platform", choices=manifest_compiler.PLATFORMS,
                         help="the platform whose Tasks to draw (needed when some Tasks run on some platforms only)")
    command.set_defaults(handler=authority_command)
