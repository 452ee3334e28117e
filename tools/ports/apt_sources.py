# SPDX-License-Identifier: Apache-2.0
"""Deriving deb-src (and deb) lines from the system's own apt sources, without touching them.

Reads the one-line format (/etc/apt/sources.list, *.list) and the deb822 format (*.sources),
keeps the enabled `deb` entries of the Debian archive, and returns one `deb-src` (or `deb`)
line per URI and suite. Every suite matters: a deb-src line derived only from the main suite gives the
pre-security version of a package.
"""

import glob
import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

DEBIAN_KEYRING_HINT = "debian-archive-keyring"
DEBIAN_PATHS = ("/debian", "/debian-security", "/debian-ports")


@dataclass
class Source:
    """One enabled `deb` entry: a URI, its suites and components, and the signing keyring."""

    uri: str
    suites: list
    components: list
    signed_by: str = ""
    origin: str = ""
    extra: dict = field(default_factory=dict)


def is_debian_archive(source):
    """The Debian archive or one of its mirrors (by host, path or keyring)."""
    parsed = urlparse(source.uri)
    host = parsed.hostname or ""
    if host == "debian.org" or host.endswith(".debian.org"):
        return True
    if parsed.path.rstrip("/").endswith(DEBIAN_PATHS):
        return True
    return DEBIAN_KEYRING_HINT in source.signed_by


# --- One-line format --------------------------------------------------------------------------

ONE_LINE_PATTERN = re.compile(r"^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$")


def parse_one_line_options(text):
    options = {}
    for item in (text or "").split():
        if "=" in item:
            key, value = item.split("=", 1)
            options[key.strip().lower()] = value.strip()
    return options


def parse_one_line(text, origin=""):
    """Parses sources.list text. Returns the `deb` entries as Source objects."""
    sources = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        match = ONE_LINE_PATTERN.match(line)
        if not match or match.group(1) != "deb":
            continue
        _, options, uri, suite, components = match.groups()
        options = parse_one_line_options(options)
        sources.append(Source(uri=uri, suites=[suite], components=components.split(),
                              signed_by=options.get("signed-by", ""),
                              origin="{}:{}".format(origin, number)))
    return sources


# --- deb822 format ----------------------------------------------------------------------------

def deb822_stanzas(text):
    """Splits deb822 text into dictionaries (lower-case keys; continuation lines joined)."""
    stanzas, current, key = [], {}, None
    for raw in text.splitlines():
        if raw.startswith("#"):
            continue
        if not raw.strip():
            if current:
                stanzas.append(current)
            current, key = {}, None
            continue
        if raw[0] in " \t" and key is not None:
            current[key] += "\n" + raw.strip()
            continue
        if ":" in raw:
            key, value = raw.split(":", 1)
            key = key.strip().lower()
            current[key] = value.strip()
    if current:
        stanzas.append(current)
    return stanzas


def is_enabled(stanza):
    return stanza.get("enabled", "yes").strip().lower() not in ("no", "false", "0")


def parse_deb822(text, origin=""):
    """Parses a .sources file. Returns the enabled `deb` entries as Source objects, one per URI."""
    sources = []
    for index, stanza in enumerate(deb822_stanzas(text), 1):
        if not is_enabled(stanza) or "deb" not in stanza.get("types", "").split():
            continue
        for uri in stanza.get("uris", "").split():
            sources.append(Source(uri=uri, suites=stanza.get("suites", "").split(),
                                  components=stanza.get("components", "").split(),
                                  signed_by=stanza.get("signed-by", ""),
                                  origin="{} (stanza {})".format(origin, index)))
    return sources


# --- Putting it together ----------------------------------------------------------------------

def system_sources(root="/"):
    """Every enabled `deb` entry of the system's apt configuration under `root`."""
    etc = os.path.join(root, "etc", "apt")
    sources = []
    paths = [os.path.join(etc, "sources.list")]
    paths += sorted(glob.glob(os.path.join(etc, "sources.list.d", "*.list")))
    paths += sorted(glob.glob(os.path.join(etc, "sources.list.d", "*.sources")))
    for path in paths:
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as file:
            text = file.read()
        parse = parse_deb822 if path.endswith(".sources") else parse_one_line
        sources += parse(text, path)
    return sources


def signed_by_option(signed_by):
    """A keyring path as a one-line option; embedded (multi-line) keys cannot be expressed there,
    and apt then falls back to its trusted keyrings."""
    if not signed_by or "\n" in signed_by or signed_by.startswith("-----"):
        return ""
    return "[signed-by={}] ".format(signed_by.split()[0])


def archive_lines(sources, kind):
    """One `<kind>` line per Debian-archive URI and suite, without duplicates, in order."""
    lines = []
    for source in sources:
        if not is_debian_archive(source) or not source.components:
            continue
        for suite in source.suites:
            line = "{} {}{} {} {}".format(kind, signed_by_option(source.signed_by), source.uri,
                                          suite, " ".join(source.components))
            if line not in lines:
                lines.append(line)
    return lines


def deb_src_lines(sources):
    """One `deb-src` line per Debian-archive URI and suite, without duplicates, in order."""
    return archive_lines(sources, "deb-src")


def deb_lines(sources):
    """One `deb` line per Debian-archive URI and suite (for binary packages a port pins)."""
    return archive_lines(sources, "deb")
