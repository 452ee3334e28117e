# SPDX-License-Identifier: Apache-2.0
"""The command that boots an image: QEMU's, from platforms/<platform>/platform.json, or the hosted
image itself. Also whether KVM can be used at all on this host."""

import errno
import fcntl
import os
import platform as host
from pathlib import Path

import disks as disk_images
import hostclient as host_clients
from images import Platform

KVM_DEVICE = "/dev/kvm"
KVM_GET_API_VERSION = 0xAE00
KVM_API_VERSION = 12
HOST_ARCHITECTURES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}


def command(platform: Platform, elf: Path, accelerator: str, serial: str, binary: str = None,
            image=None, disks: list = (), host_port: int = None) -> list:
    """The boot command. accelerator: "kvm" or "tcg"; serial: "test" or "interactive".

    `binary` replaces qemu.binary (the harness's own tests use a fake QEMU); `image` (an
    images.Image) adds the QEMU arguments its oracle asks for on this platform (qemu_args), or the hosted process the arguments it asks for (hosted_args); `disks`
    (paths of disk images, disks.py) are attached as the image's disks.json says (virtio-blk-pci, or
    virtio-blk-device on virtio-mmio), or as --disk= on hosted;
    `host_port` replaces {host_port} in the image's QEMU arguments (a free port when not given)."""
    disk_transports = disk_images.transports(image.folder) if disks and image is not None else ()
    disk_arguments = disk_images.attach_arguments(platform.hosted, list(disks), disk_transports)
    if platform.hosted:
        hosted_arguments = image.oracle.hosted_args if image is not None and image.oracle else ()
        return [str(elf), *hosted_arguments, *disk_arguments]
    qemu = platform.qemu
    accelerator_arguments = qemu.get("kvm_args" if accelerator == "kvm" else "tcg_args", [])
    serial_arguments = qemu.get("serial_test" if serial == "test" else "serial_interactive", [])
    image_arguments = image.oracle.qemu_arguments(platform.name) if image is not None and image.oracle else ()
    if host_clients.needs_port(image_arguments):
        image_arguments = host_clients.substitute(image_arguments, host_port or host_clients.free_port())
    return [binary or qemu["binary"], *qemu.get("args", []), *image_arguments, *disk_arguments, *accelerator_arguments,
            *serial_arguments, "-kernel", str(elf)]


def quit_hint(platform: Platform) -> str:
    if platform.hosted:
        return "the image runs as a Linux process; quit with Ctrl-C"
    return "console on this terminal; quit QEMU with Ctrl-A X (Ctrl-A C for its monitor)"


def guest_architecture(platform: Platform):
    """The CPU architecture a QEMU platform emulates (None for the hosted platform)."""
    if platform.hosted:
        return None
    return HOST_ARCHITECTURES.get(platform.name)


def kvm_unavailable_reason(platform: Platform, environment=os.environ):
    """None when KVM could accelerate this platform here, else why not.

    /dev/kvm must open read-write, answer KVM_GET_API_VERSION with 12, and the host must be the
    guest's architecture. Whether KVM then really works (nested KVM may hang) is for the probe."""
    if environment.get("VECTRA_KVM", "") == "0":
        return "VECTRA_KVM=0"
    if platform.hosted:
        return "the hosted platform runs natively"
    host_architecture = HOST_ARCHITECTURES.get(host.machine())
    if guest_architecture(platform) != host_architecture:
        return f"host is {host.machine()}, guest is {platform.name}"
    try:
        descriptor = os.open(KVM_DEVICE, os.O_RDWR | os.O_CLOEXEC)
    except OSError as problem:
        if problem.errno == errno.ENOENT:
            return f"no {KVM_DEVICE}"
        return f"cannot open {KVM_DEVICE}: {problem.strerror}"
    try:
        version = fcntl.ioctl(descriptor, KVM_GET_API_VERSION)
    except OSError as problem:
        return f"KVM_GET_API_VERSION failed: {problem.strerror}"
    finally:
        os.close(descriptor)
    if version != KVM_API_VERSION:
        return f"KVM API version {version}, expected {KVM_API_VERSION}"
    return None
