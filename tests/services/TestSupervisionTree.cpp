/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * initd's Supervisor at depth two, on the real kernel (hosted): a boot manifest written here
 * places services under group supervisors, and the whole tree runs in a child process whose
 * console the test reads. What it proves (docs/adr/0010-supervision-at-scale.md):
 *
 *   - a Task in a group cannot signal, read, reap or remove another Task (of its group, of another
 *     group, or initd) with any handle it makes up;
 *   - a service that crashes deep in the tree is restarted by its own group supervisor, per its
 *     own policy, with the reports initd gives for its own children;
 *   - a group supervisor that fails is restarted by initd per the group's policy, the children it
 *     had started are stopped with it (here before their first turn: none ever runs) and spawned
 *     afresh by the new instance, and once initd gives up on the group none of them runs;
 *   - a group of services is ready only when its services are, and the checks wait for it.
 *
 * The failing group fails because its manifest entry names a Ring it was not given, so its
 * second child cannot be started (a grant of an empty capability); nothing else in it is special.
 */

#include "../platforms/ChildProcess.h"
#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <initd/Manifest.h>
#include <initd/Supervisor.h>
#include <string>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/kernel/Kernel.h>

VECTRA_TASK_ENTRY(test_steady);
VECTRA_TASK_ENTRY(test_crasher);
VECTRA_TASK_ENTRY(test_ticker);
VECTRA_TASK_ENTRY(test_prober);
VECTRA_TASK_ENTRY(test_tree_check);
VECTRA_TASK_ENTRY(initd_group);

using namespace vectra;

namespace {

int g_steady_starts = 0;
int g_crasher_starts = 0;
int g_ticker_starts = 0;
u64 g_ticks = 0;
int g_probes = 0;
int g_probes_accepted = 0;

[[noreturn]] void serve_forever()
{
    for (;;)
        (void)system::wait(SignalBit(40).mask()); /* nothing raises it: the Task serves until stopped */
}

ErrorOr<void> say(Bundle&, char const* text)
{
    std::string line = std::string(text) + "\n";
    (void)!::write(STDOUT_FILENO, line.data(), line.size());
    return {};
}

}

namespace vectra::task_entries {

ErrorOr<i32> test_steady(Bundle& bundle)
{
    ++g_steady_starts;
    TRY(system::raise(TRY(bundle.take<SignalCap>("ready"))));
    serve_forever();
}

/* Panics on its first two starts, then serves. */
ErrorOr<i32> test_crasher(Bundle& bundle)
{
    ++g_crasher_starts;
    if (g_crasher_starts <= 2)
        PANIC("crasher: on purpose");
    TRY(system::raise(TRY(bundle.take<SignalCap>("ready"))));
    serve_forever();
}

/* Runs (yielding) as long as it is not stopped: its ticks show whether any instance is alive. */
ErrorOr<i32> test_ticker(Bundle& bundle)
{
    ++g_ticker_starts;
    TRY(system::raise(TRY(bundle.take<SignalCap>("ready"))));
    for (;;) {
        ++g_ticks;
        system::yield();
    }
}

/*
 * An attacker inside the group tree: with every handle it can make up — each slot and a few
 * generations of every other capability space — it tries to raise a signal bit, read a Task's
 * status, reap or remove a Task (its siblings', the other group's, initd's). Every call acts on
 * the caller's own space, so each must be refused.
 */
ErrorOr<i32> test_prober(Bundle& bundle)
{
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    u32 own = ready.space();
    for (u32 space = 1; space <= 64; ++space) {
        if (space == own)
            continue;
        for (u16 slot = 0; slot < 64; ++slot) {
            for (u32 generation = 0; generation < 3; ++generation) {
                g_probes += 4;
                g_probes_accepted += system::raise(SignalCap(space, slot, generation)).is_error() ? 0 : 1;
                g_probes_accepted += system::task_status(TaskCap(space, slot, generation)).is_error() ? 0 : 1;
                g_probes_accepted += system::reap(TaskCap(space, slot, generation)).is_error() ? 0 : 1;
                g_probes_accepted += system::remove(TaskCap(space, slot, generation)).is_error() ? 0 : 1;
            }
        }
    }
    TRY(system::raise(ready));
    serve_forever();
}

/* Runs once every group is ready or given up on: checks what the tree did. */
ErrorOr<i32> test_tree_check(Bundle& bundle)
{
    u64 before = g_ticks;
    for (int turn = 0; turn < 50; ++turn)
        system::yield();
    bool ticker_gone = g_ticks == before;
    /* Each instance of fragile spawned a ticker and failed before the ticker's first turn: had any
       ticker outlived its group, it would have run by now. */
    bool ok = g_steady_starts == 1 && g_crasher_starts == 3 && g_ticker_starts == 0 && ticker_gone && g_probes > 0
        && g_probes_accepted == 0;
    std::string line = "tree-check: steady " + std::to_string(g_steady_starts) + ", crasher " + std::to_string(g_crasher_starts)
        + ", ticker " + std::to_string(g_ticker_starts) + (ticker_gone ? ", ticker stopped" : ", ticker still running")
        + ", " + std::to_string(g_probes_accepted) + " of " + std::to_string(g_probes) + " forged calls accepted";
    TRY(say(bundle, line.c_str()));
    return ok ? 0 : 1;
}

}

namespace vectra::initd {

namespace {

constexpr ConnectionSpec connections[] = { { "none", "none", 0, 2, 16, true } };
constexpr SlotSpec ready_only[] = { { "ready", SlotKind::Ready, 0, RightRaise } };
/* A group of services: its own console, Reticle, spawn right and ready bit. */
constexpr SlotSpec group_slots[] = {
    { "console", SlotKind::Console, 0, RightWrite | RightGrant },
    { "memory", SlotKind::Memory, 0, RightRetype },
    { "ready", SlotKind::Ready, 0, RightRaise },
    { "tasks", SlotKind::Tasks, 0, RightSpawn },
};
/* A Ring of connection 0, which the group was never given. */
constexpr SlotSpec unreachable[] = {
    { "ready", SlotKind::Ready, 0, RightRaise },
    { "requests", SlotKind::RequestRing, 0, RightSend },
};

constexpr RestartPolicy twice { 2, 10'000, 1 };
constexpr RestartPolicy none { 0, 0, 0 };
constexpr u16 tree = 5;
constexpr u16 fragile = 6;

constexpr TaskSpec tasks[] = {
    { "steady", &task_entries::test_steady, TaskKind::Service, Band::Person, 128, 16, ready_only, 1, twice, Expectation::Success, nullptr, tree, 0, 0, processor_boot },
    { "crasher", &task_entries::test_crasher, TaskKind::Service, Band::Person, 128, 16, ready_only, 1, twice, Expectation::Success, nullptr, tree, 1, 0, processor_boot },
    { "prober", &task_entries::test_prober, TaskKind::Service, Band::Person, 128, 16, ready_only, 1, twice, Expectation::Success, nullptr, tree, 2, 0, processor_boot },
    { "ticker", &task_entries::test_ticker, TaskKind::Service, Band::Person, 128, 16, ready_only, 1, twice, Expectation::Success, nullptr, fragile, 0, 0, processor_boot },
    { "unreachable", &task_entries::test_steady, TaskKind::Service, Band::Person, 128, 16, unreachable, 2, twice, Expectation::Success, nullptr, fragile, 1, 0, processor_boot },
    { "tree", &task_entries::initd_group, TaskKind::Service, Band::Person, 512, 32, group_slots, 4, twice, Expectation::Success, nullptr, supervised_by_initd, 0, 3, processor_boot },
    { "fragile", &task_entries::initd_group, TaskKind::Service, Band::Person, 512, 32, group_slots, 4, twice, Expectation::Success, nullptr, supervised_by_initd, 1, 2, processor_boot },
    { "tree-check", &task_entries::test_tree_check, TaskKind::Check, Band::Person, 128, 16, nullptr, 0, none, Expectation::Success, nullptr, supervised_by_initd, 2, 0, processor_boot },
};

}

BootManifest const boot_manifest { "supervision-tree-test", tasks, sizeof(tasks) / sizeof(tasks[0]), connections, 0 };

}

namespace {

/* initd as the kernel starts it, with the same four capabilities, running the Supervisor on the test's manifest. */
ErrorOr<i32> boot_initd(Reticle& root)
{
    Task* initial = TRY(kernel::spawn_initial_task(root, [](Bundle& bundle) {
        return initd::supervise(bundle, initd::supervised_by_initd);
    }));
    return Executor::current().run_until_exit(*initial);
}

bool has_line(std::string const& output, std::string const& line)
{
    return output.find("\n" + line + "\n") != std::string::npos || output.rfind(line + "\n", 0) == 0;
}

}

TEST_CASE("a group supervisor restarts its own services per their policy, and initd restarts a failing group with its children")
{
    auto result = test::run_in_child([] {
        test::Arena arena(32 * MiB);
        auto status = boot_initd(arena.reticle());
        std::string line = status.is_error() ? std::string("initd: error ") + status.error().message()
                                             : "initd: status " + std::to_string(status.value());
        line += "\n";
        (void)!::write(STDOUT_FILENO, line.data(), line.size());
        _exit(0);
    });
    INFO(result.output);
    REQUIRE(result.exited);
    auto const& output = result.output;
    /* initd spawns the groups; each group spawns its own children and reports as initd does. */
    for (auto const* line : { "initd: spawned tree", "initd: spawned fragile", "initd: spawned steady", "initd: spawned crasher",
             "initd: spawned ticker", "initd: restarted crasher (1 of 2 within 10000 ms)",
             "initd: restarted crasher (2 of 2 within 10000 ms)", "initd: restarted fragile (1 of 2 within 10000 ms)",
             "initd: restarted fragile (2 of 2 within 10000 ms)", "initd: giving up on fragile after 2 restarts in 10000 ms",
             "initd: ready (5 services, 1 given up)", "initd: spawned tree-check",
             "tree-check: steady 1, crasher 3, ticker 0, ticker stopped, 0 of 48384 forged calls accepted", "initd: status 0" })
        CHECK(has_line(output, line));
    /* Each of fragile's three instances spawned its children afresh. */
    usize spawned = 0;
    for (usize at = output.find("initd: spawned ticker\n"); at != std::string::npos; at = output.find("initd: spawned ticker\n", at + 1))
        ++spawned;
    CHECK(spawned == 3);
    CHECK(output.find("initd: fragile exited with error") != std::string::npos);
    CHECK(output.find("initd: crasher panicked: ") != std::string::npos);
    /* The tree group itself never failed; the crasher was restarted by it, not by initd. */
    CHECK(output.find("initd: tree exited") == std::string::npos);
    CHECK(output.find("initd: restarted tree") == std::string::npos);
    CHECK(output.find("initd: 1 of 1 checks ended as expected") != std::string::npos);
    /* Every report comes before initd's verdict, and the checks only after every group was settled. */
    CHECK(output.find("initd: giving up on fragile") < output.find("initd: spawned tree-check"));
}
