/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The primitives against their baselines, registered in pairs: BM_<what>/ours and
 * BM_<what>/baseline_<how>. tests/bench/benchmarks.json pairs them and names each record's
 * unit and goal; `./vectra bench` runs this binary and computes the ratios. Numbers, never
 * verdicts: nothing here fails a build or a test.
 *
 * Every benchmark iteration is one operation of the unit its record names (one round trip, one
 * burst, one call); the executor benchmarks run Google Benchmark's loop inside a Task.
 */

#include "../TestSupport.h"
#include "../primitives/PciModel.h"
#include "BenchSupport.h"
#include "TaskRings.h"
#include <atomic>
#include <benchmark/benchmark.h>
#include <boost/fiber/all.hpp>
#include <boost/lockfree/spsc_queue.hpp>
#include <optional>
#include <thread>
#include <unistd.h>
#include <vectra/Bundle.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/PciDevice.h>
#include <vectra/kernel/Ring.h>
#include <vectra/kernel/Signal.h>
#include <vectra/System.h>
#include <vectra/Try.h>

using namespace vectra;
using namespace vectra::bench;

namespace {

constexpr u64 schema = schema_id_of("schema bench.pingpong version 1\n");
constexpr u64 stop_value = ~u64(0);
constexpr u32 pingpong_slots = 64;
constexpr u32 throughput_slots = 1024;
constexpr u32 slot_size = 32; /* the 16-byte slot header + one u64, rounded up to a power of two */
constexpr usize burst = 32;
constexpr usize task_stack = 64 * KiB;
constexpr SignalBit doorbell_bit { 0 };
constexpr SignalBit space_bit { 1 };
constexpr SignalBit wake_bit { 3 };
constexpr SignalBit stop_bit { 4 };
constexpr SignalBit ready_bit { 5 };

/*
 * What the two Tasks of an executor benchmark share with the benchmark function. Tasks see
 * only their Bundles; the Google Benchmark state and the stop flag are test plumbing.
 */
struct TaskPairRun {
    benchmark::State* state { nullptr };
    bool done { false };
};
TaskPairRun s_run;

/*
 * Spawns a driver and a partner Task, lets `prepare` fill their Bundles from `parent` (the
 * space that holds the originals, as a supervisor's would), runs both to exit and reaps them.
 */
template<typename Prepare>
void run_task_pair(benchmark::State& state, TaskEntry driver_entry, TaskEntry partner_entry, Prepare prepare)
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    s_run = { &state, false };
    Task* driver = MUST(executor.spawn(arena.reticle(), { "driver", driver_entry, task_stack }));
    Task* partner = MUST(executor.spawn(arena.reticle(), { "partner", partner_entry, task_stack }));
    prepare(arena.reticle(), parent, *driver, *partner);
    (void)executor.run_until_exit(*driver);
    (void)executor.run_until_exit(*partner);
    for (Task* task : { driver, partner }) {
        if (task->exit_cause() != ExitCause::Returned && !state.error_occurred())
            state.SkipWithError(
                task->exit_error().message() ? task->exit_error().message() : exit_cause_name(task->exit_cause()));
        MUST(executor.reap(*task));
    }
}

/* Ends the driver's side: the partner sees `done` (or a stop message or bit) and exits too. */
ErrorOr<i32> finish_driver(ErrorOr<void> outcome)
{
    s_run.done = true;
    if (outcome.is_error()) {
        if (!s_run.state->error_occurred())
            s_run.state->SkipWithError(outcome.error().message());
        return outcome.release_error();
    }
    return 0;
}

/* ---- Task switch: two Tasks yield to each other through the executor ------------------------ */

ErrorOr<i32> switch_driver(Bundle&)
{
    for (auto _ : *s_run.state)
        Executor::current().yield();
    return finish_driver({});
}

ErrorOr<i32> switch_partner(Bundle&)
{
    while (!s_run.done)
        Executor::current().yield();
    return 0;
}

/* One iteration: driver → partner → driver, two Task switches. */
void task_switch_ours(benchmark::State& state)
{
    run_task_pair(state, switch_driver, switch_partner, [](Reticle&, CapabilitySpace&, Task&, Task&) {});
}

void raw_switch_partner(fcontext::transfer_t transfer)
{
    for (;;)
        transfer = fcontext::jump_fcontext(transfer.fctx, nullptr);
}

/* One iteration: main → fiber → main, two raw jump_fcontext calls. */
void task_switch_baseline(benchmark::State& state)
{
    Fiber partner(raw_switch_partner);
    for (auto _ : state)
        partner.resume();
}

/* ---- Ring ping-pong on one core: two Tasks, two Rings, doorbells ---------------------------- */

ErrorOr<RingEnds> bind_ends(Bundle& bundle) { return bench::bind_ends(bundle, schema, space_bit, doorbell_bit); }

ErrorOr<void> pingpong_drive(Bundle& bundle)
{
    auto ends = TRY(bind_ends(bundle));
    u64 value = 0;
    for (auto _ : *s_run.state) {
        TRY(ends.sender.try_send(bytes_of(value)));
        u64 reply = TRY(receive_waiting(ends.receiver));
        if (reply != value + 1)
            return Error(ErrorCode::MalformedMessage, "ping-pong reply out of order");
        value = reply;
    }
    return ends.sender.try_send(bytes_of(stop_value));
}

ErrorOr<i32> pingpong_driver(Bundle& bundle) { return finish_driver(pingpong_drive(bundle)); }

ErrorOr<i32> pingpong_partner(Bundle& bundle)
{
    auto ends = TRY(bind_ends(bundle));
    for (;;) {
        u64 value = TRY(receive_waiting(ends.receiver));
        if (value == stop_value)
            return 0;
        TRY(ends.sender.try_send(bytes_of(value + 1)));
    }
}

/* One iteration: a u64 to the partner Task and its reply back, each waking its receiver by doorbell. */
void ring_pingpong_same_core_ours(benchmark::State& state)
{
    auto prepare = [](Reticle& reticle, CapabilitySpace& parent, Task& driver, Task& partner) {
        auto to_partner = MUST(parent.mint<CapabilityClass::Ring>(
            MUST(Ring::try_create(reticle, pingpong_slots, slot_size, schema)), all_rights));
        auto to_driver = MUST(parent.mint<CapabilityClass::Ring>(
            MUST(Ring::try_create(reticle, pingpong_slots, slot_size, schema)), all_rights));
        MUST(driver.bundle().grant("out", parent, to_partner, RightSend));
        MUST(driver.bundle().grant("in", parent, to_driver, RightReceive));
        MUST(partner.bundle().grant("in", parent, to_partner, RightReceive));
        MUST(partner.bundle().grant("out", parent, to_driver, RightSend));
    };
    run_task_pair(state, pingpong_driver, pingpong_partner, prepare);
}

using PingPongQueue = boost::lockfree::spsc_queue<u64, boost::lockfree::capacity<pingpong_slots>>;

struct QueuePair {
    PingPongQueue to_partner;
    PingPongQueue to_driver;
};

/* Polls its queue, jumping back to the driver whenever it is empty. */
void queue_partner(fcontext::transfer_t transfer)
{
    auto& queues = *static_cast<QueuePair*>(transfer.data);
    for (;;) {
        u64 value = 0;
        while (!queues.to_partner.pop(value))
            transfer = fcontext::jump_fcontext(transfer.fctx, nullptr);
        queues.to_driver.push(value + 1);
    }
}

/* One iteration: a u64 through two spsc_queues polled by two fcontext fibers. */
void ring_pingpong_same_core_baseline(benchmark::State& state)
{
    QueuePair queues;
    Fiber partner(queue_partner);
    partner.resume(&queues);
    u64 value = 0;
    for (auto _ : state) {
        queues.to_partner.push(value);
        u64 reply = 0;
        while (!queues.to_driver.pop(reply))
            partner.resume();
        value = reply;
    }
    benchmark::DoNotOptimize(value);
}

/* ---- A user-space scheduler as the baseline: Boost.Fiber ---------------------------------------
 * The baselines above jump between two fibers with no scheduler at all. These two run the same
 * exchanges under Boost.Fiber's round-robin scheduler, a production user-space scheduler of the
 * benchmark thread: a ready queue, a fiber's state, a switch through Boost.Context — what a
 * Task switch does besides the jump, short of what ours adds (a lock per executor, per-Task time,
 * bands, capabilities). Reported beside the goals, never a goal of their own. */

/* One iteration: this fiber yields, the partner fiber runs and yields back: two scheduler switches. */
void task_switch_baseline_fiber(benchmark::State& state)
{
    bool stop = false;
    boost::fibers::fiber partner([&stop] {
        while (!stop)
            boost::this_fiber::yield();
    });
    for (auto _ : state)
        boost::this_fiber::yield();
    stop = true;
    partner.join();
}

/* One iteration: a u64 to the partner fiber through a buffered_channel and its reply back through
   another, each receiver suspended in pop() until the value arrives and woken by the push. */
void ring_pingpong_same_core_baseline_fiber_channel(benchmark::State& state)
{
    boost::fibers::buffered_channel<u64> to_partner(pingpong_slots);
    boost::fibers::buffered_channel<u64> to_driver(pingpong_slots);
    boost::fibers::fiber partner([&] {
        u64 value = 0;
        while (to_partner.pop(value) == boost::fibers::channel_op_status::success)
            to_driver.push(value + 1);
    });
    u64 value = 0;
    bool ordered = true;
    for (auto _ : state) {
        to_partner.push(value);
        u64 reply = 0;
        if (to_driver.pop(reply) != boost::fibers::channel_op_status::success || reply != value + 1)
            ordered = false;
        value = reply;
    }
    to_partner.close();
    partner.join();
    if (!ordered)
        state.SkipWithError("fiber channel ping-pong reply out of order");
}

/* ---- Rings between threads: both ends bound, as two Tasks on two cores would hold them ------- */

/*
 * A Ring with its producer end bound in one capability space and its consumer end in another.
 * Threads spin on the ends instead of waiting; the doorbell and space bits are still raised (on
 * masks nobody waits on), as they are for Tasks.
 */
class BoundRing {
public:
    BoundRing(Reticle& reticle, u32 slots)
    {
        Ring* ring = MUST(Ring::try_create(reticle, slots, slot_size, schema));
        auto original = MUST(m_producer_space.mint<CapabilityClass::Ring>(ring, all_rights));
        auto producer_end = MUST(m_producer_space.attenuate(original, RightSend));
        auto consumer_end = MUST(m_producer_space.copy_to(m_consumer_space, original, RightReceive));
        m_sender.emplace(MUST(RingProducer::bind(m_producer_space, producer_end, schema, m_producer_mask, space_bit)));
        m_receiver.emplace(
            MUST(RingConsumer::bind(m_consumer_space, consumer_end, schema, m_consumer_mask, doorbell_bit)));
    }

    RingProducer& sender() { return *m_sender; }
    RingConsumer& receiver() { return *m_receiver; }

    void send(u64 value)
    {
        while (m_sender->try_send(bytes_of(value)).is_error())
            cpu_relax();
    }
    u64 receive()
    {
        u64 value = 0;
        while (m_receiver->try_receive(writable_bytes_of(value)).is_error())
            cpu_relax();
        return value;
    }

private:
    CapabilitySpace m_producer_space { allocate_space_id() };
    CapabilitySpace m_consumer_space { allocate_space_id() };
    SignalMask m_producer_mask;
    SignalMask m_consumer_mask;
    std::optional<RingProducer> m_sender;
    std::optional<RingConsumer> m_receiver;
};

struct SpinningQueue {
    PingPongQueue* queue;

    void send(u64 value)
    {
        while (!queue->push(value))
            cpu_relax();
    }
    u64 receive()
    {
        u64 value = 0;
        while (!queue->pop(value))
            cpu_relax();
        return value;
    }
};

/* A blocking pipe per direction: what two Linux threads would use without shared memory. */
struct PipeEnd {
    int read_descriptor;
    int write_descriptor;

    void send(u64 value)
    {
        VERIFY(write(write_descriptor, &value, sizeof(value)) == static_cast<ssize_t>(sizeof(value)));
    }
    u64 receive()
    {
        u64 value = 0;
        VERIFY(read(read_descriptor, &value, sizeof(value)) == static_cast<ssize_t>(sizeof(value)));
        return value;
    }
};

/* Runs a ping-pong between this thread (first CPU) and a partner thread (second CPU) over two channels. */
template<typename Channel>
void cross_core_pingpong(benchmark::State& state, Channel& to_partner, Channel& to_driver)
{
    int driver_cpu = allowed_cpu(0);
    int partner_cpu = allowed_cpu(1);
    if (partner_cpu < 0) {
        state.SkipWithError("cross-core benchmarks need two CPUs");
        return;
    }
    ScopedPin pin(driver_cpu);
    std::thread partner([&] {
        ScopedPin partner_pin(partner_cpu);
        for (;;) {
            u64 value = to_partner.receive();
            if (value == stop_value)
                return;
            to_driver.send(value + 1);
        }
    });
    u64 value = 0;
    for (auto _ : state) {
        to_partner.send(value);
        value = to_driver.receive();
    }
    to_partner.send(stop_value);
    partner.join();
    state.SetLabel(pin.pinned() ? "pinned" : "unpinned");
}

void ring_pingpong_cross_core_ours(benchmark::State& state)
{
    test::Arena arena(1 * MiB);
    BoundRing to_partner(arena.reticle(), pingpong_slots);
    BoundRing to_driver(arena.reticle(), pingpong_slots);
    cross_core_pingpong(state, to_partner, to_driver);
}

void ring_pingpong_cross_core_baseline_spsc(benchmark::State& state)
{
    QueuePair queues;
    SpinningQueue to_partner { &queues.to_partner };
    SpinningQueue to_driver { &queues.to_driver };
    cross_core_pingpong(state, to_partner, to_driver);
}

void ring_pingpong_cross_core_baseline_pipe(benchmark::State& state)
{
    int to_partner_pipe[2];
    int to_driver_pipe[2];
    VERIFY(pipe(to_partner_pipe) == 0 && pipe(to_driver_pipe) == 0);
    PipeEnd to_partner { to_partner_pipe[0], to_partner_pipe[1] };
    PipeEnd to_driver { to_driver_pipe[0], to_driver_pipe[1] };
    cross_core_pingpong(state, to_partner, to_driver);
    for (int descriptor : { to_partner_pipe[0], to_partner_pipe[1], to_driver_pipe[0], to_driver_pipe[1] })
        close(descriptor);
}

/* ---- Ring throughput: one producer thread, one consumer thread, bursts ----------------------- */

/*
 * One iteration: the producer (this thread, first CPU) sends one burst of `burst` messages; a
 * consumer thread (second CPU) takes them as they come and checks their order. Items are messages.
 */
template<typename Produce, typename Consume>
void throughput(benchmark::State& state, Produce produce, Consume consume)
{
    int producer_cpu = allowed_cpu(0);
    int consumer_cpu = allowed_cpu(1);
    if (consumer_cpu < 0) {
        state.SkipWithError("cross-core benchmarks need two CPUs");
        return;
    }
    ScopedPin pin(producer_cpu);
    std::atomic<u64> target { ~u64(0) };
    bool in_order = true;
    std::thread consumer([&] {
        ScopedPin consumer_pin(consumer_cpu);
        u64 received = 0;
        while (received < target.load(std::memory_order_acquire))
            in_order = consume(received) && in_order;
    });
    u64 sent = 0;
    for (auto _ : state)
        sent = produce(sent);
    target.store(sent, std::memory_order_release);
    consumer.join();
    if (!in_order)
        state.SkipWithError("messages arrived out of order");
    state.SetItemsProcessed(static_cast<i64>(state.iterations() * burst));
    state.SetLabel(pin.pinned() ? "pinned" : "unpinned");
}

/*
 * One iteration on one thread: a burst produced, then consumed (the same produce and consume as
 * `throughput`'s). No second CPU, so no cache line moves between cores and no thread waits: what
 * is left is each end's own work per message, steady under load where the two-thread runs are not.
 */
template<typename Produce, typename Consume>
void one_thread(benchmark::State& state, Produce produce, Consume consume)
{
    u64 sent = 0;
    u64 received = 0;
    bool in_order = true;
    for (auto _ : state) {
        sent = produce(sent);
        while (received < sent)
            in_order = consume(received) && in_order;
    }
    if (!in_order)
        state.SkipWithError("messages arrived out of order");
    state.SetItemsProcessed(static_cast<i64>(state.iterations() * burst));
}

/* How the two-thread and one-thread records run a pair of produce and consume. */
auto const on_two_threads = [](benchmark::State& state, auto produce, auto consume) {
    throughput(state, produce, consume);
};
auto const on_one_thread = [](benchmark::State& state, auto produce, auto consume) {
    one_thread(state, produce, consume);
};

/* Each burst published with one release store (try_send_burst) and taken in place (receive_burst). */
template<typename Run>
void ring_bursts(benchmark::State& state, Run run)
{
    test::Arena arena(1 * MiB);
    BoundRing ring(arena.reticle(), throughput_slots);
    auto produce = [&ring](u64 sent) {
        u64 values[burst];
        std::span<u8 const> messages[burst];
        for (usize index = 0; index < burst; ++index) {
            values[index] = sent + index;
            messages[index] = bytes_of(values[index]);
        }
        usize published = 0;
        while (published < burst) {
            auto now = ring.sender().try_send_burst(
                std::span<std::span<u8 const> const>(messages + published, burst - published));
            if (now.is_error() || now.value() == 0) {
                cpu_relax();
                continue;
            }
            published += now.value();
        }
        return sent + burst;
    };
    auto consume = [&ring](u64& received) {
        bool in_order = true;
        auto taken = ring.receiver().receive_burst(burst, [&](std::span<u8 const> message) {
            u64 value = 0;
            __builtin_memcpy(&value, message.data(), sizeof(value));
            in_order = in_order && value == received;
            ++received;
        });
        if (taken.is_error() || taken.value() == 0)
            cpu_relax();
        return in_order;
    };
    run(state, produce, consume);
}

void ring_throughput_ours(benchmark::State& state) { ring_bursts(state, on_two_threads); }
void ring_burst_one_thread_ours(benchmark::State& state) { ring_bursts(state, on_one_thread); }

using ThroughputQueue = boost::lockfree::spsc_queue<u64, boost::lockfree::capacity<throughput_slots>>;

/* What a Ring slot moves for one u64 (its 16-byte header, the value, the rest of the 32 bytes). */
struct SlotSizedMessage {
    u64 value;
    u8 rest[slot_size - sizeof(u64)];

    SlotSizedMessage() = default;
    SlotSizedMessage(u64 new_value)
        : value(new_value)
        , rest {}
    {
    }
    bool operator==(u64 other) const { return value == other; }
};
static_assert(sizeof(SlotSizedMessage) == slot_size);

template<typename Message, typename Run>
void spsc_bursts(benchmark::State& state, Run run)
{
    using Queue = boost::lockfree::spsc_queue<Message, boost::lockfree::capacity<throughput_slots>>;
    auto queue = std::make_unique<Queue>();
    auto produce = [&queue](u64 sent) {
        Message messages[burst];
        for (usize index = 0; index < burst; ++index)
            messages[index] = Message(sent + index);
        usize pushed = 0;
        while (pushed < burst) {
            usize now = queue->push(messages + pushed, burst - pushed);
            if (now == 0)
                cpu_relax();
            pushed += now;
        }
        return sent + burst;
    };
    auto consume = [&queue](u64& received) {
        Message messages[burst];
        usize count = queue->pop(messages, burst);
        if (count == 0) {
            cpu_relax();
            return true;
        }
        bool in_order = true;
        for (usize index = 0; index < count; ++index)
            in_order = in_order && messages[index] == received + index;
        received += count;
        return in_order;
    };
    run(state, produce, consume);
}

void ring_throughput_baseline_spsc(benchmark::State& state) { spsc_bursts<u64>(state, on_two_threads); }

/* The same queue moving the Ring's slot size per message: how much of the gap is bytes per message. */
void ring_throughput_baseline_spsc_slot_sized(benchmark::State& state)
{
    spsc_bursts<SlotSizedMessage>(state, on_two_threads);
}

void ring_burst_one_thread_baseline_spsc(benchmark::State& state) { spsc_bursts<u64>(state, on_one_thread); }
void ring_burst_one_thread_baseline_spsc_slot_sized(benchmark::State& state)
{
    spsc_bursts<SlotSizedMessage>(state, on_one_thread);
}

/* The same bursts moved one message at a time: the per-message path without the burst gain. */
void ring_throughput_single_ours(benchmark::State& state)
{
    test::Arena arena(1 * MiB);
    BoundRing ring(arena.reticle(), throughput_slots);
    auto produce = [&ring](u64 sent) {
        for (usize index = 0; index < burst; ++index, ++sent)
            ring.send(sent);
        return sent;
    };
    auto consume = [&ring](u64& received) {
        u64 value = 0;
        if (ring.receiver().try_receive(writable_bytes_of(value)).is_error()) {
            cpu_relax();
            return true;
        }
        return value == received++;
    };
    throughput(state, produce, consume);
}

void ring_throughput_single_baseline_spsc(benchmark::State& state)
{
    auto queue = std::make_unique<ThroughputQueue>();
    auto produce = [&queue](u64 sent) {
        for (usize index = 0; index < burst; ++index, ++sent) {
            while (!queue->push(sent))
                cpu_relax();
        }
        return sent;
    };
    auto consume = [&queue](u64& received) {
        u64 value = 0;
        if (!queue->pop(value)) {
            cpu_relax();
            return true;
        }
        return value == received++;
    };
    throughput(state, produce, consume);
}

/* ---- Signal raise-to-wake: one Task raises a bit another waits on ----------------------------- */

ErrorOr<void> signal_drive(Bundle& bundle)
{
    auto& space = this_task().capabilities();
    auto partner = TRY(bundle.take<SignalCap>("partner"));
    auto stop = TRY(bundle.take<SignalCap>("stop"));
    for (auto _ : *s_run.state) {
        TRY(raise(space, partner));
        (void)wait(wake_bit.mask());
    }
    return raise(space, stop);
}

ErrorOr<i32> signal_driver(Bundle& bundle) { return finish_driver(signal_drive(bundle)); }

ErrorOr<i32> signal_partner(Bundle& bundle)
{
    auto& space = this_task().capabilities();
    auto driver = TRY(bundle.take<SignalCap>("driver"));
    for (;;) {
        u64 bits = wait(wake_bit.mask() | stop_bit.mask());
        if (bits & stop_bit.mask())
            return 0;
        TRY(raise(space, driver));
    }
}

/* One iteration: two raise-to-wake hand-overs (driver wakes partner, partner wakes driver). */
void signal_wake_ours(benchmark::State& state)
{
    auto prepare = [](Reticle&, CapabilitySpace& parent, Task& driver, Task& partner) {
        auto signal_on = [&](Task& task, SignalBit bit) {
            return MUST(parent.mint<CapabilityClass::Signal>(&task.signals(), RightRaise | RightGrant, bit.index()));
        };
        MUST(driver.bundle().grant("partner", parent, signal_on(partner, wake_bit), RightRaise));
        MUST(driver.bundle().grant("stop", parent, signal_on(partner, stop_bit), RightRaise));
        MUST(partner.bundle().grant("driver", parent, signal_on(driver, wake_bit), RightRaise));
    };
    run_task_pair(state, signal_driver, signal_partner, prepare);
}

struct MaskPair {
    SignalMask driver;
    SignalMask partner;
};

void raw_signal_partner(fcontext::transfer_t transfer)
{
    auto& masks = *static_cast<MaskPair*>(transfer.data);
    for (;;) {
        transfer = fcontext::jump_fcontext(transfer.fctx, nullptr);
        if (masks.partner.take(wake_bit.mask()) != 0)
            masks.driver.raise(wake_bit);
    }
}

/* The floor: the same raise/take on bare Signal Masks, switching with raw jump_fcontext. */
void signal_wake_baseline(benchmark::State& state)
{
    MaskPair masks;
    Fiber partner(raw_signal_partner);
    partner.resume(&masks);
    u64 woken = 0;
    for (auto _ : state) {
        masks.partner.raise(wake_bit);
        partner.resume();
        woken += masks.driver.take(wake_bit.mask());
    }
    if (woken != static_cast<u64>(state.iterations()) * wake_bit.mask())
        state.SkipWithError("a wake was lost");
}

/* ---- Interrupt delivery: a device's MSI-X line wakes its driver Task, which acknowledges ----- */

/*
 * The modelled function's MSI-X table (the kernel writes entries and mask bits here), and which
 * way the "device" Task signals: through the line, as the platform's handler reports an
 * arrival (kernel::interrupt_arrived), or, for the baseline, by raising the same bit with a
 * SignalCap. The driver binds entry 0 either way; only the per-iteration path differs.
 */
alignas(4096) u32 s_msix_table[1024];
struct InterruptRun {
    bool through_interrupt { true };
    u32 line { 0 };
};
InterruptRun s_interrupt_run;

ErrorOr<void> interrupt_device_drive(Bundle& bundle)
{
    auto& space = this_task().capabilities();
    auto driver = TRY(bundle.take<SignalCap>("driver"));
    auto stop = TRY(bundle.take<SignalCap>("stop"));
    (void)wait(ready_bit.mask()); /* the driver has bound its entry */
    for (auto _ : *s_run.state) {
        if (s_interrupt_run.through_interrupt)
            kernel::interrupt_arrived(s_interrupt_run.line);
        else
            TRY(raise(space, driver));
        (void)wait(wake_bit.mask());
    }
    return raise(space, stop);
}

ErrorOr<i32> interrupt_device(Bundle& bundle) { return finish_driver(interrupt_device_drive(bundle)); }

ErrorOr<i32> interrupt_driver(Bundle& bundle)
{
    auto& space = this_task().capabilities();
    auto device = TRY(bundle.take<SignalCap>("device"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    auto function = TRY(bundle.take<PciDeviceCap>("function"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto irq = TRY(system::pci_interrupt(function, memory, 0, wake_bit));
    s_interrupt_run.line = TRY(system::interrupt_line(irq));
    TRY(raise(space, ready));
    for (;;) {
        u64 bits = wait(wake_bit.mask() | stop_bit.mask());
        if (bits & stop_bit.mask())
            return 0;
        if (s_interrupt_run.through_interrupt)
            TRY(system::acknowledge_interrupt(irq));
        TRY(raise(space, device));
    }
}

/* One iteration: the device signals, the driver wakes (and acknowledges), the device wakes. */
void interrupt_wake(benchmark::State& state, bool through_interrupt)
{
    test::ConfigModel model;
    test::populate(model, true, s_msix_table);
    platform::PciHostBridge bridge;
    bridge.last_bus = 0;
    (void)kernel::pci_install(model, bridge);
    s_interrupt_run = { through_interrupt, 0 };
    auto prepare = [](Reticle& memory, CapabilitySpace& parent, Task& device, Task& driver) {
        auto signal_on = [&](Task& task, SignalBit bit) {
            return MUST(parent.mint<CapabilityClass::Signal>(&task.signals(), RightRaise | RightGrant, bit.index()));
        };
        MUST(device.bundle().grant("driver", parent, signal_on(driver, wake_bit), RightRaise));
        MUST(device.bundle().grant("stop", parent, signal_on(driver, stop_bit), RightRaise));
        MUST(driver.bundle().grant("device", parent, signal_on(device, wake_bit), RightRaise));
        MUST(driver.bundle().grant("ready", parent, signal_on(device, ready_bit), RightRaise));
        auto* bus = MUST(memory.try_create<PciBusDevice>(&memory));
        auto bus_capability = MUST(parent.mint<CapabilityClass::Device>(bus, RightRead));
        auto own = MUST(parent.mint<CapabilityClass::Reticle>(MUST(memory.try_carve(64 * KiB)), all_rights));
        auto function = MUST(kernel::pci_open(parent, bus_capability, own, PciMatch::by_id(0x1af4, 0x1005), 0));
        MUST(driver.bundle().grant("function", parent, function, RightRead | RightWrite));
        MUST(driver.bundle().grant("memory", parent, own, RightRetype));
    };
    run_task_pair(state, interrupt_device, interrupt_driver, prepare);
}

void interrupt_wake_ours(benchmark::State& state) { interrupt_wake(state, true); }
void interrupt_wake_baseline(benchmark::State& state) { interrupt_wake(state, false); }

/* ---- Capability-checked call vs plain call --------------------------------------------------- */

/*
 * The checked form every primitive call takes: look the handle up in the caller's capability
 * space — space, slot, generation, class and rights — and call through the object it names.
 * The call is a real primitive method compiled out of line (Ring::is_empty, in Ring.cpp).
 */
void capability_call_ours(benchmark::State& state)
{
    test::Arena arena(64 * KiB);
    CapabilitySpace space(allocate_space_id());
    Ring* ring = MUST(Ring::try_create(arena.reticle(), pingpong_slots, slot_size, schema));
    auto original = MUST(space.mint<CapabilityClass::Ring>(ring, all_rights));
    auto handle = MUST(space.attenuate(original, RightReceive));
    u64 empty = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(handle);
        auto object = space.lookup(handle, RightReceive);
        if (object.is_error()) {
            state.SkipWithError(object.error().message());
            break;
        }
        empty += object.value()->is_empty();
    }
    benchmark::DoNotOptimize(empty);
}

void capability_call_baseline(benchmark::State& state)
{
    test::Arena arena(64 * KiB);
    Ring* ring = MUST(Ring::try_create(arena.reticle(), pingpong_slots, slot_size, schema));
    u64 empty = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(ring);
        empty += ring->is_empty();
    }
    benchmark::DoNotOptimize(empty);
}

/* ---- The kernel-call boundary: one call through a CallFrame vs the kernel function it reaches ---- */

/*
 * Runs the benchmark loop inside a Task holding a SignalCap on its own mask: kernel calls act for
 * the calling Task, so both sides must run in one.
 */
template<typename Step>
void in_task_with_signal(benchmark::State& state, Step step)
{
    test::Arena arena(256 * KiB);
    static benchmark::State* s_state;
    static Step* s_step;
    s_state = &state;
    s_step = &step;
    auto result = test::run_as_task(arena.reticle(), [](Task&) {}, [](Bundle&) -> ErrorOr<i32> {
        auto own = TRY(system::signal_capability(SignalBit(9)));
        for (auto _ : *s_state)
            TRY((*s_step)(own));
        (void)system::take_pending(SignalBit(9).mask());
        return 0;
    });
    if (result.is_error())
        state.SkipWithError(result.error().message());
}

/* One iteration: system::raise — a CallFrame built, dispatched by kernel::system_call, the handle checked. */
void kernel_call_ours(benchmark::State& state)
{
    in_task_with_signal(state, [](SignalCap const& signal) { return system::raise(signal); });
}

/* One iteration: the kernel's raise(space, SignalCap) called directly — the same checks, no frame. */
void kernel_call_baseline(benchmark::State& state)
{
    in_task_with_signal(state, [](SignalCap const& signal) { return raise(this_task().capabilities(), signal); });
}

}

BENCHMARK(task_switch_ours)->Name("BM_task_switch/ours");
BENCHMARK(task_switch_baseline)->Name("BM_task_switch/baseline_raw_fcontext");
BENCHMARK(task_switch_baseline_fiber)->Name("BM_task_switch/baseline_boost_fiber");
BENCHMARK(ring_pingpong_same_core_ours)->Name("BM_ring_pingpong_same_core/ours");
BENCHMARK(ring_pingpong_same_core_baseline)->Name("BM_ring_pingpong_same_core/baseline_spsc_fibers");
BENCHMARK(ring_pingpong_same_core_baseline_fiber_channel)->Name("BM_ring_pingpong_same_core/baseline_fiber_channel");
BENCHMARK(ring_pingpong_cross_core_ours)->Name("BM_ring_pingpong_cross_core/ours")->UseRealTime();
BENCHMARK(ring_pingpong_cross_core_baseline_spsc)->Name("BM_ring_pingpong_cross_core/baseline_spsc")->UseRealTime();
BENCHMARK(ring_pingpong_cross_core_baseline_pipe)->Name("BM_ring_pingpong_cross_core/baseline_pipe")->UseRealTime();
BENCHMARK(ring_throughput_ours)->Name("BM_ring_throughput/ours")->UseRealTime();
BENCHMARK(ring_throughput_baseline_spsc)->Name("BM_ring_throughput/baseline_spsc")->UseRealTime();
BENCHMARK(ring_throughput_baseline_spsc_slot_sized)->Name("BM_ring_throughput/baseline_spsc_slot_sized")->UseRealTime();
BENCHMARK(ring_burst_one_thread_ours)->Name("BM_ring_burst_one_thread/ours");
BENCHMARK(ring_burst_one_thread_baseline_spsc)->Name("BM_ring_burst_one_thread/baseline_spsc");
BENCHMARK(ring_burst_one_thread_baseline_spsc_slot_sized)->Name("BM_ring_burst_one_thread/baseline_spsc_slot_sized");
BENCHMARK(ring_throughput_single_ours)->Name("BM_ring_throughput_single/ours")->UseRealTime();
BENCHMARK(ring_throughput_single_baseline_spsc)->Name("BM_ring_throughput_single/baseline_spsc")->UseRealTime();
BENCHMARK(signal_wake_ours)->Name("BM_signal_wake/ours");
BENCHMARK(signal_wake_baseline)->Name("BM_signal_wake/baseline_raw_fcontext");
BENCHMARK(interrupt_wake_ours)->Name("BM_interrupt_wake/ours");
BENCHMARK(interrupt_wake_baseline)->Name("BM_interrupt_wake/baseline_signal_raise");
BENCHMARK(capability_call_ours)->Name("BM_capability_call/ours");
BENCHMARK(capability_call_baseline)->Name("BM_capability_call/baseline_plain_call");
BENCHMARK(kernel_call_ours)->Name("BM_kernel_call/ours");
BENCHMARK(kernel_call_baseline)->Name("BM_kernel_call/baseline_direct_kernel_function");
