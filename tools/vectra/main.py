# SPDX-License-Identifier: Apache-2.0
"""The `./vectra` command line: argument parsing and dispatch to the command modules.

Run through the ./vectra wrapper, which makes sure Debian's /usr/bin/python3 and kconfiglib exist.
Only the Python standard library is used here (kconfiglib is tools/kconfig's business).
"""

import argparse
import os
import shutil
import signal
import sys

sys.dont_write_bytecode = True  # no __pycache__ folders in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import authority  # noqa: E402
import bench  # noqa: E402
import build  # noqa: E402
import configuration  # noqa: E402
import debug  # noqa: E402
import fuzz  # noqa: E402
import images  # noqa: E402
import linuxguest  # noqa: E402
import paths  # noqa: E402
import run  # noqa: E402
import scaffold  # noqa: E402
import screenshots  # noqa: E402
import setup  # noqa: E402
import test  # noqa: E402
import top as top_view  # noqa: E402 (parser() names its own parser `top`)
import ui  # noqa: E402
from ui import Failure  # noqa: E402

DEFAULT_IMAGE = "minimal"
DEFAULT_PLATFORM = "x86_64"
NEEDS_NO_PACKAGES = {"images", "clean", "setup", "new", "screenshots"}

EXAMPLES = """examples:
  ./vectra setup                          install what is missing, prefetch the ports
  ./vectra build minimal -p aarch64       build build/minimal-aarch64/vectra.elf
  ./vectra run -p hosted                  build and run the minimal image as a Linux process
  ./vectra run --set CONFIG_X=y --print   show the QEMU command instead of running it
  ./vectra debug minimal -p x86_64        QEMU stopped at its first instruction, gdb-multiarch attached
  ./vectra menuconfig minimal -p x86_64   edit the configuration (kept in <build>/menuconfig.conf)
  ./vectra test                           host unit tests and, beside them, every image on every platform
  ./vectra test --quick                   host unit tests and, beside them, the minimal image on each platform
  ./vectra test minimal -p aarch64        one image on one platform
  ./vectra fuzz json_decode --seconds 60  run one libFuzzer target (without a name: list them)
  ./vectra top minimal -p aarch64 --once  each Task's time, Reticle bytes, capabilities and Ring depths
  ./vectra authority minimal --svg a.svg  the image's capability graph as text, and drawn as SVG
  ./vectra new service echo               services/echo + images/echo: builds, boots, passes its oracle
"""


def clean_command(arguments) -> int:
    """Removes build/, or the build folders of one image and/or platform (named ones must exist)."""
    if arguments.image is None and arguments.platform is None:
        targets = [paths.BUILD] if paths.BUILD.exists() else []
    else:
        if arguments.image is not None:
            images.image(arguments.image)
        if arguments.platform is not None:
            images.platform(arguments.platform)
        image = arguments.image or "*"
        platform = arguments.platform or "*"
        targets = sorted(paths.BUILD.glob(f"{image}-{platform}"))
    for target in targets:
        if paths.REPOSITORY not in target.resolve().parents:
            raise Failure(f"refusing to remove {target}: not inside the repository")
        ui.step(f"removing {paths.relative(target)}")
        shutil.rmtree(target)
    link = paths.BUILD / "compile_commands.json"
    if link.is_symlink() and not link.exists():
        link.unlink()  # it pointed into a folder just removed
    if not targets:
        print("nothing to clean: no build folder matches")
    return 0


def add_image_arguments(parser, image_default, platform_default) -> None:
    parser.add_argument("image", nargs="?", default=image_default, metavar="IMAGE",
                        help=f"image folder under images/ (default: {image_default or 'all'})")
    parser.add_argument("-p", "--platform", default=platform_default,
                        help=f"x86_64, aarch64 or hosted (default: {platform_default or 'all'})")


def add_configuration_arguments(parser) -> None:
    parser.add_argument("--overlay", action="append", default=[], metavar="FILE",
                        help="Kconfig fragment merged after the image's (repeatable, in order)")
    parser.add_argument("--set", action="append", default=[], metavar="CONFIG_X=VALUE",
                        help="single assignment merged last (repeatable)")


def add_boot_arguments(parser) -> None:
    parser.add_argument("--kvm", action=argparse.BooleanOptionalAction, default=None,
                        help="force KVM, or TCG with --no-kvm (default: KVM when it probes usable; "
                             "VECTRA_KVM=0 also forces TCG)")
    parser.add_argument("--no-build", action="store_true",
                        help="boot what is already built instead of building first")
    parser.add_argument("--qemu-binary", default=None, help=argparse.SUPPRESS)


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("VECTRA_JOBS", "0") or 0),
                        help="parallel build jobs (default: VECTRA_JOBS, else the number of CPUs)")
    top = argparse.ArgumentParser(prog="vectra", description="Build, run and test Vectra images.",
                                  epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)

    command = commands.add_parser("setup", parents=[common],
                                  help="install the missing Debian packages and prefetch the ports")
    command.set_defaults(handler=setup.setup_command)

    command = commands.add_parser("build", parents=[common], help="configure and build an image")
    add_image_arguments(command, DEFAULT_IMAGE, DEFAULT_PLATFORM)
    add_configuration_arguments(command)
    command.set_defaults(handler=build.build_command)

    command = commands.add_parser("run", parents=[common], help="build an image and boot it on this terminal")
    add_image_arguments(command, DEFAULT_IMAGE, DEFAULT_PLATFORM)
    add_configuration_arguments(command)
    add_boot_arguments(command)
    command.add_argument("--print", action="store_true", help="print the boot command instead of running it")
    command.set_defaults(handler=run.run_command)

    command = commands.add_parser("debug", parents=[common],
                                  help="build an image and debug it with gdb (QEMU's gdbstub, or hosted under gdb)")
    add_image_arguments(command, DEFAULT_IMAGE, DEFAULT_PLATFORM)
    add_configuration_arguments(command)
    command.add_argument("--no-build", action="store_true", help="debug what is already built")
    command.add_argument("--batch", metavar="FILE", help="run gdb's commands from FILE, then exit (scripts, tests)")
    command.set_defaults(handler=debug.debug_command)

    command = commands.add_parser("menuconfig", parents=[common], help="edit a build's configuration")
    add_image_arguments(command, DEFAULT_IMAGE, DEFAULT_PLATFORM)
    add_configuration_arguments(command)
    command.set_defaults(handler=configuration.menuconfig_command)

    command = commands.add_parser("savedefconfig", parents=[common],
                                  help="write the minimal fragment of a build's configuration")
    add_image_arguments(command, DEFAULT_IMAGE, DEFAULT_PLATFORM)
    add_configuration_arguments(command)
    command.add_argument("--out", metavar="FILE", help="where to write it (default: <build>/defconfig)")
    command.set_defaults(handler=configuration.savedefconfig_command)

    command = commands.add_parser("test", parents=[common],
                                  help="host unit tests and, beside them, boot every image and match its oracle")
    add_image_arguments(command, None, None)
    add_boot_arguments(command)
    command.add_argument("--no-host", action="store_true", help="skip the host unit tests")
    command.add_argument("--quick", action="store_true",
                         help="the host unit tests plus one image (minimal) per platform")
    command.add_argument("-v", "--verbose", action="store_true", help="show each console as it boots")
    command.set_defaults(handler=test.test_command)

    bench.add_command(commands, common)
    authority.add_command(commands)
    scaffold.add_command(commands)
    screenshots.add_command(commands)
    fuzz.add_command(commands, common)
    top_view.add_command(commands, common, lambda parser: add_image_arguments(parser, DEFAULT_IMAGE, DEFAULT_PLATFORM),
                    add_configuration_arguments)

    linuxguest.add_command(commands, common)

    command = commands.add_parser("images", help="list the images and the platforms")
    command.set_defaults(handler=images.list_command)

    command = commands.add_parser("clean", help="remove build/ (or one image's or platform's folders)")
    add_image_arguments(command, None, None)
    command.set_defaults(handler=clean_command)
    return top


def stop_on_terminate(signal_number, frame):
    """SIGTERM (CI's timeout) unwinds like Ctrl-C, so a booting guest's process group is killed."""
    raise KeyboardInterrupt


def main(argv=None) -> int:
    signal.signal(signal.SIGTERM, stop_on_terminate)
    arguments = parser().parse_args(argv)
    try:
        if arguments.command not in NEEDS_NO_PACKAGES:
            setup.ensure_packages()
        return arguments.handler(arguments)
    except Failure as failure:
        ui.error(failure.message)
        return failure.status
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
