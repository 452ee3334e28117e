#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The executors' SPIN model (primitives/task/src/Executor.pml), checked.

1. Sites: each fence and each choice the model rests on must still be in Executor.cpp's function
   (SITES below); a missing one fails naming the function.
2. The model as it is must pass pan's safety search: no assertion violated (a Task on two CPUs,
   a Task picked from a stale list, a lock waited for when nothing can move, a Task left
   unfinished when nothing can move: a lost wake-up), no invalid end state, search complete.
3. Each mutation (a WEAKEN_* macro of the same model source: a fence or a lock taken out, the
   lock order broken, a steal's second look skipped, the raiser's CPU read the old way) must fail,
   for the reason it is expected to, with a trail SPIN replays.

    /usr/bin/python3 tools/checks/executor_model.py [--srctree DIR] [--sites-only] [--jobs N] [--only TEXT]

Needs Debian's `spin` and `gcc` (tools/vectra/packages.txt; `./vectra setup` installs them).
Exit status 0 when everything holds; 1 with one line per problem otherwise.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spin_checks import check_configurations, function_body, run  # noqa: E402

MODEL = "primitives/task/src/Executor.pml"
CODE = "primitives/task/src/Executor.cpp"
DEPTH_BOUND = 4000  # deepest search seen: 758
MEMORY_BOUND_MB = 2048

# (function, statement) pairs of Executor.cpp the model's passing run rests on.
SITES = [
    ("signal_raised", "std::atomic_thread_fence(std::memory_order_seq_cst);"),
    ("signal_raised", "u32 self = platform::processor_running_this();"),
    ("idle", "m_idle.store(true, std::memory_order_relaxed);"),
    ("idle", "std::atomic_thread_fence(std::memory_order_seq_cst);"),
]

# What a failure looks like in pan's output, by the assertion that fired.
FAILURE_KINDS = {
    "lost wake-up": "state[0]==3",
    "deadlock": "wants[0]==255",
    "run on two CPUs": "saved[t]",
    "stale list": "owner[t]==c",
}


@dataclass
class Configuration:
    name: str
    defines: list
    expect: str = ""  # "" = must pass; else the failure kind (FAILURE_KINDS) it must show


CONFIGURATIONS = [
    Configuration("per-executor locks: wait, raise (from a CPU and from a bare thread), idle, steal", []),
    Configuration("no fence after the raise's bit (signal_raised)", ["WEAKEN_RAISE_FENCE"], "lost wake-up"),
    Configuration("no fence after the idle flag (idle)", ["WEAKEN_IDLE_FENCE"], "lost wake-up"),
    Configuration("a bare thread reads CPU 0 (current_processor, the old signal_raised)", ["WEAKEN_BARE_SELF"], "lost wake-up"),
    Configuration("a steal takes the lower executor's lock while holding its own", ["WEAKEN_STEAL_ORDER"], "deadlock"),
    Configuration("a steal without the victim executor's lock", ["WEAKEN_STEAL_VICTIM_LOCK"], "run on two CPUs"),
    Configuration("a steal moves the Task it chose before relocking, without a second look", ["WEAKEN_STEAL_RECHECK"], "run on two CPUs"),
    Configuration("a wait without its executor's lock", ["WEAKEN_WAIT_LOCK"], "run on two CPUs"),
    Configuration("the executor's lock let go between the pick and the switch in", ["WEAKEN_PICK_RELOCK"], "stale list"),
]


def check_sites(srctree):
    problems = []
    with open(os.path.join(srctree, CODE), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    for function, statement in SITES:
        definitions = function_body(lines, function)
        if len(definitions) != 1:
            problems.append(f"{CODE}: {len(definitions)} definitions of {function} found, expected one")
            continue
        start, end = definitions[0]
        if not any(lines[index].strip() == statement for index in range(start, end + 1)):
            problems.append(f"{CODE}:{start + 1}: {function} no longer has `{statement}` ({MODEL} rests on it)")
    with open(os.path.join(srctree, MODEL), encoding="utf-8") as handle:
        model = handle.read().splitlines()
    checked = {define for configuration in CONFIGURATIONS for define in configuration.defines}
    for number, line in enumerate(model, 1):
        mutation = re.match(r"#if(?:n?def)\s+(WEAKEN_\w+)", line)
        if mutation and mutation.group(1) not in checked:
            problems.append(f"{MODEL}:{number}: {mutation.group(1)} is never checked (tools/checks/executor_model.py CONFIGURATIONS)")
    return problems


@dataclass
class Outcome:
    configuration: Configuration
    problem: str = ""
    states: str = "?"
    depth: str = "?"
    seconds: float = 0.0
    found: str = ""


def check_configuration(srctree, configuration, spin, gcc):
    outcome = Outcome(configuration)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="vectra-executor-model-") as folder:
        shutil.copy(os.path.join(srctree, MODEL), folder)
        defines = ["-D" + define for define in configuration.defines]
        generated = run([spin] + defines + ["-a", "Executor.pml"], folder)
        if generated.returncode != 0:
            outcome.problem = f"spin -a failed: {(generated.stdout + generated.stderr).strip()[-400:]}"
            return outcome
        compiled = run([gcc, "-O2", "-w", "-DSAFETY", f"-DMEMLIM={MEMORY_BOUND_MB}", "-o", "pan", "pan.c"], folder)
        if compiled.returncode != 0:
            outcome.problem = f"gcc pan.c failed: {compiled.stderr.strip()[-400:]}"
            return outcome
        searched = run(["./pan", f"-m{DEPTH_BOUND}", "-w24"], folder)
        report = searched.stdout + searched.stderr
        outcome.seconds = time.monotonic() - started
        stored = re.search(r"(\d+) states, stored", report)
        reached = re.search(r"depth reached (\d+)", report)
        errors = re.search(r"errors: (\d+)", report)
        outcome.states = stored.group(1) if stored else "?"
        outcome.depth = reached.group(1) if reached else "?"
        if not errors:
            outcome.problem = f"pan said no verdict: {report.strip()[-400:]}"
            return outcome
        if "max search depth too small" in report or "out of memory" in report:
            outcome.problem = f"the search hit its bound (depth {DEPTH_BOUND}, {MEMORY_BOUND_MB} MB): raise it or shrink the model"
            return outcome
        violated = re.search(r"pan:1: (.*)", report)
        text = violated.group(1) if violated else report.strip()[-300:]
        if not configuration.expect:
            if errors.group(1) != "0":
                outcome.problem = f"the model fails: {text} (replay: spin -t -p {' '.join(defines)} Executor.pml)"
            return outcome
        if errors.group(1) == "0":
            outcome.problem = "no counterexample: the model cannot tell this mutation from the code"
            return outcome
        kinds = [kind for kind, marker in FAILURE_KINDS.items() if marker in text.replace(" ", "")]
        outcome.found = kinds[0] if kinds else text.strip()[:120]
        if configuration.expect not in kinds:
            outcome.problem = f"failed as `{text.strip()}`, expected a {configuration.expect}"
            return outcome
        replay = run([spin, "-t", "-k", "Executor.pml.trail"] + defines + ["Executor.pml"], folder)
        if "assertion violated" not in replay.stdout + replay.stderr:
            outcome.problem = "spin did not replay the trail to the violation"
    return outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--srctree", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    parser.add_argument("--sites-only", action="store_true", help="only look for the code's sites and unchecked mutations")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", help="run only the configurations whose name contains this text")
    arguments = parser.parse_args()

    problems = check_sites(arguments.srctree)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"sites: every statement {MODEL} rests on is in {CODE}, and every mutation is checked")
    if arguments.sites_only:
        return 1 if problems else 0

    problems += check_configurations(
        "the executor model", CONFIGURATIONS, arguments.only, arguments.jobs,
        lambda configuration, spin, gcc: check_configuration(arguments.srctree, configuration, spin, gcc),
        lambda outcome: f"{outcome.states} states, depth {outcome.depth}, {outcome.seconds:.1f} s with spin and gcc")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
