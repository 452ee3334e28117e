"""What the SPIN model checkers (ring_model.py, executor_model.py) share: finding a function's one
definition in C++ source, running a tool niced, and checking a list of configurations in parallel
with one line printed for each outcome."""

import os
import re
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass


def function_body(lines, function):
    """(first line index, last line index) of the one definition of `function` in `lines`."""
    top_level = re.compile(r"^[^\s/#*].*[\s:*&]" + re.escape(function) + r"\s*\(")
    in_class = re.compile(r"^\s+[\w\[\]:<>&*, ]+\s" + re.escape(function) + r"\s*\([^;]*\{")
    found = []
    for index, line in enumerate(lines):
        if top_level.search(line) or in_class.search(line):
            found.append(index)
    definitions = []
    for start in found:
        depth = 0
        opened = False
        for index in range(start, len(lines)):
            text = lines[index].split("//")[0]
            if not opened and ";" in text and "{" not in text:
                break  # a declaration
            for character in text:
                if character == "{":
                    depth += 1
                    opened = True
                elif character == "}":
                    depth -= 1
            if opened and depth == 0:
                definitions.append((start, index))
                break
    return definitions


def run(command, folder, limit=600):
    return subprocess.run(["nice"] + command, cwd=folder, capture_output=True, text=True, timeout=limit, check=False)


@dataclass
class Outcome:
    configuration: object
    problem: str = ""
    states: str = "?"
    depth: str = "?"
    seconds: float = 0.0
    search_seconds: str = "?"
    found: str = ""


@dataclass
class Search:
    """How one configuration is searched: the model (and the files it includes), the options."""
    srctree: str
    files: list          # relative to srctree; the first is the model
    compile_flags: list  # for gcc, beside -D<search> and -DMEMLIM
    pan_flags: list      # for ./pan, beside -m<depth>
    depth_bound: int
    memory_bound_mb: int
    kinds_of: object     # the violated text -> the failure kinds it names


def check_model(search, configuration, spin, gcc):
    """spin -a, gcc pan.c and ./pan for one configuration in a scratch folder: the model must pass
    without a mutation (`configuration.expect` empty), and fail with the expected kind, replayed from
    its trail, with one."""
    outcome = Outcome(configuration)
    started = time.monotonic()
    model = os.path.basename(search.files[0])
    with tempfile.TemporaryDirectory(prefix="vectra-model-") as folder:
        for name in search.files:
            shutil.copy(os.path.join(search.srctree, name), folder)
        defines = ["-D" + define for define in configuration.defines]
        generated = run([spin] + defines + ["-a", model], folder)
        if generated.returncode != 0:
            outcome.problem = f"spin -a failed: {(generated.stdout + generated.stderr).strip()[-400:]}"
            return outcome
        cycles = getattr(configuration, "cycles", False)
        compiled = run([gcc] + search.compile_flags + ["-DNP" if cycles else "-DSAFETY", f"-DMEMLIM={search.memory_bound_mb}",
                                                       "-o", "pan", "pan.c"], folder)
        if compiled.returncode != 0:
            outcome.problem = f"gcc pan.c failed: {compiled.stderr.strip()[-400:]}"
            return outcome
        searched = run(["./pan", f"-m{search.depth_bound}"] + search.pan_flags + (["-l"] if cycles else []), folder)
        report = searched.stdout + searched.stderr
        outcome.seconds = time.monotonic() - started
        stored = re.search(r"(\d+) states, stored", report)
        reached = re.search(r"depth reached (\d+)", report)
        errors = re.search(r"errors: (\d+)", report)
        searching = re.search(r"pan: elapsed time ([\d.e+-]+) seconds", report)
        outcome.states = stored.group(1) if stored else "?"
        outcome.depth = reached.group(1) if reached else "?"
        outcome.search_seconds = searching.group(1) if searching else "?"
        if not errors:
            outcome.problem = f"pan said no verdict: {report.strip()[-400:]}"
            return outcome
        if "max search depth too small" in report or "out of memory" in report:
            outcome.problem = (f"the search hit its bound (depth {search.depth_bound}, {search.memory_bound_mb} MB): "
                               f"raise it or shrink the model")
            return outcome
        violated = re.search(r"pan:1: (.*)", report)
        text = violated.group(1) if violated else report.strip()[-300:]
        if not configuration.expect:
            if errors.group(1) != "0":
                outcome.problem = f"the model fails: {text} (replay: spin -t -p {' '.join(defines)} {model})"
            return outcome
        if errors.group(1) == "0":
            outcome.problem = "no counterexample: the model cannot tell this mutation from the code"
            return outcome
        kinds = search.kinds_of(text)
        outcome.found = kinds[0] if kinds else text.strip()[:120]
        if configuration.expect not in kinds:
            outcome.problem = f"failed as `{text.strip()}`, expected a {configuration.expect}"
            return outcome
        if not os.path.exists(os.path.join(folder, model + ".trail")):
            outcome.problem = "pan reported an error but wrote no trail"
            return outcome
        replay = run([spin, "-t", "-k", model + ".trail"] + defines + [model], folder)
        if "assertion violated" not in replay.stdout + replay.stderr:
            outcome.problem = "spin did not replay the trail to the violation"
    return outcome


def check_configurations(model, configurations, only, jobs, check, numbers):
    """Runs check(configuration, spin, gcc) for the configurations whose name contains `only` (all
    when None), `jobs` at a time; prints each outcome with numbers(outcome) and a summary line, and
    returns the problems (a missing tool or an unknown name is one too). `model` names the model in
    messages ("the Ring model")."""
    label = (model[4:] if model.startswith("the ") else model).lower()
    spin = shutil.which("spin")
    gcc = shutil.which("gcc")
    if not spin or not gcc:
        missing = " and ".join(name for name, found in (("spin", spin), ("gcc", gcc)) if not found)
        print(f"{label}: {missing} not found: {model} cannot be checked. "
              f"`./vectra setup` installs them (tools/vectra/packages.txt), or apt-get install spin gcc")
        return [f"{missing} not found"]
    chosen = [configuration for configuration in configurations if not only or only in configuration.name]
    if not chosen:
        print(f"{label}: no configuration is named like '{only}'")
        return [f"no configuration is named like '{only}'"]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        outcomes = list(pool.map(lambda configuration: check(configuration, spin, gcc), chosen))
    problems = []
    for outcome in outcomes:
        configuration = outcome.configuration
        verdict = "passes" if not configuration.expect else f"fails: {outcome.found}"
        print(f"{'ok  ' if not outcome.problem else 'FAIL'} {configuration.name}: {verdict}; {numbers(outcome)} "
              f"[{' '.join(configuration.defines)}]")
        if outcome.problem:
            print(f"     {outcome.problem}")
            problems.append(f"{configuration.name}: {outcome.problem}")
    print(f"{label}: {len(outcomes)} configurations in {time.monotonic() - started:.1f} s, {len(problems)} failed")
    return problems
