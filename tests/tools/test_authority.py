# SPDX-License-Identifier: Apache-2.0
"""Tests of `./vectra authority`: the capability graph follows the manifest and the footprints
(a grant removed from a copy disappears; a grant the footprint needs but the manifest lacks is one
error line), the kernel's grants to initd match the kernel source, docs/authority/ is current.

    /usr/bin/python3 -m unittest -v test_authority      (from tests/tools)
"""

import contextlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
import types
import unittest
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = Path(HERE).parents[1]
sys.path.insert(0, str(ROOT / "tools" / "vectra"))
sys.dont_write_bytecode = True

import authority  # noqa: E402
import main as cli  # noqa: E402
from ui import Failure  # noqa: E402


def section(text, task):
    """The lines of one Task's section of the text output."""
    match = re.search(rf"^Task {re.escape(task)}:.*?\n(.*?)\n\n", text, re.MULTILINE | re.DOTALL)
    if match is None:
        raise AssertionError(f"no section for Task {task} in:\n{text}")
    return match.group(1).splitlines()


def holding_line(lines, slot):
    found = [line for line in lines if line.split()[0] == slot]
    return found[0] if found else None


class TheAdminImage(unittest.TestCase):
    def test_the_control_connection_runs_between_vctl_and_initd(self):
        text = authority.text(authority.load_graph(ROOT, "admin", "hosted"))
        self.assertIn("control.requests (vectra.control): vctl -> initd;", text)
        self.assertIn("control.replies (vectra.control): initd -> vctl;", text)
        self.assertIsNotNone(holding_line(section(text, "vctl"), "control_requests"))
        self.assertIsNone(holding_line(section(text, "admin-check"), "control_requests"))


class TheMinimalImage(unittest.TestCase):
    def setUp(self):
        self.manifest = json.loads((ROOT / "images" / "minimal" / "manifest.json").read_text())
        self.text = authority.text(authority.load_graph(ROOT, "minimal"))

    def test_every_grant_of_the_manifest_is_listed_with_its_class_and_rights(self):
        for task in self.manifest["tasks"]:
            lines = section(self.text, task["name"])
            self.assertEqual(len(lines), len(task["bundle"]), lines)
            for slot, grant in task["bundle"].items():
                line = holding_line(lines, slot)
                self.assertIsNotNone(line, f"{task['name']}.{slot} missing")
                self.assertEqual(line.split()[1], grant["class"])
                self.assertTrue(line.endswith(", ".join(sorted(grant["rights"]))), line)

    def test_rings_are_drawn_from_their_producer_to_their_consumer(self):
        self.assertIn("vfs.requests (vectra.session): selfcheck -> vfsd;", self.text)
        self.assertIn("vfs.replies (vectra.session): vfsd -> selfcheck;", self.text)

    def test_the_graphviz_form_has_an_edge_per_grant(self):
        graph = authority.dot(authority.load_graph(ROOT, "minimal"))
        self.assertIn('"task:vfsd" -> "device:console" [label="console: write"]', graph)
        self.assertIn('"task:selfcheck" -> "ring:vfs.requests" [label="send", style=bold]', graph)
        self.assertIn('"ring:vfs.requests" -> "task:vfsd" [label="receive", style=bold]', graph)

    def test_the_documented_output_is_current(self):
        documented = (ROOT / "docs" / "authority" / "minimal.txt").read_text()
        self.assertEqual(documented, self.text, "regenerate: ./vectra authority minimal --svg "
                                                "docs/authority/minimal.svg > docs/authority/minimal.txt")
        svg = (ROOT / "docs" / "authority" / "minimal.svg").read_text()
        for node in ("vfsd", "selfcheck", "vfs.requests", "vfs.replies"):
            self.assertIn(f">{node}<", svg)


class ACopiedTree(unittest.TestCase):
    """Edits a copy of the folders the graph reads."""

    def setUp(self):
        self.scratch = Path(tempfile.mkdtemp(prefix="vectra-authority-"))
        for folder in ("images", "services", "components", "apps"):
            shutil.copytree(ROOT / folder, self.scratch / folder)
        self.manifest_path = self.scratch / "images" / "minimal" / "manifest.json"
        self.manifest = json.loads(self.manifest_path.read_text())

    def tearDown(self):
        shutil.rmtree(self.scratch, ignore_errors=True)

    def write_manifest(self):
        self.manifest_path.write_text(json.dumps(self.manifest))

    def test_a_grant_removed_disappears_from_the_output(self):
        self.assertIsNotNone(holding_line(section(authority.text(authority.load_graph(self.scratch, "minimal")), "vfsd"),
                                          "ready"))
        del self.manifest["tasks"][0]["bundle"]["ready"]
        self.write_manifest()
        footprint_path = self.scratch / "services" / "vfsd" / "footprint.json"
        footprint = json.loads(footprint_path.read_text())
        del footprint["slots"]["ready"]
        footprint_path.write_text(json.dumps(footprint))
        text = authority.text(authority.load_graph(self.scratch, "minimal"))
        self.assertIsNone(holding_line(section(text, "vfsd"), "ready"))
        self.assertNotIn("vfsd's ready", text)  # initd keeps no ready bit for it either
        self.assertIsNotNone(holding_line(section(text, "vfsd"), "console"))

    def test_a_configured_task_holds_its_configuration_read_only(self):
        # ADR 0037: vfsd_disks' mount table (image files' disks.json names its partitions).
        text = authority.text(authority.load_graph(self.scratch, "files", "hosted"))
        line = holding_line(section(text, "vfsd"), "config")
        self.assertIsNotNone(line, text)
        self.assertEqual(line.split()[1], "MemCap")
        self.assertTrue(line.endswith(" read"), line)
        self.assertIn("vfsd's configuration, copied from the boot manifest", text)  # initd keeps the original
        self.assertIsNone(holding_line(section(text, "files-check"), "config"))

    def test_a_grant_the_footprint_needs_is_one_error_line(self):
        del self.manifest["tasks"][1]["bundle"]["console"]
        self.write_manifest()
        with self.assertRaises(Failure) as caught:
            authority.load_graph(self.scratch, "minimal")
        message = caught.exception.message
        self.assertEqual(len(message.splitlines()), 1, message)
        self.assertIn("does not grant slot 'console'", message)

    def test_changed_rights_show(self):
        self.manifest["tasks"][0]["bundle"]["console"]["rights"] = ["write", "grant"]
        footprint_path = self.scratch / "services" / "vfsd" / "footprint.json"
        footprint = json.loads(footprint_path.read_text())
        footprint["slots"]["console"]["rights"] = ["write", "grant"]
        footprint_path.write_text(json.dumps(footprint))
        self.write_manifest()
        text = authority.text(authority.load_graph(self.scratch, "minimal"))
        self.assertTrue(holding_line(section(text, "vfsd"), "console").endswith("grant, write"))
        self.assertIn("vfsd could move memory, ready, replies, requests; copy console", text)


class TheKernelSide(unittest.TestCase):
    def test_the_kernel_grants_to_initd_match_the_kernel_source(self):
        source = "\n".join(path.read_text() for path in (ROOT / "primitives").rglob("*.cpp"))
        for slot, capability_class, _, rights in authority.KERNEL_TO_INITD:
            with self.subTest(slot=slot):
                match = re.search(rf'give\("{re.escape(slot)}",\s*space,\s*TRY\(space\.mint<CapabilityClass::(\w+)>'
                                  rf'\([^,]+,\s*([^)]+)\)', source)
                self.assertIsNotNone(match, f"the kernel gives initd no '{slot}'")
                self.assertEqual(match.group(1) + "Cap", capability_class)
                kernel_rights = {right.strip()[len("Right"):].lower() for right in match.group(2).split("|")}
                self.assertEqual(kernel_rights, set(rights))

    def test_every_slot_the_kernel_gives_initd_by_name_is_listed(self):
        source = "\n".join(path.read_text() for path in (ROOT / "primitives").rglob("*.cpp"))
        given = set(re.findall(r'bundle\.give\("([^"]+)"', source))
        self.assertTrue(given)
        self.assertEqual(given, {slot for slot, _, _, _ in authority.KERNEL_TO_INITD})


class EveryImage(unittest.TestCase):
    """Every image's graph loads, and each DeviceCap names the device its grant names."""

    def test_each_device_grant_is_drawn_to_its_own_device(self):
        images = sorted(path.parent.name for path in (ROOT / "images").glob("*/manifest.json"))
        self.assertIn("files", images)
        devices_seen = set()
        for image in images:
            oracle = json.loads((ROOT / "images" / image / "oracle.json").read_text())
            for platform in oracle["platforms"]:
                with self.subTest(image=image, platform=platform):
                    graph = authority.load_graph(ROOT, image, platform)
                    self.check_devices(image, platform, graph, devices_seen)
        self.assertTrue({"console", "entropy", "display", "host-sockets"} <= devices_seen, devices_seen)

    def check_devices(self, image, platform, graph, devices_seen):
        manifest = json.loads((ROOT / "images" / image / "manifest.json").read_text())
        for task in manifest["tasks"]:
            if platform not in task.get("platforms", [platform]):
                continue
            if "when" in task and task["when"] not in authority.configured_symbols(ROOT, image, platform):
                continue
            for copy in range(task.get("count", 1)):
                name = task["name"] if "count" not in task else f"{task['name']}-{copy}"
                node = next(each for each in graph.tasks if each.name == name)
                for slot, grant in task.get("bundle", {}).items():
                    if grant["class"] != "DeviceCap":
                        continue
                    device = grant.get("device", "console")
                    devices_seen.add(device)
                    held = next(each for each in node.holdings if each.slot == slot)
                    self.assertEqual(held.node, f"device:{device}")
                    self.assertEqual(held.names, authority.device_names(device))

    def test_an_image_with_platform_tasks_needs_a_platform(self):
        with self.assertRaises(Failure) as caught:
            authority.load_graph(ROOT, "blk")
        self.assertIn("name one with -p", caught.exception.message)
        hosted = authority.text(authority.load_graph(ROOT, "blk", "hosted"))
        self.assertIn("Task hosted-block:", hosted)
        self.assertNotIn("Task virtio-block:", hosted)
        x86 = authority.text(authority.load_graph(ROOT, "blk", "x86_64"))
        self.assertIn("Task virtio-block:", x86)
        self.assertNotIn("Task hosted-block:", x86)

    def test_the_desktops_display_set_is_drawn_with_both_members_where_both_are_linked(self):
        with self.assertRaises(Failure) as caught:
            authority.load_graph(ROOT, "desktop")
        self.assertIn("-p (x86_64, aarch64, hosted)", caught.exception.message)
        # ADR 0052: on x86_64 and aarch64 initd holds both alternatives of the set "display" and runs one.
        for platform in ("x86_64", "aarch64"):
            graph = authority.text(authority.load_graph(ROOT, "desktop", platform))
            self.assertIn("Task virtio-gpu:", graph)
            self.assertIn("Task ramfb:", graph)
            self.assertNotIn("Task displayd:", graph)
        hosted = authority.text(authority.load_graph(ROOT, "desktop", "hosted"))
        self.assertIn("Task displayd:", hosted)
        self.assertNotIn("Task virtio-gpu:", hosted)
        self.assertNotIn("Task ramfb:", hosted)

    def test_a_group_member_holding_a_device_shows_it_in_the_group(self):
        # A group that supervises the entropy driver: the group holds the device to grant on (compile.group_bundle).
        placement = types.SimpleNamespace(
            groups=[{"name": "drivers", "kind": "service", "members": [0],
                     "restart": {"max_restarts": 3, "window_ms": 10000, "backoff_ms": 10}}],
            group_position=[0])
        tasks = [{"name": "rng", "reticle_kib": 64,
                  "bundle": {"console": {"class": "DeviceCap", "device": "console", "rights": ["write"]},
                             "entropy": {"class": "DeviceCap", "device": "entropy", "rights": ["write"]}}}]
        node = authority.group_node(placement, 0, tasks, [], {})
        held = {each.slot: each for each in node.holdings}
        self.assertEqual(held["entropy"].node, "device:entropy")
        self.assertEqual(held["entropy"].names, authority.device_names("entropy"))
        self.assertEqual(held["entropy"].rights, ("grant", "write"))
        self.assertEqual(held["console"].node, "device:console")


class TheCommand(unittest.TestCase):
    def run_cli(self, *arguments):
        output, errors = io.StringIO(), io.StringIO()
        parsed = cli.parser().parse_args(list(arguments))  # main() less its package check
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(errors):
            try:
                status = parsed.handler(parsed)
            except Failure as failure:
                print(f"error: {failure.message}", file=sys.stderr)
                status = failure.status
        return status, output.getvalue(), errors.getvalue()

    def test_an_unknown_image_is_one_line_with_the_closest_name(self):
        status, _, errors = self.run_cli("authority", "minmal")
        self.assertEqual(status, 1)
        self.assertEqual(errors.strip().count("\n"), 0, errors)
        self.assertIn("did you mean 'minimal'?", errors)

    @unittest.skipUnless(shutil.which("dot"), "needs Graphviz's dot")
    def test_svg_is_written(self):
        with tempfile.TemporaryDirectory() as scratch:
            target = os.path.join(scratch, "minimal.svg")
            status, output, _ = self.run_cli("authority", "minimal", "--svg", target)
            self.assertEqual(status, 0)
            self.assertIn("Task vfsd:", output)
            with open(target, encoding="utf-8") as handle:
                self.assertIn("<svg", handle.read())


if __name__ == "__main__":
    unittest.main()


class AGroupSupervisor(unittest.TestCase):
    """Above initd, a group supervisor holds its children's Tasks and Reticles; initd holds the group's."""

    def test_the_group_holds_its_children_and_initd_the_group(self):
        text = authority.text(authority.load_graph(ROOT, "supervision-tree"))
        initd, deep = section(text, "initd"), section(text, "deep")
        self.assertTrue(any("Task flaky, spawned by deep" in line for line in deep))
        self.assertTrue(any("flaky's Reticle (256 KiB), carved from deep's Reticle" in line for line in deep))
        self.assertFalse(any("flaky" in line for line in initd))
        self.assertTrue(any("Task deep, spawned by initd" in line for line in initd))
        self.assertIn("deep's signal bit 0 (ready)", holding_line(section(text, "flaky"), "ready"))
        self.assertIn("grant, move, receive, revoke", holding_line(deep, "requests-0"))
        self.assertIn("or a group supervisor keeps", text)
