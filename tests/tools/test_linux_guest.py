# SPDX-License-Identifier: Apache-2.0
"""Tests for tools/vectra/linuxguest.py (no network, no QEMU): module dependencies read from
.modinfo, the load order, the initramfs's cpio bytes and contents, the QEMU command line.

    /usr/bin/python3 -m unittest -v test_linux_guest      (from tests/tools)
"""

import json
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

REPOSITORY = Path(__file__).resolve().parents[2]
TOOLS = REPOSITORY / "tools" / "vectra"
sys.path.insert(0, str(TOOLS))  # linuxguest.py imports its siblings by name

import images  # noqa: E402
import linuxguest as guest  # noqa: E402
from ui import Failure  # noqa: E402


def read_cpio(archive: bytes) -> list:
    """An independent newc reader: (name, mode, data) per entry up to the trailer, checking the
    magic, the field widths and the 4-byte alignment the kernel's unpacker requires."""
    entries, offset = [], 0
    while True:
        assert archive[offset:offset + 6] == b"070701", f"no newc magic at {offset}"
        fields = [int(archive[offset + 6 + 8 * index:offset + 14 + 8 * index], 16) for index in range(13)]
        mode, size, name_size = fields[1], fields[6], fields[11]
        name_start = offset + 110
        name = archive[name_start:name_start + name_size - 1].decode()
        assert archive[name_start + name_size - 1] == 0
        data_start = (name_start + name_size + 3) & ~3
        data = archive[data_start:data_start + size]
        offset = (data_start + size + 3) & ~3
        if name == "TRAILER!!!":
            assert offset == len(archive)
            return entries
        entries.append((name, mode, data))


def module_bytes(depends: str) -> bytes:
    """What matters of a .ko here: its .modinfo strings among other bytes."""
    return b"\x7fELF\0junk\0license=GPL\0depends=" + depends.encode() + b"\0retpoline=Y\0name=x\0vermagic=6.1\0"


class ModuleDependencies(unittest.TestCase):
    def test_depends_is_read_from_modinfo(self):
        self.assertEqual(guest.module_dependencies(module_bytes("virtio,virtio_ring")), ["virtio", "virtio_ring"])

    def test_no_dependencies(self):
        self.assertEqual(guest.module_dependencies(module_bytes("")), [])
        self.assertEqual(guest.module_dependencies(b"\x7fELF\0license=GPL\0"), [])

    def test_dashes_are_underscores(self):
        self.assertEqual(guest.module_dependencies(module_bytes("virtio-pci-modern-dev")), ["virtio_pci_modern_dev"])


class LoadOrder(unittest.TestCase):
    GRAPH = {
        "virtio_pci": ["virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio", "virtio_ring"],
        "virtio_pci_modern_dev": [], "virtio_pci_legacy_dev": [],
        "virtio_blk": ["virtio", "virtio_ring"],
        "virtio_ring": [], "virtio": [],
    }

    def test_each_after_what_it_depends_on_once(self):
        order = guest.load_order(["virtio_pci", "virtio_blk"], self.GRAPH.__getitem__)
        self.assertEqual(sorted(order), sorted(self.GRAPH))
        for name, dependencies in self.GRAPH.items():
            for dependency in dependencies:
                self.assertLess(order.index(dependency), order.index(name), f"{dependency} before {name}")
        self.assertEqual(order[-1], "virtio_blk")

    def test_a_cycle_is_refused(self):
        cycle = {"a": ["b"], "b": ["c"], "c": ["a"]}
        with self.assertRaisesRegex(Failure, "cycle: a -> b -> c -> a"):
            guest.load_order(["a"], cycle.__getitem__)


class Initramfs(unittest.TestCase):
    def test_cpio_bytes_of_one_file(self):
        archive = guest.cpio_archive([("init", 0o100755, b"#!")])
        # Header: magic, inode 1, mode, uid, gid, nlink 1, mtime, size 2, devs, name size 5, check.
        header = b"070701" + b"00000001" + b"000081ED" + b"00000000" * 2 + b"00000001" + b"00000000" \
            + b"00000002" + b"00000000" * 4 + b"00000005" + b"00000000"
        self.assertEqual(archive[:110], header)
        self.assertEqual(archive[110:116], b"init\0\0")  # name, padded to 4 with the 110-byte header
        self.assertEqual(archive[116:120], b"#!\0\0")
        self.assertEqual(len(archive) % 4, 0)

    def test_contents(self):
        modules = [("virtio", b"V" * 5), ("virtio_ring", b"R" * 4096), ("virtio_blk", b"B")]
        archive = guest.initramfs(b"BUSYBOX", modules, "dd if=/dev/vda of=/dev/null\n")
        entries = {name: (mode, data) for name, mode, data in read_cpio(archive)}
        self.assertEqual(entries["bin/busybox"], (0o100755, b"BUSYBOX"))
        self.assertEqual(entries["bin/sh"], (0o120777, b"busybox"))
        for folder in ("dev", "proc", "sys", "tmp", "lib/modules"):
            self.assertEqual(entries[folder][0], 0o040755)
        for name, data in modules:
            self.assertEqual(entries[f"lib/modules/{name}.ko"], (0o100644, data))
        self.assertEqual(entries["workload"][1], b"dd if=/dev/vda of=/dev/null\n")
        mode, init = entries["init"]
        self.assertEqual(mode, 0o100755)
        lines = init.decode().splitlines()
        self.assertEqual(lines[0], "#!/bin/busybox sh")
        inserted = [line.split()[1] for line in lines if line.startswith("insmod ")]
        self.assertEqual(inserted, ["/lib/modules/virtio.ko", "/lib/modules/virtio_ring.ko", "/lib/modules/virtio_blk.ko"])
        self.assertLess(lines.index("mount -t devtmpfs devtmpfs /dev"), [i for i, l in enumerate(lines) if l.startswith("insmod")][0])
        self.assertLess(lines.index("sh /workload"), lines.index("poweroff -f"))

    def test_a_workload_s_programs_are_executables_in_bin(self):
        archive = guest.initramfs(b"BUSYBOX", [], "store_bench /mnt 1 1\n", [("store_bench", b"\x7fELF")])
        entries = {name: (mode, data) for name, mode, data in read_cpio(archive)}
        self.assertEqual(entries["bin/store_bench"], (0o100755, b"\x7fELF"))
        self.assertEqual(entries["bin/busybox"], (0o100755, b"BUSYBOX"))

    def test_files_go_anywhere_after_their_folders(self):
        files = [("www/bench/1k.txt", 0o644, b"K" * 1024), ("lib64/ld-linux-x86-64.so.2", 0o755, b"LD"),
                 ("etc/identity.pem", 0o600, b"PEM")]
        archive = read_cpio(guest.initramfs(b"BUSYBOX", [], "true\n", [], files))
        names = [name for name, _, _ in archive]
        entries = {name: (mode, data) for name, mode, data in archive}
        for path, mode, data in files:
            self.assertEqual(entries[path], (0o100000 | mode, data))
            folders = ["/".join(path.split("/")[:end]) for end in range(1, path.count("/") + 1)]
            for folder in folders:  # the kernel's unpacker needs each folder before what is in it
                self.assertEqual(entries[folder][0], 0o040755)
                self.assertLess(names.index(folder), names.index(path))
        self.assertEqual(names.count("lib"), 1)  # a folder the initramfs has anyway is not made twice

    def test_a_file_path_leaving_the_root_is_refused(self):
        for path in ("/etc/passwd", "www/../../x", "www//x", ""):
            with self.assertRaises(Failure, msg=path):
                guest.initramfs(b"BUSYBOX", [], "true\n", [], [(path, 0o644, b"x")])


class GuestFiles(unittest.TestCase):
    def test_modules_come_from_the_package_in_dependency_order(self):
        with tempfile.TemporaryDirectory() as folder:
            kernel_root, busybox_root = Path(folder, "kernel"), Path(folder, "busybox")
            drivers = kernel_root / "lib/modules/6.1.0-57-amd64/kernel/drivers"
            for relative, depends in (("virtio/virtio.ko", ""), ("virtio/virtio_ring.ko", ""),
                                      ("virtio/virtio_pci.ko", "virtio_ring,virtio,virtio_pci_modern_dev"),
                                      ("virtio/virtio_pci_modern_dev.ko", ""),
                                      ("block/virtio_blk.ko", "virtio,virtio_ring"), ("block/unused.ko", "")):
                (drivers / relative).parent.mkdir(parents=True, exist_ok=True)
                (drivers / relative).write_bytes(module_bytes(depends))
            (busybox_root / "bin").mkdir(parents=True)
            (busybox_root / "bin/busybox").write_bytes(b"BUSYBOX")
            pins = guest.load_pins()
            roots = {"linux-image-6.1.0-57-amd64": kernel_root, "busybox-static-amd64": busybox_root}
            with mock.patch.object(guest, "_unpacked", lambda name, pin, cache, apt: roots[name]):
                kernel, busybox, modules = guest.guest_files("x86_64", pins)
            self.assertEqual(kernel, kernel_root / "boot/vmlinuz-6.1.0-57-amd64")
            self.assertEqual(busybox, b"BUSYBOX")
            self.assertEqual([name for name, _ in modules],
                             ["virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci", "virtio_blk"])
            (drivers / "fs").mkdir()
            (drivers / "fs/jbd2.ko").write_bytes(module_bytes(""))
            (drivers / "fs/ext4.ko").write_bytes(module_bytes("jbd2"))
            with mock.patch.object(guest, "_unpacked", lambda name, pin, cache, apt: roots[name]):
                _, _, modules = guest.guest_files("x86_64", pins, ("ext4",))
            self.assertEqual([name for name, _ in modules],  # a workload's modules after the pinned ones, with theirs
                             ["virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci", "virtio_blk", "jbd2", "ext4"])
            pins["x86_64"]["modules"] = ["virtio_scsi"]
            with mock.patch.object(guest, "_unpacked", lambda name, pin, cache, apt: roots[name]):
                with self.assertRaisesRegex(Failure, "has no module virtio_scsi"):
                    guest.guest_files("x86_64", pins)

    def test_openssl_and_the_libraries_it_loads_come_from_their_packages(self):
        pins = guest.load_pins()
        with tempfile.TemporaryDirectory() as folder:
            roots = {}
            for package, source, _, _ in guest.openssl_members(pins["x86_64"]):
                root = Path(folder, package)
                roots[f"{package}-amd64"] = root
                (root / source).parent.mkdir(parents=True, exist_ok=True)
                (root / source).write_bytes(source.encode())
            with mock.patch.object(guest, "_unpacked", lambda name, pin, cache, apt: roots[name]):
                files = {path: (mode, data) for path, mode, data in guest.openssl_files("x86_64", pins)}
            self.assertEqual(files["bin/openssl"], (0o755, b"usr/bin/openssl"))
            self.assertEqual(files["lib/libssl.so.3"], (0o644, b"usr/lib/x86_64-linux-gnu/libssl.so.3"))
            self.assertEqual(files["lib/libcrypto.so.3"], (0o644, b"usr/lib/x86_64-linux-gnu/libcrypto.so.3"))
            self.assertEqual(files["lib/libc.so.6"], (0o644, b"lib/x86_64-linux-gnu/libc.so.6"))
            # The loader where openssl's ELF interpreter names it, executable.
            self.assertEqual(files["lib64/ld-linux-x86-64.so.2"], (0o755, b"lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"))
            # A member that is a symbolic link in its package (libc6's /lib64 link is absolute) is refused.
            link = roots["libc6-amd64"] / "lib/x86_64-linux-gnu/libc.so.6"
            link.unlink()
            link.symlink_to("/lib/x86_64-linux-gnu/libc.so.6")
            with mock.patch.object(guest, "_unpacked", lambda name, pin, cache, apt: roots[name]):
                with self.assertRaisesRegex(Failure, "not a plain file"):
                    guest.openssl_files("x86_64", pins)

    def test_openssl_members_name_pinned_packages_and_the_program(self):
        pin = guest.load_pins()["aarch64"]
        members = guest.openssl_members(pin)
        self.assertIn(("libc6", "lib/aarch64-linux-gnu/ld-linux-aarch64.so.1", "lib/ld-linux-aarch64.so.1", 0o755), members)
        for package in pin["openssl"]["packages"].values():
            self.assertEqual(package["architecture"], "arm64")
            self.assertRegex(package["deb"]["sha256"], "^[0-9a-f]{64}$")
        unpinned = json.loads(json.dumps(pin))
        del unpinned["openssl"]["packages"]["libc6"]
        with self.assertRaisesRegex(Failure, "not pinned"):
            guest.openssl_members(unpinned)
        without = json.loads(json.dumps(pin))
        without["openssl"]["members"] = [member for member in without["openssl"]["members"] if member[2] != "bin/openssl"]
        with self.assertRaisesRegex(Failure, "no bin/openssl"):
            guest.openssl_members(without)
        with self.assertRaisesRegex(Failure, "no openssl packages"):
            guest.openssl_members({})

    def test_every_platform_is_pinned(self):
        pins = guest.load_pins()
        self.assertEqual(sorted(pins), ["aarch64", "x86_64"])
        for pin in pins.values():
            for package in ("kernel", "busybox"):
                self.assertRegex(pin[package]["deb"]["sha256"], "^[0-9a-f]{64}$")
            self.assertTrue(pin["kernel"]["binary"].endswith(pin["release"]))


class Command(unittest.TestCase):
    def test_the_image_machine_and_disk_flags(self):
        platform = images.load_platform(REPOSITORY / "platforms" / "x86_64")
        command = guest.command(platform, Path("/k/vmlinuz"), Path("/b/initramfs.cpio"), "ttyS0", [Path("/d/disk0.img")])
        qemu = platform.qemu
        self.assertEqual(command[0], qemu["binary"])
        self.assertEqual(command[1:1 + len(qemu["args"])], qemu["args"])
        drive = sys.modules["disks"].attach_arguments(False, [Path("/d/disk0.img")])
        start = command.index("-drive")
        self.assertEqual(command[start:start + len(drive)], drive)
        self.assertEqual(command[-6:], ["-kernel", "/k/vmlinuz", "-initrd", "/b/initramfs.cpio", "-append",
                                        "console=ttyS0 quiet panic=-1"])
        for flag in qemu["tcg_args"]:
            self.assertIn(flag, command)

    def test_an_image_s_network_flags_come_after_the_machine_s(self):
        platform = images.load_platform(REPOSITORY / "platforms" / "x86_64")
        network = ["-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:5555-:80", "-device", "virtio-net-pci,netdev=n0"]
        command = guest.command(platform, Path("/k/vmlinuz"), Path("/b/initramfs.cpio"), "ttyS0", [], network)
        start = 1 + len(platform.qemu["args"])
        self.assertEqual(command[start:start + len(network)], network)


if __name__ == "__main__":
    unittest.main()
