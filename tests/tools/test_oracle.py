# SPDX-License-Identifier: Apache-2.0
"""Tests for the image test harness of ./vectra: the oracle matcher and exit-status mapping
(tools/vectra/oracle.py), the boot runner with a fake guest (tools/vectra/boot.py), and the parsers
of ctest and dpkg-query output.

Run with Debian's Python, from tests/tools:
    /usr/bin/python3 -m unittest -v test_oracle
"""

import importlib.util
import signal
import stat
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # keep tools/vectra/ free of __pycache__
HERE = Path(__file__).resolve().parent
TOOLS = HERE.parent.parent / "tools" / "vectra"


def load(module_name, file_name):
    """Imports tools/vectra/<file_name> by path, under `module_name`."""
    specification = importlib.util.spec_from_file_location(module_name, TOOLS / file_name)
    module = importlib.util.module_from_spec(specification)
    sys.modules[module_name] = module
    specification.loader.exec_module(module)
    return module


sys.path.insert(0, str(TOOLS))  # the modules import their siblings by name
oracle = load("oracle", "oracle.py")
keys = load("keys", "keys.py")
qmp = keys.qmp  # the module keys.py imported, so its QmpError is the one caught
boot = load("boot", "boot.py")
harness = load("vectra_test_command", "test.py")
setup = load("vectra_setup", "setup.py")
building = load("vectra_build", "build.py")

MINIMAL = {
    "description": "a test oracle",
    "platforms": ["x86_64", "hosted"],
    "timeout_seconds": 5,
    "exit_status": 0,
    "patterns": ["^boot: start$", "^service: ready", "^power off, status 0$"],
}


def make_oracle(**changes):
    data = dict(MINIMAL)
    data.update(changes)
    return oracle.Oracle.parse(data, "test/oracle.json")


GOOD_CONSOLE = ["SeaBIOS noise", "boot: start", "service: ready (1)", "power off, status 0"]


class OracleParsing(unittest.TestCase):
    def test_defaults_forbid_panic_and_fault(self):
        patterns = [pattern.pattern for pattern in make_oracle().forbidden]
        self.assertEqual(patterns, ["^PANIC:", "^FAULT:"])

    def test_allow_faults_keeps_only_the_oracles_own_forbidden_lines(self):
        parsed = make_oracle(allow_faults=True, forbidden=["^ASSERT"])
        self.assertEqual([pattern.pattern for pattern in parsed.forbidden], ["^ASSERT"])

    def test_bad_regular_expression_names_the_file_and_pattern(self):
        with self.assertRaises(oracle.OracleError) as raised:
            make_oracle(patterns=["ok", "(unclosed"])
        self.assertIn("test/oracle.json", str(raised.exception))
        self.assertIn("patterns[1]", str(raised.exception))

    def test_platform_patterns_replace_the_patterns_on_their_platform_only(self):
        parsed = make_oracle(patterns=["^a$"], platform_patterns={"hosted": ["^b$", "^c$"]})
        self.assertEqual([p.pattern for p in parsed.for_platform("hosted").patterns], ["^b$", "^c$"])
        self.assertEqual([p.pattern for p in parsed.for_platform("x86_64").patterns], ["^a$"])
        for bad in ({"hosted": "^b$"}, ["^b$"], {"hosted": ["(unclosed"]}):
            with self.subTest(bad=bad), self.assertRaises(oracle.OracleError):
                make_oracle(platform_patterns=bad)

    def test_bad_fields_are_rejected(self):
        for changes in ({"timeout_seconds": 0}, {"exit_status": "0"}, {"platforms": "x86_64"},
                        {"allow_faults": "yes"}, {"patterns": "^a$"}):
            with self.subTest(changes=changes), self.assertRaises(oracle.OracleError):
                make_oracle(**changes)

    def test_overlays_name_the_platforms_each_variant_runs_on(self):
        self.assertEqual(make_oracle().overlays, ())
        parsed = make_oracle(overlays={"domains": ["x86_64", "aarch64"]})
        self.assertEqual(parsed.overlays, (("domains", ("x86_64", "aarch64")),))
        for bad in (["domains"], {"domains": "x86_64"}, {"domains": [1]}):
            with self.subTest(overlays=bad), self.assertRaises(oracle.OracleError) as raised:
                make_oracle(overlays=bad)
            self.assertIn('"overlays"', str(raised.exception))

    def test_every_overlay_an_oracle_names_exists(self):
        import json
        for path in sorted((HERE.parent.parent / "images").glob("*/oracle.json")):
            for name, _ in oracle.Oracle.parse(json.loads(path.read_text()), str(path)).overlays:
                with self.subTest(image=path.parent.name, overlay=name):
                    self.assertTrue((HERE.parent.parent / "images" / "overlays" / f"{name}.conf").exists())

    def test_the_repository_oracles_parse(self):
        import json
        for path in sorted((HERE.parent.parent / "images").glob("*/oracle.json")):
            with self.subTest(path=path.parent.name):
                oracle.Oracle.parse(json.loads(path.read_text()), str(path))


class HttpClientPort(unittest.TestCase):
    """An http_client needs a port to connect to: one QEMU forwards ({host_port} in qemu_args), or on
    hosted the one the console line names (`after`'s group `port`); with neither it is refused."""

    CLIENT = {"after": "^serving$", "root": "www", "fetch": ["/a.txt"]}

    def test_forwarded_or_named_ports_are_accepted_and_neither_is_refused(self):
        forwarded = dict(MINIMAL, qemu_args={"x86_64": ["-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:{host_port}-:80"]},
                         http_client=self.CLIENT)
        self.assertIsNotNone(oracle.Oracle.parse(forwarded).http_client)
        named = dict(MINIMAL, http_client=dict(self.CLIENT, after="^serving on port (?P<port>[0-9]+)$"))
        self.assertIsNotNone(oracle.Oracle.parse(named).http_client)
        with self.assertRaises(oracle.OracleError) as caught:
            oracle.Oracle.parse(dict(MINIMAL, http_client=self.CLIENT), "images/x/oracle.json")
        self.assertIn("or an `after` with a group `port`", str(caught.exception))


class KeyOracles(unittest.TestCase):
    """keys.py: steps typed through QMP send-key after console lines."""

    def parse(self, steps):
        return oracle.Oracle.parse(dict(MINIMAL, keys=steps)).keys

    def test_text_is_typed_as_on_a_us_keyboard(self):
        (step,) = self.parse([{"after": "^ready$", "text": "hW!\n"}])
        self.assertEqual(step.combinations, (("h",), ("shift", "w"), ("shift", "1"), ("ret",)))
        requests = keys.send_key_requests(step)
        self.assertEqual(requests[1], {"execute": "send-key", "arguments": {
            "keys": [{"type": "qcode", "data": "shift"}, {"type": "qcode", "data": "w"}], "hold-time": 50}})

    def test_keys_name_qcode_combinations(self):
        (step,) = self.parse([{"after": "x", "keys": ["z", "alt_r-q", "less"], "hold_ms": 20}])
        self.assertEqual(step.combinations, (("z",), ("alt_r", "q"), ("less",)))
        self.assertEqual(step.hold_ms, 20)

    def test_pointer_reports_become_input_send_event_requests(self):
        (step,) = self.parse([{"after": "x", "pointer": [{"x": 16384, "y": 0}, {"button": "left", "down": True}]}])
        self.assertEqual(keys.send_key_requests(step), [
            {"execute": "input-send-event", "arguments": {"events": [
                {"type": "abs", "data": {"axis": "x", "value": 16384}},
                {"type": "abs", "data": {"axis": "y", "value": 0}}]}},
            {"execute": "input-send-event", "arguments": {"events": [
                {"type": "btn", "data": {"down": True, "button": "left"}}]}}])

    def test_hosted_keys_are_the_same_physical_keys_as_x_keycodes(self):
        (step,) = self.parse([{"after": "x", "keys": ["alt_r-q", "less", "ret"], "hold_ms": 20}])
        arguments, position = keys.xdotool_arguments(step, 1024, 768, (5, 6))
        # Linux codes + 8: AltGr 100, Q 16, the ISO key 86, Return 28; pressed in order, released in reverse.
        self.assertEqual(arguments, ["xdotool", "keydown", "108", "24", "sleep", "0.02", "keyup", "24", "108",
                                     "keydown", "94", "sleep", "0.02", "keyup", "94",
                                     "keydown", "36", "sleep", "0.02", "keyup", "36"])
        self.assertEqual(position, (5, 6))
        (text,) = self.parse([{"after": "x", "text": "hW!"}])
        arguments, _ = keys.xdotool_arguments(text, 1024, 768)
        self.assertEqual(arguments[1:8], ["keydown", "43", "sleep", "0.05", "keyup", "43", "keydown"])
        self.assertEqual(arguments[8:10], ["50", "25"])  # left Shift, then W

    def test_every_qcode_has_a_linux_key_code_of_its_own(self):
        self.assertLessEqual(keys.QCODES, set(keys.EVDEV_CODES))
        codes = [keys.EVDEV_CODES[code] for code in keys.QCODES]
        self.assertEqual(len(codes), len(set(codes)))
        self.assertEqual((keys.EVDEV_CODES["1"], keys.EVDEV_CODES["0"], keys.EVDEV_CODES["a"]), (2, 11, 30))

    def test_hosted_pointer_reports_move_to_the_pixel_inputd_would_scale_a_tablet_to(self):
        (step,) = self.parse([{"after": "x", "pointer": [{"x": 16384, "y": 8192}, {"button": "left", "down": True},
                                                         {"x": 32767}, {"y": 0, "button": "right", "down": False}]}])
        arguments, position = keys.xdotool_arguments(step, 1024, 768, (1, 2))
        self.assertEqual(arguments, ["xdotool", "mousemove", "511", "191", "mousedown", "1",
                                     "mousemove", "1023", "191", "mousemove", "1023", "0", "mouseup", "3"])
        self.assertEqual(position, (1023, 0))
        # An axis left out stays where the pointer was before the step.
        (only_x,) = self.parse([{"after": "x", "pointer": [{"x": 0}]}])
        self.assertEqual(keys.xdotool_arguments(only_x, 640, 480, (9, 470)), (["xdotool", "mousemove", "0", "470"], (0, 470)))
        self.assertEqual([keys.pixel(value, 768) for value in (0, 8192, 32767)], [0, 191, 767])

    def test_a_hosted_typist_failure_is_a_reason(self):
        def refuse(step):
            raise keys.TypingError("xdotool failed: Can't open display")
        steps = self.parse([{"after": "x", "text": "a"}])
        typer = keys.KeyTyper(steps, refuse, requests=lambda step: step)
        typer.feed("x")
        self.assertEqual(typer.reasons(), ["keys 1: typing failed: xdotool failed: Can't open display"])

    def test_malformed_steps_are_one_line(self):
        for steps, text in (
                ({"after": "x", "text": "a"}, "must be a list"),
                ([{"after": "x", "text": "caf\u00e9"}], "keys[0].text: '\u00e9' has no key on a US keyboard"),
                ([{"after": "x", "keys": ["shift-hh"]}], "keys[0].keys[0]: 'hh' is not a QMP qcode"),
                ([{"after": "x", "keys": ["a-a"]}], "a key twice"),
                ([{"after": "x", "text": "a", "keys": ["a"]}], "exactly one of"),
                ([{"after": "x"}], "exactly one of"),
                ([{"after": "x", "text": "a", "pointer": [{"x": 1}]}], "exactly one of"),
                ([{"after": "x", "pointer": []}], "keys[0].pointer must be a list"),
                ([{"after": "x", "pointer": [{"x": 32768}]}], "keys[0].pointer[0].x must be an integer"),
                ([{"after": "x", "pointer": [{"y": True}]}], "pointer[0].y must be an integer"),
                ([{"after": "x", "pointer": [{"button": "left"}]}], "button and down go together"),
                ([{"after": "x", "pointer": [{"button": "side", "down": True}]}], "left, right or middle"),
                ([{"after": "x", "pointer": [{"z": 1}]}], "must be an object of x, y, button and down"),
                ([{"text": "a"}], "keys[0].after must be"),
                ([{"after": "(", "text": "a"}], "not a valid regular expression"),
                ([{"after": "x", "text": "a", "hold_ms": 5}], "hold_ms"),
                ([{"after": "x", "text": "a", "hold_ms": True}], "hold_ms"),
                ([{"after": "x", "text": ""}], "non-empty string"),
                ([{"after": "x", "keys": []}], "non-empty list"),
                ([{"after": "x", "text": "a", "typo": 1}], "unknown field 'typo'"),
                ([{"after": "x", "text": "a" * 257}], "more than 256"),
                ([{"after": "x", "text": "a"}] * 17, "at most 16 steps")):
            with self.subTest(text=text):
                with self.assertRaises(oracle.OracleError) as raised:
                    self.parse(steps)
                self.assertIn(text, str(raised.exception))
                self.assertNotIn("\n", str(raised.exception))

    def test_each_step_is_typed_once_after_its_line_in_order(self):
        steps = self.parse([{"after": "^first$", "text": "a"}, {"after": "^second$", "text": "b"}])
        sent = []
        typer = keys.KeyTyper(steps, sent.append)
        for line in ("second", "first", "first", "second", "second"):
            typer.feed(line)
        self.assertEqual([request[0]["arguments"]["keys"][0]["data"] for request in sent], ["a", "b"])
        self.assertEqual(typer.reasons(), [])

    def test_a_step_whose_line_never_appears_fails_the_run(self):
        steps = self.parse([{"after": "^first$", "text": "a"}, {"after": "^ready$", "text": "b"}])
        typer = keys.KeyTyper(steps, lambda requests: None)
        for line in ("first", "not ready", "ready now"):
            typer.feed(line)
        self.assertEqual(typer.reasons(), ["keys 2 never typed: no console line matched '^ready$'"])

    def test_a_failed_send_is_a_reason_and_stops_typing(self):
        def refuse(requests):
            raise qmp.QmpError("QMP send-key: Invalid parameter")
        steps = self.parse([{"after": "x", "text": "a"}, {"after": "y", "text": "b"}])
        typer = keys.KeyTyper(steps, refuse)
        typer.feed("x")
        typer.feed("y")
        self.assertEqual(typer.reasons(), ["keys 1: typing failed: QMP send-key: Invalid parameter"])

    def test_the_requests_reach_a_qmp_server_in_order(self):
        import json
        import socket
        import threading
        server_socket = qmp.QmpSocket()
        received = []
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(server_socket.path))
        listener.listen(1)

        def serve():
            connection, _ = listener.accept()
            with connection:
                stream = connection.makefile("rb")
                connection.sendall(b'{"QMP": {"version": {}}}\n')
                for line in stream:
                    request = json.loads(line)
                    received.append(request)
                    connection.sendall(b'{"event": "NOISE"}\n{"return": {}}\n')
        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        try:
            (step,) = self.parse([{"after": "go", "keys": ["shift-h", "i"]}])
            typer = keys.KeyTyper((step,), server_socket.execute)
            typer.feed("go")
            thread.join(timeout=10)
            self.assertEqual(typer.reasons(), [])
            self.assertEqual([request["execute"] for request in received], ["qmp_capabilities", "send-key", "send-key"])
            self.assertEqual(received[1]["arguments"]["keys"], [{"type": "qcode", "data": "shift"},
                                                                {"type": "qcode", "data": "h"}])
        finally:
            listener.close()
            server_socket.close()


class ImageQemuArguments(unittest.TestCase):
    """An oracle's qemu_args: devices an image adds on one platform, and only there."""

    def test_the_arguments_reach_the_boot_command_of_their_platform_only(self):
        qemu = load("vectra_qemu", "qemu.py")
        images = load("vectra_images", "images.py")
        parsed = oracle.Oracle.parse(dict(MINIMAL, qemu_args={"x86_64": ["-device", "virtio-rng-pci"]}))
        self.assertEqual(parsed.qemu_arguments("x86_64"), ("-device", "virtio-rng-pci"))
        self.assertEqual(parsed.qemu_arguments("aarch64"), ())
        image = images.Image("pci", Path("images/pci"), parsed)
        x86 = images.Platform("x86_64", "", "isa-debug-exit", {"binary": "qemu", "args": ["-M", "q35"]})
        arm = images.Platform("aarch64", "", "semihosting", {"binary": "qemu", "args": ["-M", "virt"]})
        command = qemu.command(x86, Path("vectra.elf"), "tcg", "test", image=image)
        self.assertEqual(command[:5], ["qemu", "-M", "q35", "-device", "virtio-rng-pci"])
        self.assertEqual(command[-2:], ["-kernel", "vectra.elf"])
        self.assertNotIn("virtio-rng-pci", qemu.command(arm, Path("vectra.elf"), "tcg", "test", image=image))
        self.assertNotIn("virtio-rng-pci", qemu.command(x86, Path("vectra.elf"), "tcg", "test"))

    def test_run_names_the_forwarded_port_it_picked(self):
        import images
        import run
        port, forwards = run.forwarded_port(images.image("net-echo"), images.platform("x86_64"))
        self.assertIsInstance(port, int)
        self.assertTrue(forwards)
        self.assertTrue(all(f"127.0.0.1:{port}-" in each and "{host_port}" not in each for each in forwards), forwards)
        self.assertEqual(run.forwarded_port(images.image("minimal"), images.platform("x86_64")), (None, []))

    def test_an_overlay_build_gets_its_own_arguments_in_place_of_the_platforms(self):
        images = load("vectra_images", "images.py")
        parsed = oracle.Oracle.parse(dict(MINIMAL, platforms=["x86_64", "aarch64"], overlays={"domains": ["x86_64"]},
                                          qemu_args={"x86_64": ["-device", "virtio-gpu-pci"],
                                                     "aarch64": ["-device", "virtio-gpu-pci"],
                                                     "x86_64+domains": ["-device", "ramfb"]}))
        self.assertEqual(parsed.qemu_arguments("x86_64"), ("-device", "virtio-gpu-pci"))
        overlaid = parsed.for_overlay("domains")
        self.assertEqual(overlaid.qemu_arguments("x86_64"), ("-device", "ramfb"))
        self.assertEqual(overlaid.qemu_arguments("aarch64"), ("-device", "virtio-gpu-pci"))  # no aarch64+domains
        self.assertEqual(parsed.for_overlay("other").qemu_arguments("x86_64"), ("-device", "virtio-gpu-pci"))
        self.assertNotIn("x86_64+domains", dict(overlaid.qemu_args))
        # ./vectra run and debug with --overlay images/overlays/domains.conf boot with the same arguments;
        # an overlay file of the user's own changes nothing.
        image = images.Image("desk", Path("images/desk"), parsed)
        chosen = images.with_overlays(image, [str(HERE.parent.parent / "images" / "overlays" / "domains.conf")])
        self.assertEqual(chosen.oracle.qemu_arguments("x86_64"), ("-device", "ramfb"))
        self.assertIs(images.with_overlays(image, ["/tmp/domains.conf"]), image)

    def test_overlay_arguments_must_name_an_overlay_tested_on_that_platform(self):
        for key, overlays in (("x86_64+ramfb", {}), ("aarch64+ramfb", {"ramfb": ["x86_64"]}),
                              ("x86_64+", {"ramfb": ["x86_64"]})):
            with self.subTest(key=key), self.assertRaises(oracle.OracleError) as caught:
                oracle.Oracle.parse(dict(MINIMAL, overlays=overlays, qemu_args={key: ["-device", "ramfb"]}),
                                    "images/x/oracle.json")
            self.assertIn(f"images/x/oracle.json: qemu_args '{key}' names no overlay", str(caught.exception))

    def test_malformed_qemu_args_are_one_line(self):
        for value in (["-device"], {"x86_64": "-device"}, {"x86_64": [3]}, {"x86_64": [""]}, {"x86_64": ["a\nb"]}):
            with self.subTest(value=value):
                with self.assertRaises(oracle.OracleError) as caught:
                    oracle.Oracle.parse(dict(MINIMAL, qemu_args=value), "images/x/oracle.json")
                self.assertIn('images/x/oracle.json: "qemu_args"', str(caught.exception))


class ImageHostedArguments(unittest.TestCase):
    """An oracle's hosted_args: what the hosted image's process is started with."""

    def test_the_arguments_reach_the_hosted_command_only(self):
        qemu = load("vectra_qemu", "qemu.py")
        images = load("vectra_images", "images.py")
        parsed = oracle.Oracle.parse(dict(MINIMAL, hosted_args=["--cpus=4"]))
        image = images.Image("smp", Path("images/smp"), parsed)
        hosted = images.Platform("hosted", "", "process", None)
        x86 = images.Platform("x86_64", "", "isa-debug-exit", {"binary": "qemu", "args": ["-M", "q35"]})
        self.assertEqual(qemu.command(hosted, Path("vectra"), "tcg", "test", image=image), ["vectra", "--cpus=4"])
        self.assertEqual(qemu.command(hosted, Path("vectra"), "tcg", "test"), ["vectra"])
        self.assertNotIn("--cpus=4", qemu.command(x86, Path("vectra.elf"), "tcg", "test", image=image))

    def test_malformed_hosted_args_are_one_line(self):
        for value in ("--cpus=4", [3], [""], ["a\nb"], {"hosted": ["--cpus=4"]}):
            with self.subTest(value=value):
                with self.assertRaises(oracle.OracleError) as caught:
                    oracle.Oracle.parse(dict(MINIMAL, hosted_args=value), "images/x/oracle.json")
                self.assertIn('images/x/oracle.json: "hosted_args"', str(caught.exception))


class Variants(unittest.TestCase):
    """An oracle's variants: the same build booted again with other arguments, and patterns of their own."""

    VARIANTS = {"gicv3": {"platforms": ["aarch64"], "qemu_args": ["-machine", "gic-version=3"],
                          "patterns": ["^gic: v3$", "^intx: yes$"]}}

    def test_a_variant_adds_its_arguments_after_the_images_on_its_platforms_only(self):
        parsed = make_oracle(qemu_args={"aarch64": ["-smp", "4"]}, variants=self.VARIANTS)
        self.assertEqual([variant.name for variant in parsed.variants], ["gicv3"])
        varied = parsed.for_variant("gicv3")
        self.assertEqual(varied.qemu_arguments("aarch64"), ("-smp", "4", "-machine", "gic-version=3"))
        self.assertEqual(varied.qemu_arguments("x86_64"), ())
        self.assertEqual(varied.variants, ())
        self.assertEqual(parsed.variant_patterns, ())
        with self.assertRaises(KeyError):
            parsed.for_variant("gicv4")

    def test_the_variants_patterns_match_in_order_beside_the_oracles(self):
        varied = make_oracle(variants=self.VARIANTS).for_variant("gicv3")
        interleaved = ["gic: v3", "boot: start", "intx: yes", "service: ready (1)", "power off, status 0"]
        self.assertTrue(oracle.judge_console(varied, interleaved, "isa-debug-exit", 1).passed)
        swapped = ["intx: yes", "gic: v3", "boot: start", "service: ready (1)", "power off, status 0"]
        verdict = oracle.judge_console(varied, swapped, "isa-debug-exit", 1)
        self.assertFalse(verdict.passed)
        self.assertEqual(verdict.reason, "variant pattern 2 of 2 never matched: '^intx: yes$'")
        # The base oracle alone does not ask for them.
        self.assertTrue(oracle.judge_console(make_oracle(variants=self.VARIANTS), GOOD_CONSOLE, "isa-debug-exit", 1).passed)
        self.assertFalse(oracle.judge_console(varied, GOOD_CONSOLE, "isa-debug-exit", 1).passed)

    def test_a_variant_may_boot_another_machine_and_expect_another_line(self):
        # The desktop's @ramfb (ADR 0052): ramfb in place of the image's virtio-gpu, its display line instead.
        parsed = make_oracle(qemu_args={"x86_64": ["-device", "virtio-gpu-pci", "-smp", "2"]},
                             patterns=["^boot: start$", "^display: gpu$", "^power off, status 0$"],
                             variants={"ramfb": {"platforms": ["x86_64"], "replace_qemu_args": True,
                                                 "qemu_args": ["-device", "ramfb"], "instead_of": ["^display: gpu$"],
                                                 "patterns": ["^display: ramfb$"]}})
        varied = parsed.for_variant("ramfb")
        self.assertEqual(varied.qemu_arguments("x86_64"), ("-device", "ramfb"))
        self.assertEqual([pattern.pattern for pattern in varied.patterns], ["^boot: start$", "^power off, status 0$"])
        self.assertEqual(len(parsed.patterns), 3)
        ramfb = ["boot: start", "display: ramfb", "power off, status 0"]
        self.assertTrue(oracle.judge_console(varied, ramfb, "isa-debug-exit", 1).passed)
        self.assertFalse(oracle.judge_console(parsed, ramfb, "isa-debug-exit", 1).passed)
        gpu = ["boot: start", "display: gpu", "power off, status 0"]
        self.assertFalse(oracle.judge_console(varied, gpu, "isa-debug-exit", 1).passed)
        self.assertTrue(oracle.judge_console(parsed, gpu, "isa-debug-exit", 1).passed)
        # instead_of names the oracle's own patterns, by their exact text.
        with self.assertRaises(oracle.OracleError) as caught:
            make_oracle(variants={"ramfb": {"platforms": ["x86_64"], "instead_of": ["^display: nope$"]}})
        self.assertIn("variants.ramfb.instead_of", str(caught.exception))

    def test_malformed_variants_are_one_line(self):
        for value in (["gicv3"], {"GIC v3": {"platforms": ["aarch64"]}}, {"gicv3": {}}, {"gicv3": {"platforms": []}},
                      {"gicv3": {"platforms": ["aarch64"], "qemu_args": "-machine"}},
                      {"gicv3": {"platforms": ["aarch64"], "qemu_args": [""]}},
                      {"gicv3": {"platforms": ["aarch64"], "boots": 2}},
                      {"gicv3": {"platforms": ["aarch64"], "patterns": [3]}},
                      {"gicv3": {"platforms": ["aarch64"], "replace_qemu_args": "yes"}},
                      {"gicv3": {"platforms": ["aarch64"], "instead_of": "^x$"}}):
            with self.subTest(value=value), self.assertRaises(oracle.OracleError) as caught:
                oracle.Oracle.parse(dict(MINIMAL, variants=value), "images/x/oracle.json")
            self.assertIn('images/x/oracle.json: "variants"', str(caught.exception))
        with self.assertRaises(oracle.OracleError) as caught:
            oracle.Oracle.parse(dict(MINIMAL, variants={"gicv3": {"platforms": ["aarch64"], "patterns": ["("]}}), "o")
        self.assertIn("variants.gicv3.patterns[0]", str(caught.exception))


class Matching(unittest.TestCase):
    def judge(self, lines, code=1, kind="isa-debug-exit", timed_out=False, **changes):
        return oracle.judge_console(make_oracle(**changes), lines, kind, code, timed_out)

    def test_patterns_in_order_pass(self):
        verdict = self.judge(GOOD_CONSOLE)
        self.assertTrue(verdict.passed, verdict.reason)
        self.assertIsNone(verdict.next_pattern)

    def test_patterns_out_of_order_fail_and_name_the_next_pattern(self):
        lines = ["boot: start", "power off, status 0", "service: ready"]
        verdict = self.judge(lines)
        self.assertFalse(verdict.passed)
        self.assertEqual(verdict.next_pattern, "^power off, status 0$")
        self.assertIn("pattern 3 of 3 never matched", verdict.reason)

    def test_one_line_matches_one_pattern_only(self):
        verdict = self.judge(["ab"], code=1, patterns=["a", "b"])
        self.assertFalse(verdict.passed)
        self.assertEqual(verdict.next_pattern, "b")

    def test_missing_pattern_is_reported(self):
        verdict = self.judge(["boot: start", "power off, status 0"])
        self.assertFalse(verdict.passed)
        self.assertEqual(verdict.next_pattern, "^service: ready")
        self.assertIn("pattern 2 of 3 never matched: '^service: ready'", verdict.reason)

    def test_patterns_use_search_not_match(self):
        verdict = self.judge(["x boot", "y ready", "z"], patterns=["boot", "ready"])
        self.assertTrue(verdict.passed, verdict.reason)

    def test_carriage_returns_are_stripped(self):
        verdict = self.judge([line + "\r\n" for line in GOOD_CONSOLE])
        self.assertTrue(verdict.passed, verdict.reason)
        self.assertEqual(oracle.console_lines(b"a\r\nb\r\n"), ["a", "b"])

    def test_panic_line_fails_even_when_every_pattern_matched(self):
        lines = GOOD_CONSOLE[:2] + ["PANIC: out of memory in vfsd"] + GOOD_CONSOLE[2:]
        verdict = self.judge(lines)
        self.assertFalse(verdict.passed)
        self.assertIn("forbidden line 3", verdict.reason)
        self.assertIn("PANIC: out of memory", verdict.reason)

    def test_fault_line_fails(self):
        self.assertFalse(self.judge(GOOD_CONSOLE + ["FAULT: page fault at 0x0"]).passed)

    def test_panic_not_at_line_start_is_allowed(self):
        self.assertTrue(self.judge(GOOD_CONSOLE + ["selfcheck: PANIC: handled"]).passed)

    def test_allow_faults(self):
        lines = GOOD_CONSOLE[:2] + ["FAULT: task crashed, restarted"] + GOOD_CONSOLE[2:]
        self.assertTrue(self.judge(lines, allow_faults=True).passed)

    def test_oracle_forbidden_patterns(self):
        verdict = self.judge(GOOD_CONSOLE + ["warning: leak"], forbidden=["^warning:"])
        self.assertFalse(verdict.passed)
        self.assertIn("'^warning:'", verdict.reason)

    def test_wrong_exit_status(self):
        verdict = self.judge(GOOD_CONSOLE, code=(3 << 1) | 1)
        self.assertFalse(verdict.passed)
        self.assertIn("exit status 3, expected 0", verdict.reason)

    def test_no_exit_status(self):
        verdict = self.judge(GOOD_CONSOLE, code=0)
        self.assertFalse(verdict.passed)
        self.assertIn("no exit status (guest reset or QEMU quit)", verdict.reason)

    def test_expected_non_zero_status(self):
        self.assertTrue(self.judge(GOOD_CONSOLE, code=5, kind="semihosting", exit_status=5).passed)

    def test_timeout_is_reported_without_an_exit_reason(self):
        verdict = self.judge(GOOD_CONSOLE[:2], code=None, timed_out=True)
        self.assertFalse(verdict.passed)
        self.assertTrue(verdict.reasons[0].startswith("timeout after 5 s"))
        self.assertNotIn("status", verdict.reason)

    def test_streaming_matcher_sees_the_same_as_judge_console(self):
        matcher = oracle.ConsoleMatcher(make_oracle())
        for line in GOOD_CONSOLE[:2]:
            matcher.feed(line)
        self.assertEqual(matcher.matched, 1)
        self.assertEqual(matcher.next_pattern, "^service: ready")
        self.assertFalse(matcher.complete)


class ExitStatus(unittest.TestCase):
    def test_isa_debug_exit(self):
        self.assertEqual(oracle.exit_outcome("isa-debug-exit", 1).status, 0)
        self.assertEqual(oracle.exit_outcome("isa-debug-exit", 7).status, 3)
        self.assertEqual(oracle.exit_outcome("isa-debug-exit", 255).status, 127)

    def test_isa_debug_exit_without_status(self):
        outcome = oracle.exit_outcome("isa-debug-exit", 0)
        self.assertIsNone(outcome.status)
        self.assertEqual(outcome.description, "no exit status (guest reset or QEMU quit)")

    def test_isa_debug_exit_even_code_is_not_a_status(self):
        self.assertIsNone(oracle.exit_outcome("isa-debug-exit", 2).status)

    def test_semihosting(self):
        self.assertEqual(oracle.exit_outcome("semihosting", 0).status, 0)
        self.assertEqual(oracle.exit_outcome("semihosting", 3).status, 3)

    def test_process(self):
        self.assertEqual(oracle.exit_outcome("process", 0).status, 0)
        self.assertEqual(oracle.exit_outcome("process", 42).status, 42)

    def test_process_killed_by_signal(self):
        outcome = oracle.exit_outcome("process", -signal.SIGSEGV)
        self.assertIsNone(outcome.status)
        self.assertIn("SIGSEGV (11)", outcome.description)

    def test_qemu_killed_by_signal(self):
        outcome = oracle.exit_outcome("isa-debug-exit", -signal.SIGABRT)
        self.assertIsNone(outcome.status)
        self.assertIn("QEMU killed by signal SIGABRT", outcome.description)

    def test_unknown_kind(self):
        with self.assertRaises(ValueError):
            oracle.exit_outcome("magic", 0)

    def test_timeout_reason(self):
        self.assertEqual(oracle.timeout_reason(120), "timeout after 120 s")
        self.assertEqual(oracle.timeout_reason(2.5), "timeout after 2.5 s")

    def test_tail(self):
        lines = [str(number) for number in range(100)]
        self.assertEqual(oracle.tail(lines, 40), lines[60:])
        self.assertEqual(oracle.tail(lines[:3], 40), lines[:3])


class BootRunner(unittest.TestCase):
    """boot.boot() with shell scripts standing in for QEMU."""

    def setUp(self):
        self.folder = tempfile.TemporaryDirectory(prefix="vectra-boot-test-")
        self.log = Path(self.folder.name) / "console.log"

    def tearDown(self):
        self.folder.cleanup()

    def script(self, body):
        path = Path(self.folder.name) / "fake-guest"
        path.write_text("#!/bin/sh\n" + body)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
        return [str(path)]

    def test_console_exit_code_and_log(self):
        command = self.script("printf 'boot: start\\r\\nservice: ready\\npower off, status 0\\n'\nexit 1\n")
        matcher = oracle.ConsoleMatcher(make_oracle())
        result = boot.boot(command, self.log, 5, matcher)
        self.assertEqual(result.exit_code, 1)
        self.assertFalse(result.timed_out)
        self.assertEqual(result.lines, ["boot: start", "service: ready", "power off, status 0"])
        self.assertEqual(self.log.read_text().splitlines(), result.lines)
        self.assertTrue(oracle.judge(matcher, "isa-debug-exit", result.exit_code, False).passed)

    def test_stderr_is_part_of_the_console(self):
        result = boot.boot(self.script("echo oops >&2\n"), self.log, 5)
        self.assertEqual(result.lines, ["oops"])

    def test_timeout_kills_the_process_group(self):
        marker = Path(self.folder.name) / "child-alive"
        command = self.script(f"echo started\n(sleep 2; touch {marker}) &\nsleep 30\n")
        result = boot.boot(command, self.log, 0.5)
        self.assertTrue(result.timed_out)
        self.assertIsNone(result.exit_code)
        self.assertLess(result.seconds, 5)
        self.assertEqual(result.lines, ["started"])
        import time
        time.sleep(2.5)
        self.assertFalse(marker.exists(), "a child of the timed-out guest survived")

    def test_forbidden_line_stops_the_guest_early(self):
        saved = boot.FORBIDDEN_GRACE_SECONDS
        boot.FORBIDDEN_GRACE_SECONDS = 0.3
        try:
            matcher = oracle.ConsoleMatcher(make_oracle())
            result = boot.boot(self.script("echo 'PANIC: bad'\nsleep 30\n"), self.log, 20, matcher)
        finally:
            boot.FORBIDDEN_GRACE_SECONDS = saved
        self.assertFalse(result.timed_out)
        self.assertTrue(result.stopped_after_forbidden)
        self.assertLess(result.seconds, 5)
        verdict = oracle.judge(matcher, "process", result.exit_code, result.timed_out)
        self.assertIn("forbidden line 1", verdict.reason)

    def test_a_stop_event_ends_a_guest_that_serves_for_ever(self):
        import threading
        stop = threading.Event()
        marker = Path(self.folder.name) / "child-alive"
        command = self.script(f"echo serving\n(sleep 2; touch {marker}) &\nsleep 30\n")
        seen = []

        def on_line(line):
            seen.append(line)
            stop.set()  # what a benchmark does once it has driven the guest

        result = boot.boot(command, self.log, 20, on_line=on_line, stop=stop)
        self.assertTrue(result.stopped)
        self.assertFalse(result.timed_out)  # stopped on purpose, not out of time
        self.assertIsNone(result.exit_code)
        self.assertLess(result.seconds, 5)
        self.assertEqual(seen, ["serving"])
        import time
        time.sleep(2.5)
        self.assertFalse(marker.exists(), "a child of the stopped guest survived")
        unstopped = boot.boot(self.script("echo done\n"), self.log, 5, stop=threading.Event())
        self.assertFalse(unstopped.stopped)  # an event never set changes nothing
        self.assertEqual(unstopped.exit_code, 0)

    def test_missing_program(self):
        result = boot.boot([str(Path(self.folder.name) / "no-such-qemu")], self.log, 5)
        self.assertIn("cannot start", result.start_error)

    def test_signal_exit(self):
        result = boot.boot(self.script("kill -SEGV $$\n"), self.log, 5)
        self.assertEqual(result.exit_code, -signal.SIGSEGV)


class HostClientStep(unittest.TestCase):
    """The oracle's host_client step (hostclient.py): against echo servers on loopback that echo,
    corrupt, cut short, never answer or are not there, inside a boot of a fake guest: only a true
    echo lets the oracle pass."""

    ORACLE = dict(MINIMAL, qemu_args={"x86_64": ["-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:{host_port}-:7"]},
                  host_client={"after": "^echo: listening$", "send": "0123456789", "repeat": 300, "timeout_seconds": 1},
                  patterns=["^echo: listening$", "^host-client: 3000 bytes sent, the same 3000 bytes came back$",
                            "^power off, status 0$"])

    def setUp(self):
        self.hostclient = load("hostclient", "hostclient.py")
        self.folder = tempfile.TemporaryDirectory(prefix="vectra-host-client-test-")
        self.log = Path(self.folder.name) / "console.log"
        self.threads = []

    def tearDown(self):
        for thread in self.threads:
            thread.join(timeout=5)
        self.folder.cleanup()

    def server(self, behaviour):
        """A one-connection server on a free loopback port; `behaviour(bytes) -> reply or None (say nothing)`."""
        import socket
        import threading
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(5)

        def serve():
            try:
                connection, _ = listener.accept()
            except OSError:
                listener.close()
                return
            with connection, listener:
                connection.settimeout(5)
                received = b""
                while True:
                    chunk = connection.recv(65536)
                    if not chunk:
                        break
                    received += chunk
                reply = behaviour(received)
                if reply is None:
                    import time
                    time.sleep(2)  # past the client's timeout, then go
                    return
                connection.sendall(reply)
        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        self.threads.append(thread)
        return listener.getsockname()[1]

    def run_boot(self, port):
        parsed = oracle.Oracle.parse(self.ORACLE, "test/oracle.json")
        script = Path(self.folder.name) / "fake-guest"
        script.write_text("#!/bin/sh\necho 'echo: listening'\nsleep 0.2\necho 'power off, status 0'\n")
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
        matcher = oracle.ConsoleMatcher(parsed)
        watcher = self.hostclient.Watcher(parsed.host_client, port)
        result = boot.boot([str(script)], self.log, 10, matcher, on_line=watcher.feed)
        return result, oracle.judge(matcher, "process", 0, result.timed_out)

    def test_a_true_echo_passes(self):
        result, verdict = self.run_boot(self.server(lambda received: received))
        self.assertIn("host-client: 3000 bytes sent, the same 3000 bytes came back", result.lines)
        self.assertTrue(verdict.passed, verdict.reason)
        self.assertEqual(self.log.read_text().splitlines(), result.lines)

    def test_a_wrong_short_long_missing_or_silent_echo_fails(self):
        behaviours = {
            "one byte changed": lambda received: received[:-1] + b"x",
            "cut short": lambda received: received[:1000],
            "one byte more": lambda received: received + b"!",
            "nothing back": lambda received: b"",
            "silent past the timeout": lambda received: None,
        }
        for name, behaviour in behaviours.items():
            with self.subTest(name=name):
                result, verdict = self.run_boot(self.server(behaviour))
                failed = [line for line in result.lines if line.startswith("host-client: FAILED: 3000 bytes sent")]
                self.assertEqual(len(failed), 1, result.lines)
                self.assertFalse(verdict.passed)
                self.assertIn("host-client: 3000 bytes sent", verdict.next_pattern)

    def test_no_server_fails_within_the_timeout(self):
        port = self.hostclient.free_port()
        result, verdict = self.run_boot(port)
        self.assertTrue(any(line.startswith("host-client: FAILED:") for line in result.lines), result.lines)
        self.assertFalse(verdict.passed)
        self.assertLess(result.seconds, 5)

    def test_the_step_runs_once_per_boot(self):
        calls = []
        parsed = oracle.Oracle.parse(self.ORACLE, "test/oracle.json")
        watcher = self.hostclient.Watcher(parsed.host_client, 1, lambda *arguments: calls.append(arguments) or "x")
        self.assertEqual(watcher.feed("other"), [])
        self.assertEqual(watcher.feed("echo: listening"), ["x"])
        self.assertEqual(watcher.feed("echo: listening"), [])
        self.assertEqual(calls, [(1, b"0123456789" * 300, 1.0)])

    def test_the_forwarded_port_is_substituted_and_free_when_not_given(self):
        qemu = load("vectra_qemu", "qemu.py")
        images = load("vectra_images", "images.py")
        parsed = oracle.Oracle.parse(self.ORACLE, "test/oracle.json")
        image = images.Image("net", Path("images/net"), parsed)
        x86 = images.Platform("x86_64", "", "isa-debug-exit", {"binary": "qemu", "args": []})
        command = qemu.command(x86, Path("vectra.elf"), "tcg", "test", image=image, host_port=40123)
        self.assertIn("user,id=n0,hostfwd=tcp:127.0.0.1:40123-:7", command)
        chosen = qemu.command(x86, Path("vectra.elf"), "tcg", "test", image=image)
        forward = [argument for argument in chosen if argument.startswith("user,")][0]
        self.assertNotIn("{host_port}", forward)
        self.assertRegex(forward, r"127\.0\.0\.1:[1-9][0-9]*-:7$")

    def test_malformed_host_clients_are_one_line(self):
        good = self.ORACLE["host_client"]
        for value in ("x", {"send": "a"}, dict(good, after="("), dict(good, send=""), dict(good, send=3),
                      dict(good, repeat=0), dict(good, repeat=True), dict(good, repeat=2 << 20),
                      dict(good, timeout_seconds=0), dict(good, timeout_seconds=500), dict(good, port=7)):
            with self.subTest(value=value):
                with self.assertRaises(oracle.OracleError) as caught:
                    oracle.Oracle.parse(dict(self.ORACLE, host_client=value), "images/x/oracle.json")
                self.assertIn("images/x/oracle.json: ", str(caught.exception))
        with self.assertRaises(oracle.OracleError) as caught:
            oracle.Oracle.parse(dict(self.ORACLE, qemu_args={}), "images/x/oracle.json")
        self.assertIn("{host_port}", str(caught.exception))


class OutputParsers(unittest.TestCase):
    JUNIT = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="x" tests="5" failures="1" disabled="1" skipped="2">
  <testcase name="ok" status="run"><system-out></system-out></testcase>
  <testcase name="bad" status="fail"><failure message=""/></testcase>
  <testcase name="missing" status="notrun"><skipped message="Unable to find executable"/></testcase>
  <testcase name="off" status="disabled"></testcase>
  <testcase name="skip" status="notrun"><skipped message="SKIP_RETURN_CODE=77"/></testcase>
</testsuite>"""

    def test_junit_counts_like_ctest(self):
        counts = harness.parse_junit(self.JUNIT)
        self.assertEqual((counts.passed, counts.failed), (1, 2))
        self.assertEqual(counts.failed_names, ["bad", "missing"])

    def test_ctest_summary(self):
        output = ("50% tests passed, 2 tests failed out of 4\n\nThe following tests FAILED:\n"
                  "\t  2 - bad (Failed)\n\t  3 - missing (Not Run)\n")
        counts = harness.parse_ctest_summary(output)
        self.assertEqual((counts.passed, counts.failed, counts.failed_names), (2, 2, ["bad", "missing"]))
        self.assertIsNone(harness.parse_ctest_summary("nothing here"))

    def test_first_build_error(self):
        lines = ["[1/3] Building CXX object core/base/src/Error.cpp.obj",
                 "FAILED: core/rt/memory.cpp.obj",
                 f"{building.paths.REPOSITORY}/core/rt/memory.cpp:3:1: error: unknown type name 'x'"]
        self.assertEqual(building.first_build_error(lines),
                         "core/rt/memory.cpp:3:1: error: unknown type name 'x'")
        self.assertEqual(building.first_build_error(lines[:2]), "FAILED: core/rt/memory.cpp.obj")
        self.assertEqual(building.first_build_error(lines[:1]), "")

    def test_cmake_error_summary(self):
        log = ["-- Configuring", "CMake Error at cmake/kconfig.cmake:93 (message):",
               "  Kconfig configuration failed:", "",
               "    error: images/x/defconfig:3: CONFIG_A is not defined", "",
               "Call Stack (most recent call first):", "  CMakeLists.txt:28 (vectra_kconfig)"]
        paragraphs = building.cmake_errors(log)
        self.assertEqual(len(paragraphs), 1)
        self.assertNotIn("Call Stack", paragraphs[0])
        self.assertEqual(building.one_line(paragraphs[0]),
                         "error: images/x/defconfig:3: CONFIG_A is not defined")

    def test_dpkg_query(self):
        output = "cmake installed\nclang not-installed\nlibfmt-dev:amd64 installed\nlld config-files\n"
        self.assertEqual(setup.parse_dpkg_query(output), {"cmake", "libfmt-dev"})


if __name__ == "__main__":
    unittest.main()


class TheManyTasksOracle(unittest.TestCase):
    """images/many-tasks/oracle.json passes only when all 256 clients did: a failing client, a
    short count or a missing one (the count never printed) fails it."""

    def setUp(self):
        import json
        path = HERE.parent.parent / "images" / "many-tasks" / "oracle.json"
        self.oracle = oracle.Oracle.parse(json.loads(path.read_text()), str(path))
        self.console = (["vectra: booting image many-tasks on hosted", "initd: spawned echo", "initd: spawned vfsd",
                         "echo: serving up to 16 sessions", "initd: ready (2 services)"]
                        + [f"initd: spawned group-{number}" for number in range(11)]
                        + [f"initd: spawned client-{number}" for number in range(256)]
                        + ["initd: 256 of 256 checks ended as expected, 575 ms after initd started (2247 us per check)",
                           "vectra: power off, status 0"])

    def judge(self, lines, code=0, timed_out=False):
        return oracle.judge_console(self.oracle, lines, "process", code, timed_out)

    def test_all_passed(self):
        verdict = self.judge(self.console)
        self.assertTrue(verdict.passed, verdict.reason)

    def test_a_failing_client_fails_it(self):
        lines = list(self.console)
        lines.insert(-2, "many-tasks: client-17 FAILED: files: timed-out (no reply)")
        lines.insert(-2, "initd: client-17 exited with status 1")
        lines.insert(-2, "initd: group-0 exited with status 1")
        lines[-2] = "initd: 255 of 256 checks ended as expected, 575 ms after initd started (2247 us per check)"
        lines[-1] = "vectra: power off, status 1"
        for variant in (lines, lines[:-3] + lines[-2:], [line for line in lines if "FAILED" not in line]):
            verdict = self.judge(variant, code=1)
            self.assertFalse(verdict.passed)
        # Even with the exit status and the count right, one report of a client ending otherwise fails it.
        crashed = list(self.console)
        crashed.insert(-2, "initd: client-3 panicked: on purpose")
        self.assertFalse(self.judge(crashed).passed)

    def test_a_missing_client_fails_it(self):
        # A client that never finishes keeps its group, and so initd, from ending: no count, a timeout.
        verdict = self.judge(self.console[:-2], code=None, timed_out=True)
        self.assertFalse(verdict.passed)
        self.assertIn("never matched", verdict.reason)
