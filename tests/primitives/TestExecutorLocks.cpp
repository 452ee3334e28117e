/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The lock per executor (ADR 0026 §15) attacked on the hosted platform's threads: the lock-order
 * checker fails a lock taken out of order (and lets the order pass); an idle CPU steals movable
 * Tasks while they wait and are woken on their busy CPU, none ever running on two CPUs at once and
 * no wake-up lost; a movable Task stopped from another CPU while idle CPUs keep stealing it never
 * runs again. Each case runs in a child process: started CPUs never stop.
 */

#include "SmpSupport.h"
#include <atomic>
#include <catch2/catch.hpp>
#include <sched.h>
#include <unistd.h>
#include <vectra/Panic.h>
#include <string>
#include <utility>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/kernel/KernelLock.h>
#include <vectra/kernel/LockOrder.h>
#include <vectra/platform/ConsoleLine.h>
#include <vectra/platform/Platform.h>
#include <vectra/platform/hosted/Processors.h>

using namespace vectra;

namespace {

using test::spawn_on;

constexpr int panic_status = 2; /* platform::ExitStatus::Panic */

test::ChildResult take_in_child(void (*take)())
{
    return test::run_in_child([take] {
        take();
        _exit(0);
    });
}

using test::check_on_processors;

/* Taking the locks `take` takes must end the child with the checker's panic. */
void require_out_of_order(void (*take)())
{
    auto result = take_in_child(take);
    INFO(result.output);
    CHECK(result.exited);
    CHECK(result.exit_status == panic_status);
    CHECK(result.output.find("a lock taken out of order") != std::string::npos);
}

u64 total_steals()
{
    u64 steals = 0;
    for (u32 index = 0; index < Executor::task_processors(); ++index)
        steals += Executor::of_processor(index).steals();
    return steals;
}

/* ---- a steal racing a wait on the victim ---- */
constexpr u32 waiters = 6;
constexpr u32 waiter_rounds = 3000;
constexpr u32 nobody = ~0u;
std::atomic<Task*> s_waiters[waiters];
std::atomic<u32> s_running_on[waiters]; /* the CPU running waiter i's own code, or nobody */
std::atomic<u32> s_twice { 0 };         /* a waiter found already running when it resumed */
std::atomic<u32> s_waiters_done { 0 };
std::atomic<u32> s_moved_waiters { 0 };

ErrorOr<i32> wait_and_turn(Bundle&)
{
    /* It may start before its spawner has stored it. */
    u32 self = 0;
    while (s_waiters[self].load() != &this_task()) {
        if (++self == waiters) {
            self = 0;
            Executor::current().yield();
        }
    }
    for (u32 round = 0; round < waiter_rounds; ++round) {
        /* Its own code runs between here and the wait: on one CPU only. */
        s_running_on[self].store(nobody);
        (void)Executor::current().wait(SignalBit(7).mask());
        if (s_running_on[self].exchange(platform::current_processor()) != nobody)
            s_twice.fetch_add(1);
        /* Runnable, not running, on a CPU kept busy: what an idle CPU steals. */
        if (round % 4 == 0)
            Executor::current().yield();
    }
    if (this_task().migrations() != 0)
        s_moved_waiters.fetch_add(1);
    s_waiters_done.fetch_add(1);
    return 0;
}

ErrorOr<i32> raise_waiters(Bundle&)
{
    test::raise_until_done(s_waiters, SignalBit(7), s_waiters_done, 8);
    return 0;
}

/* ---- a stop racing a steal ---- */
std::atomic<Task*> s_victim { nullptr };
std::atomic<u64> s_victim_turns { 0 };
std::atomic<u64> s_turns_at_stop { 0 };
std::atomic<bool> s_stopped { false };
std::atomic<bool> s_round_over { false };

ErrorOr<i32> turn_forever(Bundle&)
{
    for (;;) {
        s_victim_turns.fetch_add(1);
        Executor::current().yield();
    }
}

ErrorOr<i32> turn_until_round_over(Bundle&)
{
    while (!s_round_over.load())
        Executor::current().yield();
    return 0;
}

ErrorOr<i32> stop_the_victim(Bundle&)
{
    while (s_victim_turns.load() < 200 && s_victim.load()->migrations() == 0)
        Executor::current().yield();
    {
        kernel_lock::Entry lock; /* as deleting its last TaskCap does */
        Executor::current().stop(*s_victim.load());
    }
    s_turns_at_stop.store(s_victim_turns.load());
    s_stopped.store(true);
    return 0;
}

/* ---- kernel lines printed on two CPUs at once ---- */
constexpr u32 console_rounds = 20000;

ErrorOr<i32> print_lines(Bundle&)
{
    /* One line of 80 copies of a letter per CPU: a line mixed with another CPU's shows at once. */
    char letter = char('a' + platform::current_processor());
    std::string line(80, letter);
    for (u32 round = 0; round < console_rounds; ++round)
        platform::console_line(line);
    return 0;
}

/* ---- Tasks on CPU 0 and CPU 1 waking each other: the boot CPU's deadlock check ---- */
constexpr u32 echo_rounds = 100000;
std::atomic<Task*> s_pinger { nullptr };
std::atomic<Task*> s_echo { nullptr };

ErrorOr<i32> ping_the_echo(Bundle&)
{
    while (!s_echo.load())
        Executor::current().yield();
    for (u32 round = 0; round < echo_rounds; ++round) {
        s_echo.load()->signals().raise(SignalBit(3));
        (void)Executor::current().wait(SignalBit(3).mask());
    }
    return 0;
}

ErrorOr<i32> echo_the_ping(Bundle&)
{
    while (!s_pinger.load())
        Executor::current().yield();
    for (u32 round = 0; round < echo_rounds; ++round) {
        (void)Executor::current().wait(SignalBit(3).mask());
        s_pinger.load()->signals().raise(SignalBit(3));
    }
    return 0;
}

struct Placed {
    char const* name;
    TaskEntry entry;
    u32 processor;
};

/* Both spawned under one hold of the kernel lock: neither starts before the other is placed. */
std::pair<Task*, Task*> spawn_two(test::Arena& arena, Placed first, Placed second)
{
    kernel_lock::Entry lock;
    Task* one = spawn_on(arena, first.name, first.entry, first.processor);
    return { one, spawn_on(arena, second.name, second.entry, second.processor) };
}

/* ---- a panic on the switch path, and a panic while another CPU holds the panicking CPU's lock ---- */
std::atomic<bool> s_panicker_running { false };
std::atomic<bool> s_other_holds { false };
std::atomic<bool> s_about_to_panic { false };

ErrorOr<i32> panic_holding_own_lock(Bundle&)
{
    /* What a VERIFY inside the pick or a switch would be: this CPU holds its executor's lock. */
    Executor::of_processor(platform::current_processor()).lock();
    PANIC("a panic holding this CPU's executor lock");
}

ErrorOr<i32> hold_cpu0_lock_a_while(Bundle&)
{
    /* As a thief or a spawner on cpu 1 does: cpu 0's lock, held by cpu 1 — once cpu 0 runs the
       panicker (its scheduler would wait for the lock before it). */
    while (!s_panicker_running.load())
        sched_yield();
    Executor::of_processor(0).lock();
    s_other_holds.store(true);
    while (!s_about_to_panic.load())
        sched_yield();
    usleep(20 * 1000); /* the panic on cpu 0 reaches the lock meanwhile, and must wait for it */
    Executor::of_processor(0).unlock();
    return 0;
}

ErrorOr<i32> panic_while_cpu1_holds_my_lock(Bundle&)
{
    s_panicker_running.store(true);
    while (!s_other_holds.load())
        sched_yield();
    s_about_to_panic.store(true);
    PANIC("a panic while another CPU holds this CPU's executor lock");
}

}

TEST_CASE("A panic holding an executor's lock stops the image at once; one while another CPU holds that lock ends the Task",
    "[kernel][smp]")
{
    /* Ending the Task would take the held lock again: without the check the child waits for itself. */
    auto own = test::run_in_child([] {
        alarm(20);
        platform::hosted::request_processors(2);
        if (kernel::start_processors().is_error())
            _exit(1);
        test::Arena arena(1 * MiB);
        Task* task = nullptr;
        {
            kernel_lock::Entry lock;
            task = spawn_on(arena, "panicker", panic_holding_own_lock, 1);
        }
        (void)Executor::current().run_until_exit(*task);
        _exit(7); /* the image should have stopped */
    });
    INFO(own.output);
    CHECK(own.exited);
    CHECK(own.exit_status == panic_status);
    CHECK(own.output.find("cpu 1: a panic while holding an executor's lock") != std::string::npos);

    /* The lock is held, but by cpu 1: the panic on cpu 0 waits for it and ends its Task only. */
    std::string output;
    check_on_processors(
        2,
        [] {
            test::Arena arena(1 * MiB);
            auto [holder, panicker] = spawn_two(arena, { "holder", hold_cpu0_lock_a_while, 1 },
                { "panicker", panic_while_cpu1_holds_my_lock, 0 });
            auto& executor = Executor::current();
            (void)executor.run_until_exit(*panicker);
            if (panicker->exit_cause() != ExitCause::Panicked)
                return 3;
            if (executor.run_until_exit(*holder).value() != 0)
                return 4;
            return test::reap_all_processors() ? 0 : 5;
        },
        &output);
    CHECK(output.find("while holding an executor's lock") == std::string::npos);
}

TEST_CASE("Lock order: taken in order passes; an executor lock before the big lock, or a higher CPU's before a lower, fails",
    "[kernel][smp]")
{
    REQUIRE(lock_order::checked()); /* host tests build with CONFIG_DEBUG_LOCK_ORDER, not Release */
    auto in_order = take_in_child([] {
        kernel_lock::enter();
        Executor::of_processor(0).lock();
        Executor::of_processor(1).lock();
        if (lock_order::held_here() != ((1u << lock_order::big_lock) | (1u << lock_order::executor(0)) | (1u << lock_order::executor(1))))
            _exit(9);
        Executor::of_processor(1).unlock();
        Executor::of_processor(0).unlock();
        kernel_lock::leave();
        _exit(lock_order::held_here() == 0 ? 0 : 8);
    });
    INFO(in_order.output);
    CHECK(in_order.exited);
    CHECK(in_order.exit_status == 0);

    require_out_of_order([] { /* an executor's lock, then the big lock */
        Executor::of_processor(0).lock();
        kernel_lock::enter();
    });
    require_out_of_order([] { /* a higher CPU's executor lock, then a lower one's */
        Executor::of_processor(1).lock();
        Executor::of_processor(0).lock();
    });
    require_out_of_order([] { /* one lock twice: it would wait for itself */
        Executor::of_processor(2).lock();
        Executor::of_processor(2).lock();
    });

}

TEST_CASE("Four CPUs: idle CPUs steal movable Tasks while they wait and are woken; none runs twice, no wake-up lost",
    "[kernel][smp]")
{
    check_on_processors(4, [] {
        test::Arena arena(4 * MiB);
        s_waiters_done.store(0);
        s_moved_waiters.store(0);
        s_twice.store(0);
        Task* raiser = nullptr;
        {
            /* All placed (round-robin) before the raiser looks at them; the raiser keeps CPU 1 busy. */
            kernel_lock::Entry lock;
            for (u32 index = 0; index < waiters; ++index) {
                s_running_on[index].store(nobody);
                s_waiters[index].store(spawn_on(arena, "waiter", wait_and_turn, processor_any));
            }
            raiser = spawn_on(arena, "raiser", raise_waiters, 1);
        }
        auto& executor = Executor::current();
        for (auto& waiter : s_waiters) {
            if (executor.run_until_exit(*waiter.load()).value() != 0)
                return 2;
        }
        if (executor.run_until_exit(*raiser).value() != 0)
            return 3;
        std::printf("%llu steals, %u of %u waiters moved\n", static_cast<unsigned long long>(total_steals()),
            s_moved_waiters.load(), waiters);
        if (s_twice.load() != 0)
            return 4; /* a Task ran on two CPUs at once */
        if (total_steals() == 0)
            return 5; /* the case is about steals racing waits */
        return test::reap_all_processors() ? 0 : 6;
    });
}

TEST_CASE("Four CPUs: a movable Task stopped from another CPU while idle CPUs steal it never runs again",
    "[kernel][smp]")
{
    check_on_processors(4, [] {
        test::Arena arena(4 * MiB);
        u64 steals_seen = 0;
        for (u32 round = 0; round < 10; ++round) {
            s_victim_turns.store(0);
            s_stopped.store(false);
            s_round_over.store(false);
            Task* victim = nullptr;
            Task* neighbour = nullptr;
            {
                kernel_lock::Entry lock;
                /* A pinned neighbour turning beside the movable victim keeps one of the two runnable
                   and not running there: the victim is stealable whenever another CPU idles. */
                victim = spawn_on(arena, "victim", turn_forever, processor_any);
                victim->retain(); /* looked at after it is stopped and forgotten */
                /* Never CPU 0: Tasks turning there keep this thread's scheduler from looking. */
                u32 placed = victim->executor().processor();
                neighbour = spawn_on(arena, "neighbour", turn_until_round_over, placed == 0 ? 1 : placed);
            }
            s_victim.store(victim);
            Task* stopper = spawn_on(arena, "stopper", stop_the_victim, 3);
            auto& executor = Executor::current();
            if (executor.run_until_exit(*stopper).value() != 0)
                return 2;
            (void)executor.run_until_exit(*victim);
            if (victim->exit_cause() != ExitCause::Stopped)
                return 3;
            u64 turns_at_exit = s_victim_turns.load();
            /* Stopped while it ran, it ends at its next yield: one more turn at most. */
            if (turns_at_exit > s_turns_at_stop.load() + 1)
                return 4;
            /* Others keep turning and stealing for a while: the victim must not. */
            for (u32 spin = 0; spin < 200; ++spin)
                sched_yield();
            if (s_victim_turns.load() != turns_at_exit)
                return 5;
            s_round_over.store(true);
            if (executor.run_until_exit(*neighbour).value() != 0)
                return 6;
            if (!test::reap_all_processors())
                return 7;
            steals_seen = total_steals();
            kernel_lock::Entry lock;
            victim->release();
        }
        std::printf("%llu steals\n", static_cast<unsigned long long>(steals_seen));
        return steals_seen != 0 ? 0 : 8;
    });
}

TEST_CASE("Two CPUs: Tasks on CPU 0 and CPU 1 waking each other are never taken for a deadlock",
    "[kernel][smp]")
{
    /*
     * The boot CPU idles between its Task's wait and cpu 1's raise; it looks at the executors one
     * at a time, so a raise made after it looked at its own and a wait made before it looked at
     * cpu 1's read as "nothing can run anywhere" to a single look (seen in bench_smp's
     * cross_cpu_wakeup: "deadlock: ... task driver waits for mask 0x8").
     */
    check_on_processors(2, [] {
        test::Arena arena(1 * MiB);
        s_pinger.store(nullptr);
        s_echo.store(nullptr);
        Task* pinger = nullptr;
        Task* echo = nullptr;
        {
            kernel_lock::Entry lock;
            pinger = spawn_on(arena, "pinger", ping_the_echo, 0);
            echo = spawn_on(arena, "echo", echo_the_ping, 1);
        }
        s_pinger.store(pinger);
        s_echo.store(echo);
        auto& executor = Executor::current();
        auto pinged = executor.run_until_exit(*pinger);
        if (pinged.is_error() || pinged.value() != 0)
            return 2; /* a deadlock report ends run_until_exit with an error */
        auto echoed = executor.run_until_exit(*echo);
        if (echoed.is_error() || echoed.value() != 0)
            return 3;
        return test::reap_all_processors() ? 0 : 4;
    });
}

TEST_CASE("Two CPUs: kernel lines printed on both at once come out whole", "[kernel][smp]")
{
    /* The executor's reports print on the switch path without the big lock (ADR 0026 §15), beside
       other CPUs' lines: each line is written whole (platform::ConsoleWriter) or not at all. */
    std::string output;
    check_on_processors(2, [&] {
        test::Arena arena(1 * MiB);
        auto [first, second] = spawn_two(arena, { "printer-0", print_lines, 0 }, { "printer-1", print_lines, 1 });
        auto& executor = Executor::current();
        if (executor.run_until_exit(*first).value() != 0 || executor.run_until_exit(*second).value() != 0)
            return 2;
        return test::reap_all_processors() ? 0 : 3;
    }, &output);
    u32 whole[2] = { 0, 0 };
    u32 mixed = 0;
    usize start = 0;
    while (start < output.size()) {
        usize end = output.find('\n', start);
        if (end == std::string::npos)
            end = output.size();
        std::string_view line(output.data() + start, end - start);
        start = end + 1;
        if (line.empty() || (line.front() != 'a' && line.front() != 'b'))
            continue; /* the platform's own lines */
        if (line == std::string(80, line.front()))
            ++whole[line.front() - 'a'];
        else
            ++mixed;
    }
    CHECK(mixed == 0);
    CHECK(whole[0] == console_rounds);
    CHECK(whole[1] == console_rounds);
}
