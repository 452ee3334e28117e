/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The bench_primitives check Task: the primitives timed inside an image with the platform's
 * cycle counter, one console line per result. For each loop it spawns a pair of worker Tasks
 * through the kernel calls (a driver that times its loop and prints, a partner that answers),
 * wires them with Rings it creates, and reaps them before the next pair, so every loop runs with
 * the same Tasks on the executor.
 *
 * The lines are numbers, not verdicts (images/bench's oracle checks only that they are printed).
 * Under QEMU TCG they measure the emulator: compare them with each other, not with hardware.
 */

#include <benchtasks/CycleCounter.h>
#include <benchtasks/DomainCalls.h>
#include <boost/context/detail/fcontext.hpp>
#include <string_view>
#include <vectra/ClockAndEntropy.h>
#include <vectra/System.h>
#include <vectra/Ring.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>

namespace vectra::benchtasks {

namespace {

namespace fcontext = boost::context::detail;

constexpr u64 iterations = CONFIG_BENCHTASKS_ITERATIONS;
constexpr u64 warmup_iterations = iterations / 10;
constexpr u64 schema = schema_id_of("schema benchtasks.pingpong version 1\n");
constexpr u64 stop_value = ~u64(0);
constexpr u32 ring_slots = 64;
constexpr u32 ring_slot_size = 32; /* the 16-byte slot header + one u64, rounded up to a power of two */
constexpr usize worker_stack = 16 * KiB;
constexpr SignalBit doorbell_bit { 0 };
constexpr SignalBit space_bit { 1 };
constexpr SignalBit wake_bit { 3 };
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
ErrorOr<Tenths> measure(
    ConsoleCap const& console, std::string_view name, std::string_view operation, u64 operations_per_step, Step step)
{
    CycleCounter counter = start_cycle_counter();
    for (u64 index = 0; index < warmup_iterations; ++index)
        TRY(step());
    MonotonicInstant start = monotonic_now();
    u64 start_cycles = counter.read();
    for (u64 index = 0; index < iterations; ++index)
        TRY(step());
    u64 cycles = counter.read() - start_cycles;
    auto nanoseconds = static_cast<u64>((monotonic_now() - start).nanoseconds());
    u64 operations = iterations * operations_per_step;
    Tenths cycles_each = per_operation(cycles, operations);
    Tenths nanoseconds_each = per_operation(nanoseconds, operations);
    TRY(print_line(console, "bench: {}: {}.{} {} {}.{} ns per {}", name, cycles_each.whole, cycles_each.tenth,
        counter.unit, nanoseconds_each.whole, nanoseconds_each.tenth, operation));
    return cycles_each;
}

ErrorOr<void> done() { return {}; }

/* ---- raw fcontext: the floor every Task switch stands on ------------------------------------- */

void raw_partner(fcontext::transfer_t transfer)
{
    for (;;)
        transfer = fcontext::jump_fcontext(transfer.fctx, nullptr);
}

ErrorOr<void> time_raw_switch(ConsoleCap const& console, ReticleCap const& memory)
{
    auto stack_memory = TRY(system::create_memory(memory, worker_stack));
    void* stack = TRY(system::map_memory(stack_memory)).data();
    fcontext::fcontext_t partner
        = fcontext::make_fcontext(static_cast<u8*>(stack) + worker_stack, worker_stack, raw_partner);
    TRY(measure(console, "raw_fcontext", "round trip", 1, [&] {
        partner = fcontext::jump_fcontext(partner, nullptr).fctx;
        return done();
    }));
    return {};
}

/* ---- What every worker gets: two Rings to its peer --------------------------------------------- */

struct RingEnds {
    RingSender sender;
    RingReceiver receiver;
};

ErrorOr<RingEnds> bind_ends(Bundle& bundle)
{
    auto out = TRY(bundle.take<RingCap>("out"));
    auto in = TRY(bundle.take<RingCap>("in"));
    auto sender = TRY(endpoint::bind_sender(out, schema, space_bit));
    auto receiver = TRY(endpoint::bind_receiver(in, schema, doorbell_bit));
    return RingEnds { sender, receiver };
}

ErrorOr<void> send(RingSender& sender, u64 value)
{
    return sender.try_send({ reinterpret_cast<u8 const*>(&value), sizeof(value) });
}

/* Receives one message, parking on the doorbell while the Ring is empty; a capability in it lands in the Task's space.
 */
ErrorOr<ReceivedMessage> receive_waiting(RingReceiver& receiver, u64& value)
{
    for (;;) {
        auto received = endpoint::receive(receiver, { reinterpret_cast<u8*>(&value), sizeof(value) });
        if (!received.is_error())
            return received.release_value();
        if (received.error().code() != ErrorCode::Empty)
            return received.release_error();
        (void)system::wait(doorbell_bit.mask());
    }
}

ErrorOr<u64> receive_value(RingReceiver& receiver)
{
    u64 value = 0;
    TRY(receive_waiting(receiver, value));
    return value;
}

/* ---- Task switch: two Tasks yield to each other through the executor -------------------------- */

ErrorOr<i32> switch_driver(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto ends = TRY(bind_ends(bundle));
    TRY(measure(console, "task_switch", "round trip", 1, [] {
        system::yield();
        return done();
    }));
    TRY(send(ends.sender, stop_value));
    return 0;
}

ErrorOr<i32> switch_partner(Bundle& bundle)
{
    auto ends = TRY(bind_ends(bundle));
    /* Yields until the driver's stop message arrives; checking costs two loads per turn. */
    while (ends.receiver.is_empty())
        system::yield();
    return 0;
}

/* ---- Ring ping-pong: a u64 there and back over two Rings, woken by doorbells ------------------ */

/* The ring_pingpong result, which the two-domain round trip is compared with. */
Tenths s_ring_pingpong { 0, 0 };

ErrorOr<i32> pingpong_driver(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto ends = TRY(bind_ends(bundle));
    u64 value = 0;
    s_ring_pingpong = TRY(measure(console, "ring_pingpong", "round trip", 1, [&]() -> ErrorOr<void> {
        TRY(send(ends.sender, value));
        u64 reply = TRY(receive_value(ends.receiver));
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
        u64 value = TRY(receive_value(ends.receiver));
        if (value == stop_value)
            return 0;
        TRY(send(ends.sender, value + 1));
    }
}

/* ---- Signal raise-to-wake: one Task raises a bit another waits on ------------------------------ */

/*
 * A Task can hand out only bits of its own Signal Mask: each side makes a SignalCap on its
 * wake bit and moves it to the other through the Ring, then takes the one it was sent.
 */
ErrorOr<SignalCap> exchange_wake_capabilities(RingEnds& ends)
{
    auto own = TRY(system::signal_capability(wake_bit));
    u64 hello = 0;
    TRY(ends.sender.try_send_with({ reinterpret_cast<u8 const*>(&hello), sizeof(hello) }, std::move(own)));
    auto received = TRY(receive_waiting(ends.receiver, hello));
    if (!received.has_capability)
        return Error(ErrorCode::MalformedMessage, "the peer's first message carries no SignalCap");
    return received.capability.as<CapabilityClass::Signal>();
}

ErrorOr<i32> signal_driver(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto ends = TRY(bind_ends(bundle));
    auto partner = TRY(exchange_wake_capabilities(ends));
    /* One step wakes the partner and is woken back: two raise-to-wake hand-overs. */
    TRY(measure(console, "signal_raise_to_wake", "wake", 2, [&]() -> ErrorOr<void> {
        TRY(system::raise(partner));
        (void)system::wait(wake_bit.mask());
        return {};
    }));
    TRY(send(ends.sender, stop_value));
    return 0;
}

ErrorOr<i32> signal_partner(Bundle& bundle)
{
    auto ends = TRY(bind_ends(bundle));
    auto driver = TRY(exchange_wake_capabilities(ends));
    for (;;) {
        u64 bits = system::wait(wake_bit.mask() | doorbell_bit.mask());
        /* A doorbell may be left over from the exchange; only a message in the Ring means stop. */
        if (!ends.receiver.is_empty())
            return 0;
        if (bits & wake_bit.mask())
            TRY(system::raise(driver));
    }
}

/* ---- Kernel calls: a direct call, and (with CONFIG_DOMAINS) a trap from a protection domain ---- */

/* "bench: <name>: 412.5 cycles per <what>; 3.1x <baseline>" — the domain cost next to its baseline from the same run. */
ErrorOr<void> print_compared(ConsoleCap const& console, std::string_view name, u64 tenths, char const* unit,
    std::string_view what, Tenths baseline, std::string_view baseline_name)
{
    Tenths ratio = per_operation(tenths, baseline.whole * 10 + baseline.tenth);
    return print_line(console, "bench: {}: {}.{} {} {}; {}.{}x {}", name, tenths / 10, tenths % 10, unit, what,
        ratio.whole, ratio.tenth, baseline_name);
}

ErrorOr<void> time_kernel_calls(ConsoleCap const& console, TaskCap const& tasks, ReticleCap const& memory)
{
    /* The same system call the domain worker makes, from here (outside any domain): a function call. */
    Tenths direct = TRY(measure(console, "kernel_call_direct", "call", 1, []() -> ErrorOr<void> {
        (void)system::monotonic_nanoseconds();
        return {};
    }));
    CycleCounter counter = start_cycle_counter();
    auto trapped = domain_call_tenths(tasks, memory, counter, iterations);
    if (trapped.is_error())
        return print_line(console, "bench: kernel_call_domain: not measured: {}", trapped.error().message());
    TRY(print_compared(console, "kernel_call_domain", trapped.value(), counter.unit,
        "per call (trap from a protection domain)", direct, "the direct call"));
    auto round_trip = TRY(domain_ring_round_trip_tenths(tasks, memory, counter, iterations));
    return print_compared(console, "ring_pingpong_domains", round_trip, counter.unit,
        "per round trip (two Tasks in two protection domains)", s_ring_pingpong, "ring_pingpong");
}

/* ---- Running a pair of worker Tasks ------------------------------------------------------------ */

struct Authority {
    ConsoleCap console;
    ReticleCap memory;
    TaskCap tasks;
};

ErrorOr<TaskCap> spawn_worker(Authority const& authority, std::string_view name, TaskEntry entry, SignalBit exit_bit)
{
    SpawnRequest request { name, entry, worker_stack };
    request.notify_on_exit = true;
    request.exit_bit = exit_bit;
    return system::spawn(authority.tasks, authority.memory, request);
}

/*
 * Reaps an exited worker. The workers' Task blocks and stacks were retyped from this Task's own
 * Reticle, which is reclaimed (by initd) only after this Task ends, so nothing is reclaimed here.
 */
ErrorOr<void> reap_worker(Authority const&, TaskCap&& task)
{
    return system::reap(std::move(task));
}

/*
 * Spawns a driver (given the console) and a partner, joined by two new Rings; waits for both to
 * exit, reaps them and deletes the Rings. A worker that failed fails the benchmark with its error.
 */
ErrorOr<void> run_pair(Authority const& authority, TaskEntry driver_entry, TaskEntry partner_entry)
{
    auto to_partner = TRY(system::create_ring(authority.memory, ring_slots, ring_slot_size, schema));
    auto to_driver = TRY(system::create_ring(authority.memory, ring_slots, ring_slot_size, schema));
    auto driver_task = TRY(spawn_worker(authority, "bench-driver", driver_entry, driver_exit_bit));
    auto partner_task = TRY(spawn_worker(authority, "bench-partner", partner_entry, partner_exit_bit));
    TRY(system::grant(driver_task, "console", authority.console, RightWrite));
    TRY(system::grant(driver_task, "out", to_partner, RightSend));
    TRY(system::grant(driver_task, "in", to_driver, RightReceive));
    TRY(system::grant(partner_task, "in", to_partner, RightReceive));
    TRY(system::grant(partner_task, "out", to_driver, RightSend));
    u64 pending = driver_exit_bit.mask() | partner_exit_bit.mask();
    while (pending != 0)
        pending &= ~system::wait(pending);
    for (TaskCap const* task : { &driver_task, &partner_task }) {
        auto status = TRY(system::task_status(*task));
        if (status.exit_cause == ExitCause::Failed)
            return Error(status.exit_error, status.exit_error_message);
        if (status.exit_cause != ExitCause::Returned)
            return Error(ErrorCode::Busy, "a benchmark worker Task panicked or faulted");
    }
    TRY(reap_worker(authority, std::move(driver_task)));
    TRY(reap_worker(authority, std::move(partner_task)));
    TRY(system::remove(std::move(to_partner)));
    TRY(system::remove(std::move(to_driver)));
    return {};
}

}

}

VECTRA_TASK_ENTRY(bench_primitives);

namespace vectra::task_entries {

ErrorOr<i32> bench_primitives(Bundle& bundle)
{
    using namespace benchtasks;
    Authority authority {
        TRY(bundle.take<ConsoleCap>("console")),
        TRY(bundle.take<ReticleCap>("memory")),
        TRY(bundle.take<TaskCap>("tasks")),
    };
    CycleCounter counter = start_cycle_counter();
    TRY(print_line(authority.console, "bench: counter {} ({}), {} timed iterations per loop after {} to warm up",
        counter.source, counter.unit, iterations, warmup_iterations));
    TRY(time_raw_switch(authority.console, authority.memory));
    TRY(run_pair(authority, switch_driver, switch_partner));
    TRY(run_pair(authority, pingpong_driver, pingpong_partner));
    TRY(run_pair(authority, signal_driver, signal_partner));
    TRY(time_kernel_calls(authority.console, authority.tasks, authority.memory));
    TRY(print_line(authority.console, "bench: done"));
    return 0;
}

}
