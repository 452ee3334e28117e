# SPDX-License-Identifier: Apache-2.0
"""Reading Kconfig fragments line by line, remembering where each assignment came from.

A fragment holds lines of the form

    CONFIG_NAME=y | n | m | "string" | 123 | -5 | 0x10
    # CONFIG_NAME is not set
    # any other comment

kconfiglib reads the same files, but it forgets where a value came from and silently skips lines it
cannot use. This module keeps every assignment with its origin (file:line, or --set) so that the
strict checks can name it, and reports malformed lines as errors.
"""

import re
from dataclasses import dataclass

SET_PATTERN = re.compile(r"^(CONFIG_[A-Za-z0-9_]+)=(.*)$")
UNSET_PATTERN = re.compile(r"^# (CONFIG_[A-Za-z0-9_]+) is not set$")
STRING_PATTERN = re.compile(r'^"((?:[^"\\]|\\.)*)"$')
INTEGER_PATTERN = re.compile(r"^-?[0-9]+$")
HEX_PATTERN = re.compile(r"^(0[xX])?[0-9a-fA-F]+$")

COMMAND_LINE = "--set"


class FragmentError(Exception):
    """A fragment line that cannot be read; the message names file:line."""


@dataclass
class Assignment:
    """One CONFIG_X=value line. `text` is the value as written (strings keep their quotes)."""

    name: str  # without the CONFIG_ prefix
    text: str
    origin: str  # "path:line" or "--set"
    order: int  # position in the overall merge order; larger wins

    @property
    def is_quoted_string(self):
        return STRING_PATTERN.match(self.text) is not None

    def string_value(self):
        """The value of a quoted string, unescaped; None when the text is not a quoted string."""
        match = STRING_PATTERN.match(self.text)
        if match is None:
            return None
        return re.sub(r"\\(.)", r"\1", match.group(1))

    def as_config_line(self):
        if self.text == "n":
            return "# CONFIG_{} is not set".format(self.name)
        return "CONFIG_{}={}".format(self.name, self.text)

    def describe(self):
        return "CONFIG_{}={} ({})".format(self.name, self.text, self.origin)


def looks_like_value(text):
    """True for every value shape a fragment may hold, whatever the symbol's type."""
    return (text in ("y", "n", "m") or STRING_PATTERN.match(text) is not None
            or INTEGER_PATTERN.match(text) is not None or HEX_PATTERN.match(text) is not None)


def parse_line(line, origin, order):
    """Returns an Assignment, or None for blank and comment lines; raises FragmentError."""
    stripped = line.rstrip()
    if not stripped.strip():
        return None
    unset = UNSET_PATTERN.match(stripped)
    if unset:
        return Assignment(unset.group(1)[len("CONFIG_"):], "n", origin, order)
    if stripped.lstrip().startswith("#"):
        return None
    assignment = SET_PATTERN.match(stripped)
    if not assignment:
        raise FragmentError("{}: malformed line '{}' (expected CONFIG_NAME=value, "
                            "'# CONFIG_NAME is not set' or a comment)".format(origin, stripped))
    name, text = assignment.groups()
    problem = value_problem(text)
    if problem:
        raise FragmentError("{}: the value of {} {}".format(origin, name, problem))
    if not looks_like_value(text):
        raise FragmentError("{}: malformed value in '{}' (expected y, n, m, \"string\", "
                            "a decimal or a hex number)".format(origin, stripped))
    return Assignment(name[len("CONFIG_"):], text, origin, order)


def value_problem(text):
    """Why a value cannot be used (control characters, non-ASCII, `;`), or None. Values reach
    config.h, config.cmake (where `;` splits lists) and command lines, so they stay printable ASCII."""
    for character in text:
        if ord(character) < 0x20 or ord(character) == 0x7f:
            return "holds a control character (U+{:04X})".format(ord(character))
        if ord(character) > 0x7e:
            return "holds the non-ASCII character U+{:04X}; values are ASCII".format(ord(character))
    if ";" in text:
        return "holds ';', which CMake reads as a list separator"
    return None


def read_fragment(path, display_path, first_order):
    """Reads one fragment file. Returns (assignments, errors); errors are strings."""
    assignments, errors = [], []
    with open(path, "rb") as file:
        data = file.read()
    for number, raw in enumerate(data.split(b"\n"), 1):
        origin = "{}:{}".format(display_path, number)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            errors.append("{}: not valid UTF-8 (byte 0x{:02x} at column {})".format(
                origin, raw[error.start], error.start + 1))
            continue
        try:
            parsed = parse_line(line.rstrip("\r"), origin, first_order + len(assignments))
        except FragmentError as error:
            errors.append(str(error))
            continue
        if parsed is not None:
            assignments.append(parsed)
    return assignments, errors


def parse_command_line_setting(setting, order):
    """Parses one --set CONFIG_X=value. A string may be given without quotes (shells eat them)."""
    name, _, text = setting.strip().partition("=")
    problem = value_problem(text)
    if problem and re.fullmatch(r"CONFIG_[A-Za-z0-9_]+", name):
        raise FragmentError("{}: the value of {} {}".format(COMMAND_LINE, name, problem))
    match = SET_PATTERN.fullmatch(setting.strip())
    if not match or value_problem(setting.strip()):
        raise FragmentError("{}: malformed setting {} (expected CONFIG_NAME=value)"
                            .format(COMMAND_LINE, ascii(setting)))
    name, text = match.groups()
    problem = value_problem(text)
    if problem:
        raise FragmentError("{}: the value of {} {}".format(COMMAND_LINE, name, problem))
    return Assignment(name[len("CONFIG_"):], text, COMMAND_LINE, order)


def quote_string(value):
    return '"{}"'.format(value.replace("\\", "\\\\").replace('"', '\\"'))
