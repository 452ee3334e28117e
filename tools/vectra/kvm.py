# SPDX-License-Identifier: Apache-2.0
"""KVM or TCG. KVM is detected, never required: /dev/kvm may be there and still fail (nested KVM
can hang, abort, or die with "emulation failure"), so before trusting it the harness boots a real
image under KVM once with a short timeout (the probe) and falls back to TCG when that fails.

The verdict is remembered in build/kvm-probe.json for `./vectra run`, keyed by the host kernel and
the QEMU binary; `./vectra test` probes afresh once per run.
"""

import json
import os
import shutil
from dataclasses import dataclass

import boot
import hostserver as host_servers
import oracle as oracles
import paths
import qemu
import ui

PROBE_TIMEOUT_SECONDS = 20
PROBE_RECORD = paths.BUILD / "kvm-probe.json"


@dataclass
class ProbeResult:
    usable: bool
    reason: str  # why not, or what passed
    blames_kvm: bool  # a failure that looks like KVM's, not the image's


def mode_from(arguments) -> str:
    """"kvm" (--kvm), "tcg" (--no-kvm or VECTRA_KVM=0) or "auto"."""
    if os.environ.get("VECTRA_KVM", "") == "0" or getattr(arguments, "kvm", None) is False:
        return "tcg"
    if getattr(arguments, "kvm", None) is True:
        return "kvm"
    return "auto"


def probe(platform, image, elf, binary=None) -> ProbeResult:
    """Boots `image` under KVM with a short timeout and matches its oracle."""
    ui.step(f"probing KVM with {image.name}-{platform.name}")
    log = elf.parent / "kvm-probe.log"
    timeout = min(PROBE_TIMEOUT_SECONDS, image.oracle.timeout_seconds)
    matcher = oracles.ConsoleMatcher(image.oracle.for_platform(platform.name))
    command = qemu.command(platform, elf, "kvm", "test", binary, image)
    oracle = image.oracle.for_platform(platform.name)
    servers = None
    try:
        if oracle.host_servers and not platform.hosted:
            # The image's host servers run beside the probe as beside a test boot (its guestfwd rules name them).
            servers = host_servers.HostServers(oracle.host_servers, image.folder, elf.parent / "image-data" / image.name)
            servers.start()
            command = host_servers.substitute(command, servers.ports)
        result = boot.boot(command, log, timeout, matcher)
    finally:
        if servers is not None:
            servers.stop()
    if result.start_error:
        return ProbeResult(False, result.start_error, False)
    verdict = oracles.judge(matcher, platform.exit_kind, result.exit_code, result.timed_out)
    if verdict.passed:
        return ProbeResult(True, f"{image.name} booted in {result.seconds:.2f} s", True)
    console = "\n".join(result.lines)
    if "emulation failure" in console:
        return ProbeResult(False, "emulation failure", True)
    if result.timed_out:
        return ProbeResult(False, oracles.timeout_reason(timeout), True)
    complaint = qemu_complaint(result.lines)
    if result.exit_code is not None and result.exit_code < 0:
        killed = f"QEMU killed by signal {oracles.signal_name(-result.exit_code)}"
        return ProbeResult(False, f"{killed}: {complaint}" if complaint else killed, True)
    if complaint:
        return ProbeResult(False, complaint, True)
    return ProbeResult(False, verdict.reason, False)


def qemu_complaint(lines) -> str:
    """QEMU's own first message (it starts with the program name) or one about KVM, else ""."""
    for line in lines:
        if line.startswith("qemu-system-") or "KVM" in line or "kvm" in line:
            return line.strip()
    return ""


def _record_key(platform) -> dict:
    binary = platform.qemu["binary"]
    location = shutil.which(binary) or binary
    try:
        stamp = os.stat(location).st_mtime_ns
    except OSError:
        stamp = 0
    return {"kernel": os.uname().release, "qemu": location, "qemu_mtime": stamp, "platform": platform.name}


def remembered(platform):
    """The last probe's verdict for this host, kernel and QEMU, or None."""
    try:
        record = json.loads(PROBE_RECORD.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("key") != _record_key(platform):
        return None
    return ProbeResult(bool(record.get("usable")), str(record.get("reason", "")), True)


def remember(platform, result: ProbeResult) -> None:
    if not result.blames_kvm:
        return
    paths.BUILD.mkdir(exist_ok=True)
    record = {"key": _record_key(platform), "usable": result.usable, "reason": result.reason}
    PROBE_RECORD.write_text(json.dumps(record, indent=1) + "\n")


def announce(result: ProbeResult) -> str:
    if result.usable:
        ui.note(f"KVM works ({result.reason}); using KVM")
        return "kvm"
    print(f"KVM present but unusable ({result.reason}); using TCG", flush=True)
    return "tcg"
