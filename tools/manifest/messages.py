# SPDX-License-Identifier: Apache-2.0
"""How the manifest tools show a value in a one-line message (compile.py, taskconfig.py)."""

import difflib
import json
import re


def suggestion(word, choices):
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def shown(value):
    """A value quoted for a one-line message: control and non-ASCII characters escaped."""
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 60 else text[:57] + "..."


def kind_of(value):
    if isinstance(value, bool):
        return "a boolean"
    return {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number",
            type(None): "null"}.get(type(value), type(value).__name__)


def printable(key):
    return shown(key) if not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", key) else key
