# SPDX-License-Identifier: Apache-2.0
"""`./vectra new image|service|app NAME`: writes a complete skeleton that builds, boots and passes its
own oracle, shaped exactly like the components and images already in the tree.

- `new service NAME`: services/NAME (Kconfig, CMakeLists.txt, footprints, Ring schema header, the
  service entry and its check entry, README) and images/NAME, which runs both.
- `new app NAME`: apps/NAME (an entry in the process shape) and images/NAME, which runs it.
- `new image NAME [--from IMAGE]`: a copy of images/IMAGE (default minimal) renamed throughout.

The skeletons live in tools/vectra/templates/<kind>/, laid out as in the repository, with `@name@`
and `@NAME@` standing for the name. Nothing is written unless every check passed, and nothing
that exists is ever overwritten.
"""

import json
import re
import shutil
from pathlib import Path

import images
import paths
import ui
from ui import Failure

TEMPLATES = Path(__file__).resolve().parent / "templates"
COMPONENT_NAME = re.compile(r"[a-z][a-z0-9_]{0,23}")
COMPONENT_RULE = "1-24 of [a-z0-9_], starting with a letter (it names a C++ function, a Kconfig symbol and a folder)"
IMAGE_NAME = re.compile(r"[a-z][a-z0-9_-]{0,30}")
IMAGE_RULE = "1-31 of [a-z0-9_-], starting with a letter"
REGISTRATION = re.compile(r"^\s*VECTRA_TASK_ENTRY\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*;", re.MULTILINE)
KINDS = {"service": ("services", "SERVICE"), "app": ("apps", "APP")}
CXX_KEYWORDS = set("""alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t
char32_t class compl concept const consteval constexpr constinit const_cast continue co_await co_return co_yield
decltype default delete do double dynamic_cast else enum explicit export extern false float for friend goto if
inline int long mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public
register reinterpret_cast requires return short signed sizeof static static_assert static_cast struct switch
template this thread_local throw true try typedef typeid typename union unsigned using virtual void volatile
wchar_t while xor xor_eq main""".split())  # main: the hosted platform's process entry


def existing_entries(tree: Path) -> set:
    """Entries footprints declare and entries components register (VECTRA_TASK_ENTRY)."""
    names = set()
    for layer in ("services", "apps", "components"):
        for source in (tree / layer).glob("*/src/*.cpp"):
            names.update(REGISTRATION.findall(source.read_text(errors="replace")))
    for layer in ("services", "apps", "components"):
        for path in (tree / layer).glob("*/*footprint.json"):
            try:
                names.add(json.loads(path.read_text()).get("entry"))
            except (OSError, ValueError, AttributeError):
                continue  # the manifest compiler reports broken footprints; here it only may not clash
    return names


def defined_symbols(tree: Path) -> set:
    symbols = set()
    for path in tree.rglob("Kconfig*"):
        if "build" in path.relative_to(tree).parts[:1]:
            continue
        symbols.update(re.findall(r"^\s*(?:menu)?config\s+([A-Z0-9_]+)", path.read_text(errors="replace"), re.MULTILINE))
    return symbols


def check_image_name(tree: Path, name: str) -> None:
    if not IMAGE_NAME.fullmatch(name):
        raise Failure(f"invalid image name {name!r}: use {IMAGE_RULE}")
    if (tree / "images" / name).exists():
        raise Failure(f"images/{name} already exists: choose another name")


def check_component_name(tree: Path, kind: str, name: str) -> None:
    """One line for the first reason the name cannot be used."""
    layer, prefix = KINDS[kind]
    if not COMPONENT_NAME.fullmatch(name):
        raise Failure(f"invalid {kind} name {name!r}: use {COMPONENT_RULE}")
    if name in CXX_KEYWORDS:
        raise Failure(f"invalid {kind} name {name!r}: it is a C++ keyword, and the entry is a C++ function")
    for other in ("services", "apps", "components"):
        if (tree / other / name).exists():
            raise Failure(f"{other}/{name} already exists: choose another name")
    check_image_name(tree, name)
    taken = existing_entries(tree) & {name, f"{name}_check"}
    if taken:
        raise Failure(f"a Task entry named '{sorted(taken)[0]}' already exists: choose another name")
    if f"{prefix}_{name.upper()}" in defined_symbols(tree):
        raise Failure(f"the Kconfig symbol {prefix}_{name.upper()} is already defined: choose another name")


def render(kind: str, tree: Path, name: str) -> list:
    """Copies templates/<kind>/ into the tree with the name filled in; returns the files written."""
    source = TEMPLATES / kind
    written = []
    for template in sorted(source.rglob("*")):
        if template.is_dir():
            continue
        relative = str(template.relative_to(source)).replace("@name@", name)
        target = tree / relative
        if target.exists():
            raise Failure(f"{relative} already exists; nothing more was written")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(template.read_text().replace("@name@", name).replace("@NAME@", name.upper()))
        written.append(target)
    return written


def new_component(tree: Path, kind: str, name: str) -> list:
    check_component_name(tree, kind, name)
    written = render(kind, tree, name)
    return written


def new_image(tree: Path, name: str, source_name: str) -> list:
    """images/<name> as a copy of images/<source_name>, its name changed wherever it is the image's."""
    check_image_name(tree, name)
    source = tree / "images" / source_name
    if not (source / "manifest.json").exists():
        raise Failure(f"images/{source_name} has no manifest.json to copy")
    target = tree / "images" / name
    shutil.copytree(source, target)
    manifest = target / "manifest.json"
    manifest.write_text(re.sub(r'("image"\s*:\s*)"[^"]*"', lambda match: f'{match.group(1)}"{name}"',
                               manifest.read_text(), count=1))
    oracle = target / "oracle.json"
    if oracle.exists():
        oracle.write_text(oracle.read_text().replace(f"^vectra: booting image {source_name} on ",
                                                     f"^vectra: booting image {name} on "))
    (target / "README.md").write_text(
        f"# images/{name} — made from images/{source_name}\n\n"
        f"Made by `./vectra new image {name} --from {source_name}`: the same composition (see\n"
        f"images/{source_name}/README.md) under its own name. Change `defconfig` (the components),\n"
        f"`manifest.json` (the Tasks and their Bundles) and `oracle.json` (what a boot must print).\n\n"
        f"    ./vectra test {name} -p hosted\n")
    return sorted(path for path in target.rglob("*") if path.is_file())


def new_command(arguments) -> int:
    tree = paths.REPOSITORY
    if arguments.kind == "image":
        source = arguments.source or "minimal"
        images.image(source)  # did-you-mean for a misspelt source
        written = new_image(tree, arguments.name, source)
    else:
        if arguments.source is not None:
            raise Failure("--from is for `new image`: a service or an app starts from its template")
        written = new_component(tree, arguments.kind, arguments.name)
    for path in written:
        print(f"  {paths.relative(path)}")
    ui.note(f"next: ./vectra test {arguments.name} -p hosted   (then -p x86_64 and -p aarch64)")
    return 0


def add_command(commands) -> None:
    """Registers `new` with main.py's sub-command parser."""
    command = commands.add_parser("new", help="write a new image, service or app skeleton that builds and passes its oracle")
    command.add_argument("kind", choices=["image", "service", "app"], help="what to make")
    command.add_argument("name", metavar="NAME", help="its name (a folder, and for services and apps a C++ entry)")
    command.add_argument("--from", dest="source", default=None, metavar="IMAGE",
                         help="new image: the image to copy (default: minimal)")
    command.set_defaults(handler=new_command)
