# SPDX-License-Identifier: Apache-2.0
"""Configuration data for a Task (docs/adr/0037-configuration-data-in-the-manifest.md).

A footprint may declare the shape of its Task's configuration:

    "config": { "version": 1, "fields": { "<name>": <spec>, ... } }

    <spec>: {"type": "string",  "max_bytes": N, ["one_of": [...]], ["refers_to": "partition"], ["format": "ipv4" | "ipv6"]}
            {"type": "integer", "min": A, "max": B}
            {"type": "boolean"}
            {"type": "list",    "max_items": N, "of": <spec>}
            {"type": "record",  "fields": { "<name>": <spec>, ... }}
            each with an optional "optional": true and "description".

A manifest entry of that Task may then carry a `"config"` object, which is checked against the
declaration (an undeclared field, a wrong type, a value out of range or too long, a missing
required field: one line each) and encoded as one canonical binary message of core/encoding
(`u16 version`, `u32 body length`, the body: records as their fields in declared order,
strings as `u32 length` + bytes, integers little-endian in the smallest width holding the
declared range, booleans as one byte, lists as `u32 count` + items, optionals as a `u8` tag 0/1
and the value). initd hands the bytes to the Task in the read-only MemCap slot `config`; the
Task decodes them into its own C++ type, whose structure the generated footprint header
checks against the declaration at compile time (structure_text / structure_hash below mirror
core/encoding's Structure.h).
"""

import re
import struct

from messages import kind_of, printable, shown, suggestion

SLOT = "config"  # the Bundle slot a configured Task receives its configuration in
MAXIMUM_BYTES = 4096  # a configuration message fits one page (vectra/Configuration.h's limit)
TYPES = ("string", "integer", "boolean", "list", "record")
FIELD = re.compile(r"[a-z][a-z0-9_]{0,30}")
FIELD_RULE = "1-31 of [a-z0-9_], starting with a letter"
REFERENCES = ("partition",)  # what a string may be checked against: a partition of the image's disks.json
FORMATS = ("ipv4", "ipv6")  # what a string's text may be held to: a dotted-quad IPv4 address, an IPv6 address
IPV4 = re.compile(r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}")
IPV6_GROUP = re.compile(r"[0-9A-Fa-f]{1,4}")
STRING_LIMIT = 1024
LIST_LIMIT = 256
INTEGER_LOW, INTEGER_HIGH = -(1 << 63), (1 << 64) - 1
SPEC_FIELDS = {"type", "optional", "description", "max_bytes", "one_of", "refers_to", "format", "min", "max", "max_items",
               "of", "fields"}
PER_TYPE = {"string": {"max_bytes", "one_of", "refers_to", "format"}, "integer": {"min", "max"}, "boolean": set(),
            "list": {"max_items", "of"}, "record": {"fields"}}
COMMON = {"type", "optional", "description"}


# The declaration (in a footprint) ---------------------------------------------------------------

def check_declaration(source, declaration, field="config"):
    """Validates a footprint's `config` declaration; refuses one whose largest message exceeds a page."""
    source.fields(declaration, field, {"version", "fields", "description"}, ("version", "fields"))
    source.integer(declaration["version"], f"{field}.version", 1, 0xffff)
    check_record_fields(source, declaration["fields"], f"{field}.fields", depth=0)
    size = maximum_size(declaration)
    source.require(size <= MAXIMUM_BYTES, field,
                   f"its largest message is {size} bytes, more than a configuration holds ({MAXIMUM_BYTES}): "
                   f"lower max_bytes or max_items")


def check_record_fields(source, fields, field, depth):
    source.object(fields, field)
    source.require(fields, field, "a record declares at least one field")
    source.require(len(fields) <= 64, field, "a record declares at most 64 fields (core/encoding)")
    for name, spec in fields.items():
        where = f"{field}.{name}" if FIELD.fullmatch(name) else field
        source.string(name, where, FIELD, FIELD_RULE)
        check_spec(source, spec, where, depth)


def check_spec(source, spec, field, depth):
    source.require(depth < 4, field, "configuration nests at most 4 deep")
    source.fields(spec, field, SPEC_FIELDS, ("type",))
    kind = source.choice(spec["type"], f"{field}.type", set(TYPES))
    for key in spec:
        source.require(key in COMMON or key in PER_TYPE[kind], f"{field}.{key}", f"does not apply to a {kind}")
    source.require(isinstance(spec.get("optional", False), bool), f"{field}.optional", "must be true or false")
    if "description" in spec:
        source.require(isinstance(spec["description"], str), f"{field}.description", "must be a string")
    if kind == "string":
        source.require("max_bytes" in spec, field, "a string declares max_bytes")
        source.integer(spec["max_bytes"], f"{field}.max_bytes", 1, STRING_LIMIT)
        if "one_of" in spec:
            for index, value in enumerate(source.list(spec["one_of"], f"{field}.one_of")):
                source.string(value, f"{field}.one_of[{index}]")
                source.require(len(value.encode()) <= spec["max_bytes"], f"{field}.one_of[{index}]",
                               f"longer than max_bytes {spec['max_bytes']}")
        if "refers_to" in spec:
            source.choice(spec["refers_to"], f"{field}.refers_to", set(REFERENCES))
        if "format" in spec:
            source.choice(spec["format"], f"{field}.format", set(FORMATS))
    elif kind == "integer":
        source.require("min" in spec and "max" in spec, field, "an integer declares min and max")
        low = source.integer(spec["min"], f"{field}.min", INTEGER_LOW, INTEGER_HIGH)
        high = source.integer(spec["max"], f"{field}.max", low, INTEGER_HIGH)
        source.require(low >= 0 or high < (1 << 63), f"{field}.max", "a signed range ends below 2^63")
    elif kind == "list":
        source.require("max_items" in spec and "of" in spec, field, "a list declares max_items and of")
        source.integer(spec["max_items"], f"{field}.max_items", 1, LIST_LIMIT)
        check_spec(source, spec["of"], f"{field}.of", depth + 1)
        source.require(not spec["of"].get("optional", False), f"{field}.of.optional", "list items are never optional")
    elif kind == "record":
        source.require("fields" in spec, field, "a record declares its fields")
        check_record_fields(source, spec["fields"], f"{field}.fields", depth + 1)


def integer_width(spec):
    """(signed, bits) of the smallest integer type core/encoding has that holds [min, max]."""
    low, high = spec["min"], spec["max"]
    for bits in (8, 16, 32, 64):
        if low >= 0 and high < (1 << bits):
            return False, bits
        if low < 0 and low >= -(1 << (bits - 1)) and high < (1 << (bits - 1)):
            return True, bits
    raise ValueError("range checked already")


def structure_text(spec):
    """core/encoding's structural description (Structure.h) of the C++ type a spec decodes into."""
    text = bare_structure(spec)
    return f"optional<{text}>" if spec.get("optional") else text


def bare_structure(spec):
    kind = spec["type"]
    if kind == "string":
        return f"utf8<{spec['max_bytes']}>"
    if kind == "integer":
        signed, bits = integer_width(spec)
        return f"{'i' if signed else 'u'}{bits}"
    if kind == "boolean":
        return "bool"
    if kind == "list":
        return f"vector<{structure_text(spec['of'])},{spec['max_items']}>"
    return "{" + ",".join(f"{name}:{structure_text(inner)}" for name, inner in spec["fields"].items()) + "}"


def declaration_structure(declaration):
    return bare_structure({"type": "record", "fields": declaration["fields"]})


def structure_hash(text):
    """FNV-1a 64 of the text: core/encoding's StructureHash."""
    value = 0xcbf29ce484222325
    for byte in text.encode("ascii"):
        value = ((value ^ byte) * 0x100000001b3) & 0xffffffffffffffff
    return value


def maximum_size(declaration):
    return 6 + maximum_body({"type": "record", "fields": declaration["fields"]})


def maximum_body(spec):
    kind, tag = spec["type"], 1 if spec.get("optional") else 0
    if kind == "string":
        return tag + 4 + spec["max_bytes"]
    if kind == "integer":
        return tag + integer_width(spec)[1] // 8
    if kind == "boolean":
        return tag + 1
    if kind == "list":
        return tag + 4 + spec["max_items"] * maximum_body(spec["of"])
    return tag + sum(maximum_body(inner) for inner in spec["fields"].values())


# A value (in a manifest) -----------------------------------------------------------------------

class Context:
    """What a value is checked against besides its declaration: the footprint's file name (for
    messages) and the partitions of the image's disks.json (None: the image has none)."""

    def __init__(self, footprint_name, partitions):
        self.footprint_name = footprint_name
        self.partitions = partitions


def check_value(source, value, declaration, field, context):
    """Checks a Task's `config` object against its footprint's declaration; returns its bytes."""
    body = record_body(source, value, declaration["fields"], field, context)
    return struct.pack("<HI", declaration["version"], len(body)) + body


def record_body(source, value, fields, field, context):
    source.require(isinstance(value, dict), field, f"must be a JSON object, not {kind_of(value)}")
    for key in value:
        if key not in fields:
            source.fail(f"{field}.{printable(key)}",
                        f"not a configuration field {context.footprint_name} declares{suggestion(key, fields)}")
    body = b""
    for name, spec in fields.items():
        where = f"{field}.{name}"
        if name not in value:
            source.require(spec.get("optional", False), field,
                           f"the required field '{name}' is missing ({context.footprint_name})")
            body += b"\x00"
            continue
        inner = value_body(source, value[name], spec, where, context)
        body += (b"\x01" + inner) if spec.get("optional") else inner
    return body


def is_ipv6(text: str) -> bool:
    """RFC 4291 §2.2's text forms 1 and 2: eight groups of 1-4 hex digits, or fewer with one '::' standing
    for at least one zero group. Form 3 (a dotted quad at the end) and zones (RFC 4007's '%') are refused,
    as core/net's parse_ipv6 refuses them."""
    halves = text.split("::")
    if len(halves) > 2:
        return False
    groups = [[part for part in half.split(":")] if half else [] for half in halves]
    if any(not IPV6_GROUP.fullmatch(group) for half in groups for group in half):
        return False
    count = sum(len(half) for half in groups)
    return count == 8 if len(halves) == 1 else count <= 7


def value_body(source, value, spec, field, context):
    kind = spec["type"]
    if kind == "string":
        text = source.string(value, field)
        source.require(len(text.encode()) <= spec["max_bytes"], field,
                       f"{shown(text)} is longer than {spec['max_bytes']} bytes ({context.footprint_name})")
        if "one_of" in spec:
            source.require(text in spec["one_of"], field,
                           f"{shown(text)} is not one of {', '.join(spec['one_of'])} ({context.footprint_name})")
        if spec.get("format") == "ipv4":
            source.require(IPV4.fullmatch(text) is not None, field,
                           f"{shown(text)} is not a dotted-quad IPv4 address (four parts 0-255, no leading zeros) "
                           f"({context.footprint_name})")
        if spec.get("format") == "ipv6":
            source.require(is_ipv6(text), field,
                           f"{shown(text)} is not an IPv6 address (eight groups of 1-4 hex digits, or fewer around one '::'; "
                           f"no zone, no dotted quad) ({context.footprint_name})")
        if spec.get("refers_to") == "partition":
            source.require(context.partitions is not None, field,
                           f"names partition {shown(text)}, and the image has no disks.json declaring partitions")
            source.require(text in context.partitions, field,
                           f"the image's disks.json has no partition {shown(text)} "
                           f"(it has {', '.join(sorted(context.partitions)) or 'none'})")
        data = text.encode()
        return struct.pack("<I", len(data)) + data
    if kind == "integer":
        number = source.integer(value, field, spec["min"], spec["max"])
        signed, bits = integer_width(spec)
        return number.to_bytes(bits // 8, "little", signed=signed)
    if kind == "boolean":
        source.require(isinstance(value, bool), field, f"must be true or false, not {shown(value)}")
        return b"\x01" if value else b"\x00"
    if kind == "list":
        items = source.list(value, field, non_empty=False)
        source.require(len(items) <= spec["max_items"], field,
                       f"{len(items)} items, at most {spec['max_items']} ({context.footprint_name})")
        return struct.pack("<I", len(items)) + b"".join(
            value_body(source, item, spec["of"], f"{field}[{index}]", context) for index, item in enumerate(items))
    return record_body(source, value, spec["fields"], field, context)


# The image's partitions --------------------------------------------------------------------------

def partitions_of(source):
    """The partition names of every disk a disks.json declares (the image builder checks the rest)."""
    data = source.load()
    names = set()
    disks = data.get("disks")
    source.require(isinstance(disks, list), "disks", "must be a list")
    for index, disk in enumerate(disks):
        source.require(isinstance(disk, dict) and isinstance(disk.get("partitions", []), list),
                       f"disks[{index}]", "must be an object with a list of partitions")
        for number, partition in enumerate(disk.get("partitions", [])):
            source.require(isinstance(partition, dict) and isinstance(partition.get("name"), str),
                           f"disks[{index}].partitions[{number}].name", "must be a string")
            names.add(partition["name"])
    return names
