# SPDX-License-Identifier: Apache-2.0
"""`./vectra build`: configures build/<image>-<platform>/ with CMake + Ninja and builds vectra.elf."""

import json
import os
import re
import subprocess
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

import disks
import elf as elves
import images
import paths
import ui
from ui import Failure

CONFIGURE_RECORD = "vectra-configure.json"
CONFIGURE_LOG = "configure.log"
BUILD_LOG = "build.log"


@dataclass(frozen=True)
class BuildRequest:
    """What to build: an image for a platform, plus the user's overlays and single assignments."""

    image: str
    platform: str
    overlays: tuple = ()
    assignments: tuple = ()
    jobs: int = 0
    extra_definitions: tuple = ()
    folder_name: str = ""  # build/<image>-<platform> unless given
    shared_images: tuple = ()  # other images linked in the same folder (same configuration)

    @property
    def name(self) -> str:
        return self.folder_name or f"{self.image}-{self.platform}"

    @property
    def folder(self) -> Path:
        return paths.BUILD / self.name

    @property
    def elf(self) -> Path:
        return self.folder / "vectra.elf"

    def image_elf(self, image: str) -> Path:
        """Where this folder links `image`: vectra.elf for its own, images/<image>/ for shared ones."""
        return self.elf if image == self.image else self.folder / "images" / image / "vectra.elf"


def overlay_paths(given: list) -> tuple:
    """--overlay files as absolute paths (relative ones are taken from the current folder)."""
    resolved = []
    for text in given or []:
        path = Path(text).expanduser().resolve()
        if not path.is_file():
            raise Failure(f"overlay {text!r} is not a file")
        resolved.append(str(path))
    return tuple(resolved)


def assignments(given: list) -> tuple:
    """--set values as CONFIG_X=value (the CONFIG_ prefix may be left out: it is added, with a note)."""
    checked = []
    for text in given or []:
        name, equals, value = text.partition("=")
        if not equals or not name.strip():
            raise Failure(f"--set {text!r}: expected CONFIG_NAME=value")
        name = name.strip()
        if not name.startswith("CONFIG_"):
            ui.note(f"--set {text}: read as CONFIG_{name}={value} (Kconfig symbols are spelt with CONFIG_)")
            name = "CONFIG_" + name
        if ";" in value:
            raise Failure(f"--set {text!r}: values cannot hold ';' (CMake list separator)")
        checked.append(f"{name}={value}")
    return tuple(checked)


def request_from(arguments) -> BuildRequest:
    """The build a command line asks for; unknown images and platforms stop here, by name."""
    images.image(arguments.image)
    images.platform(arguments.platform)
    return BuildRequest(arguments.image, arguments.platform, overlay_paths(arguments.overlay),
                        assignments(arguments.set), arguments.jobs)


def configure_command(request: BuildRequest) -> list:
    toolchain = paths.TOOLCHAINS / f"{request.platform}.cmake"
    if not toolchain.exists():
        raise Failure(f"no toolchain file {paths.relative(toolchain)} for platform {request.platform}")
    return [
        "cmake", "-S", str(paths.REPOSITORY), "-B", str(request.folder), "-G", "Ninja",
        f"-DCMAKE_TOOLCHAIN_FILE={toolchain}",
        f"-DVECTRA_IMAGE={request.image}",
        f"-DVECTRA_PLATFORM={request.platform}",
        f"-DVECTRA_OVERLAYS={';'.join(request.overlays)}",
        f"-DVECTRA_SET={';'.join(request.assignments)}",
        f"-DVECTRA_SHARED_IMAGES={';'.join(request.shared_images)}",
        *request.extra_definitions,
    ]


def _run_echoing(command: list) -> tuple:
    """Runs a command showing its output as it comes; returns (exit code, output lines)."""
    lines = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, text=True, errors="replace") as process:
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line.rstrip("\n"))
    return process.returncode, lines


def _run_logged(command: list, log: Path) -> tuple:
    """Runs a command with its whole output kept in `log` only; returns (exit code, output lines)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w", encoding="utf-8", errors="replace") as handle:
        process = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, text=True, errors="replace")
        handle.write(process.stdout)
    return process.returncode, process.stdout.splitlines()


def cmake_errors(lines: list) -> list:
    """The `CMake Error ...` paragraphs of a configure log, the part a reader needs."""
    errors = []
    current = None
    for line in lines:
        if line.startswith("CMake Error"):
            current = [line]
            errors.append(current)
        elif current is not None:
            if line.startswith(("CMake ", "-- ", "See also", "Call Stack")):
                current = None
            else:
                current.append(line)
    return [re.sub(r"\n{3,}", "\n\n", "\n".join(paragraph)).rstrip() for paragraph in errors]


def one_line(paragraph: str, limit: int = 160) -> str:
    """A failure in one line for the test summary: its first `error:` line, else its words."""
    paragraph = paragraph.replace(f"{paths.REPOSITORY}/", "")
    body = paragraph.splitlines()[1:] or paragraph.splitlines()
    for line in body:
        if "error:" in line:
            return line.strip()[:limit]
    words = " ".join(" ".join(body).split())
    return words if len(words) <= limit else words[:limit - 1] + "…"


def error_text(paragraph: str) -> str:
    """A `CMake Error at file:line (message):` paragraph without its CMake header, dedented: the
    message our own tools (Kconfig, manifest compiler) wrote, as they wrote it."""
    lines = paragraph.replace(f"{paths.REPOSITORY}/", "").splitlines()
    if lines and lines[0].startswith("CMake Error") and len(lines) > 1:
        lines = lines[1:]
    return textwrap.dedent("\n".join(lines)).strip()


def configure(request: BuildRequest, force: bool = False, announce: bool = True) -> None:
    """Runs the CMake configure unless the folder is already configured with the same command.
    Quiet: the whole output goes to <build>/configure.log, which a failure names.

    When nothing changed, Ninja re-runs CMake by itself if a Kconfig file, fragment, overlay,
    manifest, footprint or CMake file changed, so skipping saves the configure time without
    missing anything.
    """
    command = configure_command(request)
    record = request.folder / CONFIGURE_RECORD
    if not force and (request.folder / "build.ninja").exists() and _recorded(record) == command:
        return
    log = request.folder / CONFIGURE_LOG
    if announce:
        ui.step(f"configuring {request.name} (log: {paths.relative(log)})")
    record.unlink(missing_ok=True)
    try:
        status, lines = _run_logged(command, log)
    except FileNotFoundError:
        raise Failure("cmake not found; run ./vectra setup")
    if status != 0:
        details = cmake_errors(lines)
        if details:
            message = error_text(details[0])
            raise Failure(f"configuring {request.name} failed:\n{message}\n(full log: {paths.relative(log)})",
                          summary=f"configure failed: {one_line(details[0])}")
        raise Failure(f"configuring {request.name} failed (cmake exit {status}); see {paths.relative(log)}",
                      summary=f"configure failed (cmake exit {status}), see {paths.relative(log)}")
    record.write_text(json.dumps({"command": command}, indent=1) + "\n")


def _recorded(record: Path):
    try:
        return json.loads(record.read_text()).get("command")
    except (OSError, ValueError, AttributeError):
        return None


def jobs(requested: int) -> int:
    return requested if requested and requested > 0 else (os.cpu_count() or 2)


def first_build_error(lines: list) -> str:
    """The first compiler or linker error of a Ninja log (paths made repository-relative),
    else the first `FAILED:` line, else ""."""
    for marker in ("error:", "FAILED:"):
        for line in lines:
            if marker in line:
                return line.strip().replace(f"{paths.REPOSITORY}/", "")
    return ""


def compile_folder(request: BuildRequest, capture: bool = False, announce: bool = True) -> None:
    """Runs Ninja through CMake. With capture, the output goes to <build>/build.log only and a
    failure names its first error and the log; without, Ninja owns the terminal and shows its
    progress line."""
    if announce:
        ui.step(f"building {request.name}")
    command = ["cmake", "--build", str(request.folder), "-j", str(jobs(request.jobs))]
    log = request.folder / BUILD_LOG
    if capture:
        status, lines = _run_logged(command, log)
    else:
        status, lines = subprocess.run(command, stdin=subprocess.DEVNULL).returncode, []
    if status != 0:
        first = first_build_error(lines)
        if capture:
            raise Failure(f"building {request.name} failed (exit {status}): {first or 'see the log'}\n"
                          f"(full log: {paths.relative(log)})",
                          summary=f"build failed: {first[:160]} (log: {paths.relative(log)})" if first
                          else f"build failed (exit {status}), see {paths.relative(log)}")
        raise Failure(f"building {request.name} failed (exit {status}); the compiler's messages are above",
                      summary=f"build failed: {first[:160]}" if first else f"build failed (exit {status})")


def link_compile_commands(folder: Path, build_root: Path | None = None) -> None:
    """build/compile_commands.json points at the last build's, for editors and clangd.

    ./vectra test builds in parallel threads: each call makes its link under a name of its own
    (process and thread) and renames it over the shared one, so two builds finishing together
    never meet at one temporary name (a FileExistsError once ended a whole run)."""
    root = build_root or paths.BUILD
    source = folder / "compile_commands.json"
    if not source.exists():
        return
    link = root / "compile_commands.json"
    temporary = root / f".compile_commands.json.{os.getpid()}.{threading.get_ident()}.new"
    temporary.unlink(missing_ok=True)
    os.symlink(os.path.relpath(source, root), temporary)
    os.replace(temporary, link)


def build_disks(request: BuildRequest, announce: bool = True) -> None:
    """Makes the disks each image of this build declares (images/<image>/disks.json) next to its ELF."""
    for name in (request.image, *request.shared_images):
        folder = paths.IMAGES / name
        if not (folder / disks.DECLARATION).exists():
            continue
        try:
            disks.build(folder, request.image_elf(name).parent, announce=ui.step if announce else None)
        except (disks.DiskError, OSError) as problem:
            raise Failure(f"disks of {name}: {problem}", summary=f"disks of {name}: {problem}")


def build(request: BuildRequest, capture: bool = False, announce: bool = True) -> Path:
    """Configures (when needed) and builds; returns the path of vectra.elf."""
    paths.BUILD.mkdir(exist_ok=True)
    configure(request, announce=announce)
    compile_folder(request, capture, announce)
    if not request.elf.exists():
        raise Failure(f"the build finished but {paths.relative(request.elf)} is missing")
    build_disks(request, announce)
    link_compile_commands(request.folder)
    return request.elf


def build_command(arguments) -> int:
    request = request_from(arguments)
    elf = build(request)
    print(f"image: {paths.relative(elf)} ({elves.describe(elf, ui.size_text)}; "
          f"{ui.size_text(elf.stat().st_size)} file with debug information)")
    return 0
