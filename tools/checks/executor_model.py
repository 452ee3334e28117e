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
import sys
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spin_checks import Search, check_configurations, check_model, function_body  # noqa: E402

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
    # The lock per executor (ADR 0026 §15), as the model takes it: a Task's wait under its
    # executor's lock; the scheduler's pick to switch-in under it; a steal letting its own lock go,
    # taking the locks in index order and looking again.
    ("enter_switch_path", "here.lock_own();"),
    ("serve", "lock_own();"),
    ("steal", "unlock();"),
    ("steal", "Task* taken = anything_runnable() ? nullptr : steal_locked(candidates);"),
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


def executor_kinds(text):
    return [kind for kind, marker in FAILURE_KINDS.items() if marker in text.replace(" ", "")]


def check_configuration(srctree, configuration, spin, gcc):
    return check_model(Search(srctree, [MODEL], ["-O2", "-w"], ["-w24"], DEPTH_BOUND, MEMORY_BOUND_MB, executor_kinds),
                       configuration, spin, gcc)

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
