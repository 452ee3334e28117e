# SPDX-License-Identifier: Apache-2.0
"""Key oracles: keys typed (and a pointer moved) in an image, each step after a console line: through
QMP in a QEMU image, through xdotool on the private Xvfb server a hosted image's window is on.

An oracle's optional "keys" list holds steps, each typed once, in order:
  after    a regular expression; the step is typed when a console line matches it (after the
           line that matched the previous step's, if any)
  text     characters typed as on a US keyboard (Shift added for capitals and shifted symbols;
           "\\n" is Return); refused when a character has no US key
  keys     or: key combinations in QMP qcodes, "shift-h" for Shift with H ("less" is the key
           between left Shift and Z on ISO keyboards, the German <>|)
  pointer  or: absolute pointer reports, each {"x": 0-32767, "y": 0-32767, "button": "left" |
           "right" | "middle", "down": true | false} with any fields present (button and down
           together); one QMP `input-send-event` per report (QEMU ends each with a sync)
  hold_ms  optional, default 50 (10-1000): how long each combination is held

One step holds at most 256 combinations and an oracle at most 16 steps. Each combination is one
QMP `send-key` (QEMU presses the keys in order and releases them in reverse after hold_ms,
queueing combinations behind each other). A step whose line never appears fails the run: a
key oracle is only judged passed when every step was typed. Keys go to QEMU's active keyboard,
which is the virtio keyboard once its driver has started it.

Hosted (xdotool_arguments, one xdotool run per step): each qcode is the X keycode of the same
physical key (the evdev code + 8: Xvfb's default keymap is built on evdev codes), pressed with
`keydown` in order, held for hold_ms, released with `keyup` in reverse, so the window sees the key
itself whatever the X keymap's symbols; a pointer report is `mousemove` to the pixel the value
names on the width x height window at the screen's corner (value * (size - 1) // 32767, the
scaling inputd applies to a QEMU tablet) and `mousedown`/`mouseup` (1 left, 2 middle, 3 right).

Parsing and both translations are pure (tests/tools/test_oracle.py); KeyTyper takes the sender and
the translation as arguments.
"""

from dataclasses import dataclass

import qmp
import steps

MAXIMUM_STEPS = 16
MAXIMUM_COMBINATIONS = 256

_LETTERS = [chr(code) for code in range(ord("a"), ord("z") + 1)]
_DIGITS = [chr(code) for code in range(ord("0"), ord("9") + 1)]
QCODES = frozenset(_LETTERS + _DIGITS + [
    "shift", "shift_r", "ctrl", "ctrl_r", "alt", "alt_r", "meta_l", "meta_r", "caps_lock",
    "esc", "tab", "ret", "spc", "backspace", "minus", "equal", "bracket_left", "bracket_right",
    "semicolon", "apostrophe", "grave_accent", "backslash", "comma", "dot", "slash", "less",
    "up", "down", "left", "right", "home", "end", "pgup", "pgdn", "insert", "delete",
] + [f"f{number}" for number in range(1, 13)])

_US_PLAIN = {"-": "minus", "=": "equal", "[": "bracket_left", "]": "bracket_right", ";": "semicolon",
             "'": "apostrophe", "`": "grave_accent", "\\": "backslash", ",": "comma", ".": "dot", "/": "slash",
             " ": "spc", "\n": "ret", "\t": "tab"}
_US_SHIFTED = {"!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7", "*": "8", "(": "9",
               ")": "0", "_": "minus", "+": "equal", "{": "bracket_left", "}": "bracket_right", ":": "semicolon",
               '"': "apostrophe", "~": "grave_accent", "|": "backslash", "<": "comma", ">": "dot", "?": "slash"}


# The Linux (evdev) key code of each qcode: the physical key QEMU's qcode names.
_EVDEV_LETTERS = dict(zip("qwertyuiop", range(16, 26)), **dict(zip("asdfghjkl", range(30, 39))),
                      **dict(zip("zxcvbnm", range(44, 51))))
EVDEV_CODES = dict(_EVDEV_LETTERS, **{str(digit): 2 + (digit - 1) % 10 for digit in range(10)}, **{
    "shift": 42, "shift_r": 54, "ctrl": 29, "ctrl_r": 97, "alt": 56, "alt_r": 100, "meta_l": 125, "meta_r": 126,
    "caps_lock": 58, "esc": 1, "tab": 15, "ret": 28, "spc": 57, "backspace": 14, "minus": 12, "equal": 13,
    "bracket_left": 26, "bracket_right": 27, "semicolon": 39, "apostrophe": 40, "grave_accent": 41,
    "backslash": 43, "comma": 51, "dot": 52, "slash": 53, "less": 86, "up": 103, "down": 108, "left": 105,
    "right": 106, "home": 102, "end": 107, "pgup": 104, "pgdn": 109, "insert": 110, "delete": 111,
}, **{f"f{number}": 58 + number for number in range(1, 11)}, f11=87, f12=88)
X_KEYCODE_OFFSET = 8  # X keycode = evdev code + 8 (the evdev XKB rules Xvfb uses)
_X_BUTTONS = {"left": "1", "middle": "2", "right": "3"}
ABSOLUTE_MAXIMUM = 0x7fff


class KeysError(ValueError):
    """A keys entry that cannot be used; the message names the file and the field."""


class TypingError(OSError):
    """Typing a step failed on the host (xdotool missing or refusing)."""


@dataclass(frozen=True)
class KeyStep:
    after: object  # compiled regular expression
    combinations: tuple  # each a tuple of qcodes, pressed in order
    hold_ms: int = 50
    reports: tuple = ()  # each a tuple of QMP InputEvent objects (pointer steps)


def us_combination(character: str, where: str) -> tuple:
    """The key combination that types `character` on a US keyboard."""
    if character in _LETTERS or character in _DIGITS:
        return (character,)
    if "A" <= character <= "Z":
        return ("shift", character.lower())
    if character in _US_PLAIN:
        return (_US_PLAIN[character],)
    if character in _US_SHIFTED:
        return ("shift", _US_SHIFTED[character])
    raise KeysError(f"{where}: {character!r} has no key on a US keyboard")


def parse_all(data, source: str) -> tuple:
    if not isinstance(data, list) or len(data) > MAXIMUM_STEPS:
        raise KeysError(f"{source}: \"keys\" must be a list of at most {MAXIMUM_STEPS} steps")
    return tuple(parse(entry, f"{source}: keys[{index}]") for index, entry in enumerate(data))


def parse(entry, where: str) -> KeyStep:
    steps.check_object(entry, where, {"after", "text", "keys", "pointer", "hold_ms"}, KeysError)
    compiled = steps.after_pattern(entry, where, KeysError)
    if sum(field in entry for field in ("text", "keys", "pointer")) != 1:
        raise KeysError(f"{where} must have exactly one of \"text\", \"keys\" and \"pointer\"")
    if "pointer" in entry:
        return KeyStep(compiled, (), 50, _pointer_reports(entry["pointer"], f"{where}.pointer"))
    if "text" in entry:
        text = entry["text"]
        if not isinstance(text, str) or not text:
            raise KeysError(f"{where}.text must be a non-empty string")
        combinations = [us_combination(character, f"{where}.text") for character in text]
    else:
        listed = entry["keys"]
        if not isinstance(listed, list) or not listed or not all(isinstance(each, str) for each in listed):
            raise KeysError(f"{where}.keys must be a non-empty list of key combinations such as \"shift-h\"")
        combinations = []
        for index, combination in enumerate(listed):
            codes = tuple(combination.split("-"))
            for code in codes:
                if code not in QCODES:
                    raise KeysError(f"{where}.keys[{index}]: {code!r} is not a QMP qcode this oracle knows")
            if len(set(codes)) != len(codes):
                raise KeysError(f"{where}.keys[{index}]: a key twice in one combination")
            combinations.append(codes)
    if len(combinations) > MAXIMUM_COMBINATIONS:
        raise KeysError(f"{where}: more than {MAXIMUM_COMBINATIONS} key combinations in one step")
    hold = entry.get("hold_ms", 50)
    if isinstance(hold, bool) or not isinstance(hold, int) or not 10 <= hold <= 1000:
        raise KeysError(f"{where}.hold_ms must be an integer from 10 to 1000")
    return KeyStep(compiled, tuple(combinations), hold)


def _pointer_reports(reports, where: str) -> tuple:
    if not isinstance(reports, list) or not reports or len(reports) > MAXIMUM_COMBINATIONS:
        raise KeysError(f"{where} must be a list of 1 to {MAXIMUM_COMBINATIONS} reports")
    parsed = []
    for index, report in enumerate(reports):
        field = f"{where}[{index}]"
        if not isinstance(report, dict) or not report or set(report) - {"x", "y", "button", "down"}:
            raise KeysError(f"{field} must be an object of x, y, button and down")
        events = []
        for axis in ("x", "y"):
            if axis in report:
                value = report[axis]
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0x7fff:
                    raise KeysError(f"{field}.{axis} must be an integer from 0 to 32767")
                events.append({"type": "abs", "data": {"axis": axis, "value": value}})
        if ("button" in report) != ("down" in report):
            raise KeysError(f"{field}: button and down go together")
        if "button" in report:
            if report["button"] not in ("left", "right", "middle") or not isinstance(report["down"], bool):
                raise KeysError(f"{field}: button must be left, right or middle and down true or false")
            events.append({"type": "btn", "data": {"down": report["down"], "button": report["button"]}})
        parsed.append(tuple(events))
    return tuple(parsed)


def send_key_requests(step: KeyStep) -> list:
    """The QMP requests that type `step`: one send-key per combination, or one input-send-event
    per pointer report."""
    if step.reports:
        return [{"execute": "input-send-event", "arguments": {"events": list(report)}} for report in step.reports]
    return [{"execute": "send-key",
             "arguments": {"keys": [{"type": "qcode", "data": code} for code in combination],
                           "hold-time": step.hold_ms}}
            for combination in step.combinations]


def pixel(value: int, size: int) -> int:
    """The window pixel an absolute pointer value (0-32767) names on an axis of `size` pixels."""
    return value * (size - 1) // ABSOLUTE_MAXIMUM


def xdotool_arguments(step: KeyStep, width: int, height: int, position=(0, 0)) -> tuple:
    """The xdotool command line that types `step` on the Xvfb display the hosted window fills
    (width x height at the screen's corner), and where the pointer is after it: an axis a report
    leaves out stays where `position` (the pointer before the step) had it."""
    arguments = ["xdotool"]
    if step.reports:
        x, y = position
        for report in step.reports:
            moved = False
            for event in report:
                if event["type"] == "abs":
                    moved = True
                    if event["data"]["axis"] == "x":
                        x = pixel(event["data"]["value"], width)
                    else:
                        y = pixel(event["data"]["value"], height)
            if moved:
                arguments += ["mousemove", str(x), str(y)]
            for event in report:
                if event["type"] == "btn":
                    arguments += ["mousedown" if event["data"]["down"] else "mouseup",
                                  _X_BUTTONS[event["data"]["button"]]]
        return arguments, (x, y)
    seconds = f"{step.hold_ms / 1000:g}"
    for combination in step.combinations:
        keycodes = [str(EVDEV_CODES[code] + X_KEYCODE_OFFSET) for code in combination]
        arguments += ["keydown", *keycodes, "sleep", seconds, "keyup", *reversed(keycodes)]
    return arguments, position


class KeyTyper:
    """Follows the console like the line matcher: when a line matches the next step's `after`,
    types the step with `send(requests(step))` — qmp.QmpSocket.execute of send_key_requests by
    default, or a hosted typist's (capture.XvfbScreens.typist)."""

    def __init__(self, steps, send, requests=send_key_requests):
        self.steps = steps
        self.send = send
        self.requests = requests
        self.typed = 0
        self.failures = []

    def feed(self, line: str) -> None:
        if self.failures or self.typed >= len(self.steps) or not self.steps[self.typed].after.search(line):
            return
        try:
            self.send(self.requests(self.steps[self.typed]))
        except (qmp.QmpError, OSError) as problem:
            self.failures.append(f"keys {self.typed + 1}: typing failed: {problem}")
            return
        self.typed += 1

    def reasons(self) -> list:
        """Why the key oracle failed (empty when every step was typed)."""
        if self.failures:
            return list(self.failures)
        if self.typed < len(self.steps):
            return [f"keys {self.typed + 1} never typed: no console line matched "
                    f"'{self.steps[self.typed].after.pattern}'"]
        return []
