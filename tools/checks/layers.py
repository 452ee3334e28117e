#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Build check: layers, and Kconfig against CMake.

Reads the layer order from layers.json (the only place it is written) and the component graph
from every component folder's CMakeLists.txt, read as text so that every component is seen,
whatever the configuration (`vectra_component(...)` calls, and `target_link_libraries(vectra_X
... vectra_Y)` / `add_library(vectra_X ...)` made by hand). Fails, one line per problem naming
both files, when

  - an #include names a header of a folder it may not use: one in a higher layer, one in the
    same layer when the layer is closed (services, platforms, components, ports), or one of a
    layer that is not visible to it (the platform interface is for the kernel and the platforms);
  - a CMake link (DEPENDS or target_link_libraries) points the same ways;
  - a link is not matched by Kconfig: when the user's symbol is y, Kconfig must force the used
    component's symbol to y too (`depends on` or `select`, directly or through other symbols),
    else that configuration configures and then fails in the compiler or the linker;
  - a HOST_TESTABLE component uses one that is not (the host trees would not have it);
  - a component folder is not placed in layers.json, or a link names no component.

Usage: layers.py --srctree DIR [--depfile FILE --stamp FILE]
With --depfile, writes a Ninja depfile naming every file read, and touches --stamp on success:
CMake runs this at configure time and as a build step that re-runs when any of those changes.
"""

import argparse
import fnmatch
import json
import os
import re
import sys

SOURCE_SUFFIXES = (".h", ".hpp", ".c", ".cpp", ".cc", ".S", ".inc")
SKIPPED_FOLDERS = {".git", "build", "tests", "tools", "docs", "images", "cmake"}
COMPONENT_KEYWORDS = {"KCONFIG", "SOURCES", "INCLUDES", "DEPENDS", "LINK", "HOST_TESTABLE", "THIRD_PARTY"}
LINK_SCOPES = {"PUBLIC", "PRIVATE", "INTERFACE"}
NOT_COMPONENTS = {"vectra_flags", "vectra_our_warnings"}
INCLUDE_PATTERN = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.MULTILINE)
CALL_PATTERN = re.compile(r"\b(vectra_component|target_link_libraries|add_library)\s*\(")


class Problems:
    def __init__(self):
        self.lines = []

    def add(self, text):
        if text not in self.lines:
            self.lines.append(text)


class Component:
    def __init__(self, name, folder, where):
        self.name = name
        self.folder = folder
        self.where = where  # "core/fs/CMakeLists.txt:1"
        self.kconfig = None
        self.includes = []
        self.host_testable = False
        self.links = []  # (target name, where)


# ---- layers.json ----

def load_layers(srctree, problems):
    path = os.path.join(srctree, "layers.json")
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as error:
        problems.add("layers: layers.json: cannot be read: {}".format(error))
        return None
    layers = data.get("layers")
    if not isinstance(layers, list) or not layers:
        problems.add("layers: layers.json: layers: must be a non-empty list")
        return None
    names = []
    for index, layer in enumerate(layers):
        where = "layers.json: layers[{}]".format(index)
        if not isinstance(layer, dict) or not isinstance(layer.get("name"), str):
            problems.add("layers: {}: needs a name".format(where))
            return None
        if layer["name"] in names:
            problems.add("layers: {}: '{}' is named twice".format(where, layer["name"]))
        names.append(layer["name"])
        if layer.get("policy") not in ("open", "closed"):
            problems.add("layers: {} ({}): policy must be 'open' or 'closed'".format(where, layer["name"]))
        folders = layer.get("folders")
        if not isinstance(folders, list) or not all(isinstance(item, str) for item in folders):
            problems.add("layers: {} ({}): folders must be a list of paths".format(where, layer["name"]))
            layer["folders"] = []
    for layer in layers:
        for user in layer.get("visible_to", []):
            if user not in names:
                problems.add("layers: layers.json: {}: visible_to names '{}', which is no layer".format(
                    layer["name"], user))
    data.setdefault("allow", [])
    data.setdefault("exceptions", [])
    return data


def place(folder, layers):
    """The index of the layer that holds `folder`: an exact path wins over a glob."""
    for index, layer in enumerate(layers):
        if folder in layer["folders"]:
            return index
    for index, layer in enumerate(layers):
        if any("*" in pattern and fnmatch.fnmatchcase(folder, pattern) and
               folder.count("/") == pattern.count("/") for pattern in layer["folders"]):
            return index
    return None


# ---- CMake, read as text ----

def strip_comments(text):
    return "\n".join(line.split("#", 1)[0] if not line.lstrip().startswith("#[") else "" for line in text.split("\n"))


def calls(text):
    """(function, arguments, line) for each call of interest; arguments split on whitespace."""
    for match in CALL_PATTERN.finditer(text):
        depth, position = 1, match.end()
        while position < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[position], 0)
            position += 1
        body = text[match.end():position - 1]
        arguments = [argument.strip('"') for argument in body.split()]
        yield match.group(1), arguments, text.count("\n", 0, match.start()) + 1


def parse_components(srctree, folder, problems, components, extra_targets, extra_links):
    relative_file = folder + "/CMakeLists.txt"
    with open(os.path.join(srctree, relative_file), encoding="utf-8") as handle:
        text = strip_comments(handle.read())
    found = []
    for function, arguments, line in calls(text):
        where = "{}:{}".format(relative_file, line)
        if not arguments:
            continue
        if function == "vectra_component":
            name = arguments[0]
            component = components.get(name)
            if component is None:
                component = components[name] = Component(name, folder, where)
            elif component.folder != folder:
                problems.add("layers: {}: component {} is also defined in {}".format(where, name, component.where))
                continue
            keyword, kconfig = None, None
            for argument in arguments[1:]:
                if argument in COMPONENT_KEYWORDS:
                    keyword = argument
                    if argument == "HOST_TESTABLE":
                        component.host_testable = True
                    continue
                if keyword == "KCONFIG":
                    kconfig = argument
                elif keyword == "DEPENDS":
                    component.links.append(("vectra_" + argument, where))
                elif keyword == "INCLUDES" and "${" not in argument:
                    component.includes.append(argument)
            if component.kconfig is not None and component.kconfig != kconfig:
                problems.add("layers: {}: component {} is registered under {} here and {} in {}".format(
                    where, name, kconfig, component.kconfig, component.where))
            component.kconfig = kconfig
            found.append(component)
        elif function == "add_library" and arguments[0].startswith("vectra_"):
            extra_targets.setdefault(arguments[0], (folder, where))
        elif function == "target_link_libraries" and arguments[0].startswith("vectra_"):
            user = arguments[0]
            for argument in arguments[1:]:
                if argument.startswith("vectra_") and argument not in NOT_COMPONENTS and argument not in LINK_SCOPES:
                    extra_links.append((user, argument, where))
    for component in found:
        if not component.includes and os.path.isdir(os.path.join(srctree, folder, "include")):
            component.includes.append("include")
    return found



def component_folders(srctree):
    """Every folder whose CMakeLists.txt registers a component."""
    folders = []
    for root, directories, files in os.walk(srctree):
        relative = os.path.relpath(root, srctree)
        directories[:] = sorted(entry for entry in directories
                                if not (relative == "." and entry in SKIPPED_FOLDERS) and not entry.startswith("."))
        if relative != "." and "CMakeLists.txt" in files:
            with open(os.path.join(root, "CMakeLists.txt"), encoding="utf-8") as handle:
                if "vectra_component(" in strip_comments(handle.read()):
                    folders.append(relative.replace(os.sep, "/"))
    return folders


# ---- Kconfig ----

class Implications:
    """Which Kconfig symbols are forced to y when a given one is y (depends on, select)."""

    def __init__(self, srctree):
        os.environ["srctree"] = os.path.abspath(srctree)
        import kconfiglib  # Debian's python3-kconfiglib
        self.kconfiglib = kconfiglib
        previous = os.getcwd()
        os.chdir(srctree)
        try:
            self.kconf = kconfiglib.Kconfig("Kconfig", warn_to_stderr=False)
        finally:
            os.chdir(previous)
        self.files = sorted({os.path.join(srctree, node.filename) for node in self.kconf.node_iter()})
        self.always = self.closure([symbol for symbol in self.kconf.unique_defined_syms if self.fixed(symbol)])

    def fixed(self, symbol):
        """True for a bool symbol nobody can set to n: no prompt, default y unconditionally."""
        if symbol.orig_type != self.kconfiglib.BOOL or any(node.prompt for node in symbol.nodes):
            return False
        if symbol.direct_dep is not self.kconf.y:
            return False
        return any(value is self.kconf.y and condition is self.kconf.y for value, condition in symbol.defaults)

    def conjuncts(self, expression):
        if isinstance(expression, tuple) and expression[0] == self.kconfiglib.AND:
            return self.conjuncts(expression[1]) + self.conjuncts(expression[2])
        if isinstance(expression, self.kconfiglib.Symbol):
            return [expression]
        return []

    def closure(self, start):
        seen = set()
        pending = list(start)
        while pending:
            symbol = pending.pop()
            if symbol in seen:
                continue
            seen.add(symbol)
            # A select under the symbol's own dependencies (kconfiglib folds `depends on` into the
            # select's condition) holds whenever the symbol is y.
            pending.extend(target for target, condition in symbol.selects
                           if condition is self.kconf.y or condition is symbol.direct_dep)
            pending.extend(self.conjuncts(symbol.direct_dep))
        return seen

    def symbol(self, name):
        symbol = self.kconf.syms.get(name[len("CONFIG_"):] if name.startswith("CONFIG_") else name)
        return symbol if symbol is not None and symbol.nodes else None

    def definition(self, symbol):
        node = symbol.nodes[0]
        return "{}:{}".format(node.filename, node.linenr)

    def forces(self, user_name, used_name):
        """True when user_name=y (None: always built) forces used_name=y."""
        used = self.symbol(used_name)
        if used is None or used in self.always:
            return True
        if user_name is None:
            return False
        user = self.symbol(user_name)
        return user is not None and used in self.closure([user]) | self.always


# ---- the checks ----

def header_owners(srctree, components, problems):
    """Maps each public header path (as included) to its (folder, component)."""
    owners = {}
    for component in components.values():
        for include in component.includes:
            root = os.path.join(srctree, component.folder, include)
            for directory, _, files in os.walk(root):
                for name in files:
                    header = os.path.relpath(os.path.join(directory, name), root).replace(os.sep, "/")
                    owner = owners.get(header)
                    if owner and owner[0] != component.folder:
                        problems.add("layers: {}/{}/{} and {}: two folders publish <{}>".format(
                            component.folder, include, header, owner[2], header))
                    elif not owner:
                        owners[header] = (component.folder, component.name,
                                          "{}/{}/{}".format(component.folder, include, header))
    return owners


class Rules:
    def __init__(self, data):
        self.layers = data["layers"]
        self.index = {layer["name"]: position for position, layer in enumerate(self.layers)}
        self.allow = data["allow"]
        self.exceptions = data["exceptions"]

    def describe(self, position):
        return "layer {} ({})".format(position, self.layers[position]["name"])

    def refusal(self, user_folder, used_folder, used_component, user_file):
        """Why user_folder may not use used_folder's component, or None."""
        if user_folder == used_folder:
            return None
        for exception in self.exceptions:
            if exception.get("file") == user_file and exception.get("uses") == used_folder:
                return None
        user, used = place(user_folder, self.layers), place(used_folder, self.layers)
        user_layer, used_layer = self.layers[user], self.layers[used]
        visible_to = used_layer.get("visible_to")
        if visible_to is not None and user != used and user_layer["name"] not in visible_to:
            return "{} is in {}, visible only to {}; {} is in {}".format(
                used_folder, self.describe(used), ", ".join(visible_to), user_folder, self.describe(user))
        if used > user:
            return "{} is in {}, above {} in {}".format(used_folder, self.describe(used), user_folder, self.describe(user))
        if used == user and user_layer["policy"] == "closed":
            for entry in self.allow:
                if (entry.get("from") == user_folder and entry.get("to") == used_folder
                        and entry.get("component") == used_component):
                    return None
            return "{} and {} are side by side in the closed {}: only a component layers.json's " \
                   "'allow' names may be used across".format(user_folder, used_folder, self.describe(user))
        return None


def check(srctree):
    problems = Problems()
    read_files = [os.path.join(srctree, "layers.json")]
    data = load_layers(srctree, problems)
    if data is None:
        return problems.lines, read_files
    rules = Rules(data)
    components, extra_targets, extra_links = {}, {}, []
    folders = component_folders(srctree)
    for folder in folders:
        read_files.append(os.path.join(srctree, folder, "CMakeLists.txt"))
        if place(folder, rules.layers) is None:
            problems.add("layers: {}/CMakeLists.txt: the folder is in no layer: place it in layers.json".format(folder))
            continue
        parse_components(srctree, folder, problems, components, extra_targets, extra_links)

    def resolve(target):
        """The component a vectra_ target belongs to (a hand-made library: its folder's first)."""
        name = target[len("vectra_"):]
        if name in components:
            return components[name]
        if target in extra_targets:
            folder = extra_targets[target][0]
            return next((component for component in components.values() if component.folder == folder), None)
        return None

    for user_target, used_target, where in extra_links:
        user = resolve(user_target)
        if user is not None:
            user.links.append((used_target, where))

    implications = Implications(srctree)
    read_files.extend(implications.files)
    for component in components.values():
        for target, where in component.links:
            used = resolve(target)
            if used is None:
                problems.add("layers: {}: {} links {}, which no CMakeLists.txt defines".format(
                    where, component.name, target[len("vectra_"):]))
                continue
            if used is component:
                continue
            reason = rules.refusal(component.folder, used.folder, used.name, None)
            if reason:
                problems.add("layers: {}: {} links {} ({}/CMakeLists.txt): {}".format(
                    where, component.name, used.name, used.folder, reason))
            if used.kconfig and not implications.forces(component.kconfig, used.kconfig):
                used_symbol = implications.symbol(used.kconfig)
                user_symbol = implications.symbol(component.kconfig) if component.kconfig else None
                if user_symbol is None:
                    problems.add("layers: {}: {} is always built but links {}, which needs {} ({}) that "
                                 "can be n: make that symbol always y, or select it from one that is".format(
                                     where, component.name, used.name, used.kconfig,
                                     implications.definition(used_symbol) if used_symbol else "undefined"))
                else:
                    problems.add("layers: {}: {} links {}, but Kconfig lets {}=y with {}=n: add "
                                 "'depends on {}' or 'select {}' to {} ({})".format(
                                     where, component.name, used.name, component.kconfig, used.kconfig,
                                     used_symbol.name if used_symbol else used.kconfig,
                                     used_symbol.name if used_symbol else used.kconfig,
                                     user_symbol.name, implications.definition(user_symbol)))
            if component.host_testable and not used.host_testable:
                problems.add("layers: {}: {} is HOST_TESTABLE but links {} ({}), which is not".format(
                    where, component.name, used.name, used.where))

    owners = header_owners(srctree, components, problems)
    for folder in folders:
        if place(folder, rules.layers) is None:
            continue
        for directory, directories, files in os.walk(os.path.join(srctree, folder)):
            directories.sort()
            for name in sorted(files):
                if not name.endswith(SOURCE_SUFFIXES):
                    continue
                path = os.path.join(directory, name)
                relative = os.path.relpath(path, srctree).replace(os.sep, "/")
                read_files.append(path)
                with open(path, encoding="utf-8", errors="replace") as handle:
                    text = handle.read()
                for match in INCLUDE_PATTERN.finditer(text):
                    header = match.group(2)
                    if match.group(1) == '"' and os.path.exists(os.path.join(directory, header)):
                        continue
                    owner = owners.get(header)
                    if owner is None:
                        continue  # the compiler's, the host's, a port's or a generated header
                    reason = rules.refusal(folder, owner[0], owner[1], relative)
                    if reason:
                        line = text.count("\n", 0, match.start()) + 1
                        problems.add("layers: {}:{}: includes <{}> ({}): {}".format(
                            relative, line, header, owner[2], reason))
    return problems.lines, read_files


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--srctree", required=True)
    parser.add_argument("--depfile")
    parser.add_argument("--stamp")
    arguments = parser.parse_args()
    problems, read_files = check(arguments.srctree)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        return 1
    if arguments.depfile and arguments.stamp:
        with open(arguments.depfile, "w", encoding="utf-8") as handle:
            handle.write("{}: {}\n".format(arguments.stamp.replace(" ", "\\ "), " \\\n  ".join(
                os.path.abspath(path).replace(" ", "\\ ") for path in sorted(set(read_files)))))
        with open(arguments.stamp, "w", encoding="utf-8") as handle:
            handle.write("layers checked\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
