# SPDX-License-Identifier: Apache-2.0
"""Strict checks on a merged configuration: every assignment must name a defined symbol, carry a
value of the symbol's type, and take effect.

kconfiglib keeps going when a value cannot be used (an unmet `depends on`, a value outside a
`range`, a symbol without a prompt...) and the configuration silently differs from what the
fragments asked for. Like Zephyr's kconfig.py, we compare the last value assigned to each symbol
with the value it ended up with, and explain every difference.
"""

import difflib

from kconfiglib import (AND, BOOL, HEX, INT, NOT, OR, STRING, TRISTATE, TYPE_TO_STR, expr_str,
                        expr_value, split_expr)

from fragments import HEX_PATTERN, INTEGER_PATTERN, COMMAND_LINE, quote_string

VALID_TRISTATE_TEXT = {BOOL: ("y", "n"), TRISTATE: ("y", "m", "n")}


def defined_symbol(kconf, name):
    symbol = kconf.syms.get(name)
    if symbol is None or not symbol.nodes:
        return None
    return symbol


def did_you_mean(kconf, name):
    """` (did you mean CONFIG_X?)` for the closest defined symbol, else ""."""
    names = [symbol.name for symbol in kconf.unique_defined_syms]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    return " (did you mean CONFIG_{}?)".format(close[0]) if close else ""


def type_error(symbol, assignment):
    """Returns why the assignment's value does not fit the symbol's type, or None."""
    text = assignment.text
    symbol_type = symbol.orig_type
    if symbol_type in VALID_TRISTATE_TEXT:
        if text in VALID_TRISTATE_TEXT[symbol_type]:
            return None
        return "'{}' is not a valid value for the {} symbol".format(text, TYPE_TO_STR[symbol_type])
    if text == "n":
        return "n ('is not set') is only for bool and tristate symbols, this one is {}".format(
            TYPE_TO_STR.get(symbol_type, "untyped"))
    if symbol_type == STRING:
        if assignment.is_quoted_string:
            return None
        return "a string value must be written in double quotes"
    if symbol_type == INT:
        return None if INTEGER_PATTERN.match(text) else "'{}' is not a decimal number".format(text)
    if symbol_type == HEX:
        return None if HEX_PATTERN.match(text) else "'{}' is not a hex number".format(text)
    return "the symbol has no type (bool, tristate, string, int or hex)"


def check_assignments(kconf, assignments):
    """Checks names and value types before anything is loaded. Returns a list of error strings.

    A string given on the command line without quotes is quoted here (shells remove quotes)."""
    errors = []
    for assignment in assignments:
        symbol = defined_symbol(kconf, assignment.name)
        if symbol is None:
            errors.append("error: {}: CONFIG_{} is not defined by any Kconfig file{}".format(
                assignment.origin, assignment.name, did_you_mean(kconf, assignment.name)))
            continue
        if (assignment.origin == COMMAND_LINE and symbol.orig_type == STRING
                and not assignment.is_quoted_string):
            assignment.text = quote_string(assignment.text)
        reason = type_error(symbol, assignment)
        if reason:
            errors.append("error: {}: {}".format(assignment.describe(), reason))
    return errors


def last_assignments(assignments):
    """Maps each symbol name to its last assignment (the one that wins)."""
    last = {}
    for assignment in sorted(assignments, key=lambda item: item.order):
        last[assignment.name] = assignment
    return last


def expected_value(symbol, assignment):
    if symbol.orig_type == STRING:
        return assignment.string_value()
    if symbol.orig_type in (INT, HEX):
        return int(assignment.text, 10 if symbol.orig_type == INT else 16)
    return assignment.text


def actual_value(symbol):
    text = symbol.str_value
    if symbol.orig_type in (INT, HEX):
        try:
            return int(text, 10 if symbol.orig_type == INT else 16)
        except ValueError:
            return None
    return text


def blame(expression, want_true=True):
    """Names the operands that make `expression` false (or true, when want_true is False)."""
    if isinstance(expression, tuple):
        operator = expression[0]
        if operator == NOT:
            return blame(expression[1], not want_true)
        if operator in (AND, OR):
            operands = split_expr(expression, operator)
            # A false AND (or a true OR) is decided by some operands; the opposite case by all.
            deciding_only = (operator == AND) == want_true
            culprits = []
            for operand in operands:
                if deciding_only and (expr_value(operand) > 0) == want_true:
                    continue
                culprits.extend(blame(operand, want_true))
            return culprits
        return ["{} is {}".format(expr_str(expression), "false" if want_true else "true")]
    if expression.is_constant:
        return []
    if not expression.nodes:
        return ["{} is not defined".format(expression.name)]
    return ["{} is {}".format(expression.name, expression.str_value or '""')]


def has_prompt(symbol):
    return any(node.prompt for node in symbol.nodes)


def active_range(symbol):
    """Returns (low, high) of the range in force, or None."""
    base = 10 if symbol.orig_type == INT else 16
    for low, high, condition in symbol.ranges:
        if expr_value(condition):
            return int(low.str_value, base), int(high.str_value, base)
    return None


def format_number(symbol, value):
    return str(value) if symbol.orig_type == INT else hex(value)


def selected_by(symbol):
    active = [term for term in split_expr(symbol.rev_dep, OR) if expr_value(term)]
    return " || ".join(expr_str(term) for term in active)


def why_not_taken(symbol, assignment):
    """Explains why a symbol did not get its last assigned value."""
    if not has_prompt(symbol):
        reason = ("it has no prompt, so it is not user-settable (only `default`s and `select`s "
                  "give it a value)")
        return reason + (", and it is selected by " + selected_by(symbol)
                         if expr_value(symbol.rev_dep) else "")
    if expr_value(symbol.direct_dep) == 0:
        culprits = blame(symbol.direct_dep)
        return "depends on {}, and {}".format(expr_str(symbol.direct_dep), ", ".join(culprits))
    if symbol.visibility == 0:
        conditions = [expr_str(node.prompt[1]) for node in symbol.nodes if node.prompt]
        return "its prompt is hidden (shown only if {})".format(" || ".join(conditions))
    expected = expected_value(symbol, assignment)
    if symbol.orig_type in (INT, HEX) and active_range(symbol):
        low, high = active_range(symbol)
        if not low <= expected <= high:
            return "{} is outside its range [{}, {}]".format(
                assignment.text, format_number(symbol, low), format_number(symbol, high))
    if symbol.orig_type in (BOOL, TRISTATE) and expr_value(symbol.rev_dep) > 0:
        return "it is selected by " + selected_by(symbol)
    if symbol.choice is not None:
        return choice_reason(symbol, assignment)
    return "it got the value '{}' instead".format(symbol.str_value)


def choice_name(choice):
    return choice.name or "<unnamed choice at {}:{}>".format(
        choice.nodes[0].filename, choice.nodes[0].linenr)


def choice_reason(symbol, assignment):
    choice = symbol.choice
    if assignment.text == "n" and choice.selection is symbol:
        return "it is the selection of choice {}: set another member to y instead".format(
            choice_name(choice))
    selection = choice.selection.name if choice.selection else "nothing"
    return "choice {} selected {} instead".format(choice_name(choice), selection)


def superseded_choice_member(assignment, symbol, last):
    """True when a later assignment set another member of the same choice to y: that is an
    override (later wins), not a failure."""
    if symbol.choice is None or assignment.text != "y":
        return False
    for member in symbol.choice.syms:
        other = last.get(member.name)
        if other is not None and other.text == "y" and other.order > assignment.order:
            return True
    return False


def check_effect(kconf, assignments):
    """Compares each symbol's last assigned value with its final value. Returns error strings."""
    errors = []
    last = last_assignments(assignments)
    for assignment in sorted(last.values(), key=lambda item: item.order):
        symbol = defined_symbol(kconf, assignment.name)
        if superseded_choice_member(assignment, symbol, last):
            continue
        if expected_value(symbol, assignment) == actual_value(symbol):
            continue
        errors.append("error: {} did not take effect: {}".format(
            assignment.describe(), why_not_taken(symbol, assignment)))
    return errors


def kconfiglib_warnings(kconf, first=0):
    """kconfiglib's warnings from index `first` on, as errors."""
    return ["error: kconfiglib: {}".format(warning) for warning in kconf.warnings[first:]]

