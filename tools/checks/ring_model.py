#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The Ring protocol's SPIN model (primitives/ring/src/Ring.pml), checked.

1. Drift: every `site` line of primitives/ring/src/RingOrders.pml names a statement that must
   be in the named function with the memory order its `#define` claims, and every atomic access
   or fence in those functions must have a site line. A difference fails naming the code's line.
2. The model as the code is (and the waiting-flag design) must pass pan's safety search:
   no assertion violated (message order and contents, lost doorbell, lost space bit), no invalid
   end state, search complete within the depth and memory bounds; and pan's non-progress-cycle
   search: no run goes on forever (so every run ends, and by the above, ends with both done).
3. Each mutation (one fence removed, or one acquire/release weakened: a WEAKEN_* macro of the
   same model source) must fail, for the reason it is expected to, with a trail SPIN replays.

    /usr/bin/python3 tools/checks/ring_model.py [--srctree DIR] [--drift-only] [--jobs N] [--only TEXT]

Needs Debian's `spin` and `gcc` (tools/vectra/packages.txt; `./vectra setup` installs them).
Exit status 0 when everything holds; 1 with one line per problem otherwise.
"""

import argparse
import os
import re
import sys
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spin_checks import Search, check_configurations, check_model, function_body  # noqa: E402

MODEL = "primitives/ring/src/Ring.pml"
ORDERS = "primitives/ring/src/RingOrders.pml"
CPP_ORDERS = {
    "RELAXED": "memory_order_relaxed",
    "ACQUIRE": "memory_order_acquire",
    "RELEASE": "memory_order_release",
    "ACQ_REL": "memory_order_acq_rel",
    "SEQ_CST": "memory_order_seq_cst",
}
ATOMIC_ACCESS = re.compile(r"memory_order_\w+|atomic_thread_fence")
DEPTH_BOUND = 4000  # deepest search seen: 1 334 (6 messages); pan fails the check when exceeded
MEMORY_BOUND_MB = 1024

# What a failure looks like in pan's output, by the assertion that fired.
FAILURE_KINDS = {
    "lost doorbell": "consumer_parked",
    "lost space bit": "producer_parked",
    "slot read wrong": "(value==",
    "deadlock": "producer_done",
}


@dataclass
class Configuration:
    name: str
    defines: list
    expect: str = ""  # "" = must pass; else the failure kind (FAILURE_KINDS) it must show
    cycles: bool = False  # search for non-progress cycles instead (pan -l): every run must end


SMALL = ["SLOTS=2", "MESSAGES=4", "BURST=2"]
FLAG = ["WAITING_FLAG", "SLOTS=2", "MESSAGES=3", "BURST=2"]
SAME_CPU = ["SAME_CPU", "WEAKEN_CONSUMER_FENCE"]
CONFIGURATIONS = [
    Configuration("the code: 2 slots, 4 messages, bursts of up to 2", SMALL),
    Configuration("the code: 3 slots, 4 messages, bursts of up to 3", ["SLOTS=3", "MESSAGES=4", "BURST=3"]),
    Configuration("the code: every run ends (no non-progress cycle), 2 slots, 4 messages", SMALL, cycles=True),
    Configuration("waiting-flag design: 2 slots, 3 messages", FLAG),
    Configuration("same-CPU design, no fence after releasing: 2 slots, 4 messages", SMALL + SAME_CPU),
    Configuration("same-CPU design, no fence after releasing: 3 slots, 4 messages, bursts of up to 3",
                  ["SLOTS=3", "MESSAGES=4", "BURST=3"] + SAME_CPU),
    Configuration("same-CPU design, no fence after releasing: every run ends", SMALL + SAME_CPU, cycles=True),
    Configuration("same-CPU design: the space bit decided on the tail seen before reading",
                  SMALL + SAME_CPU + ["WEAKEN_CONSUMER_RELOAD"], "lost space bit"),
    Configuration("no fence after publishing (ring_consumer_doorbell)", SMALL + ["WEAKEN_PRODUCER_FENCE"], "lost doorbell"),
    Configuration("no fence after releasing (RingConsumer::release)", SMALL + ["WEAKEN_CONSUMER_FENCE"], "lost doorbell"),
    Configuration("tail published relaxed, not release", SMALL + ["WEAKEN_TAIL_STORE"], "slot read wrong"),
    Configuration("tail loaded relaxed, not acquire, by the consumer", SMALL + ["WEAKEN_CONSUMER_TAIL_LOAD"], "slot read wrong"),
    Configuration("head stored relaxed, not release", SMALL + ["WEAKEN_HEAD_STORE"], "slot read wrong"),
    Configuration("head loaded relaxed, not acquire, by the producer", SMALL + ["WEAKEN_PRODUCER_HEAD_LOAD"], "slot read wrong"),
    Configuration("raise relaxed, not release", SMALL + ["WEAKEN_RAISE"], "lost doorbell"),
    Configuration("take release, not acq_rel", SMALL + ["WEAKEN_TAKE"], "lost doorbell"),
    Configuration("waiting flag: no fence after the consumer sets its flag", FLAG + ["WEAKEN_CONSUMER_WAIT_FENCE"], "lost doorbell"),
    Configuration("waiting flag: no fence after the producer sets its flag", FLAG + ["WEAKEN_PRODUCER_WAIT_FENCE"], "lost space bit"),
    Configuration("waiting flag: no fence after publishing", FLAG + ["WEAKEN_PRODUCER_FENCE"], "lost doorbell"),
    Configuration("waiting flag: no fence after releasing", FLAG + ["WEAKEN_CONSUMER_FENCE"], "lost space bit"),
]


# --- drift: the table against the code ---------------------------------------------------------

@dataclass
class Site:
    name: str
    path: str
    function: str
    statement: str
    table_line: int


@dataclass
class Table:
    orders: dict = field(default_factory=dict)  # name -> (order, line)
    sites: list = field(default_factory=list)


def read_table(srctree, problems):
    table = Table()
    path = os.path.join(srctree, ORDERS)
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            define = re.match(r"#define\s+(\w+)\s+(\w+)\s*$", line)
            if define:
                if define.group(2) not in CPP_ORDERS:
                    problems.append(f"{ORDERS}:{number}: {define.group(1)} has order {define.group(2)}, not one of {', '.join(CPP_ORDERS)}")
                table.orders[define.group(1)] = (define.group(2), number)
                continue
            site = re.match(r"/\* site (\w+) (\S+) (\w+): (.*) \*/\s*$", line)
            if site:
                table.sites.append(Site(site.group(1), site.group(2), site.group(3), site.group(4).strip(), number))
            elif line.startswith("/* site"):
                problems.append(f"{ORDERS}:{number}: a site line is '/* site NAME FILE FUNCTION: statement */'")
    for site in table.sites:
        if site.name not in table.orders:
            problems.append(f"{ORDERS}:{site.table_line}: site of {site.name}, which has no #define")
    for name, (_, number) in table.orders.items():
        if not any(site.name == name for site in table.sites):
            problems.append(f"{ORDERS}:{number}: {name} names no site in the code")
    return table


def check_drift(srctree):
    problems = []
    table = read_table(srctree, problems)
    files = {}
    functions = {}  # (path, function) -> (start, end) or None
    for site in table.sites:
        if site.path not in files:
            try:
                with open(os.path.join(srctree, site.path), encoding="utf-8") as handle:
                    files[site.path] = handle.read().splitlines()
            except OSError:
                problems.append(f"{ORDERS}:{site.table_line}: {site.path} does not exist")
                files[site.path] = None
        lines = files[site.path]
        if lines is None:
            continue
        key = (site.path, site.function)
        if key not in functions:
            definitions = function_body(lines, site.function)
            if len(definitions) != 1:
                problems.append(f"{site.path}: {len(definitions)} definitions of {site.function} found, expected one "
                                f"({ORDERS}:{site.table_line})")
                functions[key] = None
            else:
                functions[key] = definitions[0]
        span = functions[key]
        if span is None:
            continue
        order, _ = table.orders.get(site.name, ("", 0))
        expected = CPP_ORDERS.get(order)
        claimed = re.findall(r"memory_order_\w+", site.statement)
        if expected and claimed != [expected]:
            problems.append(f"{ORDERS}:{site.table_line}: the site of {site.name} shows {', '.join(claimed) or 'no order'}, "
                            f"its #define says {order}")
        start, end = span
        matches = [index for index in range(start, end + 1) if lines[index].strip() == site.statement]
        if matches:
            continue
        # The statement changed: find the same statement with another order, to name the line and both orders.
        loose = re.compile(re.escape(re.sub(r"memory_order_\w+", "@", site.statement)).replace("@", r"(memory_order_\w+)"))
        for index in range(start, end + 1):
            changed = loose.fullmatch(lines[index].strip())
            if changed:
                problems.append(f"{site.path}:{index + 1}: {site.function}: {changed.group(1)} where the model "
                                f"({ORDERS}:{site.table_line}, {site.name}) has {expected}")
                break
        else:
            problems.append(f"{site.path}:{start + 1}: {site.function} no longer has `{site.statement}` "
                            f"({ORDERS}:{site.table_line}, {site.name})")
    problems += check_model_names(srctree, table)
    # Every atomic access in the functions the table names is one the model knows.
    for (path, function), span in functions.items():
        if span is None:
            continue
        lines = files[path]
        known = {site.statement for site in table.sites if site.path == path and site.function == function}
        for index in range(span[0], span[1] + 1):
            if ATOMIC_ACCESS.search(lines[index]) and lines[index].strip() not in known:
                problems.append(f"{path}:{index + 1}: {function}: an atomic access the model does not know: "
                                f"`{lines[index].strip()}` (add it to {ORDERS} and Ring.pml)")
    return problems


def check_model_names(srctree, table):
    """Every order the model weakens is in the table (or the model's own design), every WEAKEN_* is run."""
    problems = []
    with open(os.path.join(srctree, MODEL), encoding="utf-8") as handle:
        model = handle.read().splitlines()
    own = {match.group(1) for line in model for match in [re.match(r"#define\s+(\w+)\s+\w+\s*$", line)] if match}
    run_by_configurations = {define for configuration in CONFIGURATIONS for define in configuration.defines}
    mutations = set()
    for number, line in enumerate(model, 1):
        undefined = re.match(r"#undef\s+(\w+)", line)
        if undefined and undefined.group(1) not in table.orders and undefined.group(1) not in own:
            problems.append(f"{MODEL}:{number}: {undefined.group(1)} is neither in {ORDERS} nor defined by the model")
        mutation = re.match(r"#ifdef\s+(WEAKEN_\w+)", line)
        if mutation:
            mutations.add(mutation.group(1))
            if mutation.group(1) not in run_by_configurations:
                problems.append(f"{MODEL}:{number}: {mutation.group(1)} is never checked (tools/checks/ring_model.py CONFIGURATIONS)")
    for define in sorted(run_by_configurations):
        if define.startswith("WEAKEN_") and define not in mutations:
            problems.append(f"tools/checks/ring_model.py: {define} is not a mutation {MODEL} knows")
    return problems


# --- the model checked by spin -----------------------------------------------------------------

def ring_kinds(text):
    kinds = [kind for kind, marker in FAILURE_KINDS.items() if marker in text]
    return kinds + (["deadlock"] if "invalid end state" in text else [])


def check_configuration(srctree, configuration, spin, gcc):
    return check_model(Search(srctree, [MODEL, ORDERS], ["-O0"], ["-w22"], DEPTH_BOUND, MEMORY_BOUND_MB, ring_kinds),
                       configuration, spin, gcc)

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--srctree", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    parser.add_argument("--drift-only", action="store_true", help="only compare the orders table with the code")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", help="run only the configurations whose name contains this text")
    arguments = parser.parse_args()

    problems = check_drift(arguments.srctree)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"drift: every order and fence {ORDERS} names is in the code, and no other")
    if arguments.drift_only:
        return 1 if problems else 0

    problems += check_configurations(
        "the Ring model", CONFIGURATIONS, arguments.only, arguments.jobs,
        lambda configuration, spin, gcc: check_configuration(arguments.srctree, configuration, spin, gcc),
        lambda outcome: (f"{outcome.states} states, depth {outcome.depth}, search {outcome.search_seconds} s, "
                         f"{outcome.seconds:.1f} s with spin and gcc"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
