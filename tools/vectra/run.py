# SPDX-License-Identifier: Apache-2.0
"""`./vectra run`: builds an image, then boots it with its console on this terminal (each FAULT
report followed by its source line), QEMU with a monitor socket `./vectra top` attaches to."""

import contextlib
import ssl
import sys

import boot
import build
import disks
import hostclient as host_clients
import hostserver as host_servers
import images
import kvm
import oracle as oracles
import paths
import qemu
import top
import ui
from ui import Failure


def accelerator_for_run(mode: str, platform, image, elf, binary=None) -> str:
    """kvm or tcg for an interactive run: forced by the flags, else the remembered probe verdict,
    else a probe now (when the image has an oracle to judge it with)."""
    if platform.hosted:
        return "host"
    reason = qemu.kvm_unavailable_reason(platform)
    if mode == "tcg":
        return "tcg"
    if mode == "kvm":
        if reason is not None:
            raise Failure(f"--kvm: KVM cannot be used here ({reason})")
        return "kvm"
    if reason is not None:
        return "tcg"
    result = kvm.remembered(platform)
    if result is None:
        if image.oracle is None or platform.name not in image.oracle.platforms:
            ui.note("KVM detected but not probed (this image has no oracle for the platform); "
                    "using TCG, pass --kvm to use it anyway")
            return "tcg"
        result = kvm.probe(platform, image, elf, binary)
        kvm.remember(platform, result)
    return kvm.announce(result)


def exit_code_for(kind: str, code: int) -> int:
    """The guest's status as this command's exit code (128 + N when killed by signal N)."""
    if code < 0:
        return 128 - code
    outcome = oracles.exit_outcome(kind, code)
    if outcome.status is not None:
        return outcome.status & 0xFF
    return 0 if code == 0 else code & 0xFF


def forwarded_port(image, platform) -> tuple:
    """(a free host port, the QEMU arguments forwarding it with the port filled in) when the image's
    arguments on this platform name {host_port}, else (None, []): the person running it must learn it."""
    image_arguments = image.oracle.qemu_arguments(platform.name) if image.oracle and not platform.hosted else ()
    if not host_clients.needs_port(image_arguments):
        return None, []
    port = host_clients.free_port()
    forwards = [argument for argument in image_arguments if host_clients.PORT_PLACEHOLDER in argument]
    return port, host_clients.substitute(forwards, port)


def run_command(arguments) -> int:
    request = build.request_from(arguments)
    platform = images.platform(request.platform)
    image = images.with_overlays(images.image(request.image), request.overlays)
    quiet = ui.stdout_to_stderr() if arguments.print else contextlib.nullcontext()
    with quiet:
        if arguments.no_build:
            if not request.elf.exists():
                raise Failure(f"--no-build: {paths.relative(request.elf)} does not exist")
            elf = request.elf
        else:
            elf = build.build(request)
        accelerator = accelerator_for_run(kvm.mode_from(arguments), platform, image, elf,
                                          arguments.qemu_binary)
    try:
        disk_copies = disks.copies_for_run(image.folder, elf.parent, elf.parent / "run-disks")
    except (disks.DiskError, OSError) as problem:
        raise Failure(str(problem))
    host_port, forwards = forwarded_port(image, platform)
    command = qemu.command(platform, elf, accelerator, "interactive", arguments.qemu_binary, image, disk_copies,
                           host_port)
    if not platform.hosted:
        command += top.qmp_arguments(request.folder)  # for ./vectra top to attach
    oracle = image.oracle.for_platform(platform.name) if image.oracle else None
    servers = None
    if oracle is not None and oracle.host_servers and not arguments.print:
        # The image's host servers run while it runs, as beside a test boot (its guestfwd rules or
        # hosted --forward= arguments name them).
        servers = host_servers.HostServers(oracle.host_servers, image.folder, elf.parent / "image-data" / image.name)
        try:
            servers.start()
            substitute = host_servers.substitute_hosted if platform.hosted else host_servers.substitute
            command = substitute(command, servers.ports)
        except (host_servers.HostServerError, OSError, ssl.SSLError) as problem:
            servers.stop()
            raise Failure(f"host servers: {problem}")
    if arguments.print:
        print(ui.command_line(command))
        return 0
    print(f"==> booting {request.name} ({accelerator}); {qemu.quit_hint(platform)}", flush=True)
    if host_port is not None:
        print(f"==> host port {host_port} forwarded to the guest ({'; '.join(forwards)}): "
              f"try `nc 127.0.0.1 {host_port}`", flush=True)
    if servers is not None:
        print(f"==> host servers on 127.0.0.1: {', '.join(f'{name} port {port}' for name, port in servers.ports.items())}",
              flush=True)
    try:
        top.remove_stale_socket(request.folder)
        code = boot.interactive(command, symbols=elf)
        top.remove_stale_socket(request.folder)
    except OSError as problem:
        raise Failure(str(problem))
    finally:
        if servers is not None:
            servers.stop()
    outcome = oracles.exit_outcome(platform.exit_kind, code)
    print(f"==> {request.name} ended: {outcome.description}", file=sys.stderr, flush=True)
    return exit_code_for(platform.exit_kind, code)
