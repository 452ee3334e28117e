/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * One executor per CPU (ADR 0026) on the hosted platform's CPU threads, against the host:
 *
 * - BM_cross_cpu_wakeup: a Task pinned to cpu 1 waits on a Signal bit; a Task on cpu 0 raises it.
 *   One iteration is one wake-up, timed one way with platform::cycle_counter(), which both ends
 *   read (on hosted the host CPU's own counter, the same on every CPU; manual time): from just
 *   before the raise on cpu 0 to the waiter running on cpu 1 after its wait returned. The waiter then raises the driver back (untimed) and parks again. The baseline is
 *   two host threads handing over the same way through a futex word and a "sleeping" flag.
 *   Counter `polled_share`: the share of cpu 1's idles in the run that a wake-up ended while it
 *   still polled (CONFIG_HOSTED_IDLE_POLL_MICROSECONDS, ADR 0026 §7) rather than in a futex sleep.
 * - BM_two_pairs_pingpong: two independent Ring ping-pong pairs, pair A's two Tasks pinned to
 *   cpu 0 and pair B's to cpu 1, round trips of both per second; the baseline is pair A alone on
 *   cpu 0 while cpu 1 idles. What limits it is the big kernel lock every switch takes: each driver
 *   samples kernel_lock::queued() before it waits (counter `kernel_lock_busy`: the share of
 *   round trips that found the lock held or waited for by the other CPU; `pair_b_share`: the share
 *   of the round trips pair B made).
 *
 * Started CPUs never stop and a second CPU makes every raise pay the idle handshake's fence, so
 * these records live in a binary of their own, not in bench_primitives.
 */

#include "../TestSupport.h"
#include "BenchSupport.h"
#include "TaskRings.h"
#include <atomic>
#include <benchmark/benchmark.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <thread>
#include <vectra/Bundle.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/kernel/KernelLock.h>
#include <vectra/kernel/Ring.h>
#include <vectra/kernel/Signal.h>
#include <vectra/platform/Platform.h>
#include <vectra/platform/hosted/Processors.h>
#include <vectra/Try.h>

using namespace vectra;
using namespace vectra::bench;

namespace {

constexpr u64 schema = schema_id_of("schema bench.smp.pingpong version 1\n");
constexpr u64 stop_value = ~u64(0);
constexpr u32 pingpong_slots = 64;
constexpr u32 slot_size = 32; /* the 16-byte slot header + one u64, rounded up to a power of two */
constexpr usize task_stack = 64 * KiB;
constexpr SignalBit doorbell_bit { 0 };
constexpr SignalBit space_bit { 1 };
constexpr SignalBit wake_bit { 3 };
constexpr SignalBit stop_bit { 4 };

/* Starts the hosted platform's second CPU thread, once for the process. */
bool two_processors()
{
    static bool const started = [] {
        platform::hosted::request_processors(2);
        return !kernel::start_processors().is_error() && Executor::task_processors() >= 2;
    }();
    return started;
}

void fail(benchmark::State& state, char const* message)
{
    if (!state.error_occurred())
        state.SkipWithError(message);
}

/* The Tasks of one run, spawned and given their Bundles under the kernel lock (so a Task on
   cpu 1 cannot start before its Bundle is filled), run to exit and reaped. */
class TaskRun {
public:
    explicit TaskRun(benchmark::State& state)
        : m_state(state)
    {
    }

    CapabilitySpace& parent() { return m_parent; }
    Reticle& reticle() { return m_arena.reticle(); }

    Task& spawn(char const* name, TaskEntry entry, u32 processor)
    {
        SpawnParameters parameters { name, entry, task_stack };
        parameters.processor = processor;
        Task* task = MUST(Executor::current().spawn(m_arena.reticle(), parameters));
        m_tasks[m_count++] = task;
        return *task;
    }

    void run_and_reap()
    {
        auto& executor = Executor::current();
        for (usize index = 0; index < m_count; ++index) {
            Task& task = *m_tasks[index];
            auto exited = executor.run_until_exit(task);
            if (exited.is_error() || task.exit_cause() != ExitCause::Returned || exited.value() != 0)
                fail(m_state, task.exit_error().message() ? task.exit_error().message() : "a Task failed");
        }
        kernel_lock::Entry lock;
        for (usize index = 0; index < m_count; ++index)
            MUST(m_tasks[index]->executor().reap(*m_tasks[index]));
    }

private:
    benchmark::State& m_state;
    test::Arena m_arena { 1 * MiB };
    CapabilitySpace m_parent { allocate_space_id() };
    Task* m_tasks[4] {};
    usize m_count { 0 };
};

SignalCap signal_on(CapabilitySpace& parent, Task& task, SignalBit bit)
{
    return MUST(parent.mint<CapabilityClass::Signal>(&task.signals(), RightRaise | RightGrant, bit.index()));
}

/* ---- Cross-CPU wake-up: raise on cpu 0 → the waiter running on cpu 1 ------------------------ */

/* Two cycle-counter reads, possibly on two CPUs, as seconds (manual time). */
double seconds_between(u64 start, u64 end)
{
    return double(platform::cycles_to_nanoseconds(end > start ? end - start : 0)) * 1e-9;
}

struct WakeupRun {
    benchmark::State* state { nullptr };
    std::atomic<u64> woke_at { 0 };
    std::atomic<u32> misplaced { 0 };
};
WakeupRun s_wakeup;

ErrorOr<void> wakeup_drive(Bundle& bundle)
{
    auto& space = this_task().capabilities();
    auto waiter = TRY(bundle.take<SignalCap>("waiter"));
    auto stop = TRY(bundle.take<SignalCap>("stop"));
    auto& state = *s_wakeup.state;
    for (auto _ : state) {
        u64 raised_at = platform::cycle_counter();
        TRY(raise(space, waiter));
        (void)wait(wake_bit.mask());
        state.SetIterationTime(seconds_between(raised_at, s_wakeup.woke_at.load(std::memory_order_relaxed)));
    }
    return raise(space, stop);
}

ErrorOr<i32> wakeup_driver(Bundle& bundle)
{
    if (platform::current_processor() != 0)
        s_wakeup.misplaced.fetch_add(1);
    auto outcome = wakeup_drive(bundle);
    if (outcome.is_error()) {
        fail(*s_wakeup.state, outcome.error().message());
        return outcome.release_error();
    }
    return 0;
}

ErrorOr<i32> wakeup_waiter(Bundle& bundle)
{
    auto& space = this_task().capabilities();
    auto driver = TRY(bundle.take<SignalCap>("driver"));
    for (;;) {
        u64 bits = wait(wake_bit.mask() | stop_bit.mask());
        s_wakeup.woke_at.store(platform::cycle_counter(), std::memory_order_relaxed);
        if (platform::current_processor() != 1)
            s_wakeup.misplaced.fetch_add(1);
        if (bits & stop_bit.mask())
            return 0;
        TRY(raise(space, driver));
    }
}

/* One iteration: the raise on cpu 0 until the waiter pinned to cpu 1 runs (one way, manual time). */
void cross_cpu_wakeup_ours(benchmark::State& state)
{
    if (!two_processors())
        return fail(state, "the hosted platform did not start a second CPU");
    s_wakeup.state = &state;
    s_wakeup.misplaced.store(0);
    auto idles_before = platform::hosted::idle_counts(1);
    TaskRun run(state);
    {
        kernel_lock::Entry lock; /* cpu 1's executor is live */
        Task& driver = run.spawn("driver", wakeup_driver, 0);
        Task& waiter = run.spawn("waiter", wakeup_waiter, 1);
        MUST(driver.bundle().grant("waiter", run.parent(), signal_on(run.parent(), waiter, wake_bit), RightRaise));
        MUST(driver.bundle().grant("stop", run.parent(), signal_on(run.parent(), waiter, stop_bit), RightRaise));
        MUST(waiter.bundle().grant("driver", run.parent(), signal_on(run.parent(), driver, wake_bit), RightRaise));
    }
    run.run_and_reap();
    if (s_wakeup.misplaced.load() != 0)
        fail(state, "a Task ran on a CPU it was not pinned to");
    auto idles = platform::hosted::idle_counts(1);
    u64 polled = idles.polled_wakeups - idles_before.polled_wakeups;
    u64 slept = idles.sleeps - idles_before.sleeps;
    state.counters["polled_share"] = polled + slept ? double(polled) / double(polled + slept) : 0.0;
}

long futex(std::atomic<u32>& word, int operation, u32 value)
{
    return syscall(SYS_futex, reinterpret_cast<u32*>(&word), operation, value, nullptr, nullptr, 0);
}

/* A host thread's wake-up word: the same Dekker handshake as the executor's idle flag (ADR 0026 §3). */
struct HostWakeup {
    std::atomic<u32> word { 0 };
    std::atomic<bool> sleeping { false };
    u32 seen { 0 };

    void raise()
    {
        word.fetch_add(1, std::memory_order_seq_cst);
        if (sleeping.load(std::memory_order_seq_cst))
            (void)futex(word, FUTEX_WAKE_PRIVATE, 1);
    }
    void wait()
    {
        for (;;) {
            sleeping.store(true, std::memory_order_seq_cst);
            u32 value = word.load(std::memory_order_seq_cst);
            if (value != seen) {
                sleeping.store(false, std::memory_order_relaxed);
                seen = value;
                return;
            }
            (void)futex(word, FUTEX_WAIT_PRIVATE, value);
            sleeping.store(false, std::memory_order_relaxed);
        }
    }
};

/* One iteration: the same hand-over between two host threads parked on futex words. */
void cross_cpu_wakeup_baseline(benchmark::State& state)
{
    HostWakeup to_waiter;
    HostWakeup to_driver;
    std::atomic<u64> woke_at { 0 };
    std::atomic<bool> stop { false };
    std::thread waiter([&] {
        for (;;) {
            to_waiter.wait();
            woke_at.store(platform::cycle_counter(), std::memory_order_relaxed);
            if (stop.load())
                return;
            to_driver.raise();
        }
    });
    for (auto _ : state) {
        u64 raised_at = platform::cycle_counter();
        to_waiter.raise();
        to_driver.wait();
        state.SetIterationTime(seconds_between(raised_at, woke_at.load(std::memory_order_relaxed)));
    }
    stop.store(true);
    to_waiter.raise();
    waiter.join();
}

/* ---- Two ping-pong pairs on two CPUs against one pair on one ------------------------------- */

struct PairsRun {
    benchmark::State* state { nullptr };
    std::atomic<bool> done { false };
    std::atomic<bool> counting { false };
    std::atomic<bool> background_started { false };
    std::atomic<u64> background_round_trips { 0 };
    std::atomic<u64> lock_busy { 0 };
    std::atomic<u64> sampled { 0 };
    std::atomic<u32> misplaced { 0 };
    u32 pairs { 1 };
};
PairsRun s_pairs;

struct PairEnds {
    RingEnds rings;
    u32 processor;
};

ErrorOr<PairEnds> bind_pair_ends(Bundle& bundle)
{
    auto rings = TRY(bind_ends(bundle, schema, space_bit, doorbell_bit));
    return PairEnds { rings, platform::current_processor() };
}

/* One round trip; samples whether the other CPU holds or waits for the kernel lock before waiting. */
ErrorOr<u64> round_trip(PairEnds& ends, u64 value)
{
    TRY(ends.rings.sender.try_send(bytes_of(value)));
    if (kernel_lock::queued() != 0)
        s_pairs.lock_busy.fetch_add(1, std::memory_order_relaxed);
    s_pairs.sampled.fetch_add(1, std::memory_order_relaxed);
    u64 reply = TRY(receive_waiting(ends.rings.receiver));
    if (reply != value + 1)
        return Error(ErrorCode::MalformedMessage, "ping-pong reply out of order");
    if (platform::current_processor() != ends.processor)
        s_pairs.misplaced.fetch_add(1);
    return reply;
}

/* Pair A's driver: runs the benchmark loop once pair B, if any, has made a round trip (B counts
   those it makes while the loop runs; a short estimation run may see none). */
ErrorOr<void> timed_drive(Bundle& bundle)
{
    auto ends = TRY(bind_pair_ends(bundle));
    while (s_pairs.pairs == 2 && !s_pairs.background_started.load())
        cpu_relax();
    u64 value = 0;
    s_pairs.counting.store(true);
    for (auto _ : *s_pairs.state)
        value = TRY(round_trip(ends, value));
    s_pairs.counting.store(false);
    return ends.rings.sender.try_send(bytes_of(stop_value));
}

/* Pair B's driver: round trips until pair A is done, counting those made while A's loop ran. */
ErrorOr<void> background_drive(Bundle& bundle)
{
    auto ends = TRY(bind_pair_ends(bundle));
    u64 value = 0;
    while (!s_pairs.done.load(std::memory_order_relaxed)) {
        value = TRY(round_trip(ends, value));
        s_pairs.background_started.store(true, std::memory_order_relaxed);
        if (s_pairs.counting.load(std::memory_order_relaxed))
            s_pairs.background_round_trips.fetch_add(1, std::memory_order_relaxed);
    }
    return ends.rings.sender.try_send(bytes_of(stop_value));
}

template<ErrorOr<void> (*drive)(Bundle&)>
ErrorOr<i32> pair_driver(Bundle& bundle)
{
    auto outcome = drive(bundle);
    s_pairs.done.store(true);
    if (outcome.is_error()) {
        fail(*s_pairs.state, outcome.error().message());
        return outcome.release_error();
    }
    return 0;
}

ErrorOr<i32> pair_partner(Bundle& bundle)
{
    auto ends = TRY(bind_pair_ends(bundle));
    for (;;) {
        u64 value = TRY(receive_waiting(ends.rings.receiver));
        if (value == stop_value)
            return 0;
        if (platform::current_processor() != ends.processor)
            s_pairs.misplaced.fetch_add(1);
        TRY(ends.rings.sender.try_send(bytes_of(value + 1)));
    }
}

/* A driver and its partner pinned to `processor`, joined by two Rings. */
void spawn_pair(TaskRun& run, TaskEntry driver_entry, u32 processor)
{
    auto ring = [&run] {
        return MUST(run.parent().mint<CapabilityClass::Ring>(
            MUST(Ring::try_create(run.reticle(), pingpong_slots, slot_size, schema)), all_rights));
    };
    Task& driver = run.spawn("driver", driver_entry, processor);
    Task& partner = run.spawn("partner", pair_partner, processor);
    auto to_partner = ring();
    auto to_driver = ring();
    MUST(driver.bundle().grant("out", run.parent(), to_partner, RightSend));
    MUST(driver.bundle().grant("in", run.parent(), to_driver, RightReceive));
    MUST(partner.bundle().grant("in", run.parent(), to_partner, RightReceive));
    MUST(partner.bundle().grant("out", run.parent(), to_driver, RightSend));
}

/* `pairs` pairs: pair A on cpu 0 and, for two, pair B on cpu 1. Items: round trips of both. */
void pairs_pingpong(benchmark::State& state, u32 pairs)
{
    if (!two_processors())
        return fail(state, "the hosted platform did not start a second CPU");
    s_pairs.state = &state;
    s_pairs.pairs = pairs;
    s_pairs.done.store(false);
    s_pairs.counting.store(false);
    s_pairs.background_started.store(false);
    s_pairs.background_round_trips.store(0);
    s_pairs.lock_busy.store(0);
    s_pairs.sampled.store(0);
    s_pairs.misplaced.store(0);
    TaskRun run(state);
    {
        kernel_lock::Entry lock;
        spawn_pair(run, pair_driver<timed_drive>, 0);
        if (pairs == 2)
            spawn_pair(run, pair_driver<background_drive>, 1);
    }
    run.run_and_reap();
    if (s_pairs.misplaced.load() != 0)
        fail(state, "a Task ran on a CPU it was not pinned to");
    u64 background = s_pairs.background_round_trips.load();
    state.SetItemsProcessed(static_cast<i64>(u64(state.iterations()) + background));
    state.counters["pair_b_share"] = double(background) / double(u64(state.iterations()) + background);
    u64 sampled = s_pairs.sampled.load();
    state.counters["kernel_lock_busy"] = sampled ? double(s_pairs.lock_busy.load()) / double(sampled) : 0.0;
}

/* One iteration: a round trip of pair A, plus those pair B made meanwhile on cpu 1 (items). */
void two_pairs_pingpong_ours(benchmark::State& state) { pairs_pingpong(state, 2); }
/* One iteration: a round trip of pair A alone on cpu 0. */
void two_pairs_pingpong_baseline(benchmark::State& state) { pairs_pingpong(state, 1); }

}

BENCHMARK(cross_cpu_wakeup_ours)->Name("BM_cross_cpu_wakeup/ours")->UseManualTime();
BENCHMARK(cross_cpu_wakeup_baseline)->Name("BM_cross_cpu_wakeup/baseline_futex_threads")->UseManualTime();
BENCHMARK(two_pairs_pingpong_ours)->Name("BM_two_pairs_pingpong/ours")->UseRealTime();
BENCHMARK(two_pairs_pingpong_baseline)->Name("BM_two_pairs_pingpong/baseline_one_pair")->UseRealTime();
