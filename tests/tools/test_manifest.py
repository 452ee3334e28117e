# SPDX-License-Identifier: Apache-2.0
"""Tests of the boot manifest compiler: footprint checks, composition checks against the
configuration, refusals of malformed input (one line, never a traceback) and the generated C++."""

import copy
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SPEC = importlib.util.spec_from_file_location("compile", os.path.join(ROOT, "tools", "manifest", "compile.py"))
compiler = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(compiler)
taskconfig = sys.modules["taskconfig"]  # loaded by the compiler from its own folder

with open(os.path.join(ROOT, "images", "minimal", "manifest.json"), encoding="utf-8") as handle:
    MINIMAL = json.load(handle)
with open(os.path.join(ROOT, "images", "many-tasks", "manifest.json"), encoding="utf-8") as handle:
    MANY = json.load(handle)
with open(os.path.join(ROOT, "images", "supervision", "manifest.json"), encoding="utf-8") as handle:
    SUPERVISION = json.load(handle)
with open(os.path.join(ROOT, "images", "supervision-tree", "manifest.json"), encoding="utf-8") as handle:
    TREE = json.load(handle)
TREE["tasks"][1]["count"] = 3  # doomed-0 .. doomed-2, in the group deep


class ManifestTest(unittest.TestCase):
    def compile(self, manifest):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "manifest.json")
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(manifest, handle)
            output = os.path.join(folder, "out.cpp")
            compiler.compile_manifest(path, ROOT, output)
            with open(output, encoding="utf-8") as handle:
                return handle.read()

    def test_the_image_name_is_emitted_for_the_kernel(self):
        self.assertIn('char const vectra::kernel::image_name[] = "minimal";', self.compile(MINIMAL))

    def expect_error(self, manifest, *fragments):
        with self.assertRaises(compiler.ManifestError) as caught:
            self.compile(manifest)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))

    def test_minimal_manifest_compiles_to_initd_data(self):
        text = self.compile(MINIMAL)
        self.assertIn("&task_entries::vfsd", text)
        self.assertIn("&task_entries::vfs_selfcheck", text)
        # The table declares each entry it names the way its component registers it.
        self.assertIn("#include <vectra/TaskEntry.h>", text)
        self.assertIn("VECTRA_TASK_ENTRY(vfs_selfcheck);\nVECTRA_TASK_ENTRY(vfsd);", text)
        self.assertIn("vectra::session::schema_id", text)
        self.assertIn('{ "requests", SlotKind::RequestRing, 0, RightReceive | RightMove }', text)
        self.assertIn('{ "console", SlotKind::Console, 0, RightWrite }', text)  # a device capability never moves

    def test_missing_grant_is_refused(self):
        manifest = copy.deepcopy(MINIMAL)
        del manifest["tasks"][0]["bundle"]["ready"]
        self.expect_error(manifest, "task vfsd", "'ready'", "does not grant")

    def test_extra_grant_is_refused(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][1]["bundle"]["ready"] = {"class": "SignalCap", "rights": ["raise"]}
        self.expect_error(manifest, "task selfcheck", "'ready'", "extra grant")

    def test_wider_rights_are_refused(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["bundle"]["memory"]["rights"] = ["retype", "grant"]
        self.expect_error(manifest, "slot 'memory'", "granted rights")

    def test_wrong_class_is_refused(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["bundle"]["ready"] = {"class": "ReticleCap", "rights": ["raise"]}
        self.expect_error(manifest, "slot 'ready'", "footprint wants SignalCap")

    def test_unknown_connection_and_entry_are_refused(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["bundle"]["requests"]["connection"] = "nowhere"
        self.expect_error(manifest, 'unknown connection "nowhere"')
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["entry"] = "no_such_entry"
        self.expect_error(manifest, "no component declares a footprint for entry 'no_such_entry'")

    def test_ring_end_granted_twice_or_never_is_refused(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["connections"]["vfs"]["listener"] = False
        duplicate = copy.deepcopy(manifest["tasks"][1])
        duplicate["name"] = "selfcheck-2"
        manifest["tasks"].append(duplicate)
        self.expect_error(manifest, "already granted to selfcheck")
        manifest = copy.deepcopy(MINIMAL)
        del manifest["tasks"][1]
        self.expect_error(manifest, "nobody holds the producer end of its requests Ring")

    def test_a_listener_has_many_clients_and_one_service(self):
        manifest = copy.deepcopy(MINIMAL)
        for number in (2, 3):
            duplicate = copy.deepcopy(manifest["tasks"][1])
            duplicate["name"] = f"selfcheck-{number}"
            manifest["tasks"].append(duplicate)
        self.assertIn("selfcheck-3", self.compile(manifest))
        second_service = copy.deepcopy(manifest["tasks"][0])
        second_service["name"] = "vfsd-2"
        manifest["tasks"].append(second_service)
        self.expect_error(manifest, "the consumer end of vfs.requests is already granted to vfsd")
        manifest = copy.deepcopy(MINIMAL)
        manifest["connections"]["vfs"]["one_way"] = True
        self.expect_error(manifest, "a listener is a Ring pair")

    def test_bad_sizes_and_duplicate_names_are_refused(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["stack_kib"] = 1
        self.expect_error(manifest, "stack_kib")
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][1]["name"] = "vfsd"
        self.expect_error(manifest, "declared twice")


    def test_restart_policy_refusals(self):
        cases = [({"max_restarts": 17, "window_ms": 0, "backoff_ms": 0}, "restart.max_restarts"),
                 ({"max_restarts": -1, "window_ms": 0, "backoff_ms": 0}, "restart.max_restarts"),
                 ({"max_restarts": 1, "window_ms": 3_600_001, "backoff_ms": 0}, "restart.window_ms"),
                 ({"max_restarts": 1, "window_ms": 10, "backoff_ms": 60_001}, "restart.backoff_ms"),
                 ({"max_restarts": 1, "window_ms": 10}, "'backoff_ms' is missing"),
                 ({"max_restarts": "3", "window_ms": 10, "backoff_ms": 1}, "restart.max_restarts"),
                 ({"max_restarts": True, "window_ms": 10, "backoff_ms": 1}, "restart.max_restarts"),
                 ({"max_restarts": 1, "window_ms": 10, "backoff_ms": 1, "backof": 2}, "did you mean 'backoff_ms'"),
                 ([1, 2, 3], "must be a JSON object")]
        for restart, fragment in cases:
            with self.subTest(restart=restart):
                manifest = copy.deepcopy(MINIMAL)
                manifest["tasks"][0]["restart"] = restart
                self.expect_error(manifest, "tasks[0] (vfsd)", fragment)
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][1]["restart"] = {"max_restarts": 1, "window_ms": 10, "backoff_ms": 1}
        self.expect_error(manifest, "only services have a restart policy")

    def test_expectation_refusals(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][1]["expect"] = "crashed"
        self.expect_error(manifest, "tasks[1] (selfcheck).expect", "is not one of faulted, panicked, success")
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["expect"] = "success"
        self.expect_error(manifest, "only check Tasks have an 'expect'")
        for expect, emitted in (("panicked", "Expectation::Panicked"), ("faulted", "Expectation::Faulted")):
            manifest = copy.deepcopy(MINIMAL)
            manifest["tasks"][1]["expect"] = expect
            self.assertIn(emitted, self.compile(manifest))


with open(os.path.join(ROOT, "images", "pci", "manifest.json"), encoding="utf-8") as handle:
    PCI = json.load(handle)


class PciGrantTest(unittest.TestCase):
    """PciDeviceCap slots: a `pci` match the kernel's PciMatch word encodes, read/write/grant only,
    never on the hosted platform, never on another class (docs/adr/0012-device-capabilities.md)."""

    IMAGE = "pci"

    def compile(self, manifest, config=None):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "manifest.json")
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(manifest, handle)
            config_path = None
            if config is not None:
                config_path = os.path.join(folder, ".config")
                with open(config_path, "w", encoding="utf-8") as handle:
                    for name, value in config.items():
                        handle.write(f"{name}={value}\n")
            output = os.path.join(folder, "out.cpp")
            compiler.compile_manifest(path, ROOT, output, image=self.IMAGE, config_path=config_path)
            with open(output, encoding="utf-8") as handle:
                return handle.read()

    def refused(self, manifest, *fragments, config=None):
        with self.assertRaises(compiler.ManifestError) as caught:
            self.compile(manifest, config)
        message = str(caught.exception)
        self.assertNotIn("\n", message)
        for fragment in fragments:
            self.assertIn(fragment, message)

    def test_matches_are_emitted_as_the_kernels_match_words(self):
        text = self.compile(PCI)
        # PciMatch::word(): kind 1 << 48 | vendor << 16 | device; kind 2 << 48 | class << 8 | subclass.
        self.assertIn('{ "device", SlotKind::PciDevice, 0, RightRead | RightWrite, 0x100001af41005ull }', text)
        self.assertIn('{ "device", SlotKind::PciDevice, 0, RightRead | RightWrite, 0x2000000000600ull }', text)
        self.assertEqual(compiler.pci_match_word("1af4:1005"), (1 << 48) | 0x1af41005)
        self.assertEqual(compiler.pci_match_word("class:06:00"), (2 << 48) | 0x0600)

    def test_malformed_matches_are_one_line(self):
        for value in ("1AF4:1005", "1af4:105", "1af4-1005", "class:6:00", "class:06:00:01", "", 4660, None,
                      "1af4:1005\n"):
            manifest = copy.deepcopy(PCI)
            manifest["tasks"][0]["bundle"]["device"]["pci"] = value
            with self.subTest(value=value):
                self.refused(manifest, "tasks[0] (pci-probe).bundle.device.pci")
        manifest = copy.deepcopy(PCI)
        del manifest["tasks"][0]["bundle"]["device"]["pci"]
        self.refused(manifest, "bundle.device.pci")

    def test_rights_beyond_read_write_grant_and_pci_on_another_class_are_refused(self):
        manifest = copy.deepcopy(PCI)
        manifest["tasks"][0]["bundle"]["device"]["rights"] = ["read", "write", "retype"]
        self.refused(manifest, "bundle.device.rights")
        manifest = copy.deepcopy(PCI)
        manifest["tasks"][0]["bundle"]["console"]["pci"] = "1af4:1005"
        self.refused(manifest, "bundle.console.pci", "only a PciDeviceCap names a PCI function")
        manifest = copy.deepcopy(PCI)
        manifest["tasks"][0]["bundle"]["device"]["class"] = "DeviceCap"
        self.refused(manifest, "bundle.device.class", "footprint wants PciDeviceCap")

    def test_a_task_granted_a_pci_function_stays_initds(self):
        # Only initd holds the PCI bus: a group could not open the function, so none may hold such a Task.
        manifest = copy.deepcopy(PCI)
        manifest["tasks"][0]["group"] = "devices"
        self.refused(manifest, "tasks[0] (pci-probe).group", "task pci-probe is granted a PCI function",
                     "cannot be in group devices")
        # Placed by the compiler: 31 checks would go into groups, but these stay initd's, so they do not fit.
        manifest = copy.deepcopy(PCI)
        manifest["tasks"][1]["count"] = 30
        self.refused(manifest, "tasks: 31 tasks need 31 places under initd, which has 24")

    def test_the_hosted_platform_has_no_pci(self):
        config = {"CONFIG_PLATFORM_HOSTED": "y", "CONFIG_COMPONENT_PCIPROBE": "y"}
        self.refused(copy.deepcopy(PCI), "task pci-probe is granted a PCI function", "hosted platform has no PCI",
                     config=config)

with open(os.path.join(ROOT, "images", "virtio-rng-mmio", "manifest.json"), encoding="utf-8") as handle:
    MMIO = json.load(handle)


class PciIndexTest(unittest.TestCase):
    """`pci_index`: the n-th function a PCI match names (docs/adr/0012-device-capabilities.md amendment)."""

    IMAGE = "pci"
    compile = PciGrantTest.compile
    refused = PciGrantTest.refused

    def test_the_nth_matching_function_is_emitted_as_its_index(self):
        manifest = copy.deepcopy(PCI)
        manifest["tasks"][0]["bundle"]["device"]["pci_index"] = 3
        text = self.compile(manifest)
        self.assertIn('{ "device", SlotKind::PciDevice, 0, RightRead | RightWrite, 0x100001af41005ull, 0, 0, 3 }', text)
        manifest["tasks"][0]["bundle"]["device"]["pci_index"] = 0  # the first, as without the field
        self.assertIn('{ "device", SlotKind::PciDevice, 0, RightRead | RightWrite, 0x100001af41005ull }',
                      self.compile(manifest))

    def test_malformed_indexes_and_an_index_on_another_class_are_one_line(self):
        for value in (-1, 32, 1 << 40, True, "1", 1.0, None):
            manifest = copy.deepcopy(PCI)
            manifest["tasks"][0]["bundle"]["device"]["pci_index"] = value
            with self.subTest(value=value):
                self.refused(manifest, "tasks[0] (pci-probe).bundle.device.pci_index", "an integer 0-31")
        manifest = copy.deepcopy(PCI)
        manifest["tasks"][0]["bundle"]["console"]["pci_index"] = 1
        self.refused(manifest, "bundle.console.pci_index", "only a PciDeviceCap names a PCI function")


class MmioSlotGrantTest(PciGrantTest):
    """VirtioMmioSlotCap slots (docs/adr/0025-virtio-mmio-slots-and-entropy.md): a `virtio_mmio`
    device id, read/write/grant only, only on aarch64, never on another class, initd's alone."""

    IMAGE = "virtio-rng-mmio"
    AARCH64 = {"CONFIG_PLATFORM_AARCH64": "y", "CONFIG_COMPONENT_VIRTIO_RNG": "y", "CONFIG_SERVICE_INITD": "y",
               "CONFIG_COMPONENT_ENTROPY_CHECK": "y"}

    def test_matches_are_emitted_as_the_kernels_match_words(self):
        text = self.compile(MMIO, self.AARCH64)
        self.assertIn('{ "device", SlotKind::MmioSlot, 0, RightRead | RightWrite, 0ull, 0, 4 }', text)

    def test_malformed_matches_are_one_line(self):
        for value in (0, -1, 65536, "4", 4.0, None, True, [4]):
            manifest = copy.deepcopy(MMIO)
            manifest["tasks"][0]["bundle"]["device"]["virtio_mmio"] = value
            with self.subTest(value=value):
                self.refused(manifest, "tasks[0] (virtio-rng).bundle.device.virtio_mmio", config=self.AARCH64)
        manifest = copy.deepcopy(MMIO)
        del manifest["tasks"][0]["bundle"]["device"]["virtio_mmio"]
        self.refused(manifest, "bundle.device.virtio_mmio", "names the virtio device id", config=self.AARCH64)

    def test_rights_beyond_read_write_grant_and_pci_on_another_class_are_refused(self):
        manifest = copy.deepcopy(MMIO)
        manifest["tasks"][0]["bundle"]["device"]["rights"] = ["read", "write", "retype"]
        self.refused(manifest, "bundle.device.rights")
        manifest = copy.deepcopy(MMIO)
        manifest["tasks"][0]["bundle"]["console"]["virtio_mmio"] = 4
        self.refused(manifest, "bundle.console.virtio_mmio", "only a VirtioMmioSlotCap names a virtio-mmio slot")
        manifest = copy.deepcopy(MMIO)
        manifest["tasks"][0]["bundle"]["device"]["pci"] = "1af4:1005"
        self.refused(manifest, "bundle.device.pci", "only a PciDeviceCap names a PCI function")
        manifest = copy.deepcopy(MMIO)
        manifest["tasks"][0]["bundle"]["device"]["class"] = "PciDeviceCap"
        self.refused(manifest, "bundle.device.class", "footprint wants VirtioMmioSlotCap")

    def test_a_task_granted_a_pci_function_stays_initds(self):
        manifest = copy.deepcopy(MMIO)
        manifest["tasks"][0]["group"] = "devices"
        self.refused(manifest, "tasks[0] (virtio-rng).group", "granted a PCI function or virtio-mmio slot",
                     "cannot be in group devices")

    def test_the_hosted_platform_has_no_pci(self):
        for platform in ("CONFIG_PLATFORM_HOSTED", "CONFIG_PLATFORM_X86_64"):
            with self.subTest(platform=platform):
                self.refused(copy.deepcopy(MMIO), "bundle.device.virtio_mmio", "only aarch64 has them",
                             config={platform: "y", "CONFIG_COMPONENT_VIRTIO_RNG": "y"})


with open(os.path.join(ROOT, "images", "virtio-rng", "manifest.json"), encoding="utf-8") as handle:
    RNG_PCI = json.load(handle)


class EntropyGrantTest(unittest.TestCase):
    """The EntropySource (docs/adr/0025-virtio-mmio-slots-and-entropy.md §3): a DeviceCap `entropy`
    with write only, granted only to an entropy driver (a Task also granted virtio-rng over PCI or
    the virtio-mmio slot holding device 4)."""

    IMAGE = "virtio-rng"
    AARCH64 = MmioSlotGrantTest.AARCH64
    compile = PciGrantTest.compile
    refused = PciGrantTest.refused

    def test_the_drivers_are_granted_it(self):
        self.assertIn('{ "entropy", SlotKind::Entropy, 0, RightWrite }', self.compile(RNG_PCI))
        self.assertIn('{ "entropy", SlotKind::Entropy, 0, RightWrite }', self.compile(self.mmio(), self.AARCH64))

    @staticmethod
    def mmio():
        manifest = copy.deepcopy(MMIO)
        manifest["image"] = "virtio-rng"
        return manifest

    def test_rights_beyond_write_are_refused(self):
        for rights in (["write", "grant"], ["read", "write"], ["write", "revoke"]):
            manifest = copy.deepcopy(RNG_PCI)
            manifest["tasks"][0]["bundle"]["entropy"]["rights"] = rights
            with self.subTest(rights=rights):
                self.refused(manifest, "tasks[0] (virtio-rng).bundle.entropy")

    def test_only_an_entropy_driver_is_granted_it(self):
        # Another PCI function (a virtio-net or a bridge) does not make a Task an entropy driver.
        for match in ("1af4:1000", "1af4:1041", "class:06:00"):
            manifest = copy.deepcopy(RNG_PCI)
            manifest["tasks"][0]["bundle"]["device"]["pci"] = match
            with self.subTest(match=match):
                self.refused(manifest, "bundle.entropy.device", "granted the EntropySource but no entropy device")
        # A virtio-mmio slot holding another device (2: block) does not either.
        manifest = self.mmio()
        manifest["tasks"][0]["bundle"]["device"]["virtio_mmio"] = 2
        self.refused(manifest, "bundle.entropy.device", "no entropy device", config=self.AARCH64)

    def test_a_check_cannot_ask_for_it(self):
        # entropy_check's footprint declares no EntropySource: granting it is an extra grant.
        manifest = copy.deepcopy(RNG_PCI)
        manifest["tasks"][1]["bundle"]["entropy"] = {"class": "DeviceCap", "device": "entropy", "rights": ["write"]}
        self.refused(manifest, "tasks[1] (entropy-check).bundle.entropy", "does not declare")


TASK_LINE = re.compile(r'^    \{ "([a-z0-9_-]+)", &task_entries::(\w+), TaskKind::(\w+), Band::\w+, (\d+), (\d+), slots_(\d+), '
                       r'.*, (supervised_by_initd|\d+), (\d+), (\d+), \w+ \},$', re.MULTILINE)


class HostSocketsGrantTest(unittest.TestCase):
    """The host-sockets DeviceCap (ADR 0024, amendments): granted by name to a footprint asking for
    it, only on hosted, whose kernel holds the host's sockets."""

    IMAGE = "net-loopback-host"
    compile = PciGrantTest.compile  # the helpers only: PciGrantTest's tests are its own
    refused = PciGrantTest.refused
    HOSTED = {"CONFIG_PLATFORM_HOSTED": "y", "CONFIG_SERVICE_INITD": "y", "CONFIG_SERVICE_NETD": "y",
              "CONFIG_NETD_BACKEND_HOST": "y", "CONFIG_NETD_SESSIONS": "8", "CONFIG_COMPONENT_NETCHECK": "y"}

    def image_manifest(self):
        with open(os.path.join(ROOT, "images", self.IMAGE, "manifest.json"), encoding="utf-8") as handle:
            return json.load(handle)

    def test_host_sockets_are_granted_on_hosted_only(self):
        generated = self.compile(self.image_manifest(), self.HOSTED)
        self.assertIn('{ "host-sockets", SlotKind::HostSockets, 0, RightRead | RightWrite }', generated)
        x86 = dict(self.HOSTED, CONFIG_PLATFORM_HOSTED="n", CONFIG_PLATFORM_X86_64="y")
        self.refused(self.image_manifest(), "tasks[0] (netd).bundle.host-sockets.device", "grants host-sockets", config=x86)
        console = self.image_manifest()
        console["tasks"][0]["bundle"]["host-sockets"]["device"] = "console"
        self.refused(console, "grants the console device, footprint wants host-sockets", config=self.HOSTED)


class SnapshotGrantTest(unittest.TestCase):
    """The debug snapshot, to read (ADR 0045): the `snapshot` DeviceCap granted by name only with
    CONFIG_DEBUG_SNAPSHOT, read-only as vsh's footprint asks, and to no Task whose footprint lacks it."""

    IMAGE = "shell"
    compile = PciGrantTest.compile  # the helpers only: PciGrantTest's tests are its own
    refused = PciGrantTest.refused
    CONFIG = {"CONFIG_PLATFORM_HOSTED": "y", "CONFIG_SERVICE_INITD": "y", "CONFIG_CORE_CONCURRENT": "y",
              "CONFIG_CORE_ENCODING": "y", "CONFIG_CORE_TIME": "y", "CONFIG_CORE_PATH": "y", "CONFIG_CORE_BLOCK": "y",
              "CONFIG_CORE_FS": "y", "CONFIG_CORE_TTY": "y", "CONFIG_SERVICE_STORAGED": "y", "CONFIG_SERVICE_VFSD": "y",
              "CONFIG_COMPONENT_FAT": "y", "CONFIG_VFSD_BACKEND_FAT": "y", "CONFIG_VFSD_DISKS": "y",
              "CONFIG_COMPONENT_HOSTED_BLOCK": "y", "CONFIG_DEBUG_SNAPSHOT": "y", "CONFIG_APP_VSH": "y",
              "CONFIG_COMPONENT_SHELLCHECK": "y", "CONFIG_STORAGED_SESSIONS": "8", "CONFIG_STORAGED_QUEUE_LIMIT": "32",
              "CONFIG_VFSD_NODES": "256", "CONFIG_VFSD_BLOCKS": "1024", "CONFIG_VFSD_BLOCK_MOUNTS": "1",
              "CONFIG_FAT_CACHE_SECTORS": "64", "CONFIG_DEBUG_SNAPSHOT_TASKS": "32", "CONFIG_VFSD_STORE_FILES": "64",
              "CONFIG_VFSD_STORE_EXTENTS": "512", "CONFIG_VFSD_STORE_MAXIMUM_MIB": "128",
              "CONFIG_VFSD_STORE_EXTRA_TRANSFER_KIB": "0", "CONFIG_VFSD_STORE_CACHE_BLOCKS": "0",
              "CONFIG_VFSD_FAT_READ_CACHE_KIB": "0"}

    def image_manifest(self):
        with open(os.path.join(ROOT, "images", self.IMAGE, "manifest.json"), encoding="utf-8") as handle:
            manifest = json.load(handle)
        # Compiled without the image's disks.json: vfsd mounts its RAM tree only.
        self.task(manifest, "vfsd")["config"]["mounts"] = [{"backend": "ram", "at": "/"}]
        return manifest

    def task(self, manifest, name):
        return next(task for task in manifest["tasks"] if task["name"] == name)

    def test_the_snapshot_is_granted_read_only_with_the_debug_snapshot_only(self):
        generated = self.compile(self.image_manifest(), self.CONFIG)
        self.assertIn('{ "snapshot", SlotKind::Snapshot, 0, RightRead }', generated)
        self.refused(self.image_manifest(), "bundle.snapshot.device", "grants snapshot", "CONFIG_DEBUG_SNAPSHOT=y",
                     config=dict(self.CONFIG, CONFIG_DEBUG_SNAPSHOT="n"))

    def test_write_or_a_task_without_it_in_its_footprint_is_refused(self):
        writable = self.image_manifest()
        self.task(writable, "vsh")["bundle"]["snapshot"]["rights"] = ["read", "write"]
        self.refused(writable, "(vsh).bundle.snapshot.rights", "footprint declares ['read']", config=self.CONFIG)
        stowaway = self.image_manifest()
        self.task(stowaway, "shell-check")["bundle"]["snapshot"] = {"class": "DeviceCap", "device": "snapshot",
                                                                   "rights": ["read"]}
        self.refused(stowaway, "(shell-check).bundle.snapshot", "an extra grant", config=self.CONFIG)


class ControlTest(unittest.TestCase):
    """initd's control connection (ADR 0045 §6): made by the compiler for the one Task marked
    "control": true (vctl), never a second, never one in a group, never declared by a manifest or
    granted in a bundle, never to a Task whose footprint lacks it, only with CONFIG_INITD_CONTROL."""

    IMAGE = "shell"
    compile = PciGrantTest.compile
    refused = PciGrantTest.refused
    CONFIG = dict(SnapshotGrantTest.CONFIG, CONFIG_CORE_CONTROL="y", CONFIG_INITD_CONTROL="y", CONFIG_CORE_SNAPSHOT="y",
                  CONFIG_APP_VCTL="y")
    task = SnapshotGrantTest.task

    def image_manifest(self):
        manifest = SnapshotGrantTest.image_manifest(self)
        vctl = self.task(manifest, "vsh")
        vctl["name"], vctl["entry"], vctl["control"] = "vctl", "vctl", True
        return manifest

    def test_the_control_task_gets_the_client_ends_and_initd_the_connection(self):
        generated = self.compile(self.image_manifest(), self.CONFIG)
        connections = re.search(r"constexpr ConnectionSpec connections\[\] = \{\n(.*?)\n\};", generated, re.S).group(1)
        index = connections.splitlines().index(next(line for line in connections.splitlines() if '"control"' in line))
        self.assertIn('{ "control", "vectra.control", vectra::control::schema_id, vectra::control::Protocol::slot_count, '
                      'vectra::control::Protocol::slot_size, false }', connections)
        self.assertIn(f'{{ "control_requests", SlotKind::RequestRing, {index}, RightSend }}', generated)
        self.assertIn(f'{{ "control_replies", SlotKind::ReplyRing, {index}, RightReceive }}', generated)
        self.assertRegex(generated, rf"BootManifest const boot_manifest {{ \"shell\", tasks, [0-9]+, connections, {index + 1}, {index} }};")
        self.assertIn("#include <vectra/control/Protocol.h>", generated)
        # Without a control Task initd serves none: the table names no control connection.
        plain = self.compile(SnapshotGrantTest.image_manifest(self), self.CONFIG)
        self.assertRegex(plain, r"BootManifest const boot_manifest { \"shell\", tasks, [0-9]+, connections, [0-9]+ };")

    def test_the_control_ends_are_granted_without_the_move_right(self):
        """The control Task may use its ends, never hand them on (ADR 0006, amendment): its control
        slots carry no RightMove, where its other Ring ends do; the snapshot, a device, none either."""
        generated = self.compile(self.image_manifest(), self.CONFIG)
        blocks = re.findall(r"constexpr SlotSpec slots_[0-9]+\[\] = \{\n(.*?)\n\};", generated, re.S)
        slots = next(block for block in blocks if '"control_requests"' in block)
        rows = {re.match(r'\s*\{ "([^"]+)"', line).group(1): line for line in slots.splitlines()}
        self.assertNotIn("RightMove", rows["control_requests"])
        self.assertNotIn("RightMove", rows["control_replies"])
        self.assertNotIn("RightMove", rows["snapshot"])
        self.assertNotIn("RightMove", rows["console"])
        self.assertIn("RightSend | RightMove", rows["requests"])
        self.assertIn("RightRetype | RightMove", rows["memory"])

    def test_a_second_control_task_is_refused(self):
        manifest = self.image_manifest()
        second = copy.deepcopy(self.task(manifest, "vctl"))
        second["name"] = "vctl-2"
        manifest["tasks"].append(second)
        self.refused(manifest, "(vctl-2).control", "only one Task may hold initd's control connection, and vctl does already",
                     config=self.CONFIG)

    def test_a_control_task_in_a_group_is_refused(self):
        manifest = self.image_manifest()
        self.task(manifest, "vctl")["group"] = "admins"
        self.refused(manifest, "(vctl).control", "connected to initd directly", "group \"admins\"", config=self.CONFIG)

    def test_a_control_task_is_never_placed_in_an_automatic_group(self):
        tasks = [{"name": f"check-{number}", "kind": "check"} for number in range(30)]
        tasks[0]["control"] = True
        placement = compiler.place(compiler.Source("manifest.json"), tasks, None)
        self.assertIsNone(placement.supervisor[0])
        self.assertTrue(all(placement.supervisor[number] is not None for number in range(1, 30)))

    def test_unknown_uses_are_refused(self):
        unmarked = self.image_manifest()
        del self.task(unmarked, "vctl")["control"]
        self.refused(unmarked, "(vctl).control", "declares vectra.control slots (control_replies, control_requests)",
                     "only the Task marked \"control\": true", config=self.CONFIG)
        for connection, schema in (("admin", "vectra.control"), ("control", "vectra.session")):
            declared = self.image_manifest()
            declared["connections"][connection] = {"schema": schema}
            self.task(declared, "shell-check")["bundle"]["extra"] = {"class": "RingCap", "connection": connection,
                                                                     "ring": "replies", "rights": ["receive"]}
            self.refused(declared, f"connections.{connection}", "made by the compiler", config=self.CONFIG)
        granted = self.image_manifest()
        self.task(granted, "shell-check")["bundle"]["control"] = {"class": "RingCap", "connection": "control",
                                                                  "ring": "requests", "rights": ["send"]}
        self.refused(granted, "(shell-check).bundle.control", "granted by \"control\": true, not in a bundle",
                     config=self.CONFIG)
        not_vctl = self.image_manifest()
        self.task(not_vctl, "vctl")["entry"] = "vsh"
        self.refused(not_vctl, "(vctl).control", "must declare one producer and one consumer vectra.control slot",
                     config=self.CONFIG)
        not_bool = self.image_manifest()
        self.task(not_bool, "vctl")["control"] = "yes"
        self.refused(not_bool, "(vctl).control", "must be true or false", config=self.CONFIG)

    def test_without_the_server_in_the_build_it_is_refused(self):
        self.refused(self.image_manifest(), "(vctl).control", "CONFIG_INITD_CONTROL=y",
                     config=dict(self.CONFIG, CONFIG_INITD_CONTROL="n"))


class InitdCapabilitiesTest(unittest.TestCase):
    """initd's capability space counted as it is at run time: besides the Rings and its children's
    capabilities, what the kernel gives it and it keeps (the software line, the EntropySource and
    the virtio-mmio slots only when a Task is granted them — initd gives back the others; the PCI
    bus, the display, the debug snapshot, the host's sockets and disks with their platform and
    configuration), both timers, and the devices it opens for its children. Image desktop passed
    the compiler with displayd and inputd directly under initd, then initd ran out of slots on
    aarch64; grouped, as it is now, it fits."""

    def compile(self, manifest, platform):
        footprints = compiler.find_footprints(ROOT)
        config = {f"CONFIG_PLATFORM_{platform.upper()}": "y", "CONFIG_DISPLAY": "y", "CONFIG_DEBUG_SNAPSHOT": "y"}
        for _, footprint in footprints.values():
            config[footprint["kconfig"]] = "y"
            config.update({symbol: "1" for symbol in footprint.get("memory", {}).get("bytes_per", {})})
        path = os.path.join(ROOT, "images", "desktop", "manifest.json")
        composition = compiler.Composition(ROOT, footprints, config, ".config",
                                           partitions=compiler.image_partitions(path), data_dir=compiler.DATA_NOT_READ)
        return compiler.check_manifest(compiler.Source(path, ROOT), manifest, composition, "desktop")

    @staticmethod
    def desktop():
        with open(os.path.join(ROOT, "images", "desktop", "manifest.json"), encoding="utf-8") as handle:
            return json.load(handle)

    def test_the_desktop_without_its_display_and_compositor_groups_is_refused_on_aarch64(self):
        ungrouped = self.desktop()
        for task in ungrouped["tasks"]:
            if task.get("group") in ("display", "compositor"):
                del task["group"]
        del ungrouped["groups"]["display"]
        del ungrouped["groups"]["compositor"]
        with self.assertRaises(compiler.ManifestError) as caught:
            self.compile(ungrouped, "aarch64")
        self.assertIn("initd would hold 71 capabilities (8 of its own: console, memory, tasks, back-off timer, heartbeat timer, "
                      "pci, display, snapshot; 26 Ring ends", str(caught.exception))
        for platform in ("x86_64", "aarch64", "hosted"):
            self.compile(self.desktop(), platform)

    def test_devices_opened_for_children_and_disks_count(self):
        self.assertEqual(compiler.opened_devices({"bundle": {"a": {"class": "PciDeviceCap"}, "b": {"class": "VirtioMmioSlotCap"},
                                                              "c": {"class": "RingCap"}}}), 2)
        hosted = compiler.Composition(ROOT, {}, {"CONFIG_PLATFORM_HOSTED": "y"})
        own = compiler.initd_own_entries(hosted, [{"bundle": {"disk": {"class": "DeviceCap", "device": "block1"}}}])
        self.assertEqual(own, ["console", "memory", "tasks", "back-off timer", "heartbeat timer",
                               "host-sockets", "block0", "block1"])

    def test_platform_capabilities_count_only_when_granted(self):
        aarch64 = compiler.Composition(ROOT, {}, {"CONFIG_PLATFORM_AARCH64": "y"})
        granting = [{"bundle": {"line": {"class": "IrqCap"}}},
                    {"bundle": {"random": {"class": "DeviceCap", "device": "entropy"},
                                "rng": {"class": "VirtioMmioSlotCap"}}}]
        self.assertEqual(compiler.initd_own_entries(aarch64, granting),
                         ["console", "memory", "tasks", "irq-software", "entropy", "back-off timer", "heartbeat timer",
                          "pci", "virtio-mmio"])
        self.assertEqual(compiler.initd_own_entries(aarch64, [{"bundle": {"c": {"class": "DeviceCap", "device": "console"}}}]),
                         ["console", "memory", "tasks", "back-off timer", "heartbeat timer", "pci"])


class AlternativesTest(unittest.TestCase):
    """`"one_of"` (docs/adr/0052-a-display-chosen-at-run-time.md): the desktop's display servers, of
    which initd runs the first whose device the machine has. Emitted in the manifest's order with
    their rank; they serve the same connection; the set costs initd its largest member; the devices
    they are granted are theirs alone."""

    compile = InitdCapabilitiesTest.compile
    desktop = staticmethod(InitdCapabilitiesTest.desktop)

    def emitted(self, platform):
        manifest = self.desktop()
        connections, schemas, _, domains = self.compile(manifest, platform)
        with tempfile.TemporaryDirectory() as folder:
            output = os.path.join(folder, "out.cpp")
            compiler.emit(manifest, connections, schemas, output, domains)
            with open(output, encoding="utf-8") as handle:
                return [line for line in handle.read().splitlines() if "&task_entries::" in line]

    def test_the_desktops_display_servers_are_emitted_in_order_with_their_rank(self):
        for platform in ("x86_64", "aarch64"):
            lines = self.emitted(platform)
            gpu = [line for line in lines if line.startswith('    { "virtio-gpu", &task_entries::virtio_gpu_display,')]
            ramfb = [line for line in lines if line.startswith('    { "ramfb", &task_entries::displayd,')]
            self.assertEqual(len(gpu), 1)
            self.assertEqual(len(ramfb), 1)
            self.assertTrue(gpu[0].endswith('supervised_by_initd, 0, 0, processor_boot, "display", 0 },'), gpu[0])
            self.assertTrue(ramfb[0].endswith('supervised_by_initd, 1, 0, processor_boot, "display", 1 },'), ramfb[0])
            self.assertFalse(any('"displayd", &task_entries' in line for line in lines))
        hosted = self.emitted("hosted")
        self.assertFalse(any('"virtio-gpu"' in line or '"ramfb"' in line for line in hosted))
        displayd = [line for line in hosted if line.startswith('    { "displayd", &task_entries::displayd,')]
        self.assertTrue(displayd[0].endswith('"display", 0 },'), displayd[0])
        # Every other Task has no set.
        self.assertFalse(any('"display", ' in line for line in hosted if not line.startswith('    { "displayd"')
                             and not line.startswith('    { "display", &task_entries::initd_group')))

    def test_a_set_costs_initd_its_largest_member(self):
        # initd holds 64 of 64 on aarch64 (the virtio-gpu driver's 4 — TaskCap, Reticle, ready, its PCI
        # function — not the set's 7): one service more under initd is refused.
        more = self.desktop()
        extra = json.loads(json.dumps(next(task for task in more["tasks"] if task["name"] == "vsh")))
        extra["name"] = "vsh-extra"
        del extra["group"]
        more["tasks"].append(extra)
        with self.assertRaises(compiler.ManifestError) as caught:
            self.compile(more, "aarch64")
        self.assertIn("initd would hold 66 capabilities", str(caught.exception))
        self.compile(self.desktop(), "aarch64")

    def refused(self, manifest, platform, *fragments):
        with self.assertRaises(compiler.ManifestError) as caught:
            self.compile(manifest, platform)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))

    @staticmethod
    def task(manifest, name):
        return next(task for task in manifest["tasks"] if task["name"] == name)

    def test_alternatives_are_services_of_one_supervisor_serving_the_same_connections(self):
        check = self.desktop()
        self.task(check, "ramfb")["kind"] = "check"
        self.task(check, "ramfb").pop("restart", None)
        self.refused(check, "x86_64", "(ramfb).one_of", "only services are alternatives")
        grouped = self.desktop()
        self.task(grouped, "ramfb")["group"] = "display"
        self.refused(grouped, "x86_64", "(ramfb).one_of", "alternatives share one supervisor")
        other = self.desktop()
        other["connections"]["display2"] = {"schema": "vectra.session", "listener": True, "optional_client": True}
        for slot in ("requests", "replies"):
            self.task(other, "ramfb")["bundle"][slot]["connection"] = "display2"
        self.refused(other, "x86_64", "(ramfb).one_of", "alternatives serve the same connections")
        named = self.desktop()
        self.task(named, "ramfb")["one_of"] = "Display!"
        self.refused(named, "x86_64", "(ramfb).one_of")

    def test_a_task_outside_the_set_cannot_take_its_device_or_its_connection(self):
        # The keyboard's driver asking for the virtio-gpu function.
        thief = self.desktop()
        self.task(thief, "virtio-keyboard")["bundle"]["device"]["pci"] = "1af4:1050"
        self.refused(thief, "x86_64", "(virtio-keyboard).bundle", "the PCI function 1af4:1050",
                     "belongs to the alternatives of set 'display' (virtio-gpu, ramfb): only they are granted it")
        # A third display server outside the set, on another connection, with the boot display.
        outside = self.desktop()
        outside["connections"]["display2"] = {"schema": "vectra.session", "listener": True, "optional_client": True}
        copy = json.loads(json.dumps(self.task(outside, "ramfb")))
        copy["name"] = "shadow"
        del copy["one_of"]
        for slot in ("requests", "replies"):
            copy["bundle"][slot]["connection"] = "display2"
        outside["tasks"].append(copy)
        self.refused(outside, "x86_64", "(shadow).bundle", "the display device", "only they are granted it")
        # The same server's end of the display connection, without the set.
        serving = self.desktop()
        del self.task(serving, "ramfb")["one_of"]
        self.refused(serving, "x86_64", "(ramfb).bundle.re", "is already granted to virtio-gpu")


class I8042GrantTest(unittest.TestCase):
    """The PS/2 keyboard controller (ADR 0031 amendment): the `i8042` DeviceCap granted by name only
    on x86_64, with the rights its footprint declares; initd counts it among its own there."""

    IMAGE = "input-ps2"
    compile = PciGrantTest.compile  # the helpers only: PciGrantTest's tests are its own
    refused = PciGrantTest.refused
    X86 = {"CONFIG_PLATFORM_X86_64": "y", "CONFIG_SERVICE_INITD": "y", "CONFIG_DISPLAY": "y",
           "CONFIG_CORE_CONCURRENT": "y", "CONFIG_CORE_ENCODING": "y", "CONFIG_CORE_INPUT_PROTOCOL": "y",
           "CONFIG_SERVICE_INPUTD": "y", "CONFIG_COMPONENT_PS2_KEYBOARD": "y", "CONFIG_COMPONENT_INPUT_CHECK": "y",
           "CONFIG_COMPONENT_VIRTIO_INPUT": "y"}

    def image_manifest(self):
        with open(os.path.join(ROOT, "images", self.IMAGE, "manifest.json"), encoding="utf-8") as handle:
            return json.load(handle)

    def driver(self, manifest):
        return next(task for task in manifest["tasks"] if task["name"] == "ps2-keyboard")

    def test_the_i8042_is_granted_on_x86_64_only(self):
        generated = self.compile(self.image_manifest(), self.X86)
        self.assertIn('{ "i8042", SlotKind::I8042, 0, RightRead | RightWrite }', generated)
        self.assertIn("task_entries::ps2_keyboard_forward", generated)
        for platform in ("CONFIG_PLATFORM_AARCH64", "CONFIG_PLATFORM_HOSTED"):
            self.refused(self.image_manifest(), "(ps2-keyboard).bundle.i8042.device", "grants i8042", "only x86_64",
                         config=dict(self.X86, CONFIG_PLATFORM_X86_64="n", **{platform: "y"}))

    def test_grant_or_a_task_without_it_in_its_footprint_is_refused(self):
        granting = self.image_manifest()
        self.driver(granting)["bundle"]["i8042"]["rights"] = ["read", "write", "grant"]
        self.refused(granting, "(ps2-keyboard).bundle.i8042.rights", config=self.X86)
        stowaway = self.image_manifest()
        client = next(task for task in stowaway["tasks"] if task["name"] == "input-client")
        client["bundle"]["i8042"] = {"class": "DeviceCap", "device": "i8042", "rights": ["read"]}
        self.refused(stowaway, "(input-client).bundle.i8042", "an extra grant", config=self.X86)


class HostInputGrantTest(unittest.TestCase):
    """The hosted window's keyboard and mouse (ADR 0040 §6): the `input` DeviceCap granted by name
    only on hosted with CONFIG_DISPLAY; inputd's spare device connection left without a client."""

    IMAGE = "input-service"
    compile = PciGrantTest.compile  # the helpers only: PciGrantTest's tests are its own
    refused = PciGrantTest.refused
    HOSTED = {"CONFIG_PLATFORM_HOSTED": "y", "CONFIG_SERVICE_INITD": "y", "CONFIG_DISPLAY": "y",
              "CONFIG_CORE_CONCURRENT": "y", "CONFIG_CORE_ENCODING": "y", "CONFIG_CORE_INPUT_PROTOCOL": "y",
              "CONFIG_SERVICE_INPUTD": "y", "CONFIG_COMPONENT_HOST_INPUT": "y", "CONFIG_COMPONENT_INPUT_CHECK": "y",
              "CONFIG_COMPONENT_VIRTIO_INPUT": "y"}

    def image_manifest(self):
        with open(os.path.join(ROOT, "images", self.IMAGE, "manifest.json"), encoding="utf-8") as handle:
            return json.load(handle)

    def window_input(self, manifest):
        return next(task for task in manifest["tasks"] if task["name"] == "window-input")

    def test_input_is_granted_on_hosted_with_the_display_only(self):
        generated = self.compile(self.image_manifest(), self.HOSTED)
        self.assertIn('{ "input", SlotKind::HostInput, 0, RightRead }', generated)
        self.assertIn("task_entries::host_input_forward", generated)
        self.assertNotIn("task_entries::virtio_input_forward", generated)
        self.refused(self.image_manifest(), "bundle.input.device", "grants input", "CONFIG_DISPLAY=y",
                     config=dict(self.HOSTED, CONFIG_DISPLAY="n"))
        # On x86_64 the window driver's task is left out; kept there by hand, its grant is refused.
        x86 = dict(self.HOSTED, CONFIG_PLATFORM_HOSTED="n", CONFIG_PLATFORM_X86_64="y")
        generated = self.compile(self.image_manifest(), x86)
        self.assertNotIn("task_entries::host_input_forward", generated)
        everywhere = self.image_manifest()
        del self.window_input(everywhere)["platforms"]
        self.refused(everywhere, "(window-input).bundle.input.device", "grants input", config=x86)
        console = self.image_manifest()
        self.window_input(console)["bundle"]["input"]["device"] = "console"
        self.refused(console, "grants the console device, footprint wants input", config=self.HOSTED)

    def test_a_spare_connection_may_lack_its_client_only_when_marked(self):
        unmarked = self.image_manifest()
        del unmarked["connections"]["tablet"]["optional_client"]
        self.refused(unmarked, "connections.tablet", "nobody holds the producer end of its requests Ring",
                     config=self.HOSTED)
        malformed = self.image_manifest()
        malformed["connections"]["tablet"]["optional_client"] = "yes"
        self.refused(malformed, "connections.tablet.optional_client", "must be true or false", config=self.HOSTED)
        # The service's side is never optional: inputd without its tablet rings does not match its footprint.
        serverless = self.image_manifest()
        inputd = next(task for task in serverless["tasks"] if task["name"] == "inputd")
        del inputd["bundle"]["device1_requests"]
        self.refused(serverless, "device1_requests", config=self.HOSTED)


class PlacementTest(ManifestTest):
    """Supervision at scale: `count`, groups placed by the compiler, their Bundles and limits."""

    def placed(self, manifest):
        """[(name, entry, kind, reticle_kib, supervisor name or None, position, children)] from the generated table."""
        text = self.compile(manifest)
        rows = TASK_LINE.findall(text)
        names = [row[0] for row in rows]
        return [(name, entry, kind, int(reticle), None if supervisor == "supervised_by_initd" else names[int(supervisor)],
                 int(position), int(children)) for name, entry, kind, reticle, _, _, supervisor, position, children in rows], text

    def test_count_makes_named_copies(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][1]["count"] = 3
        rows, _ = self.placed(manifest)
        self.assertEqual([row[0] for row in rows], ["vfsd", "selfcheck-0", "selfcheck-1", "selfcheck-2"])
        self.assertTrue(all(row[4] is None for row in rows))  # few enough for initd alone: no groups

    def test_small_images_have_no_groups_and_keep_their_bits(self):
        rows, text = self.placed(SUPERVISION)
        self.assertNotIn("initd_group", text)
        self.assertEqual([(row[0], row[4], row[5]) for row in rows], [("flaky", None, 0), ("doomed", None, 1), ("client", None, 2)])

    def test_256_tasks_are_placed_under_group_supervisors(self):
        rows, text = self.placed(MANY)
        tasks = [row for row in rows if row[1] != "initd_group"]
        groups = {row[0]: row for row in rows if row[1] == "initd_group"}
        self.assertEqual(len(tasks), 258)
        self.assertEqual(sum(1 for row in tasks if row[0].startswith("client-")), 256)
        self.assertIn("VECTRA_TASK_ENTRY(initd_group);", text)
        # Every supervisor (initd: None) has at most 24 children at positions 0 .. n-1, each once.
        children = {}
        for row in rows:
            children.setdefault(row[4], []).append(row)
        for supervisor, members in children.items():
            self.assertLessEqual(len(members), 24, supervisor)
            self.assertEqual(sorted(row[5] for row in members), list(range(len(members))), supervisor)
        for name, group in groups.items():
            members = children[name]
            self.assertEqual(group[6], len(members))
            self.assertEqual({row[2] for row in members}, {group[2]})  # one kind per group
            self.assertGreaterEqual(group[3], sum(row[3] + 4 for row in members))  # room to carve each child
        # The services stay initd's own children; the clients are in groups of checks.
        self.assertEqual({row[0] for row in children[None] if row[1] != "initd_group"}, {"echo", "vfsd"})

    def test_a_group_holds_only_what_its_children_hold(self):
        """A group's Bundle has no capability on another group's Tasks or memory: console, its own
        Reticle, the spawn right, and the Ring ends its own children are granted (plus grant)."""
        manifest = copy.deepcopy(MANY)
        manifest["tasks"][2]["count"] = 30
        rows, text = self.placed(manifest)
        group_slots = re.search(r"constexpr SlotSpec slots_32\[\] = \{\n(.*?)\n\};", text, re.DOTALL).group(1)
        self.assertEqual(group_slots.splitlines(), [
            '    { "console", SlotKind::Console, 0, RightGrant | RightWrite },',
            '    { "memory", SlotKind::Memory, 0, RightRetype | RightMove },',
            '    { "replies-0", SlotKind::ReplyRing, 0, RightGrant | RightReceive | RightMove },',
            '    { "replies-1", SlotKind::ReplyRing, 1, RightGrant | RightReceive | RightMove },',
            '    { "requests-0", SlotKind::RequestRing, 0, RightGrant | RightSend | RightMove },',
            '    { "requests-1", SlotKind::RequestRing, 1, RightGrant | RightSend | RightMove },',
            '    { "tasks", SlotKind::Tasks, 0, RightSpawn | RightMove },'])
        self.assertNotIn("RightRevoke", group_slots)  # a group of checks cannot reset the services' Rings

    def test_a_group_of_services_is_a_service_with_a_policy(self):
        manifest = copy.deepcopy(SUPERVISION)
        for task in manifest["tasks"]:
            if task["kind"] == "service":
                task["group"] = "deep"
        manifest["groups"] = {"deep": {"restart": {"max_restarts": 2, "window_ms": 5000, "backoff_ms": 7}}}
        rows, text = self.placed(manifest)
        self.assertIn(("deep", "initd_group", "Service"), [row[:3] for row in rows])
        self.assertEqual([(row[0], row[4], row[5]) for row in rows if row[1] != "initd_group"],
                         [("flaky", "deep", 0), ("doomed", "deep", 1), ("client", None, 0)])
        self.assertRegex(text, r'\{ "deep", &task_entries::initd_group, TaskKind::Service, .*\{ 2, 5000, 7 \}')
        # It may reset the Rings its services serve when it restarts them, and raise its own ready bit.
        self.assertIn('{ "requests-0", SlotKind::RequestRing, 0, RightGrant | RightReceive | RightRevoke | RightMove }', text)
        self.assertIn('{ "ready", SlotKind::Ready, 0, RightRaise | RightMove }', text)

    def test_too_many_tasks_is_one_line_naming_the_file_and_the_limit(self):
        manifest = copy.deepcopy(MANY)
        manifest["tasks"][2]["count"] = 575
        with self.assertRaises(compiler.ManifestError) as caught:
            self.compile(manifest)
        message = str(caught.exception)
        self.assertNotIn("\n", message)
        self.assertRegex(message, r"manifest\.json: tasks: 577 tasks, at most 576 \(24 group supervisors")
        manifest["tasks"][2]["count"] = 574
        manifest["tasks"].append(dict(copy.deepcopy(manifest["tasks"][2]), name="extra", count=1))
        with self.assertRaises(compiler.ManifestError) as caught:
            self.compile(manifest)
        self.assertRegex(str(caught.exception), r"manifest\.json: tasks: 577 tasks, at most 576 \(24 group supervisors")
        manifest["tasks"].pop()
        # Two services and 552 clients fit (the services in a group of their own, 23 groups of 24
        # clients); one more client needs a 25th place under initd.
        manifest["tasks"][2]["count"] = 552
        rows, _ = self.placed(manifest)
        self.assertEqual(sum(1 for row in rows if row[4] is None), 24)
        self.assertIn(("echo", "group-23"), [(row[0], row[4]) for row in rows])
        manifest["tasks"][2]["count"] = 553
        with self.assertRaises(compiler.ManifestError) as caught:
            self.compile(manifest)
        self.assertRegex(str(caught.exception), r"manifest\.json: tasks: 555 tasks need 25 places under initd, which has 24")

    def test_group_refusals(self):
        cases = []
        manifest = copy.deepcopy(SUPERVISION)
        manifest["tasks"][0]["group"] = "mixed"
        manifest["tasks"][2]["group"] = "mixed"
        cases.append((manifest, "group mixed mixes services and checks"))
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][1]["count"] = 25
        manifest["tasks"][1]["group"] = "big"
        cases.append((manifest, "group big has 25 tasks, at most 24"))
        manifest = copy.deepcopy(MINIMAL)
        manifest["groups"] = {"nobody": {}}
        cases.append((manifest, "groups.nobody: no task names this group"))
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][1]["group"] = "checks"
        manifest["groups"] = {"checks": {"restart": {"max_restarts": 1, "window_ms": 1, "backoff_ms": 1}}}
        cases.append((manifest, "a group of checks is not restarted"))
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][1]["group"] = "vfsd"
        cases.append((manifest, "'vfsd' is a task's name, not a group's"))
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][1]["count"] = 0
        cases.append((manifest, "tasks[1].count: must be an integer in [1, 576]"))
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][1]["name"] = "a" * 30
        manifest["tasks"][1]["count"] = 10
        cases.append((manifest, "copy names such as"))
        # 20 services in one group: 20 TaskCaps, Reticles and ready capabilities overflow a 64-entry space.
        manifest = copy.deepcopy(SUPERVISION)
        manifest["tasks"][1]["count"] = 20
        manifest["tasks"][1]["group"] = "crowd"
        cases.append((manifest, "group crowd would hold 65 capabilities, its space has 64"))
        for manifest, fragment in cases:
            with self.subTest(fragment=fragment):
                with self.assertRaises(compiler.ManifestError) as caught:
                    self.compile(manifest)
                self.assertIn(fragment, str(caught.exception))
                self.assertNotIn("\n", str(caught.exception))


class CompositionTest(unittest.TestCase):
    """The manifest against the configuration: image name, enabled and registered entries, memory."""

    CONFIG = {"CONFIG_SERVICE_VFSD": "y", "CONFIG_INITD_SELFCHECK_VFS": "y",
              "CONFIG_VFSD_NODES": "256", "CONFIG_VFSD_BLOCKS": "1024"}

    def compile(self, manifest=None, config=None, image="minimal", registered=None):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "manifest.json")
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(MINIMAL if manifest is None else manifest, handle)
            config_path = os.path.join(folder, ".config")
            values = dict(self.CONFIG, **(config or {}))
            with open(config_path, "w", encoding="utf-8") as handle:
                for name, value in values.items():
                    handle.write(f"# {name} is not set\n" if value == "n" else f"{name}={value}\n")
            compiler.compile_manifest(path, ROOT, os.path.join(folder, "out.cpp"), image=image,
                                      config_path=config_path,
                                      registered=registered or compiler.registered_entries)

    def refused(self, *fragments, **arguments):
        with self.assertRaises(compiler.ManifestError) as caught:
            self.compile(**arguments)
        message = str(caught.exception)
        self.assertNotIn("\n", message)
        for fragment in fragments:
            self.assertIn(fragment, message)
        return message

    def test_the_default_composition_passes(self):
        self.compile()

    def test_memory_grant_smaller_than_the_kconfig_sizes_is_refused(self):
        # The issue's case: 2048 blocks do not fit vfsd's 1024 KiB.
        message = self.refused("tasks[0] (vfsd).reticle_kib", "CONFIG_VFSD_BLOCKS=2048", "services/vfsd/footprint.json",
                               config={"CONFIG_VFSD_BLOCKS": "2048"})
        self.assertIn("1024 KiB is less than", message)
        self.refused("CONFIG_VFSD_NODES=3000", config={"CONFIG_VFSD_NODES": "3000"})
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["reticle_kib"] = 600
        self.refused("600 KiB is less than", manifest=manifest)
        self.compile(config={"CONFIG_VFSD_BLOCKS": "1200"})  # still fits

    def test_memory_formula_holds_the_filesystem_it_describes(self):
        # The needed size grows with the block count: somewhere below 2048 blocks it tips over.
        for blocks in range(1024, 4096, 16):
            try:
                self.compile(config={"CONFIG_VFSD_BLOCKS": str(blocks)})
            except compiler.ManifestError:
                break
        else:
            self.fail("no block count was refused")
        self.assertLess(blocks, 2048)

    def test_image_must_match_its_folder(self):
        self.refused("image: says 'minimal', but the manifest belongs to image 'copy'", image="copy")

    def test_disabled_component_names_the_symbol_to_enable(self):
        self.refused("tasks[0] (vfsd).entry", "CONFIG_SERVICE_VFSD=y", "unset", config={"CONFIG_SERVICE_VFSD": "n"})
        self.refused("tasks[1] (selfcheck).entry", "CONFIG_INITD_SELFCHECK_VFS=y",
                     config={"CONFIG_INITD_SELFCHECK_VFS": "n"})

    def test_entry_its_component_does_not_register_is_named(self):
        self.refused("tasks[1] (selfcheck).entry", "entry 'vfs_selfcheck' (services/initd/selfcheck.footprint.json) "
                     "is not registered: no source in services/initd says `VECTRA_TASK_ENTRY(vfs_selfcheck);`",
                     registered=lambda folder: {"vfsd"})

    def test_every_footprint_entry_is_registered_by_its_own_folder(self):
        for entry, (source, _) in compiler.find_footprints(ROOT).items():
            self.assertIn(entry, compiler.registered_entries(os.path.dirname(source.path)), source.name)

    def test_registrations_are_read_from_the_sources(self):
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "Task.cpp"), "w", encoding="utf-8") as handle:
                handle.write("VECTRA_TASK_ENTRY(first);\n  VECTRA_TASK_ENTRY( second ) ;\n"
                             "// VECTRA_TASK_ENTRY(commented);\nint VECTRA_TASK_ENTRY(inline_use);\n")
            self.assertEqual(compiler.registered_entries(folder), {"first", "second"})

    def test_misspelt_entry_suggests_the_closest(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["entry"] = "vfds"
        self.refused("did you mean 'vfsd'?", manifest=manifest)

    def test_protection_domains(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["domain"] = True
        domains = {"CONFIG_DOMAINS": "y"}
        # The kernel stack a Task in a domain also needs comes out of its Reticle: the smallest
        # Reticle that holds vfsd without a domain is refused with one.
        plain = copy.deepcopy(MINIMAL)
        while True:
            plain["tasks"][0]["reticle_kib"] -= 1
            try:
                self.compile(manifest=plain, config=domains)
            except compiler.ManifestError:
                break
        manifest["tasks"][0]["reticle_kib"] = plain["tasks"][0]["reticle_kib"] + 1
        self.refused("tasks[0] (vfsd).reticle_kib", "20 KiB kernel stack and user-stack guard (in a domain)", manifest=manifest,
                     config=domains)
        manifest["tasks"][0]["reticle_kib"] += 20
        with tempfile.TemporaryDirectory() as folder:
            manifest_path = os.path.join(folder, "manifest.json")
            with open(manifest_path, "w", encoding="utf-8") as handle:
                json.dump(manifest, handle)
            fragment = os.path.join(folder, "domain_sections.ld")
            compiler.compile_manifest(manifest_path, ROOT, os.path.join(folder, "out.cpp"), linker_fragment=fragment)
            with open(os.path.join(folder, "out.cpp"), encoding="utf-8") as handle:
                text = handle.read()
            with open(fragment, encoding="utf-8") as handle:
                sections = handle.read()
        self.assertIn('{ "vfsd", __vectra_domain_0_start, __vectra_domain_0_end }', text)
        self.assertIn("&domains[0], supervised_by_initd", text)
        self.assertIn("*services/vfsd/CMakeFiles/*(.data .data.* .bss .bss.* COMMON)", sections)
        self.assertIn("__domain_data_end = ALIGN(4096);", sections)
        self.compile(manifest=manifest, config=domains)

    def compile_with_config(self, config, manifest=None):
        """The generated C++ and linker fragment of MINIMAL (or `manifest`) under `config`."""
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "manifest.json")
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(copy.deepcopy(manifest or MINIMAL), handle)
            config_path = os.path.join(folder, ".config")
            with open(config_path, "w", encoding="utf-8") as handle:
                for name, value in dict(self.CONFIG, **config).items():
                    handle.write(f"{name}={value}\n")
            output = os.path.join(folder, "out.cpp")
            fragment = os.path.join(folder, "domain_sections.ld")
            compiler.compile_manifest(path, ROOT, output, image="minimal", config_path=config_path,
                                      linker_fragment=fragment)
            with open(output, encoding="utf-8") as handle, open(fragment, encoding="utf-8") as sections:
                return handle.read(), sections.read()

    def test_every_service_in_a_domain_of_its_own(self):
        # vfsd (a service) gets a domain; the check Task stays out of any.
        text, _ = self.compile_with_config({"CONFIG_DOMAINS": "y", "CONFIG_DOMAIN_EVERY_SERVICE": "y"})
        self.assertIn('{ "vfsd", __vectra_domain_0_start, __vectra_domain_0_end }', text)
        self.assertEqual(text.count("&domains[0]"), 1)
        self.assertNotIn("__vectra_domain_1_start", text)

    def test_every_task_in_a_domain_of_its_component(self):
        # The check Task too: it comes from another component (services/initd), so a domain of its own.
        text, _ = self.compile_with_config({"CONFIG_DOMAINS": "y", "CONFIG_DOMAIN_EVERY_SERVICE": "y",
                                            "CONFIG_DOMAIN_EVERY_TASK": "y"})
        self.assertIn('{ "vfsd", __vectra_domain_0_start, __vectra_domain_0_end }', text)
        self.assertIn('__vectra_domain_1_start, __vectra_domain_1_end }', text)
        self.assertEqual(text.count("&domains[0]"), 1)
        self.assertEqual(text.count("&domains[1]"), 1)

    def test_shared_library_data_is_set_apart_for_domains(self):
        # With domains, core/ and the ports' data get pages of their own (each domain maps a copy),
        # and the link fails when they outgrow the copies' room; without, nothing is set apart.
        _, sections = self.compile_with_config({"CONFIG_DOMAINS": "y", "CONFIG_DOMAIN_EVERY_SERVICE": "y",
                                                "CONFIG_DOMAIN_LIBRARY_DATA_KIB": "12"})
        self.assertIn("core/*/CMakeFiles/*(.data .data.* .bss .bss.* COMMON)", sections)
        self.assertIn("components/ports/*/CMakeFiles/*(.data .data.* .bss .bss.* COMMON)", sections)
        self.assertLess(sections.index("__vectra_domain_0_end"), sections.index("__library_data_start = .;"))
        assertion = [line for line in sections.splitlines() if line.startswith("ASSERT(")]
        self.assertEqual(len(assertion), 1)
        self.assertIn("<= 12 * 1024", assertion[0])
        self.assertFalse(assertion[0].endswith(";"), "lld reads a ';' after ASSERT(...) as a section")
        # CONFIG_DOMAINS alone sets it apart too: a Task may spawn into a domain the manifest does not name.
        _, sections = self.compile_with_config({"CONFIG_DOMAINS": "y"})
        self.assertIn("__library_data_start = .;\n    core/", sections)
        _, sections = self.compile_with_config({})
        self.assertIn("__library_data_start = .;\n__library_data_end = .;", sections)
        self.assertNotIn("ASSERT(", sections)

    def test_domains_need_the_configuration_and_refuse_hosted(self):
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][1]["domain"] = "checks"
        self.refused("tasks[1] (selfcheck).domain", "task selfcheck asks for a protection domain",
                     "CONFIG_DOMAINS unset", "add CONFIG_DOMAINS=y", manifest=manifest)
        self.refused("the hosted platform has none", manifest=manifest,
                     config={"CONFIG_DOMAINS": "y", "CONFIG_PLATFORM_HOSTED": "y"})
        manifest["tasks"][1]["domain"] = False
        self.compile(manifest=manifest)

    def test_cpu_placement(self):
        # A CPU index pins the Task, "any" lets it move; both reach initd's table (ADR 0026).
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["cpu"] = 3
        manifest["tasks"][1]["cpu"] = "any"
        text, _ = self.compile_with_config({"CONFIG_CPUS_MAX": "4"}, manifest=manifest)
        self.assertRegex(text, r'\{ "vfsd", .*, 3 \},')
        self.assertRegex(text, r'\{ "selfcheck", .*, processor_any \},')
        del manifest["tasks"][0]["cpu"]
        text, _ = self.compile_with_config({"CONFIG_CPUS_MAX": "4"}, manifest=manifest)
        self.assertRegex(text, r'\{ "vfsd", .*, processor_boot \},')

    def test_cpu_refusals(self):
        manifest = copy.deepcopy(MINIMAL)
        for value, config, reason in ((4, {"CONFIG_CPUS_MAX": "4"}, "asks for cpu 4, and CONFIG_CPUS_MAX=4 allows 0 to 3"),
                                      (-1, {"CONFIG_CPUS_MAX": "4"}, "asks for cpu -1"),
                                      (1, {"CONFIG_CPUS_MAX": "1"}, "CONFIG_CPUS_MAX=1 allows 0 to 0"),
                                      ("2", {"CONFIG_CPUS_MAX": "4"}, 'must be a CPU index or "any", not a string'),
                                      (True, {"CONFIG_CPUS_MAX": "4"}, 'must be a CPU index or "any", not a boolean'),
                                      (1.0, {"CONFIG_CPUS_MAX": "4"}, 'must be a CPU index or "any", not a number'),
                                      (None, {"CONFIG_CPUS_MAX": "4"}, 'must be a CPU index or "any", not null')):
            manifest["tasks"][1]["cpu"] = value
            self.refused("tasks[1] (selfcheck).cpu", reason, manifest=manifest, config=config)
        manifest["tasks"][1]["cpu"] = 1
        manifest["tasks"][1]["domain"] = True
        self.refused("tasks[1] (selfcheck).cpu", "domains run on cpu 0", manifest=manifest,
                     config={"CONFIG_CPUS_MAX": "4", "CONFIG_DOMAINS": "y"})

    def test_malformed_domains_are_one_line(self):
        manifest = copy.deepcopy(MINIMAL)
        for value, reason in ((3, "must be true, false or a domain name, not a number"),
                              ("Upper Case", "is not 1-31 of [a-z0-9_-]"), ("x\n", "control character"),
                              (None, "not null")):
            manifest["tasks"][0]["domain"] = value
            self.refused("tasks[0] (vfsd).domain", reason.replace("not null", "not null"), manifest=manifest,
                         config={"CONFIG_DOMAINS": "y"})

    def test_a_component_data_section_belongs_to_one_domain(self):
        config = {"CONFIG_DOMAINS": "y", "CONFIG_COMPONENT_CRASHTEST": "y"}
        manifest = copy.deepcopy(MINIMAL)
        console = {"class": "DeviceCap", "device": "console", "rights": ["write"]}
        for name, entry in (("faulter", "crash_fault"), ("panicker", "crash_panic")):
            manifest["tasks"].append({"name": name, "entry": entry, "kind": "check", "reticle_kib": 128,
                                      "stack_kib": 16, "bundle": {"console": console}, "expect": "faulted"})
        manifest["tasks"][2]["domain"] = "one"
        manifest["tasks"][3]["domain"] = "two"
        self.refused("tasks[3] (panicker).domain", "runs component components/crashtest in domain two",
                     "task faulter runs it in domain one", manifest=manifest, config=config)
        del manifest["tasks"][3]["domain"]
        self.refused("outside any domain", manifest=manifest, config=config)
        manifest["tasks"][3]["domain"] = "one"
        self.compile(manifest=manifest, config=config)
        # One domain, two components: each needs its own data section, so its own domain.
        manifest["tasks"][1]["domain"] = "one"
        self.refused("tasks[2] (faulter).domain", "domain one already runs component services/initd",
                     manifest=manifest, config=config)

    def test_the_display_is_granted_by_name_and_only_with_config_display(self):
        config = {"CONFIG_DISPLAY": "y", "CONFIG_COMPONENT_TESTCARD": "y"}
        manifest = copy.deepcopy(MINIMAL)
        device = lambda name, rights: {"class": "DeviceCap", "device": name, "rights": rights}
        manifest["tasks"].append({"name": "card", "entry": "testcard", "kind": "service", "reticle_kib": 128,
                                  "stack_kib": 16, "bundle": {
                                      "console": device("console", ["write"]),
                                      "display": device("display", ["read", "write"]),
                                      "memory": {"class": "ReticleCap", "rights": ["retype"]},
                                      "ready": {"class": "SignalCap", "rights": ["raise"]}}})
        self.compile(manifest=manifest, config=config)
        self.refused("tasks[2] (card).bundle.display.device", "CONFIG_DISPLAY unset",
                     manifest=manifest, config={"CONFIG_COMPONENT_TESTCARD": "y"})
        manifest["tasks"][2]["bundle"]["display"]["device"] = "console"
        self.refused("tasks[2] (card).bundle.display.device", "grants the console device, footprint wants display",
                     manifest=manifest, config=config)
        manifest["tasks"][2]["bundle"]["display"]["device"] = "screen"
        self.refused("tasks[2] (card).bundle.display.device",
                     '"screen" is not one of block0, block1, block2, block3, console, display',
                     manifest=manifest, config=config)

    BLOCK_CONFIG = {"CONFIG_CORE_BLOCK": "y", "CONFIG_SERVICE_STORAGED": "y", "CONFIG_COMPONENT_HOSTED_BLOCK": "y",
                    "CONFIG_COMPONENT_BLKCHECK": "y", "CONFIG_PLATFORM_HOSTED": "y", "CONFIG_STORAGED_SESSIONS": "8"}

    def block_manifest(self, device="block1"):
        manifest = copy.deepcopy(MINIMAL)
        manifest["connections"]["disk"] = {"schema": "vectra.block"}
        ring = lambda end, rights: {"class": "RingCap", "connection": "disk", "ring": end, "rights": rights}
        manifest["tasks"].append({"name": "driver", "entry": "hosted_block", "kind": "service", "reticle_kib": 256,
                                  "stack_kib": 32, "platforms": ["hosted"], "bundle": {
                                      "console": {"class": "DeviceCap", "device": "console", "rights": ["write"]},
                                      "memory": {"class": "ReticleCap", "rights": ["retype"]},
                                      "disk": {"class": "DeviceCap", "device": device, "rights": ["read", "write"]},
                                      "requests": ring("requests", ["receive"]), "replies": ring("replies", ["send"]),
                                      "ready": {"class": "SignalCap", "rights": ["raise"]}}})
        # storaged holds the other ends, and blk-check is its session client.
        manifest["connections"]["storage"] = {"schema": "vectra.session", "listener": True}
        listener = lambda end, rights: {"class": "RingCap", "connection": "storage", "ring": end, "rights": rights}
        manifest["tasks"].append({"name": "storaged", "entry": "storaged", "kind": "service", "reticle_kib": 256,
                                  "stack_kib": 32, "platforms": ["hosted"], "bundle": {
                                      "console": {"class": "DeviceCap", "device": "console", "rights": ["write"]},
                                      "memory": {"class": "ReticleCap", "rights": ["retype"]},
                                      "disk-requests": ring("requests", ["send"]), "disk-replies": ring("replies", ["receive"]),
                                      "requests": listener("requests", ["receive"]), "replies": listener("replies", ["send"]),
                                      "ready": {"class": "SignalCap", "rights": ["raise"]}}})
        manifest["tasks"].append({"name": "blk-check", "entry": "blk_check", "kind": "check", "reticle_kib": 512,
                                  "stack_kib": 32, "platforms": ["hosted"], "bundle": {
                                      "console": {"class": "DeviceCap", "device": "console", "rights": ["write"]},
                                      "memory": {"class": "ReticleCap", "rights": ["retype"]},
                                      "storage-requests": listener("requests", ["send"]),
                                      "storage-replies": listener("replies", ["receive"])}})
        return manifest

    def test_a_hosted_disk_is_granted_by_number_to_a_footprint_asking_for_a_block_device(self):
        with tempfile.TemporaryDirectory() as folder:
            manifest = self.block_manifest()
            path = os.path.join(folder, "manifest.json")
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(manifest, handle)
            config_path = os.path.join(folder, ".config")
            with open(config_path, "w", encoding="utf-8") as handle:
                for name, value in dict(self.CONFIG, **self.BLOCK_CONFIG).items():
                    handle.write(f"{name}={value}\n")
            compiler.compile_manifest(path, ROOT, os.path.join(folder, "out.cpp"), image="minimal",
                                      config_path=config_path, registered=compiler.registered_entries)
            generated = open(os.path.join(folder, "out.cpp"), encoding="utf-8").read()
        self.assertIn('{ "disk", SlotKind::Disk, 0, RightRead | RightWrite, 0ull, 1 }', generated)
        everywhere = self.block_manifest()
        for task in everywhere["tasks"]:
            task.pop("platforms", None)
        self.refused("tasks[2] (driver).bundle.disk.device", "hosted --disk= file", manifest=everywhere,
                     config=dict(self.BLOCK_CONFIG, CONFIG_PLATFORM_HOSTED="n", CONFIG_PLATFORM_X86_64="y"))
        self.refused("tasks[2] (driver).bundle.disk.device", "grants the console device, footprint wants block",
                     manifest=self.block_manifest("console"), config=self.BLOCK_CONFIG)
        self.refused('"block4" is not one of', manifest=self.block_manifest("block4"), config=self.BLOCK_CONFIG)

    def test_a_task_for_other_platforms_is_left_out_with_the_connections_only_it_had(self):
        # On x86_64 the hosted driver is left out, and so is its connection (no footprint would describe it).
        x86 = dict(self.BLOCK_CONFIG, CONFIG_PLATFORM_HOSTED="n", CONFIG_PLATFORM_X86_64="y",
                   CONFIG_COMPONENT_HOSTED_BLOCK="n")
        self.compile(manifest=self.block_manifest(), config=x86)
        manifest = self.block_manifest()
        manifest["tasks"][2]["platforms"] = ["hosted", "riscv"]
        self.refused("tasks[2].platforms[1]", '"riscv" is not one of', manifest=manifest, config=self.BLOCK_CONFIG)
        manifest["tasks"][2]["platforms"] = []
        self.refused("tasks[2].platforms", "must not be empty", manifest=manifest, config=self.BLOCK_CONFIG)

    def test_a_task_whose_when_symbol_is_not_set_is_left_out(self):
        manifest = self.block_manifest()
        manifest["tasks"][2]["when"] = "CONFIG_COMPONENT_HOSTED_BLOCK"
        self.compile(manifest=manifest, config=self.BLOCK_CONFIG)
        # Without its symbol the driver is gone: storaged's disk connection has nobody serving it
        # (kept, the driver would have been refused for its component instead).
        self.refused("connections.disk", "nobody holds the consumer end of its requests Ring", manifest=manifest,
                     config=dict(self.BLOCK_CONFIG, CONFIG_COMPONENT_HOSTED_BLOCK="n"))
        # All three gone with the same symbol: their connections go with them.
        for task in manifest["tasks"][2:]:
            task["when"] = "CONFIG_COMPONENT_HOSTED_BLOCK"
        self.compile(manifest=manifest, config=dict(self.BLOCK_CONFIG, CONFIG_COMPONENT_HOSTED_BLOCK="n"))
        manifest["tasks"][2]["when"] = "COMPONENT_HOSTED_BLOCK"
        self.refused("tasks[2].when", "must be a Kconfig symbol", manifest=manifest, config=self.BLOCK_CONFIG)
        manifest["tasks"][2]["when"] = ["CONFIG_COMPONENT_HOSTED_BLOCK"]
        self.refused("tasks[2].when", manifest=manifest, config=self.BLOCK_CONFIG)

    def test_every_footprint_names_its_kconfig_symbol(self):
        footprints = compiler.find_footprints(ROOT)
        self.assertIn("vfsd", footprints)
        kconfig_text = ""
        for folder, _, files in os.walk(ROOT):
            if "build" in os.path.relpath(folder, ROOT).split(os.sep)[:1]:
                continue
            for name in files:
                if name == "Kconfig":
                    with open(os.path.join(folder, name), encoding="utf-8") as handle:
                        kconfig_text += handle.read()
        for entry, (source, footprint) in footprints.items():
            symbol = footprint["kconfig"][len("CONFIG_"):]
            self.assertRegex(kconfig_text, rf"(?m)^(menu)?config {symbol}$", f"{source.name}: {symbol}")


# Malformed input: each case is (what it breaks, mutation of the minimal manifest, words of the one line).
def set_path(manifest, path, value):
    target = manifest
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return manifest


MALFORMED = [
    ("tasks not a list", ["tasks"], {"a": 1}, "tasks: must be a JSON list, not an object"),
    ("image a number", ["image"], 7, "image: must be a string, not a number"),
    ("name a list", ["tasks", 0, "name"], ["vfsd"], "tasks[0].name: must be a string, not a list"),
    ("name with a newline", ["tasks", 0, "name"], "vfsd\n", "control character (U+000A)"),
    ("name with a semicolon", ["tasks", 0, "name"], "vf;sd", "is not 1-31 of [a-z0-9_-]"),
    ("name with a quote", ["tasks", 0, "name"], 'vf"sd', "is not 1-31 of [a-z0-9_-]"),
    ("non-ASCII name", ["tasks", 0, "name"], "vfsdé", "non-ASCII character U+00E9"),
    ("entry with a trailing newline", ["tasks", 0, "entry"], "vfsd\n", "tasks[0] (vfsd).entry"),
    ("entry with C++ in it", ["tasks", 0, "entry"], "vfsd; int x", "is not a C++ identifier"),
    ("image with a tab", ["image"], "mini\tmal", "control character (U+0009)"),
    ("image non-ASCII", ["image"], "minimål", "non-ASCII"),
    ("kind a bool", ["tasks", 0, "kind"], True, "kind: must be a string, not a boolean"),
    ("stack a float", ["tasks", 0, "stack_kib"], 32.5, "stack_kib: must be an integer"),
    ("reticle null", ["tasks", 0, "reticle_kib"], None, "reticle_kib: must be an integer"),
    ("bundle a string", ["tasks", 0, "bundle"], "all", "bundle: must be a JSON object"),
    ("rights a string", ["tasks", 0, "bundle", "console", "rights"], "write", "rights: must be a JSON list"),
    ("right an object", ["tasks", 0, "bundle", "console", "rights"], [{}], "rights[0]: must be a string"),
    ("slot name with a newline", ["tasks", 0, "bundle", "console\n"], {"class": "DeviceCap", "rights": ["write"]},
     "control character"),
    ("class misspelt", ["tasks", 0, "bundle", "console", "class"], "DevicCap", "did you mean 'DeviceCap'"),
    ("connection a list", ["connections"], [], "connections: must be a JSON object"),
    ("schema with a semicolon", ["connections", "vfs", "schema"], "vectra.vfs;", "dotted lower-case words"),
    ("one_way a string", ["connections", "vfs", "one_way"], "yes", "one_way: must be true or false"),
    ("unknown task field", ["tasks", 0, "stack_kb"], 4, "unknown field (did you mean 'stack_kib'?)"),
    ("connection name with a quote", ["connections", 'v"fs'], {"schema": "vectra.vfs"}, "is not 1-31"),
]


class MalformedTest(unittest.TestCase):
    def run_compiler(self, data: bytes, extra=()):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "manifest.json")
            with open(path, "wb") as handle:
                handle.write(data)
            result = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "manifest", "compile.py"),
                                     "--manifest", path, "--srctree", ROOT, "--output", os.path.join(folder, "out.cpp"),
                                     *extra], capture_output=True, text=True, errors="replace")
            generated = None
            if result.returncode == 0:
                with open(os.path.join(folder, "out.cpp"), encoding="utf-8") as handle:
                    generated = handle.read()
            return result, generated

    def assert_one_clean_line(self, result, *fragments):
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertTrue(lines[0].startswith("manifest error: "), lines[0])
        self.assertIn("manifest.json: ", lines[0])
        for fragment in fragments:
            self.assertIn(fragment, lines[0])

    def test_each_malformed_field_ends_in_one_line(self):
        for what, path, value, fragment in MALFORMED:
            with self.subTest(what):
                manifest = set_path(copy.deepcopy(MINIMAL), path, value)
                result, _ = self.run_compiler(json.dumps(manifest).encode())
                self.assert_one_clean_line(result, fragment)

    def test_malformed_files_end_in_one_line(self):
        valid = json.dumps(MINIMAL).encode()
        cases = [("invalid UTF-8", valid.replace(b'"vfsd"', b'"vf\xffsd"', 1), "not valid UTF-8 (byte 0xff"),
                 ("not JSON", b"{ tasks: [] }", "not JSON"),
                 ("empty", b"", "not JSON"),
                 ("a list at the top", b"[]", "must hold one JSON object"),
                 ("duplicate key", b'{"image": "a", "image": "b", "tasks": []}', "appears twice"),
                 ("NaN", valid.replace(b"32", b"NaN", 1), "NaN is not a JSON number"),
                 ("deep nesting", b"[" * 100000 + b"]" * 100000, "(file)")]
        for what, data, fragment in cases:
            with self.subTest(what):
                result, _ = self.run_compiler(data)
                self.assert_one_clean_line(result, fragment)

    def test_wrong_image_folder_is_one_line(self):
        result, _ = self.run_compiler(json.dumps(MINIMAL).encode(), ["--image", "copy"])
        self.assert_one_clean_line(result, "image: says 'minimal'")

    def test_random_mutations_succeed_or_end_in_one_line(self):
        """A bounded fuzz: random edits of the minimal manifest, and of one with a group and a count,
        either compile to C++ whose every string literal is plain, or are refused in one clean line.
        Never a traceback or an internal error."""
        generator = random.Random(20261205)
        replacements = [None, True, 0, -1, 2 ** 40, 1.5, "", "x\n", "a;b", 'q"', "\\", "é", "\x00", [], {}, ["write"],
                        "person", "check", "service", "RingCap", "requests", "vfs", "vfsd", "deep", 24, 577]
        # A fixed count, not a time budget: under load a budget ran too few edits to mean anything.
        runs = 0
        while runs < 60:
            manifest = copy.deepcopy(MINIMAL if runs % 2 == 0 else TREE)
            for _ in range(generator.randint(1, 3)):
                mutate(manifest, generator, replacements)
            text = json.dumps(manifest, ensure_ascii=generator.random() < 0.5).encode()
            if generator.random() < 0.1:
                spot = generator.randrange(len(text))
                text = text[:spot] + bytes([generator.randrange(256)]) + text[spot + 1:]
            result, generated = self.run_compiler(text)
            runs += 1
            with self.subTest(run=runs, manifest=text[:300]):
                self.assertNotIn("Traceback", result.stderr)
                self.assertNotIn("internal error", result.stderr)
                if result.returncode == 0:
                    self.assertEqual(result.stderr, "")
                    for line in generated.splitlines():
                        self.assertTrue(all(" " <= character <= "~" for character in line), line)
                else:
                    self.assert_one_clean_line(result)


def mutate(value, generator, replacements):
    """Replaces, deletes or adds one member somewhere inside value (a dict or list)."""
    container = value
    while True:
        keys = list(container.keys()) if isinstance(container, dict) else list(range(len(container)))
        if not keys:
            break
        key = generator.choice(keys)
        child = container[key]
        if isinstance(child, (dict, list)) and child and generator.random() < 0.7:
            container = child
            continue
        action = generator.random()
        if action < 0.6:
            container[key] = generator.choice(replacements)
        elif action < 0.8 and isinstance(container, dict):
            del container[key]
        elif isinstance(container, dict):
            container[generator.choice(["extra", "name", "restart", "expect", "one_way", "kconfig", "count", "group", "groups"])] = \
                generator.choice(replacements)
        break





# What the compiler emits for image files' vfsd configuration: tests/services/TestMountTable.cpp
# decodes the same bytes into the same mount table and its encoder writes them back, so the
# compiler's encoder and core/encoding's decoder are held to one form.
FILES_CONFIGURATION = bytes([
    0x01, 0x00, 0x4a, 0x00, 0x00, 0x00, 0x01, 0x03, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x72,
    0x61, 0x6d, 0x00, 0x01, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x03, 0x00, 0x00, 0x00, 0x66, 0x61, 0x74,
    0x01, 0x04, 0x00, 0x00, 0x00, 0x62, 0x6f, 0x6f, 0x74, 0x05, 0x00, 0x00, 0x00, 0x2f, 0x62, 0x6f,
    0x6f, 0x74, 0x00, 0x05, 0x00, 0x00, 0x00, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x01, 0x04, 0x00, 0x00,
    0x00, 0x64, 0x61, 0x74, 0x61, 0x05, 0x00, 0x00, 0x00, 0x2f, 0x64, 0x61, 0x74, 0x61, 0x01, 0x01,
])

with open(os.path.join(ROOT, "images", "files", "manifest.json"), encoding="utf-8") as handle:
    FILES = json.load(handle)
# Without a configuration every platform's Task stays: keep the hosted disk driver only.
FILES["tasks"] = [task for task in FILES["tasks"] if task["name"] != "virtio-block"]
VFSD = next(index for index, task in enumerate(FILES["tasks"]) if task["entry"] == "vfsd_disks")


class ConfigurationTest(unittest.TestCase):
    """Configuration data (docs/adr/0037-configuration-data-in-the-manifest.md): a Task's "config"
    against its footprint's declaration, partitions against disks.json, the canonical bytes."""

    def compile(self, manifest=None, disks=True, partitions=None):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "manifest.json")
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(FILES if manifest is None else manifest, handle)
            if disks:
                with open(os.path.join(ROOT, "images", "files", "disks.json"), encoding="utf-8") as handle:
                    declaration = json.load(handle)
                if partitions is not None:
                    declaration["disks"][0]["partitions"] = [{"name": name, "type": "raw", "size_mib": 4}
                                                             for name in partitions]
                with open(os.path.join(folder, "disks.json"), "w", encoding="utf-8") as handle:
                    json.dump(declaration, handle)
            output = os.path.join(folder, "out.cpp")
            depfile = os.path.join(folder, "out.d")
            compiler.compile_manifest(path, ROOT, output, depfile=depfile)
            with open(output, encoding="utf-8") as handle:
                text = handle.read()
            with open(depfile, encoding="utf-8") as handle:
                return text, handle.read()

    def configured(self, config):
        manifest = copy.deepcopy(FILES)
        if config is None:
            del manifest["tasks"][VFSD]["config"]
        else:
            manifest["tasks"][VFSD]["config"] = config
        return manifest

    def refused(self, manifest, *fragments, **arguments):
        with self.assertRaises(compiler.ManifestError) as caught:
            self.compile(manifest, **arguments)
        message = str(caught.exception)
        self.assertNotIn("\n", message)
        self.assertRegex(message, r"^\S*manifest.json: ")  # the file first
        for fragment in fragments:
            self.assertIn(fragment, message)
        return message

    @staticmethod
    def emitted(text, index):
        block = text.split(f"constexpr u8 config_{index}[] = {{")[1].split("};")[0]
        return bytes(int(word, 16) for word in re.findall(r"0x[0-9a-f]{2}", block))

    def test_the_files_mount_table_is_emitted_as_canonical_bytes_in_a_read_only_slot(self):
        text, depends = self.compile()
        self.assertEqual(self.emitted(text, VFSD), FILES_CONFIGURATION)
        self.assertIn(f'{{ .name = "config", .kind = SlotKind::Config, .connection = 0, .rights = RightRead, '
                      f'.config_bytes = config_{VFSD}, .config_length = sizeof(config_{VFSD}) }},',
                      text)
        self.assertIn("disks.json", depends)  # a partition renamed in disks.json re-checks the manifest
        # Only the configured Task gets the slot.
        self.assertEqual(text.count("SlotKind::Config"), 1)

    def test_a_task_given_no_config_gets_its_declared_absence(self):
        text, _ = self.compile(self.configured(None))
        self.assertEqual(self.emitted(text, VFSD), bytes([1, 0, 1, 0, 0, 0, 0]))  # version 1, body: mounts absent
        text, _ = self.compile(self.configured({"mounts": []}))
        self.assertEqual(self.emitted(text, VFSD), bytes([1, 0, 5, 0, 0, 0, 1, 0, 0, 0, 0]))

    def test_a_field_the_footprint_does_not_declare_is_refused(self):
        where = f"tasks[{VFSD}] (vfsd).config"
        self.refused(self.configured({"mount": []}), f"{where}.mount:", "not a configuration field "
                     "services/vfsd/disks.footprint.json declares (did you mean 'mounts'?)")
        self.refused(self.configured({"mounts": [{"backend": "ram", "at": "/", "partiton": "boot"}]}),
                     f"{where}.mounts[0].partiton:", "(did you mean 'partition'?)")

    def test_a_wrong_type_is_refused(self):
        where = f"tasks[{VFSD}] (vfsd).config"
        self.refused(self.configured([]), f"{where}:", "must be a JSON object, not a list")
        self.refused(self.configured({"mounts": {"backend": "ram"}}), f"{where}.mounts:", "must be a JSON list")
        self.refused(self.configured({"mounts": ["ram:/"]}), f"{where}.mounts[0]:", "must be a JSON object, not a string")
        self.refused(self.configured({"mounts": [{"backend": 1, "at": "/"}]}), f"{where}.mounts[0].backend:",
                     "must be a string, not a number")
        self.refused(self.configured({"mounts": [{"backend": "ram", "at": "/", "format": "yes"}]}),
                     f"{where}.mounts[0].format:", "must be true or false")
        self.refused(self.configured({"mounts": [{"backend": "ram", "at": "/", "format": 1}]}),
                     f"{where}.mounts[0].format:", "must be true or false")
        self.refused(self.configured({"mounts": [{"backend": "ram", "at": "/\n"}]}), f"{where}.mounts[0].at:",
                     "control character")

    def test_out_of_range_values_are_refused(self):
        where = f"tasks[{VFSD}] (vfsd).config"
        self.refused(self.configured({"mounts": [{"backend": "ntfs", "at": "/"}]}), f"{where}.mounts[0].backend:",
                     '"ntfs" is not one of ram, fat, store')
        self.refused(self.configured({"mounts": [{"backend": "ram", "at": "/" + "a" * 255}]}),
                     f"{where}.mounts[0].at:", "is longer than 255 bytes")
        self.refused(self.configured({"mounts": [{"backend": "ram", "at": "/"}]
                                      + [{"backend": "fat", "partition": "boot", "at": f"/{n}"} for n in range(8)]}),
                     f"{where}.mounts:", "9 items, at most 8")
        # The largest legal values still fit: 8 mounts of 255-byte points and 36-byte partitions.
        longest = "p" * 36
        text, _ = self.compile(self.configured({"mounts": [{"backend": "store", "partition": longest, "at": "/" + "a" * 254,
                                                            "format": True}] * 8}), partitions=[longest])
        self.assertEqual(len(self.emitted(text, VFSD)), 2499)

    def test_a_missing_required_field_is_refused(self):
        self.refused(self.configured({"mounts": [{"backend": "ram", "at": "/"}, {"backend": "fat", "partition": "boot"}]}),
                     f"tasks[{VFSD}] (vfsd).config.mounts[1]:", "the required field 'at' is missing")
        self.refused(self.configured({"mounts": [{"at": "/"}]}), "the required field 'backend' is missing")

    def test_a_partition_the_disks_do_not_have_is_refused(self):
        self.refused(self.configured({"mounts": [{"backend": "ram", "at": "/"},
                                                 {"backend": "fat", "partition": "home", "at": "/home"}]}),
                     f"tasks[{VFSD}] (vfsd).config.mounts[1].partition:",
                     "the image's disks.json has no partition \"home\" (it has boot, data)")
        self.refused(None, "the image's disks.json has no partition \"boot\" (it has data, other)",
                     partitions=["data", "other"])
        self.refused(None, "names partition \"boot\", and the image has no disks.json", disks=False)

    def test_a_block_mount_is_given_only_to_vfsd_disks(self):
        # Plain vfsd serves ram at / alone: its footprint declares no configuration to give it.
        manifest = copy.deepcopy(MINIMAL)
        manifest["tasks"][0]["config"] = {"mounts": [{"backend": "ram", "at": "/"},
                                                     {"backend": "fat", "partition": "boot", "at": "/boot"}]}
        with self.assertRaises(compiler.ManifestError) as caught:
            ManifestTest.compile(self, manifest)
        self.assertIn("tasks[0] (vfsd).config: entry 'vfsd' declares no configuration "
                      "(services/vfsd/footprint.json has no \"config\"): task vfsd cannot be given one", str(caught.exception))
        # Nor can a Bundle grant the slot by hand.
        manifest = copy.deepcopy(FILES)
        manifest["tasks"][VFSD]["bundle"]["config"] = {"class": "ReticleCap", "rights": ["retype"]}
        self.refused(manifest, "bundle.config", "extra grant")

    def test_a_configured_task_costs_its_supervisor_a_page(self):
        # The supervisor keeps the configuration's memory object for the Task's whole life: a group pays for it.
        tasks = copy.deepcopy(FILES["tasks"])
        group = type("Placement", (), {"groups": [{"members": [VFSD]}]})()
        plain = compiler.group_reticle_kib(group, 0, tasks)
        tasks[VFSD]["config_bytes"] = FILES_CONFIGURATION
        self.assertEqual(compiler.group_reticle_kib(group, 0, tasks) - plain, compiler.CONFIG_KIB)


class ConfigurationDeclarationTest(unittest.TestCase):
    """A footprint's "config" declaration, and the values and bytes of each type."""

    def declare(self, fields, version=1):
        source = compiler.Source("footprint.json")
        declaration = {"version": version, "fields": fields}
        taskconfig.check_declaration(source, declaration)
        return source, declaration

    def refused(self, fields, *fragments, version=1):
        with self.assertRaises(compiler.ManifestError) as caught:
            self.declare(fields, version)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))

    def encode(self, fields, value, partitions=None):
        source, declaration = self.declare(fields)
        return taskconfig.check_value(source, value, declaration, "config", taskconfig.Context("f", partitions))

    def test_malformed_declarations_are_one_line(self):
        self.refused({"a": {"type": "float"}}, "config.fields.a.type", "is not one of")
        self.refused({"a": {"type": "string"}}, "config.fields.a", "a string declares max_bytes")
        self.refused({"a": {"type": "string", "max_bytes": 0}}, "max_bytes", "must be an integer in [1, 1024]")
        self.refused({"a": {"type": "string", "max_bytes": 4, "min": 1}}, "config.fields.a.min", "does not apply to a string")
        self.refused({"a": {"type": "integer", "min": 5, "max": 4}}, "config.fields.a.max", "must be an integer in [5,")
        self.refused({"a": {"type": "integer", "min": -1, "max": 1 << 63}}, "a signed range ends below 2^63")
        self.refused({"a": {"type": "list", "max_items": 4, "of": {"type": "boolean", "optional": True}}},
                     "list items are never optional")
        self.refused({"a": {"type": "string", "max_bytes": 3, "one_of": ["long"]}}, "longer than max_bytes 3")
        self.refused({"a": {"type": "string", "max_bytes": 3, "refers_to": "disk"}}, "refers_to", "is not one of")
        self.refused({"A": {"type": "boolean"}}, "is not 1-31 of [a-z0-9_]")
        self.refused({}, "a record declares at least one field")
        self.refused({"a": {"type": "boolean"}}, "config.version", version=0)
        self.refused({"a": {"type": "list", "max_items": 200, "of": {"type": "string", "max_bytes": 100}}},
                     "its largest message is 20810 bytes, more than a configuration holds (4096)")
        deep = {"type": "boolean"}
        for _ in range(5):
            deep = {"type": "record", "fields": {"a": deep}}
        self.refused({"a": deep}, "configuration nests at most 4 deep")

    def test_a_footprint_cannot_grant_the_config_slot_itself(self):
        source = compiler.Source("footprint.json")
        footprint = {"entry": "e", "kconfig": "CONFIG_E", "config": {"version": 1, "fields": {"a": {"type": "boolean"}}},
                     "slots": {"config": {"class": "ReticleCap", "rights": ["retype"]}}}
        with self.assertRaises(compiler.ManifestError) as caught:
            compiler.check_footprint(source, footprint)
        self.assertIn("slots.config: the slot 'config' is the one initd fills", str(caught.exception))

    def test_integers_take_the_smallest_width_that_holds_their_range(self):
        fields = {"small": {"type": "integer", "min": 0, "max": 255}, "signed": {"type": "integer", "min": -300, "max": 300},
                  "big": {"type": "integer", "min": 0, "max": (1 << 64) - 1}, "flag": {"type": "boolean"}}
        data = self.encode(fields, {"small": 255, "signed": -2, "big": (1 << 64) - 1, "flag": False})
        self.assertEqual(data, bytes([1, 0, 12, 0, 0, 0, 255, 0xfe, 0xff]) + b"\xff" * 8 + b"\x00")
        self.assertEqual(taskconfig.declaration_structure({"fields": fields}), "{small:u8,signed:i16,big:u64,flag:bool}")
        for value, fragment in ((256, "[0, 255]"), (-1, "[0, 255]"), (True, "[0, 255]"), (1.0, "[0, 255]")):
            with self.assertRaises(compiler.ManifestError) as caught:
                self.encode(fields, {"small": value, "signed": 0, "big": 0, "flag": True})
            self.assertIn(fragment, str(caught.exception))
        with self.assertRaises(compiler.ManifestError) as caught:
            self.encode(fields, {"small": 0, "signed": -301, "big": 0, "flag": True})
        self.assertIn("config.signed: must be an integer in [-300, 300]", str(caught.exception))

    def test_dnsds_server_is_its_configuration(self):
        # tests/services/TestDnsd.cpp decodes these bytes into 10.0.2.2 port 5353.
        source, footprint = compiler.find_footprints(ROOT)["dnsd"]
        context = taskconfig.Context(source.name, None)
        data = taskconfig.check_value(source, {"server": "10.0.2.2", "port": 5353}, footprint["config"], "config", context)
        self.assertEqual(data.hex(), "010010000000010800000031302e302e322e3201e914")
        self.assertEqual(taskconfig.check_value(source, {}, footprint["config"], "config", context).hex(), "0100020000000000")
        for value, fragment in (({"port": 0}, "config.port: must be an integer in [1, 65535]"),
                                ({"port": 65536}, "config.port: must be an integer in [1, 65535]"),
                                ({"server": "10.0.2.2.2.2.2.2"}, "is longer than 15 bytes"),
                                ({"server": 10}, "config.server: must be a string"),
                                ({"address": "10.0.2.2"}, "config.address: not a configuration field")):
            with self.assertRaises(compiler.ManifestError) as caught:
                taskconfig.check_value(source, value, footprint["config"], "config", context)
            self.assertIn(fragment, str(caught.exception))

    def test_netd_links_ipv4_is_its_configuration(self):
        # tests/services/TestNetdLinkConfiguration.cpp decodes these bytes into the same plans.
        source, footprint = compiler.find_footprints(ROOT)["netd_link"]
        context = taskconfig.Context(source.name, None)
        check = lambda value: taskconfig.check_value(source, value, footprint["config"], "config", context)
        self.assertEqual(check({"ipv4": {"method": "dhcp"}}).hex(), "03000d00000001040000006468637000000000")
        self.assertEqual(check({"ipv4": {"method": "static", "address": "10.0.2.15", "prefix": 24, "gateway": "10.0.2.2"}}).hex(),
                         "0300" "29000000" "01" "06000000" + b"static".hex() + "01" "09000000" + b"10.0.2.15".hex()
                         + "0118" "01" "08000000" + b"10.0.2.2".hex() + "00")
        self.assertEqual(check({}).hex(), "0300020000000000")
        self.assertEqual(check({"ipv6": {"method": "slaac"}}).hex(), "0300" "0f000000" "00" "01" "05000000" + b"slaac".hex() + "00000000")
        self.assertEqual(check({"ipv6": {"method": "static", "address": "fd00::15", "prefix": 64, "gateway": "fe80::2"}}).hex(),
                         "0300" "28000000" "00" "01" "06000000" + b"static".hex() + "01" "08000000" + b"fd00::15".hex()
                         + "0140" "01" "07000000" + b"fe80::2".hex() + "00")
        # Version 3: where the IPv6 DNS servers come from.
        self.assertEqual(check({"ipv6": {"method": "slaac", "dns": "dhcpv6"}}).hex(),
                         "0300" "19000000" "00" "01" "05000000" + b"slaac".hex() + "000000" "01" "06000000" + b"dhcpv6".hex())
        self.assertEqual(check({"ipv6": {"method": "slaac", "dns": "rdnss"}}).hex(),
                         "0300" "18000000" "00" "01" "05000000" + b"slaac".hex() + "000000" "01" "05000000" + b"rdnss".hex())
        for value, fragment in (({"ipv4": {"method": "bootp"}}, 'config.ipv4.method: "bootp" is not one of dhcp, static'),
                                ({"ipv4": {"method": "static", "address": "10.0.2.256", "prefix": 24}},
                                 'config.ipv4.address: "10.0.2.256" is not a dotted-quad IPv4 address'),
                                ({"ipv4": {"method": "static", "address": "10.0.02.15", "prefix": 24}}, "is not a dotted-quad"),
                                ({"ipv4": {"method": "static", "address": "10.0.2", "prefix": 24}}, "is not a dotted-quad"),
                                ({"ipv4": {"method": "static", "address": "10.0.2.15", "prefix": 24, "gateway": "gw"}},
                                 'config.ipv4.gateway: "gw" is not a dotted-quad IPv4 address'),
                                ({"ipv4": {"method": "static", "address": "10.0.2.15", "prefix": 33}},
                                 "config.ipv4.prefix: must be an integer in [1, 32]"),
                                ({"ipv4": {"method": "static", "address": "10.0.2.15", "prefix": 0}}, "[1, 32]"),
                                ({"ipv4": {"address": "10.0.2.15"}}, "the required field 'method' is missing"),
                                ({"ipv6": {"method": "dhcp"}}, 'config.ipv6.method: "dhcp" is not one of slaac, static'),
                                ({"ipv6": {"method": "static", "address": "fd00::1::5", "prefix": 64}},
                                 'config.ipv6.address: "fd00::1::5" is not an IPv6 address'),
                                ({"ipv6": {"method": "static", "address": "10.0.2.15", "prefix": 64}}, "is not an IPv6 address"),
                                ({"ipv6": {"method": "static", "address": "fe80::1%en0", "prefix": 64}}, "is not an IPv6 address"),
                                ({"ipv6": {"method": "static", "address": "fd00::15", "prefix": 64, "gateway": "gw"}},
                                 'config.ipv6.gateway: "gw" is not an IPv6 address'),
                                ({"ipv6": {"method": "static", "address": "fd00::15", "prefix": 129}},
                                 "config.ipv6.prefix: must be an integer in [1, 128]"),
                                ({"ipv6": {"method": "static", "address": "fd00::15", "prefix": 0}}, "[1, 128]"),
                                ({"ipv6": {"method": "static", "address": "fd00:0000:0000:0000:0000:0000:0000:00150", "prefix": 64}},
                                 "is longer than 39 bytes"),
                                ({"ipv6": {"address": "fd00::15"}}, "the required field 'method' is missing"),
                                ({"ipv6": {"method": "slaac", "router": "fe80::2"}}, "config.ipv6.router: not a configuration field"),
                                ({"ipv6": {"method": "slaac", "dns": "dhcp"}}, 'config.ipv6.dns: "dhcp" is not one of rdnss, dhcpv6'),
                                ({"ipv6": {"method": "slaac", "dns": "RDNSS"}}, "is not one of rdnss, dhcpv6"),
                                ({"ipv6": {"method": "slaac", "dns": 6}}, "config.ipv6.dns: must be a string"),
                                ({"ipv6": {"method": "slaac", "dns": "dhcpv6x"}}, "config.ipv6.dns:")):
            with self.assertRaises(compiler.ManifestError) as caught:
                check(value)
            self.assertIn(fragment, str(caught.exception))
            self.assertNotIn("\n", str(caught.exception).strip())

    def test_a_string_format_is_a_known_one(self):
        self.refused({"a": {"type": "string", "max_bytes": 15, "format": "mac"}}, "config.fields.a.format", "is not one of")
        self.refused({"a": {"type": "integer", "min": 0, "max": 1, "format": "ipv4"}}, "config.fields.a.format",
                     "does not apply to a integer")
        fields = {"a": {"type": "string", "max_bytes": 15, "format": "ipv4"}}
        for good in ("0.0.0.0", "255.255.255.255", "10.0.2.15", "192.168.100.9"):
            self.encode(fields, {"a": good})
        for bad in ("256.0.0.1", "1.2.3", "1.2.3.4.", ".1.2.3", "01.2.3.4", "1.2.3.4 ", "a.b.c.d", "1..2.3", ""):
            with self.assertRaises(compiler.ManifestError) as caught:
                self.encode(fields, {"a": bad})
            self.assertIn("is not a dotted-quad IPv4 address", str(caught.exception))
        fields = {"a": {"type": "string", "max_bytes": 39, "format": "ipv6"}}
        for good in ("::", "::1", "fe80::2", "FD00:7665:6374::5054:ff:fe12:3456", "1:2:3:4:5:6:7:8", "1::8", "1:2:3:4:5:6:7::"):
            self.encode(fields, {"a": good})
        for bad in ("", ":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::", ":1::", "1::2:",
                    "::ffff:1.2.3.4", "fe80::1%en0", "1:2:3:4:5:6:7:8::", " ::1"):
            with self.assertRaises(compiler.ManifestError) as caught:
                self.encode(fields, {"a": bad})
            self.assertIn("is not an IPv6 address", str(caught.exception))

    def test_the_structure_is_core_encodings_description_and_hash(self):
        # The text and FNV-1a 64 of Structure.h; the generated footprint header's static_assert
        # compares them with the C++ type's, so a Task's type cannot drift from its declaration.
        self.assertEqual(taskconfig.structure_hash(""), 0xcbf29ce484222325)
        self.assertEqual(taskconfig.structure_hash("a"), 0xaf63dc4c8601ec8c)
        # tests/core/TestProcess.cpp static_asserts the same number for the C++ type of this declaration.
        sample = {"fields": {"level": {"type": "integer", "min": 0, "max": 255}, "name": {"type": "string", "max_bytes": 8}}}
        self.assertEqual(taskconfig.declaration_structure(sample), "{level:u8,name:utf8<8>}")
        self.assertEqual(taskconfig.structure_hash(taskconfig.declaration_structure(sample)), 0xaf753ca3fd1008d2)
        _, footprint = compiler.find_footprints(ROOT)["vfsd_disks"]
        self.assertEqual(taskconfig.declaration_structure(footprint["config"]),
                         "{mounts:optional<vector<{backend:utf8<5>,partition:optional<utf8<36>>,at:utf8<255>,"
                         "format:optional<bool>},8>>}")
        self.assertEqual(taskconfig.maximum_size(footprint["config"]), 2499)


class DataFileTest(unittest.TestCase):
    """Read-only MemCap slots holding files the build made (docs/adr/0038-tlsd-and-the-tls-stream-protocol.md
    §3, the same delivery as ADR 0037's config): image tls-loopback's tlsd identity, trust and clock."""

    FILES = {"identity.pem": b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
             "ca.pem": b"-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n" * 3,
             "made-at": b"1796000000\n"}

    @staticmethod
    def image_manifest():
        with open(os.path.join(ROOT, "images", "tls-loopback", "manifest.json"), encoding="utf-8") as handle:
            manifest = json.load(handle)
        # The Tasks of every platform (aarch64's virtio-rng left out): netd first, tlsd second.
        manifest["tasks"] = [task for task in manifest["tasks"] if "platforms" not in task]
        return manifest

    def compile(self, manifest=None, files=None, data_dir=True, footprints=None):
        with tempfile.TemporaryDirectory() as folder:
            data = os.path.join(folder, "data")
            os.makedirs(data)
            for name, content in (self.FILES if files is None else files).items():
                with open(os.path.join(data, name), "wb") as handle:
                    handle.write(content)
            path = os.path.join(folder, "manifest.json")
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(self.image_manifest() if manifest is None else manifest, handle)
            output, depfile = os.path.join(folder, "out.cpp"), os.path.join(folder, "out.d")
            if footprints is not None:
                source = compiler.Source(path, ROOT)
                composition = compiler.Composition(ROOT, footprints, data_dir=data)
                loaded = source.load()
                connections, schemas, _, domains = compiler.check_manifest(source, loaded, composition, None)
                compiler.emit(loaded, connections, schemas, output, domains)
                with open(output, encoding="utf-8") as handle:
                    return handle.read(), ""
            compiler.compile_manifest(path, ROOT, output, depfile=depfile, data_dir=data if data_dir else None)
            with open(output, encoding="utf-8") as handle:
                text = handle.read()
            with open(depfile, encoding="utf-8") as handle:
                return text, handle.read()

    def refused(self, *fragments, **arguments):
        with self.assertRaises(compiler.ManifestError) as caught:
            self.compile(**arguments)
        message = str(caught.exception)
        self.assertNotIn("\n", message)
        self.assertRegex(message, r"^\S*manifest.json: ")
        for fragment in fragments:
            self.assertIn(fragment, message)
        return message

    def granted(self, slot, **fields):
        manifest = self.image_manifest()
        tlsd = next(task for task in manifest["tasks"] if task["name"] == "tlsd")
        tlsd["bundle"][slot].update(fields)
        for key in [key for key, value in fields.items() if value is None]:
            del tlsd["bundle"][slot][key]
        return manifest

    @staticmethod
    def emitted(text, array):
        block = text.split(f"constexpr u8 {array}[] = {{")[1].split("};")[0]
        return bytes(int(word, 16) for word in re.findall(r"0x[0-9a-f]{2}", block))

    def test_each_file_is_emitted_byte_for_byte_in_a_read_only_slot(self):
        text, depends = self.compile()
        tlsd = [task["name"] for task in self.image_manifest()["tasks"]].index("tlsd")
        # In slot order (clock, identity, trust), each array holds exactly its file.
        for ordinal, (slot, name) in enumerate((("clock", "made-at"), ("identity", "identity.pem"), ("trust", "ca.pem"))):
            array = f"data_{tlsd}_{ordinal}"
            self.assertEqual(self.emitted(text, array), self.FILES[name])
            self.assertIn(f'{{ .name = "{slot}", .kind = SlotKind::Config, .connection = 0, .rights = RightRead, '
                          f'.config_bytes = {array}, .config_length = sizeof({array}) }},', text)
            self.assertIn(os.sep + name, depends)  # a file the build remade re-checks the manifest
        self.assertEqual(text.count("SlotKind::Config"), 3)
        # The supervisor's Reticle pays pages and a descriptor for each (initd here: its capability space).
        task = {"data_files": {name: content for name, content in self.FILES.items()}}
        self.assertEqual(compiler.data_kib(task), 3 * (4 + compiler.DESCRIPTOR_KIB))
        self.assertEqual(compiler.data_slots(task), 3)

    def test_a_task_with_files_in_a_group_gets_them_from_its_group(self):
        # The group supervisor copies the files into its own memory (ADR 0038 §3): its Bundle holds no
        # MemCap for them, its Reticle has room for each. This was a KeyError in group_bundle.
        manifest = self.image_manifest()
        next(task for task in manifest["tasks"] if task["name"] == "tlsd")["group"] = "tls"
        next(task for task in manifest["tasks"] if task["name"] == "netd")["group"] = "tls"
        text, _ = self.compile(manifest)
        group = re.search(r'constexpr SlotSpec slots_4\[\] = \{\n(.*?)\n\};', text, re.S).group(1)
        self.assertNotIn("SlotKind::Config", group)
        self.assertNotIn('"identity"', group)
        # Its Reticle: 64 + 32 + 4 KiB of its own, each child's with 4 KiB of slack, and tlsd's three files (a page and a descriptor each).
        self.assertIn('{ "tls", &task_entries::initd_group, TaskKind::Service, Band::Person, 3204, 32,', text)
        self.assertRegex(text, r'\.name = "identity", \.kind = SlotKind::Config, .*\.config_bytes = data_1_1')

    def test_a_changed_file_changes_the_image(self):
        text, _ = self.compile()
        other, _ = self.compile(files=dict(self.FILES, **{"ca.pem": b"another CA\n"}))
        self.assertNotEqual(text, other)
        self.assertIn("0x61,0x6e,0x6f,0x74,0x68,0x65,0x72", other)  # "another"

    def test_refusals_are_one_line_each(self):
        self.refused("tasks[1] (tlsd).bundle.clock.file: task tlsd: the build gives this image no data folder",
                     data_dir=False)
        self.refused("tasks[1] (tlsd).bundle.trust.file: task tlsd: the build made no file \"ca.pem\"",
                     files={name: content for name, content in self.FILES.items() if name != "ca.pem"})
        self.refused("bundle.clock.file: task tlsd: file \"made-at\" is empty", files=dict(self.FILES, **{"made-at": b""}))
        self.refused(f"is larger than {compiler.DATA_FILE_MAX_BYTES} bytes",
                     files=dict(self.FILES, **{"ca.pem": b"x" * (compiler.DATA_FILE_MAX_BYTES + 1)}))
        for name in ("../ca.pem", ".hidden", "sub/ca.pem", "", "ca pem"):
            with self.subTest(name):
                self.refused(f"bundle.trust.file: {json.dumps(name)} is not a file name of [A-Za-z0-9_.-], not starting with '.'",
                             manifest=self.granted("trust", file=name))
        self.refused("bundle.trust.file: must be a string, not a number", manifest=self.granted("trust", file=7))
        self.refused("bundle.trust.file: must be a string", manifest=self.granted("trust", file=None))
        self.refused("bundle.trust.rights: slot 'trust': granted rights ['read', 'write'], footprint declares ['read']",
                     manifest=self.granted("trust", rights=["read", "write"]))
        self.refused("bundle.trust.class: slot 'trust' granted ReticleCap, footprint wants MemCap",
                     manifest=self.granted("trust", **{"class": "ReticleCap", "file": None}))
        manifest = self.image_manifest()
        manifest["tasks"][0]["bundle"]["memory"]["file"] = "ca.pem"
        self.refused("tasks[0] (netd).bundle.memory.file: only a MemCap names a file", manifest=manifest)
        manifest = self.image_manifest()
        manifest["tasks"][0]["bundle"]["memory"] = {"class": "MemCap", "file": "ca.pem", "rights": ["read"]}
        self.refused("tasks[0] (netd).bundle.memory.class: slot 'memory' granted MemCap, footprint wants ReticleCap",
                     manifest=manifest)

    def test_more_data_slots_than_a_supervisor_keeps_are_refused(self):
        footprints = compiler.find_footprints(ROOT)
        source, footprint = footprints["tlsd"]
        wider = copy.deepcopy(footprint)
        manifest = self.image_manifest()
        for extra in ("extra1", "extra2"):
            wider["slots"][extra] = {"class": "MemCap", "rights": ["read"]}
            manifest["tasks"][1]["bundle"][extra] = {"class": "MemCap", "file": "ca.pem", "rights": ["read"]}
        footprints = dict(footprints, tlsd=(source, wider))
        with self.assertRaises(compiler.ManifestError) as caught:
            self.compile(manifest=manifest, footprints=footprints)
        self.assertIn("task tlsd has 5 read-only data slots (configuration and files); its supervisor keeps at most 4",
                      str(caught.exception))
        del manifest["tasks"][1]["bundle"]["extra2"], wider["slots"]["extra2"]
        text, _ = self.compile(manifest=manifest, footprints=footprints)
        self.assertEqual(text.count("SlotKind::Config"), 4)

    def test_a_footprint_memcap_is_read_only(self):
        source = compiler.Source("footprint.json")
        footprint = {"entry": "e", "kconfig": "CONFIG_E", "slots": {"key": {"class": "MemCap", "rights": ["read", "write"]}}}
        with self.assertRaises(compiler.ManifestError) as caught:
            compiler.check_footprint(source, footprint)
        self.assertIn("slots.key.rights: a MemCap slot holds the build's bytes read-only", str(caught.exception))
        footprint["slots"]["key"]["rights"] = ["read"]
        compiler.check_footprint(source, footprint)


class FootprintHeaderTest(unittest.TestCase):
    """tools/manifest/footprint.py: the component's view of its footprint, generated from the JSON."""

    def generate(self, entry):
        with tempfile.TemporaryDirectory() as folder:
            output = os.path.join(folder, "vectra", "footprints", entry + ".h")
            result = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "manifest", "footprint.py"),
                                     "--srctree", ROOT, "--entry", entry, "--output", output],
                                    capture_output=True, text=True, check=False)
            text = None
            if result.returncode == 0:
                with open(output, encoding="utf-8") as handle:
                    text = handle.read()
            return result, text

    def test_every_slot_of_the_json_in_its_order_with_exact_rights(self):
        result, text = self.generate("vfsd")
        self.assertEqual(result.returncode, 0, result.stderr)
        source, footprint = compiler.find_footprints(ROOT)["vfsd"]
        self.assertEqual(result.stdout.strip(), source.path)  # the configure dependency
        rows = [line.strip() for line in text.split("\n") if line.strip().startswith('{ "')]
        self.assertEqual([row.split('"')[1] for row in rows], list(footprint["slots"]))
        self.assertIn('{ "console", CapabilityClass::Device, RightWrite },', rows)
        self.assertIn('{ "requests", CapabilityClass::Ring, RightReceive },', rows)
        self.assertIn("inline constexpr SlotRequirement vfsd[] = {", text)

    def test_a_declared_configuration_adds_the_read_only_slot_and_its_structure(self):
        result, text = self.generate("vfsd_disks")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('    { "config", CapabilityClass::Memory, RightRead },\n};', text)
        self.assertIn("struct vfsd_disks_configuration {", text)
        self.assertIn("static constexpr u16 version = 1;", text)
        structure = ("{mounts:optional<vector<{backend:utf8<5>,partition:optional<utf8<36>>,at:utf8<255>,"
                     "format:optional<bool>},8>>}")
        self.assertIn(f"static constexpr u64 structure_hash = {taskconfig.structure_hash(structure):#x}ull;", text)
        self.assertIn("static constexpr usize maximum_bytes = 2499;", text)
        _, plain = self.generate("vfsd")
        self.assertNotIn("config", plain)

    def test_memcap_slots_are_read_only_memory(self):
        result, text = self.generate("tlsd")
        self.assertEqual(result.returncode, 0, result.stderr)
        for slot in ("identity", "trust", "clock"):
            self.assertIn(f'{{ "{slot}", CapabilityClass::Memory, RightRead }},', text)

    def test_an_unknown_entry_is_one_line(self):
        result, _ = self.generate("vfds")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr.strip().count("\n"), 0)
        self.assertIn("no footprint.json declares 'vfds' (did you mean 'vfsd'?)", result.stderr)


if __name__ == "__main__":
    unittest.main()


class PrivilegedConnectionTest(unittest.TestCase):
    """compositord's privileged listener (ADR 0048 §4): a connection the manifest marks `privileged`
    reaches only slots a footprint marks privileged (compositord_transient's transient listener,
    notifyd's surface session), and such a slot holds nothing else: no client of image notify can
    be wired to the listener that creates transient surfaces."""

    IMAGE = "notify"
    CONFIG = {"CONFIG_PLATFORM_X86_64": "y", "CONFIG_SERVICE_INITD": "y", "CONFIG_DISPLAY": "y",
              "CONFIG_CORE_CONCURRENT": "y", "CONFIG_CORE_ENCODING": "y", "CONFIG_CORE_TIME": "y",
              "CONFIG_CORE_TEXT": "y", "CONFIG_CORE_SURFACE": "y", "CONFIG_CORE_DISPLAY": "y", "CONFIG_CORE_FONT": "y",
              "CONFIG_CORE_NOTIFY": "y", "CONFIG_CORE_INPUT_PROTOCOL": "y", "CONFIG_SERVICE_DISPLAYD": "y",
              "CONFIG_SERVICE_COMPOSITORD": "y", "CONFIG_SERVICE_INPUTD": "y", "CONFIG_COMPONENT_VIRTIO_INPUT": "y",
              "CONFIG_SERVICE_FONTD": "y", "CONFIG_PORT_FONTS_DEJAVU": "y", "CONFIG_SERVICE_NOTIFYD": "y",
              "CONFIG_COMPONENT_SURFACECHECK": "y", "CONFIG_COMPONENT_NOTIFYCHECK": "y"}

    def image_manifest(self):
        with open(os.path.join(ROOT, "images", self.IMAGE, "manifest.json"), encoding="utf-8") as handle:
            return json.load(handle)

    def task(self, manifest, name):
        return next(task for task in manifest["tasks"] if task["name"] == name)

    def compile(self, manifest):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "manifest.json")
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(manifest, handle)
            config_path = os.path.join(folder, ".config")
            with open(config_path, "w", encoding="utf-8") as handle:
                for name, value in self.CONFIG.items():
                    handle.write(f"{name}={value}\n")
            data = os.path.join(folder, "data")
            os.makedirs(data)
            for name in ("DejaVuSans.ttf", "DejaVuSansMono.ttf"):
                with open(os.path.join(data, name), "wb") as handle:
                    handle.write(b"\0font")
            output = os.path.join(folder, "out.cpp")
            compiler.compile_manifest(path, ROOT, output, image=self.IMAGE, config_path=config_path, data_dir=data)
            with open(output, encoding="utf-8") as handle:
                return handle.read()

    def refused(self, manifest, *fragments):
        with self.assertRaises(compiler.ManifestError) as caught:
            self.compile(manifest)
        message = str(caught.exception)
        self.assertNotIn("\n", message)
        for fragment in fragments:
            self.assertIn(fragment, message)

    def test_the_image_wires_notifyd_alone_to_the_privileged_listener(self):
        generated = self.compile(self.image_manifest())
        self.assertIn("task_entries::compositord_transient", generated)
        self.assertIn("task_entries::notifyd", generated)

    def test_a_client_granted_the_privileged_connection_is_refused(self):
        manifest = self.image_manifest()
        check = self.task(manifest, "notify-check")
        check["bundle"]["requests"]["connection"] = "transient"
        check["bundle"]["replies"]["connection"] = "transient"
        self.refused(manifest, "(notify-check).bundle.replies.connection",
                     "connection 'transient' is privileged: only a slot its entry's footprint marks privileged may hold it")

    def test_notifyd_granted_the_ordinary_listener_is_refused(self):
        manifest = self.image_manifest()
        notifyd = self.task(manifest, "notifyd")
        notifyd["bundle"]["surface-requests"]["connection"] = "surfaces"
        notifyd["bundle"]["surface-replies"]["connection"] = "surfaces"
        self.refused(manifest, "(notifyd).bundle.surface-replies.connection",
                     "slot 'surface-replies' is privileged in entry 'notifyd''s footprint", "not 'surfaces'")

    def test_the_mark_is_checked_and_never_taken_off_silently(self):
        unmarked = self.image_manifest()
        del unmarked["connections"]["transient"]["privileged"]
        self.refused(unmarked, "slot 'transient_replies' is privileged in entry 'compositord_transient''s footprint")
        malformed = self.image_manifest()
        malformed["connections"]["transient"]["privileged"] = "yes"
        self.refused(malformed, "connections.transient.privileged", "must be true or false")
