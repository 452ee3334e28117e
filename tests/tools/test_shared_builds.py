# SPDX-License-Identifier: Apache-2.0
"""Tests of shared builds: `./vectra test` builds images of one platform whose configurations are
the same in one folder (the harness's grouping), and such a folder links each image with its own
boot manifest and name (a real build, in a copy of the tree).

    /usr/bin/python3 -m unittest -v test_shared_builds      (from tests/tools)
"""

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = Path(HERE).parents[1]
sys.path.insert(0, str(ROOT / "tools" / "vectra"))
sys.dont_write_bytecode = True

import images  # noqa: E402
import test as harness  # noqa: E402

SAME_CONFIGURATION = ["fault", "panic", "signals", "stack-guard", "supervision", "supervision-tree"]


class Grouping(unittest.TestCase):
    def targets(self, platform):
        return harness.select_targets(SimpleNamespace(image=None, platform=platform, quick=False, jobs=0))

    def test_images_with_the_same_configuration_share_one_folder(self):
        targets = {target.image.name: target for target in self.targets("hosted")}
        keys = {name: harness.configuration_key(images.image(name)) for name in SAME_CONFIGURATION}
        self.assertEqual(len(set(keys.values())), 1, keys)  # the premise: their defconfigs agree
        folders = {targets[name].request.folder for name in SAME_CONFIGURATION}
        self.assertEqual(len(folders), 1)
        builders = [name for name in SAME_CONFIGURATION if targets[name].builder is None]
        self.assertEqual(len(builders), 1, builders)
        primary = targets[builders[0]]
        self.assertEqual(sorted(primary.request.shared_images + (primary.image.name,)), sorted(SAME_CONFIGURATION))
        for name in SAME_CONFIGURATION:
            if name != primary.image.name:
                self.assertEqual(targets[name].elf, primary.request.folder / "images" / name / "vectra.elf")
                self.assertEqual(targets[name].log.parent, targets[name].elf.parent)

    def test_a_group_boots_right_after_its_build(self):
        names = [target.image.name for target in self.targets("hosted")]
        first = min(names.index(name) for name in SAME_CONFIGURATION)
        self.assertEqual(sorted(names[first:first + len(SAME_CONFIGURATION)]), sorted(SAME_CONFIGURATION), names)
        self.assertEqual(len(names), len(set(names)))

    def test_every_boot_starts_after_the_build_it_boots_and_a_failed_build_fails_its_group(self):
        # The harness's pools with the build and boot steps replaced: two builds at once, each boot
        # waits for its own build (a shared image for its group's), a failed build fails the group.
        events, lock = [], harness.threading.Lock()
        failing = next(target.image.name for target in self.targets("hosted")
                       if target.image.name in SAME_CONFIGURATION and target.builder is None)

        def fake_build(target, progress):
            harness.time.sleep(0.01 * (len(events) % 3))
            with lock:
                events.append(("built", target.name))
            if target.image.name == failing:
                target.problem = "build failed"

        def fake_boot(target, accelerator, widths, tally, binary=None, echo=False):
            with lock:
                events.append(("booted", target.name, target.problem))

        arguments = SimpleNamespace(image=None, platform="hosted", quick=False, jobs=0, no_host=True, no_build=False,
                                    verbose=False, qemu_binary=None, kvm=False, no_kvm=True)
        saved = harness.build_target, harness.boot_target, harness.choose_accelerator
        harness.build_target, harness.boot_target = fake_build, fake_boot
        harness.choose_accelerator = lambda mode, target, chosen, binary=None: "host"
        try:
            harness.test_command(arguments)
        finally:
            harness.build_target, harness.boot_target, harness.choose_accelerator = saved
        targets = {target.name: target for target in self.targets("hosted")}
        built = [event[1] for event in events if event[0] == "built"]
        booted = {event[1]: (index, event[2]) for index, event in enumerate(events) if event[0] == "booted"}
        self.assertEqual(set(booted), set(targets))
        for name, target in targets.items():
            builder = (target.builder or target).name
            self.assertIn(builder, built, name)
            self.assertLess(events.index(("built", builder)), booted[name][0], name)
        group = [name for name, target in targets.items() if target.image.name in SAME_CONFIGURATION]
        for name in group:
            self.assertTrue(booted[name][1], f"{name} booted without its group's failure")

    def run_with_fake_steps(self, arguments, run_host_tests):
        """test_command with the host-test build, the image builds and the boots replaced by fakes
        that log what ran; run_host_tests(events) stands for the ctest run."""
        events, lock = [], harness.threading.Lock()

        def fake_build(target, progress):
            with lock:
                events.append(("built", target.name))

        def fake_boot(target, accelerator, widths, tally, binary=None, echo=False):
            with lock:
                events.append(("booted", target.name))

        def fake_host_run(request, jobs, tally, beside_images=False):
            run_host_tests(events)
            with lock:
                events.append(("host tests done", beside_images))
            tally.record("PASS  host tests  1 passed", 1, 0)

        saved = (harness.build_host_tests, harness.run_host_tests, harness.build_target, harness.boot_target,
                 harness.choose_accelerator)
        harness.build_host_tests = lambda jobs, tally: harness.host_tests_request(jobs)
        harness.run_host_tests, harness.build_target, harness.boot_target = fake_host_run, fake_build, fake_boot
        harness.choose_accelerator = lambda mode, target, chosen, binary=None: "tcg"
        try:
            status = harness.test_command(arguments)
        finally:
            (harness.build_host_tests, harness.run_host_tests, harness.build_target, harness.boot_target,
             harness.choose_accelerator) = saved
        return status, events

    def test_the_host_tests_run_beside_the_image_builds_and_boots(self):
        """The host tests' run does not hold the images back: images build and boot while it runs,
        and the run's result is still counted before the last line."""
        def host_tests_that_wait_for_an_image(events):
            deadline = harness.time.monotonic() + 20
            while not any(event[0] == "booted" for event in events) and harness.time.monotonic() < deadline:
                harness.time.sleep(0.01)
            events.append(("host tests saw", [event[0] for event in events]))

        arguments = SimpleNamespace(image=None, platform=None, quick=True, jobs=0, no_host=False, no_build=False,
                                    verbose=False, qemu_binary=None, kvm=False, no_kvm=True)
        with contextlib.redirect_stdout(io.StringIO()) as output:
            status, events = self.run_with_fake_steps(arguments, host_tests_that_wait_for_an_image)
        seen = next(event[1] for event in events if event[0] == "host tests saw")
        self.assertIn("built", seen, events)
        self.assertIn("booted", seen, events)
        self.assertIn(("host tests done", True), events)
        self.assertEqual(status, 0)
        self.assertIn("PASS  host tests  1 passed", output.getvalue())
        self.assertTrue(output.getvalue().rstrip().endswith("passed, 0 failed"), output.getvalue())
        booted = [event for event in events if event[0] == "booted"]
        self.assertEqual(len(booted), len(harness.select_targets(arguments)))

    def test_verbose_runs_the_host_tests_first(self):
        """-v echoes each console as it boots: the host tests finish before the first image builds."""
        arguments = SimpleNamespace(image=None, platform=None, quick=True, jobs=0, no_host=False, no_build=False,
                                    verbose=True, qemu_binary=None, kvm=False, no_kvm=True)
        with contextlib.redirect_stdout(io.StringIO()):
            _, events = self.run_with_fake_steps(arguments, lambda events: None)
        self.assertEqual(events[0], ("host tests done", False), events)

    def test_other_configurations_build_alone(self):
        targets = {target.image.name: target for target in self.targets("hosted")}
        for name in ("selftest", "bench"):
            self.assertIsNone(targets[name].builder)
            self.assertEqual(targets[name].request.shared_images, ())
            self.assertEqual(targets[name].elf, targets[name].request.folder / "vectra.elf")

    def test_an_image_differing_only_in_how_it_boots_shares_the_build(self):
        """net-echo-intx is net-echo's configuration booted on a virtio-net function without MSI-X (oracle
        arguments, not Kconfig): one build."""
        targets = {target.image.name: target for target in self.targets("x86_64")}
        pair = sorted((targets["net-echo"], targets["net-echo-intx"]), key=lambda target: target.builder is not None)
        builder, sharer = pair
        self.assertIsNone(builder.builder)
        self.assertIn(sharer.image.name, builder.request.shared_images)  # net-ipv6's share it too
        self.assertEqual(sharer.elf, builder.request.folder / "images" / sharer.image.name / "vectra.elf")

    def test_an_oracle_variant_boots_its_images_build_again(self):
        """smp@gicv3 (aarch64): no build of its own, the elf smp's target boots, its own log and disk copies, and
        QEMU's arguments with the variant's after the image's (a later -machine option wins)."""
        targets = {target.label: target for target in self.targets("aarch64")}
        for name in ("smp", "selftest", "virtio-rng-intx", "blk"):
            base, variant = targets[name], targets[f"{name}@gicv3"]
            self.assertEqual(variant.problem, "")
            self.assertIs(variant.builder, base.builder or base)
            self.assertEqual(variant.elf, base.elf)
            self.assertNotEqual(variant.log, base.log)
            self.assertNotEqual(variant.disk_copies, base.disk_copies)
            arguments = variant.image.oracle.qemu_arguments("aarch64")
            self.assertEqual(arguments[-2:], ("-machine", "gic-version=3"))
            self.assertEqual(arguments[:-2], base.image.oracle.qemu_arguments("aarch64"))
            self.assertEqual(base.image.oracle.variant_patterns, ())
            self.assertNotEqual(variant.image.oracle.variant_patterns, ())
        labels = [target.label for target in self.targets("aarch64")]
        self.assertLess(labels.index("smp"), labels.index("smp@gicv3"))
        self.assertNotIn("smp@gicv3", [target.label for target in self.targets("x86_64")])

    def test_platforms_never_share(self):
        folders = {}
        for target in self.targets(None):
            folders.setdefault(target.request.folder, set()).add(target.platform_name)
        self.assertTrue(all(len(platforms) == 1 for platforms in folders.values()), folders)

    def test_a_defconfig_difference_splits_a_group(self):
        with tempfile.TemporaryDirectory() as scratch:
            first, second = Path(scratch) / "first", Path(scratch) / "second"
            for folder, extra in ((first, ""), (second, "CONFIG_VFSD_NODES=300\n")):
                folder.mkdir()
                (folder / "defconfig").write_text(f"# comment {folder.name}\nCONFIG_SERVICE_VFSD=y\n{extra}")
            key = harness.configuration_key
            self.assertNotEqual(key(images.Image("first", first, None)), key(images.Image("second", second, None)))
            (second / "defconfig").write_text("CONFIG_SERVICE_VFSD=y\n# only comments differ\n")
            self.assertEqual(key(images.Image("first", first, None)), key(images.Image("second", second, None)))


@unittest.skipUnless(shutil.which("cmake") and shutil.which("ninja") and shutil.which("clang++"),
                     "needs cmake, ninja and clang")
class ASharedFolder(unittest.TestCase):
    def test_each_image_boots_under_its_own_name_with_its_own_tasks(self):
        with tempfile.TemporaryDirectory(prefix="vectra-shared-") as scratch:
            tree = Path(scratch) / "tree"
            shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns("build", ".git", "__pycache__"), symlinks=True)
            folder = tree / "build" / "fault-hosted"
            for command in (["cmake", "-S", str(tree), "-B", str(folder), "-G", "Ninja",
                             f"-DCMAKE_TOOLCHAIN_FILE={tree}/cmake/toolchain/hosted.cmake", "-DVECTRA_IMAGE=fault",
                             "-DVECTRA_PLATFORM=hosted", "-DVECTRA_SHARED_IMAGES=fault;stack-guard"],
                            ["ninja", "-C", str(folder)]):
                result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                self.assertEqual(result.returncode, 0, result.stdout[-3000:])
            for name, elf, line in (("fault", folder / "vectra.elf", "crashtest: writing through an unmapped address"),
                                    ("stack-guard", folder / "images" / "stack-guard" / "vectra.elf",
                                     "survivor: still running after the overflow")):
                with self.subTest(image=name):
                    result = subprocess.run([str(elf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                            timeout=60)
                    self.assertEqual(result.returncode, 0, result.stdout[-2000:])
                    self.assertTrue(result.stdout.startswith(f"vectra: booting image {name} on hosted"), result.stdout[:200])
                    self.assertIn(line, result.stdout)



@unittest.skipUnless(shutil.which("cmake") and shutil.which("ninja") and shutil.which("clang++") and shutil.which("ccache"),
                     "needs cmake, ninja, clang and ccache")
class ObjectsAcrossFolders(unittest.TestCase):
    """Images of a platform with different configurations build in their own folders: a source both
    compile is a ccache hit in the second folder (the launcher's settings reach ccache), and the
    launcher starts no CMake per compile (ADR 0054: that start cost as much CPU as the hit)."""

    def test_the_second_folder_hits_the_cache_through_env(self):
        with tempfile.TemporaryDirectory(prefix="vectra-objects-") as scratch:
            tree = Path(scratch) / "tree"
            shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns("build", ".git", "__pycache__"), symlinks=True)
            environment = dict(os.environ, CCACHE_DIR=str(Path(scratch) / "ccache"))
            folders = [tree / "build" / f"{image}-hosted" for image in ("minimal", "bench")]
            for folder in folders:
                image = folder.name.rsplit("-", 1)[0]
                result = subprocess.run(["cmake", "-S", str(tree), "-B", str(folder), "-G", "Ninja",
                                         f"-DCMAKE_TOOLCHAIN_FILE={tree}/cmake/toolchain/hosted.cmake",
                                         f"-DVECTRA_IMAGE={image}", "-DVECTRA_PLATFORM=hosted"],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
                self.assertEqual(result.returncode, 0, result.stdout[-3000:])
            self.assertTrue((tree / "core" / "base" / "src" / "Error.cpp").exists())
            for number, folder in enumerate(folders):
                targets = subprocess.run(["ninja", "-C", str(folder), "-t", "targets", "all"], stdout=subprocess.PIPE,
                                         text=True, check=True).stdout.splitlines()
                outputs = [line.split(":")[0] for line in targets
                           if line.startswith("core/base/") and "/src/Error.cpp.o" in line.split(":")[0]]
                self.assertEqual(len(outputs), 1, targets[:20])
                output = outputs[0]
                command = subprocess.run(["ninja", "-C", str(folder), "-t", "commands", output], stdout=subprocess.PIPE,
                                         text=True, check=True).stdout.splitlines()[-1]
                self.assertEqual(os.path.basename(command.split()[0]), "env", command[:200])
                self.assertIn(f"CCACHE_BASEDIR={tree}", command.split())
                result = subprocess.run(["ninja", "-C", str(folder), output], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, env=environment)
                self.assertEqual(result.returncode, 0, result.stdout[-3000:])
                statistics = subprocess.run(["ccache", "--print-stats"], stdout=subprocess.PIPE, text=True,
                                            env=environment, check=True).stdout
                counters = dict(line.split("\t", 1) for line in statistics.splitlines() if "\t" in line)
                hits = int(counters.get("direct_cache_hit", 0)) + int(counters.get("preprocessed_cache_hit", 0))
                misses = int(counters.get("cache_miss", 0))
                self.assertEqual((hits, misses), (number, 1), f"after {folder.name}: {statistics}")

if __name__ == "__main__":
    unittest.main()
