# SPDX-License-Identifier: Apache-2.0
"""What the oracle's console-line steps share (screen.py's screens, keys.py's keys): each entry is a
JSON object of known fields, taken after a console line matching its `after` regular expression.
`error` is the caller's exception class, so each file keeps its own error type and messages."""

import re


def check_object(entry, where: str, fields, error) -> None:
    if not isinstance(entry, dict):
        raise error(f"{where} must be a JSON object")
    unknown = sorted(set(entry) - set(fields))
    if unknown:
        raise error(f"{where}: unknown field {unknown[0]!r}")


def after_pattern(entry, where: str, error) -> re.Pattern:
    after = entry.get("after")
    if not isinstance(after, str) or not after:
        raise error(f"{where}.after must be a regular expression")
    try:
        return re.compile(after)
    except re.error as problem:
        raise error(f"{where}.after {after!r} is not a valid regular expression: {problem}")
