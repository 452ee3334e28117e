/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * One executor per CPU (ADR 0026) on the hosted platform's threads: the ticket lock under
 * contention, Tasks pinned to two CPUs waking each other across them with no wake-up lost, an
 * idle CPU stealing a Task left runnable behind a busy one, a Task that exits while a raise
 * for it is in flight from another CPU, a bare host thread waking an idle CPU 0, a Task stopped
 * from another CPU while it parks (never running again), and movable Tasks woken from two CPUs
 * while they are stolen and exit (ADR 0026 §14: the net for a lock per executor). The executor
 * cases run in a child process: started CPUs never stop.
 */

#include "SmpSupport.h"
#include <atomic>
#include <cstdio>
#include <catch2/catch.hpp>
#include <sched.h>
#include <unistd.h>
#include <thread>
#include <vector>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/kernel/KernelLock.h>
#include <vectra/kernel/TicketLock.h>
#include <vectra/platform/Platform.h>
#include <vectra/platform/hosted/Processors.h>

using namespace vectra;

namespace {

void yield_host(u32) { sched_yield(); }
using TestLock = TicketLock<yield_host>;

constexpr u64 five_seconds = 5'000'000'000;

using test::run_checked;
using test::spawn_on;

bool reap_all() { return test::reap_all_processors(); }

/* ---- cross-CPU ping-pong: each side raises the other's bit, then waits for its own ---- */
constexpr u32 round_trips = 100'000;
std::atomic<Task*> s_ping { nullptr };
std::atomic<Task*> s_pong { nullptr };
std::atomic<u32> s_wrong_processor { 0 };

ErrorOr<i32> ping(Bundle&)
{
    for (u32 round = 0; round < round_trips; ++round) {
        s_pong.load()->signals().raise(SignalBit(0));
        (void)Executor::current().wait(SignalBit(0).mask());
        if (platform::current_processor() != 1)
            s_wrong_processor.fetch_add(1);
    }
    return 0;
}

ErrorOr<i32> pong(Bundle&)
{
    /* ping starts as soon as it is listed, and may wake this before its spawner has stored it:
       no CPU's scheduler waits for the spawner's big lock any more (ADR 0026 §15). */
    while (s_ping.load() == nullptr)
        Executor::current().yield();
    for (u32 round = 0; round < round_trips; ++round) {
        (void)Executor::current().wait(SignalBit(0).mask());
        if (platform::current_processor() != 2)
            s_wrong_processor.fetch_add(1);
        s_ping.load()->signals().raise(SignalBit(0));
    }
    return 0;
}

/* ---- stealing: a pinned Task spins on CPU 1; a movable one queued behind it must run elsewhere ---- */
std::atomic<bool> s_stolen_ran { false };
std::atomic<u32> s_stolen_on { ~0u };

ErrorOr<i32> spin_until_released(Bundle&)
{
    u64 start = platform::monotonic_nanoseconds();
    while (!s_stolen_ran.load()) {
        if (platform::monotonic_nanoseconds() - start > five_seconds)
            return 1; /* nobody stole the Task queued behind this one */
    }
    return 0;
}

std::atomic<Task*> s_queued { nullptr };
std::atomic<u32> s_queued_migrations { 0 };

/*
 * Every movable Task runs this; only the one queued behind the spinner records where it ran. It
 * yields first: after a steal the thief switches to the Task directly, so only the turns after
 * that prove the thief's own pick finds it (its per-band count moved with it). A thief whose pick
 * missed it would go idle with it runnable, and another CPU would steal it again: it must have
 * moved exactly once.
 */
ErrorOr<i32> record_processor_if_queued(Bundle&)
{
    while (s_queued.load() == nullptr)
        Executor::current().yield();
    for (u32 turn = 0; turn < 3; ++turn)
        Executor::current().yield();
    if (&this_task() != s_queued.load())
        return 0;
    s_queued_migrations.store(this_task().migrations());
    s_stolen_on.store(platform::current_processor());
    s_stolen_ran.store(true);
    return 0;
}

/* ---- exit with a raise in flight: CPU 2 keeps raising the bit of a Task on CPU 1 that exits ---- */
std::atomic<Task*> s_target { nullptr };
std::atomic<bool> s_target_exited { false };

ErrorOr<i32> exit_after_some_wakeups(Bundle&)
{
    for (u32 count = 0; count < 1000; ++count)
        (void)Executor::current().wait(SignalBit(5).mask());
    return 7;
}

ErrorOr<i32> raise_until_exited(Bundle&)
{
    u64 raises = 0;
    while (!s_target_exited.load()) {
        s_target.load()->signals().raise(SignalBit(5));
        if (++raises % 64 == 0)
            Executor::current().yield();
    }
    return 0;
}

/* ---- a bare host thread (no CPU) raises the bit of a Task pinned to an idle CPU 0 ---- */
constexpr u32 bare_rounds = 20;
std::atomic<u32> s_bare_acknowledged { 0 };

ErrorOr<i32> wait_for_the_bare_thread(Bundle&)
{
    for (u32 round = 0; round < bare_rounds; ++round) {
        (void)Executor::current().wait(SignalBit(3).mask());
        s_bare_acknowledged.fetch_add(1);
    }
    return 0;
}


/* ---- a Task stopped from another CPU while it parks, raises for it in flight from a third ---- */
std::atomic<Task*> s_parker { nullptr };
std::atomic<u64> s_parker_wakeups { 0 };
std::atomic<bool> s_parker_exited { false };
std::atomic<u64> s_raises_after_exit { 0 };

ErrorOr<i32> park_forever(Bundle&)
{
    for (;;) {
        (void)Executor::current().wait(SignalBit(4).mask());
        s_parker_wakeups.fetch_add(1);
    }
}

ErrorOr<i32> stop_the_parker(Bundle&)
{
    while (s_parker_wakeups.load() < 20)
        Executor::current().yield();
    kernel_lock::Entry lock; /* as deleting its last TaskCap does */
    Executor::current().stop(*s_parker.load());
    return 0;
}

ErrorOr<i32> raise_the_parker(Bundle&)
{
    u64 raises = 0;
    while (s_raises_after_exit.load() < 1000) {
        s_parker.load()->signals().raise(SignalBit(4));
        if (s_parker_exited.load())
            s_raises_after_exit.fetch_add(1);
        if (++raises % 64 == 0)
            Executor::current().yield();
    }
    return 0;
}

/* ---- movable workers waiting for raises from two pinned raisers, stolen while others exit ---- */
constexpr u32 workers = 8;
constexpr u32 worker_wakeups = 2000;
std::atomic<Task*> s_workers[workers];
std::atomic<u32> s_workers_exited { 0 };

ErrorOr<i32> work_on_raises(Bundle&)
{
    for (u32 count = 0; count < worker_wakeups; ++count)
        (void)Executor::current().wait(SignalBit(6).mask());
    s_workers_exited.fetch_add(1);
    return 0;
}

ErrorOr<i32> raise_every_worker(Bundle&)
{
    test::raise_until_done(s_workers, SignalBit(6), s_workers_exited, 16);
    return 0;
}

using test::check_on_processors;
}

TEST_CASE("Ticket lock: no lost update under four threads", "[kernel][smp]")
{
    TestLock lock;
    u64 counter = 0; /* plain memory: only the lock orders the increments */
    constexpr u32 threads = 4;
    constexpr u32 increments = 50'000;
    std::vector<std::thread> workers;
    for (u32 index = 0; index < threads; ++index) {
        workers.emplace_back([&] {
            for (u32 count = 0; count < increments; ++count) {
                lock.acquire();
                counter = counter + 1;
                lock.release();
            }
        });
    }
    for (auto& worker : workers)
        worker.join();
    CHECK(counter == u64(threads) * increments);
    CHECK(lock.queued() == 0);
}

TEST_CASE("Ticket lock: waiters are served in the order they asked; try_acquire never jumps the queue",
    "[kernel][smp]")
{
    TestLock lock;
    lock.acquire();
    std::atomic<u32> order { 0 };
    u32 first_served = 0;
    u32 second_served = 0;
    std::thread first([&] {
        lock.acquire();
        first_served = ++order;
        lock.release();
    });
    while (lock.queued() != 2)
        sched_yield();
    std::thread second([&] {
        lock.acquire();
        second_served = ++order;
        lock.release();
    });
    while (lock.queued() != 3)
        sched_yield();
    CHECK_FALSE(lock.try_acquire()); /* held, and two wait */
    lock.release();
    first.join();
    second.join();
    CHECK(first_served == 1);
    CHECK(second_served == 2);
    CHECK(lock.try_acquire());
    lock.release();
}

TEST_CASE("Kernel lock: held only inside; a CPU re-entering is refused", "[kernel][smp]")
{
    CHECK_FALSE(kernel_lock::held_here());
    kernel_lock::enter();
    CHECK(kernel_lock::held_here());
    CHECK(kernel_lock::queued() == 1);
    {
        kernel_lock::Entry nested; /* held already: takes nothing */
        CHECK(kernel_lock::queued() == 1);
    }
    CHECK(kernel_lock::held_here());
    kernel_lock::leave();
    CHECK_FALSE(kernel_lock::held_here());
    CHECK(kernel_lock::queued() == 0);
}

TEST_CASE("Two CPUs: a bare host thread raising a Task pinned to an idle CPU 0 wakes it", "[kernel][smp]")
{
    /*
     * A thread that is no CPU reads CPU index 0; signal_raised once took that for "raised on CPU
     * 0 itself" (no fence, no wake-up) and CPU 0 slept on until its idle limit. Every raise here
     * is made while CPU 0 idles, so each must send it a wake-up (counted by the hosted platform).
     */
    check_on_processors(2, [] {
        test::Arena arena(1 * MiB);
        Task* waiter = spawn_on(arena, "waiter", wait_for_the_bare_thread, 0);
        u64 wakes_before = platform::hosted::idle_counts(0).futex_wakes;
        /* The bare thread is a source outside the kernel, as a device's is: not a deadlock. */
        Executor::note_interrupt_routes(1);
        std::atomic<bool> gave_up { false };
        std::thread bare([waiter, &gave_up] {
            u64 start = platform::monotonic_nanoseconds();
            auto waited_too_long = [&] { return platform::monotonic_nanoseconds() - start > 10 * five_seconds; };
            for (u32 round = 0; round < bare_rounds && !gave_up.load(); ++round) {
                while (!Executor::of_processor(0).is_idle() && !waited_too_long())
                    sched_yield();
                waiter->signals().raise(SignalBit(3));
                while (s_bare_acknowledged.load() <= round && !waited_too_long())
                    sched_yield();
            }
        });
        auto status = Executor::current().run_until_exit(*waiter);
        gave_up.store(true);
        bare.join();
        Executor::note_interrupt_routes(0);
        if (status.is_error() || status.value() != 0)
            return 2;
        u64 wakes = platform::hosted::idle_counts(0).futex_wakes - wakes_before;
        if (wakes < bare_rounds / 2) {
            std::printf("CPU 0 was woken %llu times for %u raises\n", static_cast<unsigned long long>(wakes), bare_rounds);
            return 3;
        }
        return reap_all() ? 0 : 4;
    });
}

TEST_CASE("Four CPUs: Tasks pinned to cpus 1 and 2 wake each other 100000 times, none lost", "[kernel][smp]")
{
    check_on_processors(4, [] {
        test::Arena arena(1 * MiB);
        s_pong.store(spawn_on(arena, "pong", pong, 2));
        s_ping.store(spawn_on(arena, "ping", ping, 1));
        if (s_ping.load()->executor().processor() != 1 || s_pong.load()->executor().processor() != 2)
            return 2;
        auto& executor = Executor::current();
        if (executor.run_until_exit(*s_ping.load()).value() != 0 || executor.run_until_exit(*s_pong.load()).value() != 0)
            return 3;
        if (s_wrong_processor.load() != 0)
            return 4;
        return reap_all() ? 0 : 5;
    });
}

TEST_CASE("Four CPUs: a Task runnable behind a spinning one is stolen by an idle CPU", "[kernel][smp]")
{
    /* Either band: the thief's pick scans only the bands it holds Tasks of. */
    Band band = GENERATE(Band::Person, Band::Network);
    CAPTURE(static_cast<u32>(band));
    check_on_processors(4, [band] {
        test::Arena arena(1 * MiB);
        Task* spinner = spawn_on(arena, "spinner", spin_until_released, 1);
        /* Wait until the spinner runs on CPU 1: from then on, nothing else runs there. */
        while (spinner->switches() == 0)
            sched_yield();
        /* Round-robin placement: spawn movable Tasks until one lands on CPU 1. */
        Task* queued = nullptr;
        for (u32 attempt = 0; attempt < 4 && !queued; ++attempt) {
            /* Placed and looked at under the lock: an idle CPU may steal it as soon as it is let go. */
            kernel_lock::Entry lock;
            Task* task = spawn_on(arena, "movable", record_processor_if_queued, processor_any, band);
            if (task->executor().processor() == 1)
                queued = task;
        }
        if (!queued)
            return 7;
        s_queued.store(queued);
        auto& executor = Executor::current();
        if (executor.run_until_exit(*spinner).value() != 0)
            return 2;
        if (s_stolen_on.load() == 1 || s_stolen_on.load() == ~0u)
            return 3;
        if (s_queued_migrations.load() != 1)
            return 8;
        u64 steals = 0;
        for (u32 index = 0; index < 4; ++index)
            steals += Executor::of_processor(index).steals();
        /* The movable Tasks placed elsewhere end on their own: wait for each. */
        for (u32 index = 0; index < 4; ++index) {
            for (Task* task = Executor::of_processor(index).tasks(); task; task = task->next_listed()) {
                if (task->state() != TaskState::Exited && executor.run_until_exit(*task).is_error())
                    return 5;
            }
        }
        if (steals < 1)
            return 4;
        return reap_all() ? 0 : 6;
    });
}

TEST_CASE("Four CPUs: a Task exits while another CPU keeps raising its bits", "[kernel][smp]")
{
    check_on_processors(4, [] {
        test::Arena arena(4 * MiB); /* 40 Tasks; a Reticle only grows until reclaimed */
        for (u32 round = 0; round < 20; ++round) {
            s_target_exited.store(false);
            Task* target = spawn_on(arena, "target", exit_after_some_wakeups, 1);
            s_target.store(target);
            Task* raiser = spawn_on(arena, "raiser", raise_until_exited, 2);
            auto& executor = Executor::current();
            if (executor.run_until_exit(*target).value() != 7)
                return 2;
            s_target_exited.store(true);
            if (executor.run_until_exit(*raiser).value() != 0)
                return 3;
            if (!reap_all())
                return 4;
        }
        return 0;
    });
}

TEST_CASE("Four CPUs: a Task stopped from another CPU while it parks never runs again", "[kernel][smp]")
{
    check_on_processors(4, [] {
        test::Arena arena(4 * MiB);
        for (u32 round = 0; round < 10; ++round) {
            s_parker_wakeups.store(0);
            s_parker_exited.store(false);
            s_raises_after_exit.store(0);
            Task* parker = spawn_on(arena, "parker", park_forever, 1);
            {
                kernel_lock::Entry lock;
                parker->retain(); /* the raiser keeps naming it after it is stopped and forgotten */
            }
            s_parker.store(parker);
            Task* raiser = spawn_on(arena, "raiser", raise_the_parker, 3);
            Task* stopper = spawn_on(arena, "stopper", stop_the_parker, 2);
            auto& executor = Executor::current();
            if (executor.run_until_exit(*stopper).value() != 0)
                return 2;
            (void)executor.run_until_exit(*parker);
            if (parker->state() != TaskState::Exited || parker->exit_cause() != ExitCause::Stopped)
                return 3;
            u64 wakeups_at_exit = s_parker_wakeups.load();
            s_parker_exited.store(true);
            if (executor.run_until_exit(*raiser).value() != 0)
                return 4;
            if (s_parker_wakeups.load() != wakeups_at_exit)
                return 5; /* it ran after it was stopped */
            if (!reap_all())
                return 6;
            kernel_lock::Entry lock;
            parker->release();
        }
        return 0;
    });
}

TEST_CASE("Four CPUs: movable Tasks woken from two CPUs are stolen and exit, no wake-up lost", "[kernel][smp]")
{
    check_on_processors(4, [] {
        test::Arena arena(4 * MiB);
        s_workers_exited.store(0);
        {
            /* All placed before any raiser looks at them. */
            kernel_lock::Entry lock;
            for (auto& worker : s_workers)
                worker.store(spawn_on(arena, "worker", work_on_raises, processor_any));
        }
        Task* first = spawn_on(arena, "raiser1", raise_every_worker, 1);
        Task* second = spawn_on(arena, "raiser2", raise_every_worker, 2);
        auto& executor = Executor::current();
        for (auto& worker : s_workers) {
            if (executor.run_until_exit(*worker.load()).value() != 0)
                return 2;
        }
        if (executor.run_until_exit(*first).value() != 0 || executor.run_until_exit(*second).value() != 0)
            return 3;
        u64 steals = 0;
        for (u32 index = 0; index < 4; ++index)
            steals += Executor::of_processor(index).steals();
        std::printf("%llu steals\n", static_cast<unsigned long long>(steals));
        if (steals == 0)
            return 5; /* the case is about steals racing raises and exits */
        return reap_all() ? 0 : 4;
    });
}
