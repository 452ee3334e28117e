# SPDX-License-Identifier: Apache-2.0
"""Fetches the pinned files of a port from its Debian source package (or, for code Debian ships
only in a binary package, from that pinned .deb) into a cache outside the source tree, without
changing the system's apt configuration.

    fetch.py <port.json>            make the port's cache entry complete (network only if needed)
    fetch.py --check <port.json>    exit 0 if the cache entry is complete and verified, else 1
    fetch.py --list <port.json>     print the cached files' paths (no network; fails if incomplete)
    fetch.py --prefetch <root>      fetch every <root>/components/ports/*/port.json

The cache is $VECTRA_CACHE, else $XDG_CACHE_HOME/vectra, else ~/.cache/vectra. A port's files land
in <cache>/ports/<port>/<debian version>/<path in the tarball or package>. apt runs with a private
sources list (deb-src lines, and deb lines when a binary package is wanted, derived from the
system's own Debian entries, every suite), private package lists and a private cache, so neither
root nor a change to /etc/apt is needed.

Three kinds of pin (port.json's "debian" object):
  source package   "source", "version", "orig": [{file, sha256}]: members come from the orig
                   tarball(s) as released upstream;
  patched source   the same plus "apply_patches": true and "extra": [{file, sha256}] naming the
                   .dsc and the Debian tarball: members come from the tree `dpkg-source -x`
                   unpacks, with Debian's patches (security fixes) applied;
  binary package   "binary", "version", "architecture", "deb": {file, sha256}: members are paths
                   inside the package (`dpkg-deb --fsys-tarfile`), without the leading "./".
"""

import argparse
import contextlib
import fcntl
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import apt_sources  # noqa: E402


class PortError(Exception):
    """A problem the user must act on; the message says what and where."""


def progress(message):
    print("ports: " + message, file=sys.stderr, flush=True)


# --- Cache layout -----------------------------------------------------------------------------

def cache_root(environment=None):
    environment = os.environ if environment is None else environment
    if environment.get("VECTRA_CACHE"):
        return os.path.abspath(environment["VECTRA_CACHE"])
    if environment.get("XDG_CACHE_HOME"):
        return os.path.join(os.path.abspath(environment["XDG_CACHE_HOME"]), "vectra")
    return os.path.join(os.path.expanduser("~"), ".cache", "vectra")


def is_binary(port):
    return "binary" in port["debian"]


def load_port(path):
    """Reads and sanity-checks a port.json."""
    with open(path, encoding="utf-8") as file:
        port = json.load(file)
    for key in ("name", "licence", "debian", "files"):
        if key not in port:
            raise PortError("{}: missing key '{}'".format(path, key))
    keys = ("binary", "version", "architecture", "deb") if is_binary(port) else ("source", "version", "orig")
    for key in keys:
        if key not in port["debian"]:
            raise PortError("{}: missing key 'debian.{}'".format(path, key))
    if port["debian"].get("apply_patches") and not any(
            item["file"].endswith(".dsc") for item in port["debian"].get("extra", [])):
        raise PortError("{}: 'debian.apply_patches' needs the .dsc in 'debian.extra'".format(path))
    return port


def pinned_downloads(port):
    """Every file apt downloads for the port, each with its pinned sha256."""
    debian = port["debian"]
    if is_binary(port):
        return [debian["deb"]]
    return list(debian["orig"]) + list(debian.get("extra", []))


def entry_directory(port, cache):
    return os.path.join(cache, "ports", port["name"], port["debian"]["version"])


def download_directory(port, cache):
    return os.path.join(cache, "ports", port["name"], "downloads", port["debian"]["version"])


def cached_paths(port, cache):
    entry = entry_directory(port, cache)
    return [os.path.join(entry, item["member"]) for item in port["files"]]


# --- Checksums --------------------------------------------------------------------------------

def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_problem(path, expected, name=None):
    """None when the file exists with the expected sha256, else a message naming the file (as
    `name`, when given), the expected and the actual sha256."""
    name = name or path
    if not os.path.isfile(path):
        return "{} is missing".format(name)
    actual = sha256_of(path)
    if actual != expected:
        return "checksum mismatch for {}: expected sha256 {}, got {}".format(name, expected, actual)
    return None


def verify(path, expected, name=None):
    problem = checksum_problem(path, expected, name)
    if problem:
        raise PortError(problem)


def cache_problems(port, cache):
    """Everything that keeps the cache entry from being complete; an empty list when it is."""
    problems = []
    for item, path in zip(port["files"], cached_paths(port, cache)):
        problem = checksum_problem(path, item["sha256"])
        if problem:
            problems.append(problem)
    return problems


def is_complete(port, cache):
    return not cache_problems(port, cache)


# --- apt with a private configuration ---------------------------------------------------------

class PrivateApt:
    """apt-get with its own sources list, package lists and cache under <cache>/apt."""

    def __init__(self, cache, system_root="/"):
        self.directory = os.path.join(cache, "apt")
        self.system_root = system_root
        self.architectures = []

    def options(self):
        directory = self.directory
        options = {
            "Dir::Etc::SourceList": os.path.join(directory, "sources.list"),
            "Dir::Etc::SourceParts": os.path.join(directory, "sources.list.d"),
            "Dir::State::Lists": os.path.join(directory, "lists"),
            "Dir::Cache": os.path.join(directory, "cache"),
            "Debug::NoLocking": "1",
            "APT::Get::Download-Only": "true",
        }
        if os.geteuid() == 0:
            # The _apt sandbox user cannot write into a cache under root's home.
            options["APT::Sandbox::User"] = "root"
        arguments = []
        for key, value in options.items():
            arguments += ["-o", "{}={}".format(key, value)]
        for architecture in self.architectures:
            # A binary package pinned for another architecture than the host's: list it too.
            arguments += ["-o", "APT::Architectures::={}".format(architecture)]
        return arguments

    def prepare(self, binary=False, architecture=None):
        """Writes the private sources list (deb-src lines, plus deb lines for binary packages);
        returns how many lines it holds."""
        for folder in ("sources.list.d", "lists/partial", "cache/archives/partial"):
            os.makedirs(os.path.join(self.directory, folder), exist_ok=True)
        sources = apt_sources.system_sources(self.system_root)
        lines = apt_sources.deb_src_lines(sources)
        if binary:
            lines += apt_sources.deb_lines(sources)
            if architecture and architecture not in self.architectures:
                self.architectures.append(architecture)
        if not lines:
            raise PortError("no enabled Debian 'deb' entry in the system's apt sources: cannot "
                            "derive deb-src lines")
        with open(os.path.join(self.directory, "sources.list"), "w", encoding="utf-8") as file:
            file.write("# Derived from the system's apt sources by tools/ports/fetch.py.\n")
            file.writelines(line + "\n" for line in lines)
        return len(lines)

    def run(self, arguments, working_directory=None):
        command = ["apt-get", "-q"] + self.options() + arguments
        result = subprocess.run(command, cwd=working_directory, stdout=sys.stderr,
                                stderr=subprocess.STDOUT, check=False)
        if result.returncode != 0:
            raise PortError("'{}' failed (exit status {})".format(
                " ".join(["apt-get"] + arguments), result.returncode))

    def update(self):
        self.run(["update", "--error-on=any"])  # an unreachable mirror is an error, not a warning

    def download_source(self, package, version, directory):
        os.makedirs(directory, exist_ok=True)
        self.run(["source", "--download-only", "{}={}".format(package, version)], directory)

    def download_binary(self, package, version, architecture, directory):
        os.makedirs(directory, exist_ok=True)
        self.run(["download", "{}:{}={}".format(package, architecture, version)], directory)


# --- Fetching ---------------------------------------------------------------------------------

def downloads_present(port, downloads):
    return all(checksum_problem(os.path.join(downloads, item["file"]), item["sha256"]) is None
               for item in pinned_downloads(port))


def download(port, cache, apt):
    """Makes sure the pinned downloads (orig tarballs, .dsc, Debian tarball or .deb) are in the
    download folder and match their pins."""
    downloads = download_directory(port, cache)
    debian = port["debian"]
    binary = is_binary(port)
    kind = "binary package" if binary else "source package"
    if downloads_present(port, downloads):
        progress("{}: {} already downloaded".format(port["name"], kind))
        return downloads
    lines = apt.prepare(binary=binary, architecture=debian.get("architecture"))
    progress("{}: updating private apt lists ({} lines) in {}".format(
        port["name"], lines, apt.directory))
    apt.update()
    if binary:
        progress("{}: downloading binary package {}:{}={}".format(
            port["name"], debian["binary"], debian["architecture"], debian["version"]))
        apt.download_binary(debian["binary"], debian["version"], debian["architecture"], downloads)
    else:
        progress("{}: downloading source package {}={}".format(
            port["name"], debian["source"], debian["version"]))
        apt.download_source(debian["source"], debian["version"], downloads)
    for item in pinned_downloads(port):
        verify(os.path.join(downloads, item["file"]), item["sha256"])
    return downloads


def extract_from_tarballs(port, downloads, staging):
    """Source package: the pinned members straight from the orig tarball(s). Returns, per member,
    where it came from."""
    default_tarball = port["debian"]["orig"][0]["file"]
    by_tarball = {}
    for item in port["files"]:
        by_tarball.setdefault(item.get("tarball", default_tarball), []).append(item["member"])
    for tarball, members in by_tarball.items():
        progress("{}: extracting {} file(s) from {}".format(port["name"], len(members), tarball))
        subprocess.run(["tar", "-xf", os.path.join(downloads, tarball), "-C", staging, "--"]
                       + members, check=True)
    return {item["member"]: item.get("tarball", default_tarball) for item in port["files"]}


def extract_patched_source(port, downloads, staging):
    """Patched source package: `dpkg-source -x` unpacks the orig tarball(s) and applies Debian's
    patches in a scratch folder; the pinned members are copied from there."""
    dsc = next(item["file"] for item in port["debian"]["extra"] if item["file"].endswith(".dsc"))
    unpacked = staging + ".source"
    shutil.rmtree(unpacked, ignore_errors=True)
    progress("{}: unpacking {} with Debian's patches applied".format(port["name"], dsc))
    try:
        subprocess.run(["dpkg-source", "--no-copy", "-x", os.path.join(downloads, dsc), unpacked],
                       stdout=sys.stderr, stderr=subprocess.STDOUT, check=True)
        for item in port["files"]:
            target = os.path.join(staging, item["member"])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            source = os.path.join(unpacked, item["member"])
            if os.path.isfile(source):
                shutil.copyfile(source, target)
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)
    return {item["member"]: dsc + " with Debian's patches" for item in port["files"]}


def extract_from_deb(port, downloads, staging):
    """Binary package: the pinned members from the package's data archive
    (`dpkg-deb --fsys-tarfile <deb> | tar -x <members>`)."""
    deb = port["debian"]["deb"]["file"]
    members = ["./" + item["member"] for item in port["files"]]
    progress("{}: extracting {} file(s) from {}".format(port["name"], len(members), deb))
    data = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", os.path.join(downloads, deb)],
                            stdout=subprocess.PIPE)
    try:
        tar = subprocess.run(["tar", "-x", "-C", staging, "--"] + members, stdin=data.stdout,
                             check=False)
    finally:
        data.stdout.close()
        unpacked = data.wait()
    if unpacked != 0 or tar.returncode != 0:
        raise PortError("extracting {} member(s) of {} failed (dpkg-deb exit status {}, tar exit "
                        "status {})".format(len(members), deb, unpacked, tar.returncode))
    return {item["member"]: deb for item in port["files"]}


def extract(port, downloads, cache):
    """Extracts only the pinned members, verifies them, then moves the entry into place."""
    entry = entry_directory(port, cache)
    staging = "{}.partial-{}".format(entry, os.getpid())
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    try:
        if is_binary(port):
            origins = extract_from_deb(port, downloads, staging)
        elif port["debian"].get("apply_patches"):
            origins = extract_patched_source(port, downloads, staging)
        else:
            origins = extract_from_tarballs(port, downloads, staging)
        for item in port["files"]:
            verify(os.path.join(staging, item["member"]), item["sha256"],
                   "{} (extracted from {})".format(item["member"], origins[item["member"]]))
        shutil.rmtree(entry, ignore_errors=True)
        os.rename(staging, entry)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def cache_lock(cache):
    """Serialises fetches into one cache (two builds may configure at the same time)."""
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, ".lock"), "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure(port, cache, apt=None):
    """Completes the port's cache entry; no network when it is already complete."""
    if is_complete(port, cache):
        return False
    with cache_lock(cache):
        if is_complete(port, cache):  # another process completed it while we waited
            return False
        started = time.monotonic()
        apt = apt or PrivateApt(cache)
        downloads = download(port, cache, apt)
        extract(port, downloads, cache)
        progress("{}: ready in {} ({:.1f} s)".format(
            port["name"], entry_directory(port, cache), time.monotonic() - started))
    return True


def port_files(root):
    return sorted(glob.glob(os.path.join(root, "components", "ports", "*", "port.json")))


def prefetch(root, cache):
    """Fetches every port under root; returns the number of ports that failed."""
    failures = 0
    for path in port_files(root):
        try:
            port = load_port(path)
            if not ensure(port, cache):
                progress("{}: cache complete".format(port["name"]))
        except (PortError, OSError, subprocess.CalledProcessError) as error:
            print("error: {}: {}".format(path, error), file=sys.stderr)
            failures += 1
    return failures


# --- Command line -----------------------------------------------------------------------------

def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="report whether the cache is complete")
    mode.add_argument("--list", action="store_true", help="print the cached files' paths")
    mode.add_argument("--prefetch", metavar="ROOT", help="fetch every port of the repository")
    parser.add_argument("port_json", nargs="?", help="the port's port.json")
    arguments = parser.parse_args(argv)
    if arguments.prefetch is None and arguments.port_json is None:
        parser.error("a port.json is required (or --prefetch ROOT)")
    return arguments


def command_check(port, cache):
    problems = cache_problems(port, cache)
    for problem in problems:
        print("{}: {}".format(port["name"], problem))
    if not problems:
        print("{}: complete in {}".format(port["name"], entry_directory(port, cache)))
    return 1 if problems else 0


def command_list(port, cache):
    problems = cache_problems(port, cache)
    if problems:
        raise PortError("cache incomplete: " + "; ".join(problems))
    for path in cached_paths(port, cache):
        print(path)
    return 0


def main(argv=None):
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    cache = cache_root()
    try:
        if arguments.prefetch is not None:
            return 1 if prefetch(arguments.prefetch, cache) else 0
        port = load_port(arguments.port_json)
        if arguments.check:
            return command_check(port, cache)
        if arguments.list:
            return command_list(port, cache)
        if not ensure(port, cache):
            progress("{}: cache complete".format(port["name"]))
        return 0
    except (PortError, OSError, subprocess.CalledProcessError) as error:
        print("error: {}".format(error), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
