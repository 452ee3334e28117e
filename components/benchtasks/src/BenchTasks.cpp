/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The bench_primitives check Task: the primitives timed inside an image with the platform's
 * cycle counter, one console line per result. It spawns its own pairs of worker Tasks from its
 * Reticle (a driver that times its loop and prints, a partner that answers) and reaps them before
 * the next pair, so every loop runs with the same Tasks on the executor.
 *
 * The lines are numbers, not verdicts (images/bench's oracle checks only that they are printed).
 * Under QEMU TCG they measure the emulator: compare them with each other, not with hardware.
 */

#include <benchtasks/CycleCounter.h>
#include <boost/context/detail/fcontext.hpp>
#include <string_view>
#include <vectra/Executor.h>
#include <vectra/Ring.h>
#include <vectra/Signal.h>
#include <vectra/Try.h>
#include <vectra/config.h>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/Entries.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/platform/Platform.h>

namespace vectra::benchtasks {

namespace {

namespace fcontext = boost::context::detail;

constexpr u64 iterations = CONFIG_BENCHTASKS_ITERATIONS;
constexpr u64 warmup_iterations = iterations / 10;
constexpr u64 schema = schema_id_of("schema benchtasks.pingpong version 1\n");
constexpr u64 stop_value = ~u64(0);
constexpr u32 ring_slots = 64;
constexpr u32 ring_slot_size = 16; /* 8-byte header + one u64 */
constexpr usize worker_stack = 16 * KiB;
constexpr SignalBit doorbell_bit { 0 };
constexpr SignalBit space_bit { 1 };
constexpr SignalBit wake_bit { 3 };
constexpr SignalBit stop_bit { 4 };
constexpr SignalBit driver_exit_bit { 40 };
constexpr SignalBit partner_exit_bit { 41 };

/* "412.5": a value with one decimal, printed without floating point. */
struct Tenths {
    u64 whole;
    u64 tenth;
};

Tenths per_operation(u64 total, u64 operations)
{
    u64 tenths = operations == 0 ? 0 : (total * 10 + operations / 2) / operations;
    return { tenths / 10, tenths % 10 };
}

/*
 * Runs `step` warmup_iterations times, then `iterations` times between two readings of the
 * cycle counter and the monotonic clock, and prints
 *   bench: <name>: <cycles> <unit> <ns> ns per <operation>
 * where one step is `operations_per_step` operations.
 */
template<typename Step>
ErrorOr<void> measure(
    ConsoleCap const& console, std::string_view name, std::string_view operation, u64 operations_per_step, Step step)
{
    CycleCounter counter = start_cycle_counter();
    for (u64 index = 0; index < warmup_iterations; ++index)
        TRY(step());
    u64 start_nanoseconds = platform::monotonic_nanoseconds();
    u64 start_cycles = counter.read();
    for (u64 index = 0; index < iterations; ++index)
        TRY(step());
    u64 cycles = counter.read() - start_cycles;
    u64 nanoseconds = platform::monotonic_nanoseconds() - start_nanoseconds;
    u64 operations = iterations * operations_per_step;
    Tenths cycles_each = per_operation(cycles, operations);
    Tenths nanoseconds_each = per_operation(nanoseconds, operations);
    return print_line(console, "bench: {}: {}.{} {} {}.{} ns per {}", name, cycles_each.whole, cycles_each.tenth,
        counter.unit, nanoseconds_each.whole, nanoseconds_each.tenth, operation);
}

ErrorOr<void> done() { return {}; }

/* ---- raw fcontext: the floor every Task switch stands on ------------------------------------- */

void raw_partner(fcontext::transfer_t transfer)
{
    for (;;)
        transfer = fcontext::jump_fcontext(transfer.fctx, nullptr);
}

ErrorOr<void> time_raw_switch(ConsoleCap const& console, Reticle& reticle)
{
    void* stack = TRY(reticle.try_retype(worker_stack, 4096));
    fcontext::fcontext_t partner
        = fcontext::make_fcontext(static_cast<u8*>(stack) + worker_stack, worker_stack, raw_partner);
    return measure(console, "raw_fcontext", "round trip", 1, [&] {
        partner = fcontext::jump_fcontext(partner, nullptr).fctx;
        return done();
    });
}

/* ---- Task switch: two Tasks yield to each other through the executor -------------------------- */

ErrorOr<i32> switch_driver(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto stop = TRY(bundle.take<SignalCap>("stop"));
    TRY(measure(console, "task_switch", "round trip", 1, [] {
        Executor::current().yield();
        return done();
    }));
    TRY(raise(stop));
    return 0;
}

ErrorOr<i32> switch_partner(Bundle&)
{
    while (this_task().signals().peek(stop_bit.mask()) == 0)
        Executor::current().yield();
    return 0;
}

/* ---- Ring ping-pong: a u64 there and back over two Rings, woken by doorbells ------------------ */

struct RingEnds {
    RingSender sender;
    RingReceiver receiver;
};

ErrorOr<RingEnds> bind_ends(Bundle& bundle)
{
    auto& signals = this_task().signals();
    auto sender = TRY(RingSender::bind(TRY(bundle.take<RingCap>("out")), schema, signals, space_bit));
    auto receiver = TRY(RingReceiver::bind(TRY(bundle.take<RingCap>("in")), schema, signals, doorbell_bit));
    return RingEnds { sender, receiver };
}

ErrorOr<u64> receive_waiting(RingReceiver& receiver)
{
    for (;;) {
        u64 value = 0;
        auto received = receiver.try_receive({ reinterpret_cast<u8*>(&value), sizeof(value) });
        if (!received.is_error())
            return value;
        if (received.error().code() != ErrorCode::Empty)
            return received.release_error();
        (void)wait(receiver.doorbell().mask());
    }
}

ErrorOr<void> send(RingSender& sender, u64 value)
{
    return sender.try_send({ reinterpret_cast<u8 const*>(&value), sizeof(value) });
}

ErrorOr<i32> pingpong_driver(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto ends = TRY(bind_ends(bundle));
    u64 value = 0;
    TRY(measure(console, "ring_pingpong", "round trip", 1, [&]() -> ErrorOr<void> {
        TRY(send(ends.sender, value));
        u64 reply = TRY(receive_waiting(ends.receiver));
        if (reply != value + 1)
            return Error(ErrorCode::MalformedMessage, "ping-pong reply out of order");
        value = reply;
        return {};
    }));
    TRY(send(ends.sender, stop_value));
    return 0;
}

ErrorOr<i32> pingpong_partner(Bundle& bundle)
{
    auto ends = TRY(bind_ends(bundle));
    for (;;) {
        u64 value = TRY(receive_waiting(ends.receiver));
        if (value == stop_value)
            return 0;
        TRY(send(ends.sender, value + 1));
    }
}

/* ---- Signal raise-to-wake: one Task raises a bit another waits on ------------------------------ */

ErrorOr<i32> signal_driver(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto partner = TRY(bundle.take<SignalCap>("partner"));
    auto stop = TRY(bundle.take<SignalCap>("stop"));
    /* One step wakes the partner and is woken back: two raise-to-wake hand-overs. */
    TRY(measure(console, "signal_raise_to_wake", "wake", 2, [&]() -> ErrorOr<void> {
        TRY(raise(partner));
        (void)wait(wake_bit.mask());
        return {};
    }));
    TRY(raise(stop));
    return 0;
}

ErrorOr<i32> signal_partner(Bundle& bundle)
{
    auto driver = TRY(bundle.take<SignalCap>("driver"));
    for (;;) {
        u64 bits = wait(wake_bit.mask() | stop_bit.mask());
        if (bits & stop_bit.mask())
            return 0;
        TRY(raise(driver));
    }
}

/* ---- Running a pair of worker Tasks ------------------------------------------------------------ */

struct Authority {
    ConsoleCap console;
    TaskCap tasks;
    Reticle* reticle;
};

ErrorOr<Task*> spawn_worker(Authority const& authority, std::string_view name, TaskEntry entry, SignalBit exit_bit)
{
    SpawnParameters parameters { name, entry, worker_stack };
    parameters.supervisor_mask = &this_task().signals();
    parameters.exit_bit = exit_bit;
    return kernel::spawn(authority.tasks, *authority.reticle, parameters);
}

/*
 * Spawns a driver (given the console) and a partner, lets `prepare` fill their Bundles, waits
 * for both to exit and reaps them. A worker that failed fails the benchmark with its error.
 */
template<typename Prepare>
ErrorOr<void> run_pair(Authority const& authority, TaskEntry driver_entry, TaskEntry partner_entry, Prepare prepare)
{
    Task* driver = TRY(spawn_worker(authority, "bench-driver", driver_entry, driver_exit_bit));
    Task* partner = TRY(spawn_worker(authority, "bench-partner", partner_entry, partner_exit_bit));
    TRY(driver->bundle().try_put("console", TRY(authority.console.attenuate(RightWrite))));
    TRY(prepare(*driver, *partner));
    u64 pending = driver_exit_bit.mask() | partner_exit_bit.mask();
    while (pending != 0)
        pending &= ~wait(pending);
    for (Task* task : { driver, partner }) {
        if (task->exit_cause() == ExitCause::Failed)
            return task->exit_error();
        if (task->exit_status() != 0)
            return Error(ErrorCode::InvalidArgument, "a benchmark worker Task exited with a non-zero status");
        TRY(Executor::current().reap(*task));
    }
    return {};
}

ErrorOr<void> time_task_switch(Authority const& authority)
{
    return run_pair(authority, switch_driver, switch_partner, [](Task& driver, Task& partner) -> ErrorOr<void> {
        return driver.bundle().try_put("stop", SignalCap(&partner.signals(), RightRaise, stop_bit.index()));
    });
}

ErrorOr<void> time_ring_pingpong(Authority const& authority)
{
    Ring* to_partner = TRY(Ring::try_create(*authority.reticle, ring_slots, ring_slot_size, schema));
    Ring* to_driver = TRY(Ring::try_create(*authority.reticle, ring_slots, ring_slot_size, schema));
    return run_pair(authority, pingpong_driver, pingpong_partner, [&](Task& driver, Task& partner) -> ErrorOr<void> {
        TRY(driver.bundle().try_put("out", RingCap(to_partner, RightSend)));
        TRY(driver.bundle().try_put("in", RingCap(to_driver, RightReceive)));
        TRY(partner.bundle().try_put("in", RingCap(to_partner, RightReceive)));
        TRY(partner.bundle().try_put("out", RingCap(to_driver, RightSend)));
        return {};
    });
}

ErrorOr<void> time_signal_wake(Authority const& authority)
{
    return run_pair(authority, signal_driver, signal_partner, [](Task& driver, Task& partner) -> ErrorOr<void> {
        TRY(driver.bundle().try_put("partner", SignalCap(&partner.signals(), RightRaise, wake_bit.index())));
        TRY(driver.bundle().try_put("stop", SignalCap(&partner.signals(), RightRaise, stop_bit.index())));
        TRY(partner.bundle().try_put("driver", SignalCap(&driver.signals(), RightRaise, wake_bit.index())));
        return {};
    });
}

}

}

namespace vectra::task_entries {

ErrorOr<i32> bench_primitives(Bundle& bundle)
{
    using namespace benchtasks;
    Authority authority {
        TRY(bundle.take<ConsoleCap>("console")),
        TRY(bundle.take<TaskCap>("tasks")),
        nullptr,
    };
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    authority.reticle = TRY(memory.object_with(RightRetype));
    CycleCounter counter = start_cycle_counter();
    TRY(print_line(authority.console, "bench: counter {} ({}), {} timed iterations per loop after {} to warm up",
        counter.source, counter.unit, iterations, warmup_iterations));
    TRY(time_raw_switch(authority.console, *authority.reticle));
    TRY(time_task_switch(authority));
    TRY(time_ring_pingpong(authority));
    TRY(time_signal_wake(authority));
    TRY(print_line(authority.console, "bench: done"));
    return 0;
}

}
