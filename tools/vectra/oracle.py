# SPDX-License-Identifier: Apache-2.0
"""The image test oracle: what a booted image must print, and how its exit is judged.

An image folder's oracle.json holds:
  platforms        the platforms the image is tested on
  overlays         optional; {"name": [platforms]}: also test the image with images/overlays/<name>.conf
  timeout_seconds  how long a boot may take, process start to exit
  exit_status      the status the guest reports when it powers off
  patterns         Python regular expressions; each must match (re.search) a console line after
                   the line that matched the previous one
  forbidden        optional regular expressions that fail the run when any line matches them
  allow_faults     optional; true drops the default forbidden lines "^PANIC:" and "^FAULT:"
  qemu_args        optional; {"platform": ["-device", "..."]}: QEMU arguments this image adds on that
                   platform (devices it needs), used by ./vectra test, run and debug; a key
                   "platform+overlay" holds the arguments that replace them for the image built with
                   that overlay (other devices for another configuration: the desktop on ramfb)
  hosted_args      optional; ["--cpus=4"]: arguments the hosted image's process gets (before any --disk=)
  screens          optional; screenshots compared against reference PNGs (see screen.py)
  keys             optional; keys typed after console lines: QMP on QEMU, xdotool on hosted (see keys.py)
  resizes          optional; new display sizes asked through QEMU's VNC server after console lines
                   (QEMU platforms; see resize.py)
  host_client      optional; {"after": regex, "send": text, "timeout_seconds": n}: after a console
                   line matches `after`, connect from the host to the port QEMU forwards (`{host_port}`
                   in qemu_args, a free port per boot), send, require the same bytes back; the outcome
                   is a console line the patterns match (hostclient.py)
  http_client      optional; {"after": regex, "root": folder, "fetch": [targets], "expect": [[target,
                   METHOD, status]], "ranges": target, "churn": n, "timeout_seconds": n}: after a
                   console line matches `after`, fetch files and compare them with the image
                   folder's, keep-alive, HEAD, expected statuses, range requests of one file, a
                   malformed request, a slow client, `churn` connections
                   dropped; `tls` verifies TLS 1.3; `clients` ["curl", "openssl"] adds real clients;
                   one console line per check (httpclient.py); on hosted `after`'s group `port`
                   names the port the image listens on
  host_servers     optional; {"NAME": {"kind": "dns-over-tls" | "dns-udp" | "https", "certificate": file,
                   "key": file (not for dns-udp), "answers": {host: address or [addresses]} (dns kinds;
                   dns-udp also "truncated": [hosts]) | "root": folder}}: servers on the host's loopback the harness
                   starts before each boot and stops after it, reached from the guest through
                   `{host_server:NAME}` in a guestfwd rule of qemu_args (a relay per connection to the
                   server's free port), or on hosted through `--forward=[udp:]ADDRESS:PORT={host_server:NAME}` in
                   hosted_args (the process's host-sockets forward to the server's loopback port);
                   what they did are console lines `host-server: NAME: ...` (hostserver.py)
  platform_patterns optional; {"platform": [regular expressions]}: on that platform these replace
                   `patterns` (an image whose proof differs by platform, e.g. smp: Tasks on every CPU
                   on hosted, on CPU 0 where the other CPUs only idle)
  boots            optional, 1-8 (default 1): boot the image this many times in a row on the same
                   copies of its disks (disks.json); every boot must end with exit_status and no
                   forbidden line, and the patterns are matched across the boots' consoles in order
  variants         optional; {"name": {"platforms": [...], "qemu_args": [...], "hosted_args": [...],
                   "patterns": [...], "replace_qemu_args": bool, "instead_of": [...]}}: boot the same
                   build again on each platform named, with these arguments added (after the image's
                   own, so a later -machine option wins; with "replace_qemu_args": true in place of
                   the image's own: another machine, such as one without the image's display device),
                   reported as IMAGE@name; its patterns must match in order too, as a sequence of their
                   own beside the oracle's (so they may fall anywhere among them); "instead_of" names
                   patterns of the oracle's, by their exact text, that this boot does not expect
                   (the line its own patterns replace)

Everything here is pure (no processes, no files) so tests/tools/test_oracle.py can check it.
"""

import re
import signal
from dataclasses import dataclass, field, replace

import hostclient as host_clients
import httpclient as http_clients
import hostserver as host_servers
import keys as key_steps
import resize as resize_steps
import screen as screens

DEFAULT_FORBIDDEN = ("^PANIC:", "^FAULT:")
EXIT_KINDS = ("isa-debug-exit", "semihosting", "process")


class OracleError(ValueError):
    """An oracle.json that cannot be used; the message names the file and the field."""


VARIANT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Variant:
    """Another boot of the same build with other arguments (IMAGE@name), and what it must print besides."""

    name: str
    platforms: tuple
    qemu_args: tuple = ()
    hosted_args: tuple = ()
    patterns: tuple = ()
    replace_qemu_args: bool = False  # its qemu_args in place of the image's own on its platforms
    instead_of: tuple = ()  # the oracle's patterns (their text) this boot does not expect


@dataclass(frozen=True)
class Oracle:
    description: str
    platforms: tuple
    timeout_seconds: float
    exit_status: int
    patterns: tuple
    forbidden: tuple
    overlays: tuple = ()  # (overlay name, (platform, ...)): images/overlays/<name>.conf variants to test too
    qemu_args: tuple = ()  # (platform, (argument, ...)): QEMU arguments the image adds on that platform
    hosted_args: tuple = ()  # arguments the hosted process gets
    screens: tuple = ()  # screen.ScreenCheck, each taken after its console line
    boots: int = 1  # boots in a row on the same disks, the patterns matched across all of them
    variants: tuple = ()  # Variant, each another boot of the same build
    variant_patterns: tuple = ()  # in the oracle of one variant (for_variant): its own ordered patterns
    keys: tuple = ()  # keys.KeyStep, each typed after its console line
    resizes: tuple = ()  # resize.ResizeStep, each asked after its console line
    host_client: object = None  # hostclient.HostClient: the host-side client step, or None
    http_client: object = None  # httpclient.HttpClient: the host-side HTTP step, or None
    host_servers: object = None  # {name: hostserver.ServerSpecification}: servers run beside each boot, or None
    platform_patterns: tuple = ()  # (platform, (compiled pattern, ...)): replaces `patterns` there

    def for_platform(self, platform: str) -> "Oracle":
        """This oracle as judged on `platform`: its platform_patterns there, if any, replace patterns."""
        patterns = dict(self.platform_patterns).get(platform)
        return self if patterns is None else replace(self, patterns=patterns, platform_patterns=())

    def qemu_arguments(self, platform: str) -> tuple:
        """The QEMU arguments this image adds on `platform` (none for a platform it does not name)."""
        return dict(self.qemu_args).get(platform, ())

    def for_overlay(self, name: str) -> "Oracle":
        """The oracle of the image built with overlay `name`: on each platform with "platform+name"
        QEMU arguments, those instead of the platform's own."""
        suffix = f"+{name}"
        merged = {key: arguments for key, arguments in self.qemu_args if "+" not in key}
        for key, arguments in self.qemu_args:
            if key.endswith(suffix):
                merged[key[:-len(suffix)]] = arguments
        return replace(self, qemu_args=tuple(merged.items()))

    def variant(self, name: str) -> Variant:
        for each in self.variants:
            if each.name == name:
                return each
        raise KeyError(name)

    def for_variant(self, name: str) -> "Oracle":
        """The oracle one boot of variant `name` is judged by: the arguments added on its platforms, its patterns."""
        variant = self.variant(name)
        qemu_args = dict(self.qemu_args)
        for platform in variant.platforms:
            own = () if variant.replace_qemu_args else tuple(qemu_args.get(platform, ()))
            qemu_args[platform] = own + variant.qemu_args
        patterns = tuple(pattern for pattern in self.patterns if pattern.pattern not in variant.instead_of)
        return replace(self, qemu_args=tuple(qemu_args.items()), hosted_args=self.hosted_args + variant.hosted_args,
                       patterns=patterns, variants=(), variant_patterns=variant.patterns)

    @staticmethod
    def parse(data, source: str = "oracle.json") -> "Oracle":
        """Checks the JSON object read from `source` and compiles its regular expressions."""
        if not isinstance(data, dict):
            raise OracleError(f"{source}: expected a JSON object")
        platforms = data.get("platforms", [])
        if not isinstance(platforms, list) or not all(isinstance(name, str) for name in platforms):
            raise OracleError(f"{source}: \"platforms\" must be a list of platform names")
        timeout = data.get("timeout_seconds", 60)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise OracleError(f"{source}: \"timeout_seconds\" must be a positive number")
        exit_status = data.get("exit_status", 0)
        if isinstance(exit_status, bool) or not isinstance(exit_status, int):
            raise OracleError(f"{source}: \"exit_status\" must be an integer")
        allow_faults = data.get("allow_faults", False)
        if not isinstance(allow_faults, bool):
            raise OracleError(f"{source}: \"allow_faults\" must be true or false")
        overlays = data.get("overlays", {})
        if not isinstance(overlays, dict) or not all(
                isinstance(name, str) and isinstance(names, list) and all(isinstance(each, str) for each in names)
                for name, names in overlays.items()):
            raise OracleError(f"{source}: \"overlays\" must map overlay names to lists of platform names")
        qemu_args = data.get("qemu_args", {})
        if not isinstance(qemu_args, dict) or not all(
                isinstance(name, str) and isinstance(arguments, list)
                and all(isinstance(each, str) and each and "\n" not in each for each in arguments)
                for name, arguments in qemu_args.items()):
            raise OracleError(f"{source}: \"qemu_args\" must map platform names to lists of non-empty strings")
        for key in qemu_args:
            platform, plus, overlay = key.partition("+")
            if plus and platform not in dict(overlays).get(overlay, ()):
                raise OracleError(f"{source}: qemu_args {key!r} names no overlay {overlay!r} tested on {platform} "
                                  f"(\"overlays\")")
        hosted_args = data.get("hosted_args", [])
        if not isinstance(hosted_args, list) or not all(
                isinstance(each, str) and each and "\n" not in each for each in hosted_args):
            raise OracleError(f"{source}: \"hosted_args\" must be a list of non-empty strings")
        boots = data.get("boots", 1)
        if isinstance(boots, bool) or not isinstance(boots, int) or not 1 <= boots <= 8:
            raise OracleError(f"{source}: \"boots\" must be an integer from 1 to 8")
        own_patterns = data.get("patterns", [])
        variants = _variants(data.get("variants", {}), source, own_patterns if isinstance(own_patterns, list) else [])
        forbidden = list(data.get("forbidden", []))
        if not allow_faults:
            forbidden = list(DEFAULT_FORBIDDEN) + [text for text in forbidden
                                                   if text not in DEFAULT_FORBIDDEN]
        return Oracle(
            description=str(data.get("description", "")),
            platforms=tuple(platforms),
            timeout_seconds=timeout,
            exit_status=exit_status,
            patterns=_compile_all(data.get("patterns", []), "patterns", source),
            forbidden=_compile_all(forbidden, "forbidden", source),
            overlays=tuple((name, tuple(names)) for name, names in overlays.items()),
            qemu_args=tuple((name, tuple(arguments)) for name, arguments in qemu_args.items()),
            hosted_args=tuple(hosted_args),
            screens=_screens(data.get("screens", []), source),
            boots=boots,
            variants=variants,
            keys=_keys(data.get("keys", []), source),
            resizes=_resizes(data.get("resizes", []), source),
            host_client=_host_client(data.get("host_client"), qemu_args, source),
            http_client=_http_client(data.get("http_client"), qemu_args, source),
            host_servers=_host_servers(data.get("host_servers"), qemu_args, hosted_args, source),
            platform_patterns=_platform_patterns(data.get("platform_patterns", {}), source),
        )


def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(each, str) and each and "\n" not in each for each in value)


def _variants(data, source: str, patterns=()) -> tuple:
    shape = (f"{source}: \"variants\" must map names (lower-case letters, digits, '-') to objects with "
             f"\"platforms\" and optional \"qemu_args\", \"hosted_args\", \"patterns\", \"instead_of\" "
             f"(lists of strings) and \"replace_qemu_args\" (true or false)")
    if not isinstance(data, dict):
        raise OracleError(shape)
    variants = []
    for name, fields in data.items():
        if not isinstance(name, str) or not VARIANT_NAME.match(name) or not isinstance(fields, dict) \
                or set(fields) - {"platforms", "qemu_args", "hosted_args", "patterns", "replace_qemu_args", "instead_of"} \
                or not all(_strings(fields.get(key, [])) for key in ("qemu_args", "hosted_args", "patterns", "instead_of")) \
                or not isinstance(fields.get("replace_qemu_args", False), bool) \
                or not _strings(fields.get("platforms")) or not fields["platforms"]:
            raise OracleError(shape)
        for text in fields.get("instead_of", []):
            if text not in patterns:
                raise OracleError(f"{source}: variants.{name}.instead_of {text!r} is not one of the oracle's patterns")
        variants.append(Variant(name, tuple(fields["platforms"]), tuple(fields.get("qemu_args", [])),
                                tuple(fields.get("hosted_args", [])),
                                _compile_all(fields.get("patterns", []), f"variants.{name}.patterns", source),
                                fields.get("replace_qemu_args", False), tuple(fields.get("instead_of", []))))
    return tuple(variants)


def _host_client(data, qemu_args: dict, source: str):
    return _forwarded_step("host_client", host_clients.parse, host_clients.HostClientError, data, qemu_args, source)


def _http_client(data, qemu_args: dict, source: str):
    return _forwarded_step("http_client", http_clients.parse, http_clients.HttpClientError, data, qemu_args, source,
                           http_clients.names_its_port)


def _host_servers(data, qemu_args: dict, hosted_args: list, source: str):
    """The host_servers: each named by some platform's qemu_args or by hosted_args (a --forward= target),
    and those naming none other."""
    try:
        servers = host_servers.parse(data, source)
        host_servers.check_hosted(hosted_args, source)
    except host_servers.HostServerError as problem:
        raise OracleError(str(problem))
    named = host_servers.named_in(hosted_args)
    for arguments in qemu_args.values():
        named |= host_servers.named_in(arguments)
    declared = set(servers or {})
    if named - declared:
        raise OracleError(f"{source}: qemu_args or hosted_args name host servers host_servers does not declare: "
                          f"{', '.join(sorted(named - declared))}")
    if declared - named:
        raise OracleError(f"{source}: host_servers {', '.join(sorted(declared - named))} reached by no qemu_args "
                          f"({{host_server:NAME}} in a guestfwd rule) nor hosted_args (--forward=ADDRESS:PORT={{host_server:NAME}})")
    return servers


def _forwarded_step(field: str, parse, error, data, qemu_args: dict, source: str, names_its_port=None):
    """A host-side step (host_client, http_client): parsed, and only with qemu_args that forward a port
    (or, for http_client, an `after` whose group `port` names it: the hosted platform)."""
    try:
        step = parse(data, source)
    except error as problem:
        raise OracleError(str(problem))
    if step is not None and not any(host_clients.needs_port(arguments) for arguments in qemu_args.values()) \
            and not (names_its_port and names_its_port(step)):
        raise OracleError(f"{source}: {field} needs qemu_args that forward {host_clients.PORT_PLACEHOLDER}"
                          + (" or an `after` with a group `port`" if names_its_port else ""))
    return step


def _screens(data, source: str) -> tuple:
    try:
        return screens.parse_all(data, source)
    except screens.ScreenError as problem:
        raise OracleError(str(problem))


def _keys(data, source: str) -> tuple:
    try:
        return key_steps.parse_all(data, source)
    except key_steps.KeysError as problem:
        raise OracleError(str(problem))
def _resizes(data, source: str) -> tuple:
    try:
        return resize_steps.parse_all(data, source)
    except resize_steps.ResizeError as problem:
        raise OracleError(str(problem))


def _platform_patterns(data, source: str) -> tuple:
    if not isinstance(data, dict) or not all(isinstance(name, str) for name in data):
        raise OracleError(f"{source}: \"platform_patterns\" must map platform names to lists of regular expressions")
    return tuple((name, _compile_all(texts, f"platform_patterns.{name}", source)) for name, texts in data.items())


def _compile_all(texts, key: str, source: str) -> tuple:
    if not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
        raise OracleError(f"{source}: \"{key}\" must be a list of regular expressions")
    compiled = []
    for index, text in enumerate(texts):
        try:
            compiled.append(re.compile(text))
        except re.error as problem:
            raise OracleError(f"{source}: {key}[{index}] {text!r} is not a valid regular expression: "
                              f"{problem}")
    return tuple(compiled)


def console_line(raw) -> str:
    """One console line as the oracle sees it: decoded, without its newline and without any \\r."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    return raw.rstrip("\n").replace("\r", "")


def console_lines(text) -> list:
    """Splits a whole captured console into oracle lines."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [console_line(line) for line in lines]


@dataclass
class ForbiddenLine:
    number: int
    text: str
    pattern: str


class ConsoleMatcher:
    """Follows a console line by line: which patterns matched in order, and any forbidden line."""

    def __init__(self, oracle: Oracle):
        self.oracle = oracle
        self.matched = 0
        self.variant_matched = 0  # of oracle.variant_patterns, a sequence of their own
        self.lines_seen = 0
        self.forbidden_line = None

    def feed(self, line: str) -> None:
        self.lines_seen += 1
        if self.forbidden_line is None:
            for pattern in self.oracle.forbidden:
                if pattern.search(line):
                    self.forbidden_line = ForbiddenLine(self.lines_seen, line, pattern.pattern)
                    break
        if self.matched < len(self.oracle.patterns) and self.oracle.patterns[self.matched].search(line):
            self.matched += 1
        variant = self.oracle.variant_patterns
        if self.variant_matched < len(variant) and variant[self.variant_matched].search(line):
            self.variant_matched += 1

    @property
    def complete(self) -> bool:
        return self.matched == len(self.oracle.patterns) and self.variant_matched == len(self.oracle.variant_patterns)

    @property
    def next_pattern(self):
        """The pattern expected next (the oracle's before the variant's), or None when all matched."""
        if self.matched < len(self.oracle.patterns):
            return self.oracle.patterns[self.matched].pattern
        if self.variant_matched < len(self.oracle.variant_patterns):
            return self.oracle.variant_patterns[self.variant_matched].pattern
        return None

    def unmatched(self) -> str:
        """`pattern 3 of 5` or `variant pattern 1 of 2`: the first never matched (call when not complete)."""
        if self.matched < len(self.oracle.patterns):
            return f"pattern {self.matched + 1} of {len(self.oracle.patterns)}"
        return f"variant pattern {self.variant_matched + 1} of {len(self.oracle.variant_patterns)}"


@dataclass(frozen=True)
class ExitOutcome:
    """What the guest reported: its status, or None with the reason there is none."""

    status: object
    description: str


def quoted(text: str) -> str:
    """A pattern or console line as written, in quotes (repr() would double every backslash)."""
    return f"'{text}'"


def signal_name(number: int) -> str:
    try:
        return f"{signal.Signals(number).name} ({number})"
    except ValueError:
        return f"signal {number}"


def exit_outcome(kind: str, code: int) -> ExitOutcome:
    """Maps a process exit code to the guest's status, following platform.json's `exit_status`.

    isa-debug-exit: QEMU exits with (status << 1) | 1, so an odd code c means status c >> 1, and 0
    means the guest never wrote one. semihosting: QEMU exits with the status itself. process: the
    hosted image's own exit code. A negative code is a process killed by a signal.
    """
    if kind not in EXIT_KINDS:
        raise ValueError(f"unknown exit_status kind {kind!r} (expected one of {', '.join(EXIT_KINDS)})")
    if code < 0:
        who = "image" if kind == "process" else "QEMU"
        return ExitOutcome(None, f"{who} killed by signal {signal_name(-code)}")
    if kind == "isa-debug-exit":
        if code == 0:
            return ExitOutcome(None, "no exit status (guest reset or QEMU quit)")
        if code % 2 == 0:
            return ExitOutcome(None, f"QEMU failed with exit code {code} (not an isa-debug-exit status)")
        return ExitOutcome(code >> 1, f"status {code >> 1}")
    return ExitOutcome(code, f"status {code}")


def timeout_reason(seconds) -> str:
    """`timeout after 120 s`"""
    return f"timeout after {seconds:g} s"


@dataclass
class Verdict:
    passed: bool
    reasons: list = field(default_factory=list)
    next_pattern: object = None

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def ending_reasons(matcher: ConsoleMatcher, kind: str, exit_code, timed_out: bool) -> list:
    """What is wrong with how one boot ended, patterns aside: a timeout, a forbidden line, the exit.
    Between the boots of a several-boot oracle this alone decides whether the next boot runs."""
    oracle = matcher.oracle
    reasons = []
    if timed_out:
        reasons.append(timeout_reason(oracle.timeout_seconds))
    if matcher.forbidden_line is not None:
        line = matcher.forbidden_line
        reasons.append(f"forbidden line {line.number} {quoted(line.text)} (matches {quoted(line.pattern)})")
    if not timed_out and exit_code is not None:
        outcome = exit_outcome(kind, exit_code)
        if outcome.status is None:
            reasons.append(outcome.description)
        elif outcome.status != oracle.exit_status:
            reasons.append(f"exit status {outcome.status}, expected {oracle.exit_status}")
    return reasons


def judge(matcher: ConsoleMatcher, kind: str, exit_code, timed_out: bool) -> Verdict:
    """The verdict on one boot (the last, for several), from what the matcher saw and how the process ended."""
    reasons = ending_reasons(matcher, kind, exit_code, timed_out)
    if not matcher.complete:
        position = int(timed_out) + int(matcher.forbidden_line is not None)  # after those, before the exit
        reasons.insert(position, f"{matcher.unmatched()} never matched: {quoted(matcher.next_pattern)}")
    return Verdict(passed=not reasons, reasons=reasons, next_pattern=matcher.next_pattern)


def judge_console(oracle: Oracle, lines, kind: str, exit_code, timed_out: bool = False) -> Verdict:
    """judge() over a whole captured console."""
    matcher = ConsoleMatcher(oracle)
    for line in lines:
        matcher.feed(console_line(line))
    return judge(matcher, kind, exit_code, timed_out)


def tail(lines, count: int = 40) -> list:
    """The last `count` console lines."""
    return list(lines[-count:]) if count > 0 else []
