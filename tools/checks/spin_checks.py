"""What the SPIN model checkers (ring_model.py, executor_model.py) share: finding a function's one
definition in C++ source, running a tool niced, and checking a list of configurations in parallel
with one line printed for each outcome."""

import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor


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
