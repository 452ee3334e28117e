# SPDX-License-Identifier: Apache-2.0
"""Tests of `./vectra top`: the snapshot decoder against well-formed, malformed, truncated, torn and
random tables (never a traceback: a SnapshotError naming what is wrong); the reader's retry of torn
copies; the command's refusals; and, in a copy of the tree, `top --once` on a launched `minimal`
(x86_64 and aarch64 under TCG, hosted) and on one `./vectra run` is running (hosted, x86_64),
listing exactly initd and the manifest's services with plausible fields.

    /usr/bin/python3 -m unittest -v test_top      (from tests/tools)
"""

import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = Path(HERE).parents[1]
sys.path.insert(0, str(ROOT / "tools" / "vectra"))
sys.dont_write_bytecode = True

import snapshot  # noqa: E402
import top  # noqa: E402
from ui import Failure  # noqa: E402


def record(name=b"vfsd", identifier=4, state=1, band=0, cpu=0, time_used=5_000_000, switches=22,
           reticle=(729 * 1024, 1024 * 1024), by_class=None, rings=((2, 0, 4), (1, 1, 4))):
    by_class = by_class if by_class is not None else {2: 1, 3: 2, 4: 1, 6: 1, 8: 1}
    counts = [by_class.get(number, 0) for number in range(snapshot.CLASS_SLOTS)]
    data = bytearray(snapshot.RECORD_BYTES)
    data[:len(name)] = name
    struct.pack_into("<IBBBB", data, 32, identifier, state, band, cpu, len(rings))
    struct.pack_into("<QQQQ", data, 40, time_used, switches, reticle[0], reticle[1])
    struct.pack_into("<I", data, 72, sum(counts))
    struct.pack_into(f"<{snapshot.CLASS_SLOTS}H", data, 76, *counts)
    for index, (end, used, capacity) in enumerate(rings):
        struct.pack_into("<B3xII", data, snapshot.RING_ENDS_OFFSET + index * 12, end, used, capacity)
    return bytes(data)


def table(records=None, capacity=4, generation=7, trailer=None, listed=None, cpus=1, magic=snapshot.MAGIC,
          version=snapshot.VERSION):
    records = records if records is not None else [record(), record(b"initd", 1, 0, by_class={1: 2, 3: 2}, rings=())]
    data = bytearray(snapshot.table_bytes(capacity))
    data[8:16] = magic
    struct.pack_into("<Q", data, 0, generation)
    struct.pack_into("<IIQQIIIIII", data, 16, version, snapshot.RECORD_BYTES, 1_500_000_000, 48,
                     len(records), capacity, listed if listed is not None else len(records), cpus,
                     snapshot.RING_ENDS_PER_RECORD, snapshot.CLASS_SLOTS)
    for index, each in enumerate(records):
        at = snapshot.HEADER_BYTES + index * snapshot.RECORD_BYTES
        data[at:at + snapshot.RECORD_BYTES] = each
    struct.pack_into("<Q", data, len(data) - 8, generation if trailer is None else trailer)
    return bytes(data)


class Decoder(unittest.TestCase):
    def test_a_whole_table_decodes(self):
        decoded = snapshot.decode(table())
        self.assertEqual([task.name for task in decoded.tasks], ["vfsd", "initd"])
        vfsd = decoded.tasks[0]
        self.assertEqual((vfsd.id, vfsd.state, vfsd.band, vfsd.cpu), (4, "waiting", "person", 0))
        self.assertEqual(vfsd.by_class, {"memory": 1, "ring": 2, "signal": 1, "reticle": 1, "device": 1})
        self.assertEqual(vfsd.rings, (snapshot.RingEnd("receive", 0, 4), snapshot.RingEnd("send", 1, 4)))
        self.assertEqual((decoded.generation, decoded.switches, decoded.tasks_listed), (7, 48, 2))
        lines = snapshot.table(decoded, "minimal-hosted")
        self.assertIn("memory:1 ring:2 signal:1 reticle:1 device:1", lines[2])
        self.assertIn("<0/4 >1/4", lines[2])

    def test_every_class_a_driver_holds_is_counted(self):
        """A driver's PciDevice and DeviceMemory capabilities (classes 10 and 11) are counted by name;
        a class newer than the decoder by its number."""
        driver = record(b"virtioblk", 9, by_class={3: 2, 7: 1, 10: 1, 11: 2, 14: 1}, rings=())
        decoded = snapshot.decode(table([driver]))
        self.assertEqual(decoded.tasks[0].by_class,
                         {"ring": 2, "irq": 1, "pci-device": 1, "device-memory": 2, "class-14": 1})

    def refused(self, data, text, kind=snapshot.SnapshotError):
        with self.assertRaises(kind) as caught:
            snapshot.decode(data)
        self.assertIn(text, str(caught.exception))

    def test_each_malformed_field_is_named(self):
        self.refused(b"", "truncated: 0 bytes")
        self.refused(bytes(snapshot.table_bytes(4)), "no snapshot yet", snapshot.NoSnapshotYet)
        self.refused(table(magic=b"NOTASNAP"), "not a debug snapshot")
        self.refused(table(version=snapshot.VERSION + 1), f"snapshot version {snapshot.VERSION + 1}")
        self.refused(table(generation=9, trailer=8), "torn copy", snapshot.TornSnapshot)
        self.refused(table(capacity=4)[:-9], "truncated")
        self.refused(table(cpus=0), "no CPUs")
        self.refused(table(listed=1), "task records for 1 listed")
        self.refused(table([record(state=7)]), "unknown state 7")
        self.refused(table([record(band=2)]), "unknown band 2")
        self.refused(table([record(cpu=1)]), "CPU 1 of 1")
        self.refused(table([record(name=b"")]), "empty name")
        self.refused(table([record(name=b"v\x1bfsd")]), "not printable")
        self.refused(table([record(reticle=(2, 1))]), "exceed its size")
        self.refused(table([record(rings=((3, 0, 4),))]), "unknown kind 3")
        self.refused(table([record(rings=((1, 5, 4),))]), "5 of 4 slots")
        self.refused(table([record(), record(b"initd")]), "share an id")
        broken = bytearray(table([record()]))
        struct.pack_into("<I", broken, snapshot.HEADER_BYTES + 72, 99)
        self.refused(bytes(broken), "add up to 6, not 99")
        broken = bytearray(table([record()]))
        struct.pack_into("<I", broken, 44, 100000)
        self.refused(bytes(broken), "task capacity 100000")

    def test_every_truncation_is_refused_with_an_error(self):
        whole = table()
        for length in range(len(whole)):
            with self.assertRaises(snapshot.SnapshotError, msg=f"{length} bytes"):
                snapshot.decode(whole[:length])

    def test_random_bytes_and_mutations_never_raise_anything_else(self):
        generator = random.Random(11)
        whole = table()
        for _ in range(3000):
            if generator.random() < 0.5:
                data = bytes(generator.getrandbits(8) for _ in range(generator.randrange(0, 600)))
                if generator.random() < 0.5:
                    data = data[:8] + snapshot.MAGIC + data[16:]
            else:
                data = bytearray(whole)
                for _ in range(generator.randrange(1, 8)):
                    data[generator.randrange(len(data))] = generator.getrandbits(8)
                data = bytes(data[:generator.randrange(len(data) + 1)] if generator.random() < 0.2 else data)
            try:
                decoded = snapshot.decode(data)
            except snapshot.SnapshotError:
                continue
            snapshot.table(decoded, "fuzz")  # whatever decodes also draws


class FakeMemory:
    def __init__(self, copies):
        self.copies = list(copies)
        self.reads = 0

    def read(self, address, size):
        self.reads += 1
        return self.copies.pop(0) if len(self.copies) > 1 else self.copies[0]


class Reader(unittest.TestCase):
    def test_a_torn_copy_is_copied_again(self):
        memory = FakeMemory([table(generation=3, trailer=4), table(generation=4)])
        self.assertEqual(top.read_snapshot(memory, 0, 0).generation, 4)
        self.assertEqual(memory.reads, 2)

    def test_garbage_is_a_failure_with_a_message_not_a_traceback(self):
        with self.assertRaises(Failure) as caught:
            top.read_snapshot(FakeMemory([b"\x01" * 200]), 0, 0)
        self.assertIn("unreadable: not a debug snapshot", caught.exception.message)
        with self.assertRaises(Failure) as caught:
            top.read_snapshot(FakeMemory([table(generation=3, trailer=4)]), 0, 0)
        self.assertIn("torn", caught.exception.message)

    def test_a_table_never_written_is_said_so(self):
        with self.assertRaises(top.NoSnapshotYet) as caught:
            top.read_snapshot(FakeMemory([bytes(snapshot.table_bytes(4))]), 0, 0)
        self.assertIn("no debug snapshot yet", caught.exception.message)

    def test_an_image_without_the_table_is_named(self):
        with self.assertRaises(Failure) as caught:
            top.locate(Path(sys.executable))
        self.assertIn("CONFIG_DEBUG_SNAPSHOT=y", caught.exception.message)

    def test_nothing_to_attach_to_is_one_line(self):
        result = subprocess.run(["/usr/bin/python3", str(ROOT / "tools" / "vectra" / "main.py"), "top",
                                 "no-such-image-here", "-p", "hosted", "--attach", "--once"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertNotIn("Traceback", result.stderr)
        self.assertTrue(result.stderr.startswith("error: "), result.stderr)


def parse_rows(output: str) -> dict:
    """`top --once`'s table: name -> fields."""
    lines = output.splitlines()
    heading = next(index for index, line in enumerate(lines) if line.startswith("ID  NAME"))
    rows = {}
    for line in lines[heading + 1:]:
        if not line.strip():
            break
        fields = line.split()
        used, size = (int(each) for each in fields[8].split("/"))
        rows[fields[1]] = {
            "id": int(fields[0]), "state": fields[2], "band": fields[3], "cpu": int(fields[4]),
            "time_ms": float(fields[6]), "switches": int(fields[7]), "reticle_used": used, "reticle_size": size,
            "caps": int(fields[9]),
            "by_class": {name: int(count) for name, _, count in (each.partition(":") for each in fields[10:]
                                                                   if ":" in each)},
            "rings": [(each[0], *(int(part) for part in each[1:].split("/"))) for each in fields[10:]
                      if each[0] in "<>"],
        }
    return rows


@unittest.skipUnless(shutil.which("cmake") and shutil.which("ninja"), "needs cmake and ninja")
class Sessions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = Path(tempfile.mkdtemp(prefix="vectra-top-"))
        cls.tree = cls.scratch / "tree"
        shutil.copytree(ROOT, cls.tree, ignore=shutil.ignore_patterns("build", ".git", "__pycache__"), symlinks=True)
        manifest = json.loads((ROOT / "images" / "minimal" / "manifest.json").read_text())
        cls.services = {task["name"]: task for task in manifest["tasks"] if task["kind"] == "service"}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch, ignore_errors=True)

    def vectra(self, *arguments, timeout=900):
        return subprocess.run(["/usr/bin/python3", str(self.tree / "tools" / "vectra" / "main.py"), *arguments],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                              timeout=timeout)

    def check_tasks(self, output: str):
        rows = parse_rows(output)
        self.assertEqual(set(rows), {"initd", *self.services}, output)
        self.assertEqual(len({row["id"] for row in rows.values()}), len(rows))
        for name, row in rows.items():
            self.assertIn(row["state"], ("runnable", "waiting"), name)
            self.assertEqual(row["cpu"], 0)
            self.assertGreater(row["switches"], 0, name)
            self.assertGreater(row["time_ms"], 0, name)
            self.assertGreater(row["caps"], 0, name)
            self.assertEqual(sum(row["by_class"].values()), row["caps"], name)
            self.assertGreater(row["reticle_used"], 0, name)
            self.assertLessEqual(row["reticle_used"], row["reticle_size"], name)
            for end, used, slots in row["rings"]:
                self.assertLessEqual(used, slots, name)
        for name, task in self.services.items():
            row = rows[name]
            self.assertEqual(row["band"], task["band"])
            self.assertEqual(row["reticle_size"], task["reticle_kib"])
            # it holds at least what its Bundle gave it, class by class
            for class_name in {slot["class"] for slot in task["bundle"].values()}:
                granted = sum(1 for slot in task["bundle"].values() if slot["class"] == class_name)
                short = class_name.removesuffix("Cap").lower()
                self.assertGreaterEqual(row["by_class"].get(short, 0), granted, f"{name}: {class_name}")
            rings = [slot for slot in task["bundle"].values() if slot["class"] == "RingCap"]
            self.assertEqual(row["by_class"].get("ring"), len(rings))
            self.assertEqual(sorted(end for end, _, _ in row["rings"]),
                             sorted(">" if "send" in slot["rights"] else "<" for slot in rings))
        self.assertEqual(rows["initd"]["band"], "person")
        self.assertIn("task", rows["initd"]["by_class"])

    def launched(self, platform):
        result = self.vectra("top", "minimal", "-p", platform, "--once", "-j2")
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        self.assertIn("minimal-" + platform + "+top (launched by top)", result.stdout)
        self.check_tasks(result.stdout)
        console = (self.tree / "build" / f"minimal-{platform}+top" / top.CONSOLE_LOG).read_text()
        self.assertIn("initd: checks finished (status 0); staying up until stopped", console)
        # top stopped the image it launched
        if platform == "hosted":
            self.assertIsNone(top.running_hosted(self.tree / "build" / "minimal-hosted+top" / "vectra.elf"))

    def test_launched_on_hosted(self):
        self.launched("hosted")

    @unittest.skipUnless(shutil.which("qemu-system-x86_64"), "needs QEMU")
    def test_launched_on_x86_64(self):
        self.launched("x86_64")

    @unittest.skipUnless(shutil.which("qemu-system-aarch64"), "needs QEMU")
    def test_launched_on_aarch64(self):
        self.launched("aarch64")

    def attached(self, platform):
        # `run` boots the image `top` launches (minimal built with STAY_UP, in minimal-<platform>+top):
        # one build per platform, shared through a link as the folder `run --no-build` boots.
        staying_up = self.tree / "build" / f"minimal-{platform}+top"
        if not (staying_up / "vectra.elf").exists():
            self.launched(platform)
        folder = self.tree / "build" / f"minimal-{platform}"
        if not folder.exists():
            folder.symlink_to(staying_up.name, target_is_directory=True)
        running = subprocess.Popen(["/usr/bin/python3", str(self.tree / "tools" / "vectra" / "main.py"), "run",
                                    "minimal", "-p", platform, "--no-build", "--no-kvm"],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            seen = []
            for line in running.stdout:
                seen.append(line)
                if "staying up until stopped" in line or time.monotonic() > deadline:
                    break
            self.assertIn("staying up until stopped", "".join(seen))
            time.sleep(1.5)  # a heartbeat: the table now holds the settled image
            result = self.vectra("top", "minimal", "-p", platform, "--once", "--attach", timeout=120)
            self.assertEqual(result.returncode, 0, result.stderr[-3000:])
            self.assertIn(f"minimal-{platform} (attached)", result.stdout)
            self.check_tasks(result.stdout)
        finally:
            os.killpg(running.pid, signal.SIGKILL)
            running.wait()
            running.stdout.close()

    def test_attached_to_run_on_hosted(self):
        self.attached("hosted")

    @unittest.skipUnless(shutil.which("qemu-system-x86_64"), "needs QEMU")
    def test_attached_to_run_on_x86_64(self):
        self.attached("x86_64")


if __name__ == "__main__":
    unittest.main()
