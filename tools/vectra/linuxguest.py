# SPDX-License-Identifier: Apache-2.0
"""Linux-guest baselines: the same job on a Linux guest in the same QEMU as an image.

`./vectra linux-guest -p PLATFORM --workload SCRIPT [--disk FILE ...]` boots Debian's 6.1 kernel
with a busybox initramfs whose /init loads the virtio modules, runs SCRIPT with busybox `sh` and
powers off; the console is printed and kept in build/linux-guest-<platform>/console.log. The
machine is the platform's (platform.json's `args` and `tcg_args`) and disks are attached with the
image harness's own `-drive`/`-device` arguments (disks.attach_arguments), so a benchmark's
guest and image differ only in the software.

The kernel and busybox are pinned in linux-guest.json (package, version, the .deb's sha256),
downloaded with tools/ports' private apt into the ports cache (~/.cache/vectra) and unpacked with
`dpkg-deb -x` from the verified package. Debian ships no modules.dep (depmod makes it when the
package is installed), so the load order comes from each module's own `.modinfo` `depends=`:
a module after everything it depends on, as modules.dep would order it.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import boot
import disks as disk_images
import images
import paths
import ui
from ui import Failure

sys.path.insert(0, str(paths.REPOSITORY / "tools" / "ports"))
import fetch  # noqa: E402

PINS = Path(__file__).with_name("linux-guest.json")
DEFAULT_TIMEOUT_SECONDS = 300


# --- Modules -----------------------------------------------------------------------------------

def module_dependencies(module_bytes: bytes) -> list:
    """What a kernel module's .modinfo says it depends on (`depends=a,b`), in its order."""
    marker = b"\0depends="
    at = module_bytes.find(marker)
    if at < 0:
        return []
    end = module_bytes.find(b"\0", at + len(marker))
    text = module_bytes[at + len(marker):end if end >= 0 else len(module_bytes)].decode("ascii", "replace")
    return [name.replace("-", "_") for name in text.split(",") if name]


def load_order(wanted: list, dependencies_of) -> list:
    """`wanted` modules and everything they depend on, each after its dependencies (depth first,
    `wanted` order kept otherwise). `dependencies_of(name)` lists a module's direct ones."""
    order, visiting = [], []

    def visit(name):
        if name in order:
            return
        if name in visiting:
            raise Failure(f"kernel modules depend on each other in a cycle: {' -> '.join(visiting + [name])}")
        visiting.append(name)
        for dependency in dependencies_of(name):
            visit(dependency)
        visiting.pop()
        order.append(name)

    for name in wanted:
        visit(name)
    return order


def module_paths(modules_root: Path) -> dict:
    """Every module under lib/modules/<release>/kernel, by name (dashes as underscores)."""
    found = {}
    for path in sorted(modules_root.rglob("*.ko")):
        found.setdefault(path.stem.replace("-", "_"), path)
    return found


# --- Initramfs (cpio "newc") -------------------------------------------------------------------

def _cpio_entry(name: str, mode: int, data: bytes, inode: int) -> bytes:
    fields = [inode, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0]
    header = b"070701" + b"".join(b"%08X" % field for field in fields)
    encoded = header + name.encode() + b"\0"
    encoded += b"\0" * (-len(encoded) % 4)
    encoded += data + b"\0" * (-len(data) % 4)
    return encoded


def cpio_archive(entries: list) -> bytes:
    """A newc cpio archive of (name, mode, data) entries (directories: mode 0o040755, no data;
    symbolic links: mode 0o120777, data = the target), ending in the trailer."""
    archive = b"".join(_cpio_entry(name, mode, data, inode) for inode, (name, mode, data) in enumerate(entries, 1))
    return archive + _cpio_entry("TRAILER!!!", 0, b"", 0)


def init_script(modules: list) -> str:
    """The guest's /init: busybox applets installed, /proc /sys /dev mounted, the modules
    inserted in order, /workload run, its status printed, the machine powered off."""
    inserts = "".join(f"insmod /lib/modules/{name}.ko || echo \"linux-guest: insmod {name} failed\"\n"
                      for name in modules)
    return ("#!/bin/busybox sh\n"
            "/bin/busybox --install -s /bin\n"
            "mount -t proc proc /proc\n"
            "mount -t sysfs sysfs /sys\n"
            "mount -t devtmpfs devtmpfs /dev\n"
            f"{inserts}"
            "echo \"linux-guest: running the workload\"\n"
            "sh /workload\n"
            "echo \"linux-guest: workload ended with status $?\"\n"
            "poweroff -f\n")


def initramfs(busybox: bytes, modules: list, workload: str, programs: list = (), files: list = ()) -> bytes:
    """The initramfs: busybox, /init, the modules (name, bytes) in load order, the workload,
    `programs` (name, bytes) as executables in /bin (a benchmark's own static program), and `files`
    (path, mode, bytes) anywhere else (a path relative to /, its folders made before it)."""
    directory = 0o040755
    folders = ["bin", "dev", "proc", "sys", "tmp", "lib", "lib/modules"]
    for path, _, _ in files:
        parts = path.split("/")
        if path.startswith("/") or ".." in parts or "" in parts:
            raise Failure(f"initramfs file {path!r} is not a plain path relative to /")
        folders += ["/".join(parts[:end]) for end in range(1, len(parts)) if "/".join(parts[:end]) not in folders]
    entries = [(folder, directory, b"") for folder in folders]
    entries.append(("bin/busybox", 0o100755, busybox))
    entries.append(("bin/sh", 0o120777, b"busybox"))
    entries += [(f"bin/{name}", 0o100755, data) for name, data in programs]
    entries += [(path, 0o100000 | mode, data) for path, mode, data in files]
    entries += [(f"lib/modules/{name}.ko", 0o100644, data) for name, data in modules]
    entries.append(("init", 0o100755, init_script([name for name, _ in modules]).encode()))
    entries.append(("workload", 0o100644, workload.encode()))
    return cpio_archive(entries)


# --- Fetching ----------------------------------------------------------------------------------

def load_pins(path: Path = PINS) -> dict:
    try:
        return json.loads(path.read_text())["platforms"]
    except (OSError, ValueError, KeyError) as problem:
        raise Failure(f"cannot read {paths.relative(path)}: {problem}")


def _unpacked(name: str, pin: dict, cache: str, apt) -> Path:
    """The pinned .deb downloaded (sha256 verified) and unpacked; the folder it is in."""
    port = {"name": name, "debian": pin}
    downloads = fetch.download(port, cache, apt)
    target = Path(cache) / "linux-guest" / name / pin["version"].replace(":", "_") / pin["architecture"]
    stamp = target / ".unpacked"
    if stamp.exists() and stamp.read_text() == pin["deb"]["sha256"]:
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    subprocess.run(["dpkg-deb", "-x", os.path.join(downloads, pin["deb"]["file"]), str(target)], check=True)
    stamp.write_text(pin["deb"]["sha256"])
    return target


def guest_files(platform_name: str, pins: dict = None, extra_modules: tuple = ()) -> tuple:
    """(kernel image path, busybox bytes, [(module name, bytes)] in load order) for a platform:
    linux-guest.json's modules, then `extra_modules` (a workload's, e.g. ext4)."""
    pins = pins or load_pins()
    if platform_name not in pins:
        raise Failure(f"no Linux guest for platform {platform_name} (linux-guest.json has {', '.join(pins)})")
    pin = pins[platform_name]
    cache = fetch.cache_root()
    apt = fetch.PrivateApt(cache)
    try:
        kernel_root = _unpacked(pin["kernel"]["binary"], pin["kernel"], cache, apt)
        busybox_root = _unpacked(f"busybox-static-{pin['busybox']['architecture']}", pin["busybox"], cache, apt)
    except fetch.PortError as problem:
        raise Failure(str(problem))
    kernel = kernel_root / "boot" / f"vmlinuz-{pin['release']}"
    available = module_paths(kernel_root / "lib" / "modules" / pin["release"] / "kernel")

    def dependencies_of(name):
        if name not in available:
            raise Failure(f"{pin['kernel']['binary']} has no module {name}")
        return module_dependencies(available[name].read_bytes())

    order = load_order(list(pin["modules"]) + list(extra_modules), dependencies_of)
    modules = [(name, available[name].read_bytes()) for name in order]
    return kernel, (busybox_root / "bin" / "busybox").read_bytes(), modules


def openssl_members(pin: dict) -> list:
    """(package, path in the .deb, path in the initramfs, mode) of the `openssl` program and every
    shared object it loads, as linux-guest.json's `openssl` section names them: checked, nothing fetched."""
    section = pin.get("openssl")
    if not isinstance(section, dict) or not isinstance(section.get("packages"), dict):
        raise Failure("linux-guest.json names no openssl packages for this platform")
    members = []
    for entry in section.get("members", []):
        package, source, target = entry
        if package not in section["packages"]:
            raise Failure(f"linux-guest.json: openssl member {source} is from {package}, which is not pinned")
        members.append((package, source, target, 0o755 if target.startswith("bin/") or "/ld-linux" in target else 0o644))
    if not any(target == "bin/openssl" for _, _, target, _ in members):
        raise Failure("linux-guest.json: the openssl members hold no bin/openssl")
    return members


def openssl_files(platform_name: str, pins: dict = None) -> list:
    """(path, mode, bytes) for the initramfs: Debian's `openssl` and its libraries (libssl3,
    libcrypto, glibc's libc and dynamic loader) out of the pinned .debs of the guest's architecture;
    the program finds the libraries in /lib through LD_LIBRARY_PATH, the loader at its ELF
    interpreter path."""
    pins = pins or load_pins()
    if platform_name not in pins:
        raise Failure(f"no Linux guest for platform {platform_name}")
    pin = pins[platform_name]
    members = openssl_members(pin)
    cache = fetch.cache_root()
    apt = fetch.PrivateApt(cache)
    files = []
    try:
        roots = {package: _unpacked(f"{package}-{package_pin['architecture']}", package_pin, cache, apt)
                 for package, package_pin in pin["openssl"]["packages"].items()}
    except fetch.PortError as problem:
        raise Failure(str(problem))
    for package, source, target, mode in members:
        path = roots[package] / source
        if path.is_symlink() or not path.is_file():
            raise Failure(f"{package}'s {source} is not a plain file in its .deb")
        files.append((target, mode, path.read_bytes()))
    return files


# --- Booting -----------------------------------------------------------------------------------

def command(platform: images.Platform, kernel: Path, initrd: Path, console: str, disk_paths: list,
            qemu_arguments: list = ()) -> list:
    """QEMU as the platform boots an image (machine, memory, an image's own arguments such as its
    network flags, disks, TCG flags), with Linux instead."""
    qemu = platform.qemu
    return [qemu["binary"], *qemu.get("args", []), *qemu_arguments, *disk_images.attach_arguments(False, list(disk_paths)),
            *qemu.get("tcg_args", []), *qemu.get("serial_test", []), "-kernel", str(kernel), "-initrd", str(initrd),
            "-append", f"console={console} quiet panic=-1"]


def run(platform_name: str, workload: str, disk_paths: list, timeout_seconds: float, echo: bool = True,
        extra_modules: tuple = (), programs: list = (), files: list = (), qemu_arguments: list = (),
        on_line=None, stop=None) -> boot.BootResult:
    """Boots the Linux guest on `platform_name` with `workload` as its script (and `extra_modules`
    loaded, `programs` in /bin, `files` in the initramfs, `qemu_arguments` after the machine's: an
    image's network flags); `on_line` and `stop` as boot.boot takes them; the console result."""
    platform = images.platform(platform_name)
    if platform.hosted:
        raise Failure("the Linux guest runs on a QEMU platform (x86_64, aarch64), not hosted")
    pins = load_pins()
    kernel, busybox, modules = guest_files(platform_name, pins, extra_modules)
    folder = paths.BUILD / f"linux-guest-{platform_name}"
    folder.mkdir(parents=True, exist_ok=True)
    initrd = folder / "initramfs.cpio"
    initrd.write_bytes(initramfs(busybox, modules, workload, programs, files))
    return boot.boot(command(platform, kernel, initrd, pins[platform_name]["console"], disk_paths, qemu_arguments),
                     folder / "console.log", timeout_seconds, echo=echo, on_line=on_line, stop=stop)


def linux_guest_command(arguments) -> int:
    workload = Path(arguments.workload).read_text()
    result = run(arguments.platform, workload, [Path(disk).resolve() for disk in arguments.disk], arguments.timeout)
    if result.start_error:
        raise Failure(result.start_error)
    if result.timed_out:
        raise Failure(f"the Linux guest did not power off within {arguments.timeout} s")
    ended = [line for line in result.lines if line.startswith("linux-guest: workload ended with status ")]
    if not ended:
        raise Failure("the Linux guest powered off without running the workload")
    ui.step(f"linux guest on {arguments.platform}: {ended[-1]} ({result.seconds:.1f} s)")
    return 0 if ended[-1].endswith(" 0") else 1


def add_command(commands, common) -> None:
    command = commands.add_parser("linux-guest", parents=[common],
                                  help="boot Debian's Linux with a busybox initramfs running a workload script "
                                       "in the platform's QEMU (a benchmark's baseline)")
    command.add_argument("-p", "--platform", default="x86_64", help="x86_64 or aarch64")
    command.add_argument("--workload", required=True, help="a busybox sh script the guest runs, then powers off")
    command.add_argument("--disk", action="append", default=[], help="a disk file attached as virtio-blk-pci (repeatable)")
    command.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS, help="seconds before the guest is killed")
    command.set_defaults(handler=linux_guest_command)
