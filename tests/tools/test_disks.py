# SPDX-License-Identifier: Apache-2.0
"""Tests for disks in images (tools/vectra/disks.py, ADR 0017): the disks.json checks, the
layout, disks made by sgdisk/mkfs.fat/mcopy and read back with Debian's own tools, rebuilding
only on change, reproducible bytes, the boot arguments that attach them, and the harness's fresh
copies and several boots on the same copies (oracle "boots").

Run with Debian's Python, from tests/tools:
    /usr/bin/python3 -m unittest -v test_disks
"""

import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
TOOLS = HERE.parent.parent / "tools" / "vectra"
REPOSITORY = HERE.parent.parent


def load(module_name, file_name):
    specification = importlib.util.spec_from_file_location(module_name, TOOLS / file_name)
    module = importlib.util.module_from_spec(specification)
    sys.modules[module_name] = module
    specification.loader.exec_module(module)
    return module


sys.path.insert(0, str(TOOLS))
disks = load("disks", "disks.py")
oracle = load("oracle", "oracle.py")
qemu = load("qemu", "qemu.py")
images = load("images", "images.py")
harness = load("vectra_test_command", "test.py")
ENVIRONMENT = dict(os.environ, PATH=os.environ.get("PATH", "") + ":/usr/sbin:/sbin", MTOOLS_SKIP_CHECK="1")


def tool(*command) -> str:
    process = subprocess.run(list(command), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env=ENVIRONMENT)
    if process.returncode != 0:
        raise AssertionError(f"{command[0]} failed: {process.stdout}")
    return process.stdout


class Declarations(unittest.TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="vectra-disks-"))
        (self.folder / "raw.bin").write_bytes(b"x" * 1000)
        (self.folder / "files").mkdir()

    def tearDown(self):
        shutil.rmtree(self.folder)

    def parse(self, partitions, size_mib=64, name="disk0"):
        return disks.parse({"disks": [{"name": name, "size_mib": size_mib, "partitions": partitions}]}, self.folder,
                           "x/disks.json")

    def refused(self, partitions, expected, **keywords):
        with self.assertRaises(disks.DiskError) as caught:
            self.parse(partitions, **keywords)
        self.assertIn(expected, str(caught.exception))
        self.assertEqual(len(str(caught.exception).splitlines()), 1)
        self.assertTrue(str(caught.exception).startswith("x/disks.json: disks[0]"))

    def test_partitions_are_placed_one_after_another_on_whole_mebibytes(self):
        (disk,) = self.parse([{"name": "raw", "type": "raw", "size_kib": 1, "content": "raw.bin"},
                              {"name": "boot", "type": "fat32", "size_mib": 33, "content": "files"},
                              {"name": "spare", "type": "raw", "size_mib": 2}])
        self.assertEqual([(each.name, each.first_sector, each.last_sector) for each in disk.partitions],
                         [("raw", 2048, 2049), ("boot", 4096, 4096 + 33 * 2048 - 1),
                          ("spare", 4096 + 33 * 2048, 4096 + 35 * 2048 - 1)])

    def test_every_mistake_is_one_line_naming_its_field(self):
        raw = {"name": "raw", "type": "raw", "size_mib": 1}
        self.refused([dict(raw, type="ext4")], "\"type\" must be one of fat32, raw")
        self.refused([dict(raw, size_kib=4)], "exactly one of")
        self.refused([{"name": "raw", "type": "raw"}], "exactly one of")
        self.refused([dict(raw, size_mib=0)], "positive integer")
        self.refused([dict(raw, size_mib=True)], "positive integer")
        self.refused([dict(raw, name="ünïcode")], "\"name\" must be 1-36 ASCII")
        self.refused([dict(raw, name="x" * 37)], "\"name\" must be 1-36 ASCII")
        self.refused([raw, dict(raw)], "used twice")
        self.refused([dict(raw, content="missing.bin")], "is not a file")
        self.refused([dict(raw, content="../../etc/passwd")], "relative path inside the image folder")
        self.refused([dict(raw, content="/etc/passwd")], "relative path inside the image folder")
        self.refused([dict(raw, size_kib=512, size_mib=None)], "exactly one of")
        self.refused([{"name": "raw", "type": "raw", "size_kib": 512, "content": "files"}], "is not a file")
        self.refused([{"name": "boot", "type": "fat32", "size_mib": 40, "content": "raw.bin"}], "is not a folder")
        self.refused([{"name": "boot", "type": "fat32", "size_mib": 32}], "at least 33 MiB")
        self.refused([dict(raw, colour="red")], "unknown field 'colour'")
        self.refused([dict(raw, size_mib=63)], "need a disk of at least 65 MiB")
        self.refused([], "1 to 16 partitions")
        self.refused([raw], "\"size_mib\" must be an integer from 2", size_mib=5000)
        self.refused([raw], "\"name\" must be 1-16", name="Disk0")

    def test_the_transport_is_virtio_pci_unless_the_disk_says_virtio_mmio(self):
        raw = [{"name": "raw", "type": "raw", "size_mib": 1}]
        (plain,) = self.parse(raw)
        self.assertEqual(plain.transport, "virtio-pci")
        for transport in ("virtio-pci", "virtio-mmio"):
            (disk,) = disks.parse({"disks": [{"name": "disk0", "size_mib": 8, "partitions": raw, "transport": transport}]},
                                  self.folder, "x/disks.json")
            self.assertEqual(disk.transport, transport)
            self.assertEqual(disks.layout(disk).transport, transport)
        for wrong in ("virtio-ccw", "mmio", "", None, True, 1, ["virtio-mmio"], {"bus": "mmio"}):
            with self.assertRaises(disks.DiskError) as caught:
                disks.parse({"disks": [{"name": "disk0", "size_mib": 8, "partitions": raw, "transport": wrong}]},
                            self.folder, "x/disks.json")
            self.assertEqual(str(caught.exception),
                             "x/disks.json: disks[0]: \"transport\" must be one of virtio-mmio, virtio-pci")

    def test_a_raw_file_larger_than_its_partition_is_refused(self):
        (self.folder / "raw.bin").write_bytes(b"x" * 2048)
        self.refused([{"name": "raw", "type": "raw", "size_kib": 1, "content": "raw.bin"}], "larger than the partition")

    def test_the_shape_of_the_file_is_checked(self):
        for data in ([], {}, {"disks": {}}, {"disks": []}, {"disks": [1]}, {"disks": [], "extra": 1}):
            with self.assertRaises(disks.DiskError):
                disks.parse(data, self.folder)
        two = {"name": "disk0", "size_mib": 4, "partitions": [{"name": "a", "type": "raw", "size_mib": 1}]}
        with self.assertRaises(disks.DiskError) as caught:
            disks.parse({"disks": [two, dict(two)]}, self.folder)
        self.assertIn("used twice", str(caught.exception))

    def test_the_repository_declarations_parse(self):
        declared = sorted(REPOSITORY.glob("images/*/disks.json"))
        self.assertTrue(declared, "image blk declares disks")
        for source in declared:
            disks.load(source.parent)


class Attaching(unittest.TestCase):
    def test_qemu_gets_virtio_blk_pci_per_disk_and_hosted_a_disk_argument(self):
        paths = [Path("/b/disk0.img"), Path("/b/odd,name.img")]
        self.assertEqual(disks.attach_arguments(False, paths),
                         ["-drive", "if=none,id=disk0,file=/b/disk0.img,format=raw", "-device", "virtio-blk-pci,drive=disk0",
                          "-drive", "if=none,id=disk1,file=/b/odd,,name.img,format=raw", "-device", "virtio-blk-pci,drive=disk1"])
        self.assertEqual(disks.attach_arguments(True, paths), ["--disk=/b/disk0.img", "--disk=/b/odd,name.img"])

    def test_a_virtio_mmio_disk_is_a_virtio_blk_device_on_version_2_slots(self):
        paths = [Path("/b/disk0.img"), Path("/b/disk1.img")]
        self.assertEqual(disks.attach_arguments(False, paths, ("virtio-mmio", "virtio-pci")),
                         ["-drive", "if=none,id=disk0,file=/b/disk0.img,format=raw", "-device", "virtio-blk-device,drive=disk0",
                          "-drive", "if=none,id=disk1,file=/b/disk1.img,format=raw", "-device", "virtio-blk-pci,drive=disk1",
                          "-global", "virtio-mmio.force-legacy=false"])
        # No virtio-mmio disk: the slots are left as the platform and the image set them.
        self.assertNotIn("-global", disks.attach_arguments(False, paths, ("virtio-pci",)))
        # Hosted serves every disk the same way, whatever its transport.
        self.assertEqual(disks.attach_arguments(True, paths, ("virtio-mmio", "virtio-mmio")),
                         ["--disk=/b/disk0.img", "--disk=/b/disk1.img"])
        with self.assertRaises(disks.DiskError):
            disks.attach_arguments(False, paths, ("virtio-scsi",))

    def test_the_image_decides_the_transport(self):
        platforms = images.all_platforms()
        image = images.load_image(REPOSITORY / "images" / "blk-mmio")
        arm = qemu.command(platforms["aarch64"], Path("/b/vectra.elf"), "tcg", "test", image=image,
                           disks=[Path("/b/disk0.img")])
        self.assertIn("virtio-blk-device,drive=disk0", arm)
        self.assertNotIn("virtio-blk-pci,drive=disk0", arm)
        self.assertLess(arm.index("virtio-mmio.force-legacy=false"), arm.index("-kernel"))
        pci = qemu.command(platforms["aarch64"], Path("/b/vectra.elf"), "tcg", "test",
                           image=images.load_image(REPOSITORY / "images" / "blk"), disks=[Path("/b/disk0.img")])
        self.assertIn("virtio-blk-pci,drive=disk0", pci)

    def test_the_boot_command_carries_them(self):
        platforms = images.all_platforms()
        x86 = qemu.command(platforms["x86_64"], Path("/b/vectra.elf"), "tcg", "test", disks=[Path("/b/disk0.img")])
        self.assertIn("virtio-blk-pci,drive=disk0", x86)
        self.assertLess(x86.index("-drive"), x86.index("-kernel"))
        arm = qemu.command(platforms["aarch64"], Path("/b/vectra.elf"), "tcg", "test", disks=[Path("/b/disk0.img")])
        self.assertIn("virtio-blk-pci,drive=disk0", arm)
        hosted = qemu.command(platforms["hosted"], Path("/b/vectra.elf"), "host", "test", disks=[Path("/b/disk0.img")])
        self.assertEqual(hosted, ["/b/vectra.elf", "--disk=/b/disk0.img"])


class Making(unittest.TestCase):
    """Disks made with the real tools, read back with the real tools."""

    @classmethod
    def setUpClass(cls):
        cls.folder = Path(tempfile.mkdtemp(prefix="vectra-disks-made-"))
        cls.image = cls.folder / "image"
        cls.image.mkdir()
        (cls.image / "raw.bin").write_bytes(bytes(range(256)) * 8)
        (cls.image / "boot" / "sub").mkdir(parents=True)
        (cls.image / "boot" / "hello.txt").write_text("hello from the image builder\n")
        (cls.image / "boot" / "sub" / "A long name.txt").write_text("nested\n")
        (cls.image / disks.DECLARATION).write_text(json.dumps({"disks": [{"name": "disk0", "size_mib": 40, "partitions": [
            {"name": "raw", "type": "raw", "size_kib": 4, "content": "raw.bin"},
            {"name": "boot", "type": "fat32", "size_mib": 34, "content": "boot"},
            {"name": "spare", "type": "raw", "size_mib": 2}]}]}))
        cls.out = cls.folder / "build"
        cls.made = []
        cls.paths = disks.build(cls.image, cls.out, announce=cls.made.append)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.folder)

    def test_sgdisk_reads_the_table_it_was_asked_for(self):
        (path,) = self.paths
        self.assertEqual(path, self.out / "disk0.img")
        self.assertEqual(path.stat().st_size, 40 * disks.MIB)
        printed = tool("sgdisk", "-p", str(path))
        self.assertRegex(printed, r"1\s+2048\s+2055\s+4\.0 KiB\s+8300\s+raw")
        self.assertRegex(printed, r"2\s+4096\s+73727\s+34\.0 MiB\s+0700\s+boot")
        self.assertRegex(printed, r"3\s+73728\s+77823\s+2\.0 MiB\s+8300\s+spare")
        self.assertIn("No problems found", tool("sgdisk", "-v", str(path)))

    def test_the_raw_partition_holds_the_file(self):
        data = self.paths[0].read_bytes()
        self.assertEqual(data[2048 * 512:2048 * 512 + 2048], bytes(range(256)) * 8)
        self.assertEqual(data[2048 * 512 + 2048:2048 * 512 + 4096], bytes(2048))

    def test_the_fat32_partition_is_clean_and_holds_the_folder(self):
        partition = self.folder / "boot.fat"
        with open(self.paths[0], "rb") as disk, open(partition, "wb") as out:
            disk.seek(4096 * 512)
            out.write(disk.read(34 * disks.MIB))
        tool("fsck.fat", "-n", str(partition))
        self.assertEqual(tool("mtype", "-i", str(partition), "::/hello.txt"), "hello from the image builder\n")
        self.assertEqual(tool("mtype", "-i", str(partition), "::/sub/A long name.txt"), "nested\n")
        self.assertIn("FAT32", tool("minfo", "-i", str(partition), "::"))

    def test_rebuilt_only_when_the_declaration_or_content_changes(self):
        self.assertEqual(len(self.made), 1)
        before = self.paths[0].stat().st_mtime_ns
        announced = []
        disks.build(self.image, self.out, announce=announced.append)
        self.assertEqual(announced, [])
        self.assertEqual(self.paths[0].stat().st_mtime_ns, before)
        hello = self.image / "boot" / "hello.txt"
        original = hello.read_text()
        try:
            hello.write_text("changed\n")
            disks.build(self.image, self.out, announce=announced.append)
            self.assertEqual(len(announced), 1)
            partition = self.folder / "changed.fat"
            with open(self.paths[0], "rb") as disk, open(partition, "wb") as out:
                disk.seek(4096 * 512)
                out.write(disk.read(34 * disks.MIB))
            self.assertEqual(tool("mtype", "-i", str(partition), "::/hello.txt"), "changed\n")
        finally:
            hello.write_text(original)
            os.utime(hello, ns=(before, before))
            disks.build(self.image, self.out)

    def test_the_same_declaration_gives_the_same_bytes(self):
        other = self.folder / "other-build"
        (again,) = disks.build(self.image, other)
        self.assertEqual(again.read_bytes(), self.paths[0].read_bytes())


class HarnessCopies(unittest.TestCase):
    """The test harness boots copies; an oracle's "boots" boots the image N times on the same copies."""

    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="vectra-disks-harness-"))
        self.saved_build = harness.paths.BUILD
        harness.paths.BUILD = self.folder / "build"
        self.image_folder = self.folder / "images" / "twice"
        self.image_folder.mkdir(parents=True)
        (self.image_folder / disks.DECLARATION).write_text(json.dumps(
            {"disks": [{"name": "disk0", "size_mib": 4, "partitions": [{"name": "data", "type": "raw", "size_mib": 1}]}]}))

    def tearDown(self):
        harness.paths.BUILD = self.saved_build
        shutil.rmtree(self.folder)

    def run_target(self, boots, script):
        data = {"platforms": ["hosted"], "timeout_seconds": 10, "exit_status": 0, "boots": boots,
                "patterns": ["^boots seen: 1$", "^boots seen: 2$"] if boots == 2 else ["^boots seen: 1$"]}
        image = images.Image("twice", self.image_folder, oracle.Oracle.parse(data))
        platform = images.Platform("hosted", "", "process", None)
        request = harness.build.BuildRequest("twice", "hosted")
        target = harness.Target(image, "hosted", request, platform)
        target.elf.parent.mkdir(parents=True, exist_ok=True)
        (target.elf.parent / "disk0.img").write_text("built\n")
        target.elf.write_text("#!/bin/sh\n" + script)
        target.elf.chmod(target.elf.stat().st_mode | stat.S_IXUSR)
        tally = harness.Tally(harness.Progress(1))
        harness.boot_target(target, "host", (8, 8), tally)
        return tally, target

    COUNTING = ('disk="${1#--disk=}"\necho booted >> "$disk"\n'
                'echo "boots seen: $(grep -c booted "$disk")"\nexit 0\n')

    def test_two_boots_share_the_copies_and_never_touch_the_built_disk(self):
        tally, target = self.run_target(2, self.COUNTING)
        self.assertEqual((tally.passed, tally.failed), (1, 0), tally.failures)
        self.assertEqual((target.elf.parent / "disk0.img").read_text(), "built\n")
        self.assertEqual((target.elf.parent / "test-disks" / "disk0.img").read_text(), "built\nbooted\nbooted\n")
        self.assertTrue((target.elf.parent / "console-boot1.log").exists())

    def test_each_run_starts_from_a_fresh_copy(self):
        for _ in range(2):  # the second run would see "boots seen: 2" on the first run's copy
            tally, target = self.run_target(1, self.COUNTING)
            self.assertEqual((tally.passed, tally.failed), (1, 0), tally.failures)
            self.assertEqual((target.elf.parent / "test-disks" / "disk0.img").read_text(), "built\nbooted\n")

    def test_a_first_boot_that_fails_stops_the_run_naming_it(self):
        tally, _ = self.run_target(2, 'echo "boots seen: 1"\nexit 3\n')
        self.assertEqual((tally.passed, tally.failed), (0, 1))
        self.assertIn("boot 1 of 2: exit status 3, expected 0", tally.failures[0])

    def test_boots_is_checked(self):
        for value in (0, 9, True, "2"):
            with self.assertRaises(oracle.OracleError):
                oracle.Oracle.parse({"platforms": [], "boots": value})
        self.assertEqual(oracle.Oracle.parse({"platforms": []}).boots, 1)


if __name__ == "__main__":
    unittest.main()
