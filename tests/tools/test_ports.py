# SPDX-License-Identifier: Apache-2.0
"""Tests for tools/ports (no network): apt source parsing, checksums, the cache entry.

    /usr/bin/python3 -m unittest -v test_ports      (from tests/tools)
"""

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOOLS = os.path.join(ROOT, "tools", "ports")
sys.path.insert(0, TOOLS)

import apt_sources  # noqa: E402
import fetch  # noqa: E402

KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"

ONE_LINE = """\
# The system's sources.
deb http://deb.debian.org/debian bookworm main contrib
deb [arch=amd64 signed-by={keyring}] http://deb.debian.org/debian bookworm-updates main # note
deb-src http://deb.debian.org/debian bookworm main
deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main
#deb http://deb.debian.org/debian bookworm-backports main
deb http://mirror.example.org/debian-security bookworm-security main
""".format(keyring=KEYRING)

DEB822 = """\
Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: {keyring}

Types: deb deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main non-free-firmware
Signed-By: {keyring}

Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Enabled: no

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main

Types: deb
URIs: https://deb.nodesource.com/node_20.x
Suites: nodistro
Components: main
Signed-By: /usr/share/keyrings/nodesource.gpg

Types: deb
URIs: http://ftp.fr.debian.org/debian
Suites: bookworm
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBGPL0BUBEADmW5NdOOHwPIJlgPu6JDcKw/NZJPR8lsD3K87ZM18gzyQZJD+w
 -----END PGP PUBLIC KEY BLOCK-----
""".format(keyring=KEYRING)


def sha256_text(text):
    return hashlib.sha256(text.encode()).hexdigest()


class AptSourcesTest(unittest.TestCase):
    def test_one_line_format(self):
        lines = apt_sources.deb_src_lines(apt_sources.parse_one_line(ONE_LINE, "sources.list"))
        self.assertEqual(lines, [
            "deb-src http://deb.debian.org/debian bookworm main contrib",
            "deb-src [signed-by={}] http://deb.debian.org/debian bookworm-updates main"
            .format(KEYRING),
            "deb-src http://mirror.example.org/debian-security bookworm-security main",
        ])

    def test_deb822_gives_every_suite_of_enabled_debian_entries(self):
        lines = apt_sources.deb_src_lines(apt_sources.parse_deb822(DEB822, "debian.sources"))
        signed = "[signed-by={}] ".format(KEYRING)
        self.assertEqual(lines, [
            "deb-src {}http://deb.debian.org/debian bookworm main".format(signed),
            "deb-src {}http://deb.debian.org/debian bookworm-updates main".format(signed),
            "deb-src {}http://deb.debian.org/debian-security bookworm-security main "
            "non-free-firmware".format(signed),
            # An embedded key cannot be written on one line: apt's trusted keys apply.
            "deb-src http://ftp.fr.debian.org/debian bookworm main",
        ])

    def test_system_sources_read_every_file_kind(self):
        root = tempfile.mkdtemp(prefix="vectra-apt-root-")
        self.addCleanup(shutil.rmtree, root)
        parts = os.path.join(root, "etc", "apt", "sources.list.d")
        os.makedirs(parts)
        files = {os.path.join(root, "etc", "apt", "sources.list"): "",
                 os.path.join(parts, "debian.sources"): DEB822,
                 os.path.join(parts, "extra.list"): ONE_LINE,
                 os.path.join(parts, "old.list.disabled"):
                     "deb http://deb.debian.org/debian sid main\n"}
        for path, text in files.items():
            with open(path, "w", encoding="utf-8") as file:
                file.write(text)
        lines = apt_sources.deb_src_lines(apt_sources.system_sources(root))
        self.assertEqual(len(lines), 6)  # bookworm-updates appears in both files: listed once
        self.assertFalse(any(" sid " in line for line in lines))
        self.assertFalse(any("nodesource" in line or "google" in line for line in lines))

    def test_debian_archive_detection(self):
        source = apt_sources.Source
        self.assertTrue(apt_sources.is_debian_archive(
            source("http://security.debian.org/", [], [])))
        self.assertTrue(apt_sources.is_debian_archive(source("http://proxy.local/debian/", [], [])))
        self.assertTrue(apt_sources.is_debian_archive(
            source("http://proxy.local/x/", [], [], signed_by=KEYRING)))
        self.assertFalse(apt_sources.is_debian_archive(
            source("https://deb.nodesource.com/node_20.x", [], [])))


class PortTestCase(unittest.TestCase):
    FILES = {"pkg/src/a.S": "jump\n", "pkg/src/b.S": "make\n", "pkg/LICENSE": "licence\n"}

    def setUp(self):
        self.cache = tempfile.mkdtemp(prefix="vectra-cache-test-")
        self.addCleanup(shutil.rmtree, self.cache)
        quiet = mock.patch.object(fetch, "progress", lambda message: None)
        quiet.start()
        self.addCleanup(quiet.stop)
        self.tarball_bytes = self.make_tarball()
        self.port = {
            "name": "example",
            "licence": "BSL-1.0",
            "debian": {"source": "example", "version": "1.0-1", "orig": [{
                "file": "example_1.0.orig.tar.xz",
                "sha256": hashlib.sha256(self.tarball_bytes).hexdigest()}]},
            "files": [{"member": member, "sha256": sha256_text(text)}
                      for member, text in sorted(self.FILES.items())],
        }

    def make_tarball(self):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:xz") as archive:
            for member, text in list(self.FILES.items()) + [("pkg/unused.txt", "big\n")]:
                data = text.encode()
                info = tarfile.TarInfo(member)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
        return buffer.getvalue()

    def fill_cache(self, overrides=None):
        contents = dict(self.FILES, **(overrides or {}))
        for path, member in zip(fetch.cached_paths(self.port, self.cache), sorted(self.FILES)):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as file:
                file.write(contents[member])

    def write_port_json(self):
        path = os.path.join(self.cache, "port.json")
        with open(path, "w", encoding="utf-8") as file:
            json.dump(self.port, file)
        return path


class FakeApt:
    """Stands in for PrivateApt: 'downloads' a prepared tarball, counts network uses."""

    def __init__(self, tarball_name, tarball_bytes):
        self.tarball_name = tarball_name
        self.tarball_bytes = tarball_bytes
        self.directory = "fake"
        self.network_uses = 0

    def prepare(self, binary=False, architecture=None):
        return 1

    def update(self):
        self.network_uses += 1

    def download_source(self, package, version, directory):
        self.network_uses += 1
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, self.tarball_name), "wb") as file:
            file.write(self.tarball_bytes)


class ChecksumTest(PortTestCase):
    def test_mismatch_names_the_file_and_both_checksums(self):
        path = os.path.join(self.cache, "file.S")
        with open(path, "w", encoding="utf-8") as file:
            file.write("tampered\n")
        expected = sha256_text("original\n")
        with self.assertRaises(fetch.PortError) as context:
            fetch.verify(path, expected)
        message = str(context.exception)
        self.assertIn("checksum mismatch for " + path, message)
        self.assertIn("expected sha256 " + expected, message)
        self.assertIn("got " + sha256_text("tampered\n"), message)

    def test_missing_file(self):
        problem = fetch.checksum_problem(os.path.join(self.cache, "absent"), "0" * 64)
        self.assertIn("absent is missing", problem)


class CacheTest(PortTestCase):
    def test_cache_root_precedence(self):
        self.assertEqual(fetch.cache_root({"VECTRA_CACHE": "/a", "XDG_CACHE_HOME": "/b"}), "/a")
        self.assertEqual(fetch.cache_root({"XDG_CACHE_HOME": "/b"}), "/b/vectra")
        self.assertTrue(fetch.cache_root({}).endswith(os.path.join(".cache", "vectra")))

    def test_entry_layout(self):
        self.assertEqual(fetch.cached_paths(self.port, self.cache)[0],
                         os.path.join(self.cache, "ports", "example", "1.0-1", "pkg/LICENSE"))

    def test_complete_detection(self):
        self.assertFalse(fetch.is_complete(self.port, self.cache))
        self.fill_cache()
        self.assertTrue(fetch.is_complete(self.port, self.cache))
        self.fill_cache({"pkg/src/a.S": "changed\n"})
        problems = fetch.cache_problems(self.port, self.cache)
        self.assertEqual(len(problems), 1)
        self.assertIn("checksum mismatch", problems[0])

    def test_check_command_uses_no_network(self):
        port_json = self.write_port_json()
        environment = dict(os.environ, VECTRA_CACHE=self.cache, PATH="")  # no apt-get to run
        command = [sys.executable, os.path.join(TOOLS, "fetch.py"), "--check", port_json]
        result = subprocess.run(command, env=environment, capture_output=True, text=True)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.fill_cache()
        result = subprocess.run(command, env=environment, capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("complete", result.stdout)

    def test_complete_cache_means_no_network(self):
        self.fill_cache()
        apt = FakeApt("unused", b"")
        self.assertFalse(fetch.ensure(self.port, self.cache, apt))
        self.assertEqual(apt.network_uses, 0)


class FetchTest(PortTestCase):
    def fake_apt(self):
        return FakeApt(self.port["debian"]["orig"][0]["file"], self.tarball_bytes)

    def test_download_extracts_only_the_pinned_files(self):
        apt = self.fake_apt()
        self.assertTrue(fetch.ensure(self.port, self.cache, apt))
        self.assertTrue(fetch.is_complete(self.port, self.cache))
        entry = fetch.entry_directory(self.port, self.cache)
        self.assertFalse(os.path.exists(os.path.join(entry, "pkg", "unused.txt")))
        self.assertEqual(apt.network_uses, 2)

    def test_downloaded_tarball_is_reused(self):
        self.assertTrue(fetch.ensure(self.port, self.cache, self.fake_apt()))
        shutil.rmtree(fetch.entry_directory(self.port, self.cache))
        apt = self.fake_apt()
        self.assertTrue(fetch.ensure(self.port, self.cache, apt))
        self.assertEqual(apt.network_uses, 0)

    def test_tarball_mismatch_stops(self):
        self.port["debian"]["orig"][0]["sha256"] = "1" * 64
        with self.assertRaises(fetch.PortError) as context:
            fetch.ensure(self.port, self.cache, self.fake_apt())
        self.assertIn("checksum mismatch for ", str(context.exception))
        self.assertIn("example_1.0.orig.tar.xz: expected sha256 " + "1" * 64,
                      str(context.exception))
        self.assertFalse(os.path.exists(fetch.entry_directory(self.port, self.cache)))

    def test_extracted_file_mismatch_stops(self):
        self.port["files"][1]["sha256"] = "2" * 64
        with self.assertRaises(fetch.PortError) as context:
            fetch.ensure(self.port, self.cache, self.fake_apt())
        self.assertIn("checksum mismatch for pkg/src/a.S (extracted from example_1.0.orig.tar.xz): "
                      "expected sha256 " + "2" * 64, str(context.exception))
        self.assertFalse(os.path.exists(fetch.entry_directory(self.port, self.cache)))


def make_deb(directory, files, name="example-dev_1.0-1_amd64.deb"):
    """A real binary package holding `files` (path inside the package -> text), built with
    dpkg-deb as Debian's own packages are."""
    root = os.path.join(directory, "package-root")
    os.makedirs(os.path.join(root, "DEBIAN"))
    with open(os.path.join(root, "DEBIAN", "control"), "w", encoding="utf-8") as file:
        file.write("Package: example-dev\nVersion: 1.0-1\nArchitecture: amd64\n"
                   "Maintainer: Test <test@example.org>\nDescription: test package\n")
    for path, text in files.items():
        target = os.path.join(root, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as file:
            file.write(text)
    deb = os.path.join(directory, name)
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", root, deb], check=True,
                   stdout=subprocess.DEVNULL)
    shutil.rmtree(root)
    with open(deb, "rb") as file:
        return file.read()


class FakeBinaryApt(FakeApt):
    """Stands in for PrivateApt for a binary package: 'downloads' a prepared .deb."""

    def __init__(self, deb_name, deb_bytes):
        super().__init__(deb_name, deb_bytes)
        self.prepared_binary = None
        self.downloaded = None

    def prepare(self, binary=False, architecture=None):
        self.prepared_binary = (binary, architecture)
        return 1

    def download_source(self, package, version, directory):
        raise AssertionError("a binary port must not download a source package")

    def download_binary(self, package, version, architecture, directory):
        self.network_uses += 1
        self.downloaded = (package, version, architecture)
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, self.tarball_name), "wb") as file:
            file.write(self.tarball_bytes)


class BinaryPortTest(unittest.TestCase):
    FILES = {"usr/share/example/c/example.c": "int example;\n", "usr/share/example/LICENSE": "licence\n"}

    def setUp(self):
        self.cache = tempfile.mkdtemp(prefix="vectra-cache-test-")
        self.addCleanup(shutil.rmtree, self.cache)
        quiet = mock.patch.object(fetch, "progress", lambda message: None)
        quiet.start()
        self.addCleanup(quiet.stop)
        scratch = tempfile.mkdtemp(prefix="vectra-deb-")
        self.addCleanup(shutil.rmtree, scratch)
        self.deb_bytes = make_deb(scratch, dict(self.FILES, **{"usr/share/example/unused.txt": "x\n"}))
        self.port = {
            "name": "example",
            "licence": "CC0-1.0",
            "debian": {"binary": "example-dev", "version": "1.0-1", "architecture": "amd64",
                       "deb": {"file": "example-dev_1.0-1_amd64.deb",
                               "sha256": hashlib.sha256(self.deb_bytes).hexdigest()}},
            "files": [{"member": member, "sha256": sha256_text(text)}
                      for member, text in sorted(self.FILES.items())],
        }

    def fake_apt(self):
        return FakeBinaryApt(self.port["debian"]["deb"]["file"], self.deb_bytes)

    def test_binary_port_needs_its_keys(self):
        path = os.path.join(self.cache, "port.json")
        del self.port["debian"]["architecture"]
        with open(path, "w", encoding="utf-8") as file:
            json.dump(self.port, file)
        with self.assertRaises(fetch.PortError) as context:
            fetch.load_port(path)
        self.assertIn("missing key 'debian.architecture'", str(context.exception))

    def test_deb_is_downloaded_with_deb_lines_and_only_pinned_members_extracted(self):
        apt = self.fake_apt()
        self.assertTrue(fetch.ensure(self.port, self.cache, apt))
        self.assertEqual(apt.prepared_binary, (True, "amd64"))
        self.assertEqual(apt.downloaded, ("example-dev", "1.0-1", "amd64"))
        self.assertTrue(fetch.is_complete(self.port, self.cache))
        entry = fetch.entry_directory(self.port, self.cache)
        self.assertTrue(os.path.isfile(os.path.join(entry, "usr/share/example/c/example.c")))
        self.assertFalse(os.path.exists(os.path.join(entry, "usr/share/example/unused.txt")))

    def test_downloaded_deb_is_reused(self):
        self.assertTrue(fetch.ensure(self.port, self.cache, self.fake_apt()))
        shutil.rmtree(fetch.entry_directory(self.port, self.cache))
        apt = self.fake_apt()
        self.assertTrue(fetch.ensure(self.port, self.cache, apt))
        self.assertEqual(apt.network_uses, 0)

    def test_deb_checksum_mismatch_stops(self):
        self.port["debian"]["deb"]["sha256"] = "3" * 64
        with self.assertRaises(fetch.PortError) as context:
            fetch.ensure(self.port, self.cache, self.fake_apt())
        self.assertIn("example-dev_1.0-1_amd64.deb: expected sha256 " + "3" * 64, str(context.exception))
        self.assertFalse(os.path.exists(fetch.entry_directory(self.port, self.cache)))

    def test_member_checksum_mismatch_names_the_package(self):
        self.port["files"][0]["sha256"] = "4" * 64
        with self.assertRaises(fetch.PortError) as context:
            fetch.ensure(self.port, self.cache, self.fake_apt())
        self.assertIn("checksum mismatch for usr/share/example/LICENSE (extracted from "
                      "example-dev_1.0-1_amd64.deb)", str(context.exception))

    def test_member_missing_from_the_package_stops(self):
        self.port["files"].append({"member": "usr/share/example/absent.c", "sha256": "5" * 64})
        with self.assertRaises(fetch.PortError) as context:
            fetch.ensure(self.port, self.cache, self.fake_apt())
        self.assertIn("extracting 3 member(s) of example-dev_1.0-1_amd64.deb failed", str(context.exception))
        self.assertFalse(os.path.exists(fetch.entry_directory(self.port, self.cache)))

    def test_deb_lines_are_derived_like_deb_src_lines(self):
        sources = apt_sources.parse_one_line(ONE_LINE, "sources.list")
        self.assertEqual(apt_sources.deb_lines(sources), [
            line.replace("deb-src ", "deb ", 1) for line in apt_sources.deb_src_lines(sources)])

    def test_private_apt_writes_deb_lines_only_for_binary_ports(self):
        root = tempfile.mkdtemp(prefix="vectra-apt-root-")
        self.addCleanup(shutil.rmtree, root)
        os.makedirs(os.path.join(root, "etc", "apt"))
        with open(os.path.join(root, "etc", "apt", "sources.list"), "w", encoding="utf-8") as file:
            file.write("deb http://deb.debian.org/debian bookworm main\n")
        apt = fetch.PrivateApt(self.cache, system_root=root)
        listing = os.path.join(apt.directory, "sources.list")
        self.assertEqual(apt.prepare(), 1)
        with open(listing, encoding="utf-8") as file:
            self.assertNotIn("\ndeb http", file.read())
        self.assertEqual(apt.prepare(binary=True, architecture="arm64"), 2)
        with open(listing, encoding="utf-8") as file:
            self.assertIn("deb http://deb.debian.org/debian bookworm main", file.read())
        self.assertIn("APT::Architectures::=arm64", apt.options())

    def test_architecture_independent_packages_add_no_architecture(self):
        root = tempfile.mkdtemp(prefix="vectra-apt-root-")
        self.addCleanup(shutil.rmtree, root)
        os.makedirs(os.path.join(root, "etc", "apt"))
        with open(os.path.join(root, "etc", "apt", "sources.list"), "w", encoding="utf-8") as file:
            file.write("deb http://deb.debian.org/debian bookworm main\n")
        apt = fetch.PrivateApt(self.cache, system_root=root)
        self.assertEqual(apt.prepare(binary=True, architecture="all"), 2)
        self.assertFalse(any(option.startswith("APT::Architectures") for option in apt.options()))


class PatchedSourcePortTest(unittest.TestCase):
    """A source package whose Debian patches are applied (dpkg-source -x) before pinning."""

    ORIGINAL = "int fixed = 0;\n"
    PATCHED = "int fixed = 1;\n"

    def setUp(self):
        self.cache = tempfile.mkdtemp(prefix="vectra-cache-test-")
        self.addCleanup(shutil.rmtree, self.cache)
        quiet = mock.patch.object(fetch, "progress", lambda message: None)
        quiet.start()
        self.addCleanup(quiet.stop)
        self.downloads = self.make_source_package()

    def make_source_package(self):
        """example_1.0.orig.tar.gz + example_1.0-1.debian.tar.xz (one quilt patch) + the .dsc."""
        scratch = tempfile.mkdtemp(prefix="vectra-dsc-")
        self.addCleanup(shutil.rmtree, scratch)
        tree = os.path.join(scratch, "example-1.0")
        os.makedirs(os.path.join(tree, "src"))
        with open(os.path.join(tree, "src", "fixed.c"), "w", encoding="utf-8") as file:
            file.write(self.ORIGINAL)
        with open(os.path.join(tree, "LICENSE"), "w", encoding="utf-8") as file:
            file.write("licence\n")
        orig = os.path.join(scratch, "example_1.0.orig.tar.gz")
        subprocess.run(["tar", "-czf", orig, "-C", scratch, "example-1.0"], check=True)
        patches = os.path.join(tree, "debian", "patches")
        os.makedirs(patches)
        os.makedirs(os.path.join(tree, "debian", "source"))
        files = {
            "debian/source/format": "3.0 (quilt)\n",
            "debian/patches/series": "fix.patch\n",
            "debian/patches/fix.patch": "--- a/src/fixed.c\n+++ b/src/fixed.c\n@@ -1 +1 @@\n-int fixed = 0;\n"
                                        "+int fixed = 1;\n",
            "debian/control": "Source: example\nMaintainer: Test <test@example.org>\n\n"
                              "Package: example\nArchitecture: all\nDescription: test\n",
            "debian/changelog": "example (1.0-1) unstable; urgency=medium\n\n  * Test.\n\n"
                                " -- Test <test@example.org>  Mon, 01 Jan 2024 00:00:00 +0000\n",
            "debian/rules": "#!/usr/bin/make -f\n%:\n\tdh $@\n",
        }
        for path, text in files.items():
            with open(os.path.join(tree, path), "w", encoding="utf-8") as file:
                file.write(text)
        subprocess.run(["dpkg-source", "-b", "example-1.0"], cwd=scratch, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.source_files = {}
        for name in ("example_1.0.orig.tar.gz", "example_1.0-1.debian.tar.xz", "example_1.0-1.dsc"):
            with open(os.path.join(scratch, name), "rb") as file:
                self.source_files[name] = file.read()
        return scratch

    def port(self):
        digest = {name: hashlib.sha256(data).hexdigest() for name, data in self.source_files.items()}
        return {
            "name": "example",
            "licence": "ISC",
            "debian": {"source": "example", "version": "1.0-1", "apply_patches": True,
                       "orig": [{"file": "example_1.0.orig.tar.gz", "sha256": digest["example_1.0.orig.tar.gz"]}],
                       "extra": [{"file": name, "sha256": digest[name]}
                                 for name in ("example_1.0-1.dsc", "example_1.0-1.debian.tar.xz")]},
            "files": [{"member": "LICENSE", "sha256": sha256_text("licence\n")},
                      {"member": "src/fixed.c", "sha256": sha256_text(self.PATCHED)}],
        }

    def fake_apt(self):
        outer = self

        class SourceApt(FakeApt):
            def download_source(self, package, version, directory):
                self.network_uses += 1
                os.makedirs(directory, exist_ok=True)
                for name, data in outer.source_files.items():
                    with open(os.path.join(directory, name), "wb") as file:
                        file.write(data)

        return SourceApt("unused", b"")

    def test_members_come_from_the_patched_tree(self):
        port = self.port()
        self.assertTrue(fetch.ensure(port, self.cache, self.fake_apt()))
        entry = fetch.entry_directory(port, self.cache)
        with open(os.path.join(entry, "src", "fixed.c"), encoding="utf-8") as file:
            self.assertEqual(file.read(), self.PATCHED)
        self.assertFalse(os.path.exists(os.path.join(entry, "debian")))

    def test_unpatched_pin_is_refused(self):
        port = self.port()
        port["files"][1]["sha256"] = sha256_text(self.ORIGINAL)
        with self.assertRaises(fetch.PortError) as context:
            fetch.ensure(port, self.cache, self.fake_apt())
        self.assertIn("checksum mismatch for src/fixed.c (extracted from example_1.0-1.dsc with "
                      "Debian's patches)", str(context.exception))

    def test_extra_downloads_are_verified(self):
        port = self.port()
        port["debian"]["extra"][1]["sha256"] = "6" * 64
        with self.assertRaises(fetch.PortError) as context:
            fetch.ensure(port, self.cache, self.fake_apt())
        self.assertIn("example_1.0-1.debian.tar.xz: expected sha256 " + "6" * 64, str(context.exception))

    def generating_port(self, command, tools=("sh",)):
        port = self.port()
        port["debian"]["generate"] = {"command": command, "tools": list(tools)}
        port["files"].append({"member": "generated.c", "sha256": sha256_text(self.PATCHED * 2)})
        return port

    def test_generated_members_come_from_the_command_run_in_the_patched_tree(self):
        port = self.generating_port(["sh", "-c", "cat src/fixed.c src/fixed.c > generated.c"])
        self.assertTrue(fetch.ensure(port, self.cache, self.fake_apt()))
        with open(os.path.join(fetch.entry_directory(port, self.cache), "generated.c"), encoding="utf-8") as file:
            self.assertEqual(file.read(), self.PATCHED * 2)

    def test_generated_member_mismatch_names_the_command(self):
        port = self.generating_port(["sh", "-c", "cat src/fixed.c > generated.c"])
        with self.assertRaises(fetch.PortError) as context:
            fetch.ensure(port, self.cache, self.fake_apt())
        self.assertIn("checksum mismatch for generated.c", str(context.exception))
        self.assertIn("generated by 'sh -c cat src/fixed.c > generated.c'", str(context.exception))
        self.assertFalse(fetch.is_complete(port, self.cache))

    def test_failed_generation_stops_with_its_status(self):
        port = self.generating_port(["sh", "-c", "exit 3"])
        with self.assertRaises(fetch.PortError) as context:
            fetch.ensure(port, self.cache, self.fake_apt())
        self.assertIn("'sh -c exit 3' failed in the patched tree (exit status 3)", str(context.exception))

    def test_missing_generation_tool_is_named(self):
        port = self.generating_port(["true"], tools=("sh", "no-such-tool-vectra"))
        with self.assertRaises(fetch.PortError) as context:
            fetch.ensure(port, self.cache, self.fake_apt())
        self.assertIn("needs no-such-tool-vectra (not found)", str(context.exception))

    def test_generate_needs_patches_and_a_command(self):
        path = os.path.join(self.cache, "port.json")
        for change, message in ((lambda debian: debian.pop("apply_patches"), "needs 'debian.apply_patches'"),
                                (lambda debian: debian["generate"].pop("command"), "non-empty list of strings"),
                                (lambda debian: debian["generate"].update(command="make"), "non-empty list of strings")):
            port = self.generating_port(["true"])
            change(port["debian"])
            with open(path, "w", encoding="utf-8") as file:
                json.dump(port, file)
            with self.assertRaises(fetch.PortError) as context:
                fetch.load_port(path)
            self.assertIn(message, str(context.exception))

    def test_apply_patches_needs_the_dsc(self):
        path = os.path.join(self.cache, "port.json")
        port = self.port()
        port["debian"]["extra"] = port["debian"]["extra"][1:]
        with open(path, "w", encoding="utf-8") as file:
            json.dump(port, file)
        with self.assertRaises(fetch.PortError) as context:
            fetch.load_port(path)
        self.assertIn("needs the .dsc", str(context.exception))


class RepositoryPortsTest(unittest.TestCase):
    def test_every_port_json_is_well_formed(self):
        paths = fetch.port_files(ROOT)
        self.assertTrue(paths)
        for path in paths:
            port = fetch.load_port(path)
            self.assertEqual(port["name"], os.path.basename(os.path.dirname(path)))
            for item in port["files"] + fetch.pinned_downloads(port):
                self.assertRegex(item["sha256"], "^[0-9a-f]{64}$")


if __name__ == "__main__":
    unittest.main()
