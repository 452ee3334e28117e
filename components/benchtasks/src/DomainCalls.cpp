/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The domain side of the kernel-call benchmark (CONFIG_DOMAINS): worker Tasks spawned into a
 * protection domain that maps no data of this component — they touch only their stack (the
 * frames their system calls build live there), so the domain's data section is empty. The
 * workers are ordinary system-interface code; in a domain each call traps.
 */

#include <benchtasks/DomainCalls.h>
#include <span>
#include <string_view>
#include <vectra/ClockAndEntropy.h>
#include <vectra/Ring.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/config.h>

extern "C" {
/* The linker script's start of the domains' data: an empty data section for the workers' domains. */
extern char __domain_data_start[];
}

namespace vectra::benchtasks {

namespace {

constexpr u64 worker_calls = CONFIG_BENCHTASKS_ITERATIONS;
constexpr u64 stop_value = ~u64(0);
constexpr u64 ring_schema = schema_id_of("schema benchtasks.domain-pingpong version 1\n");
constexpr u32 ring_slots = 64;
constexpr u32 ring_slot_size = 32;
constexpr SignalBit doorbell_bit { 0 };
constexpr SignalBit space_bit { 1 };
constexpr SignalBit first_exit_bit { 42 };

/*
 * ---- The workers: the same system calls as anywhere (vectra/System.h), trapped from their
 * domain; they touch nothing but their stack and the frames the calls build there ----
 */

ErrorOr<i32> calling_worker(Bundle&)
{
    for (u64 index = 0; index < worker_calls; ++index)
        (void)system::monotonic_nanoseconds();
    return 0;
}

ErrorOr<i32> idle_worker(Bundle&) { return 0; }

struct UserRing {
    RingSender out;
    RingReceiver in;
};

ErrorOr<UserRing> bind_user_ring(Bundle& bundle)
{
    auto out = TRY(bundle.take<RingCap>("out"));
    auto in = TRY(bundle.take<RingCap>("in"));
    return UserRing { TRY(RingSender::bind(out, ring_schema, space_bit)), TRY(RingReceiver::bind(in, ring_schema, doorbell_bit)) };
}

ErrorOr<void> send(UserRing& ring, u64 value)
{
    for (;;) {
        auto sent = ring.out.try_send({ reinterpret_cast<u8 const*>(&value), sizeof(value) });
        if (!sent.is_error())
            return {};
        if (sent.error().code() != ErrorCode::Full)
            return sent.release_error();
        (void)system::wait(space_bit.mask());
    }
}

ErrorOr<u64> receive(UserRing& ring)
{
    for (;;) {
        u64 value = 0;
        auto received = ring.in.try_receive({ reinterpret_cast<u8*>(&value), sizeof(value) });
        if (!received.is_error())
            return value;
        if (received.error().code() != ErrorCode::Empty)
            return received.release_error();
        (void)system::wait(doorbell_bit.mask());
    }
}

template<u64 RoundTrips>
ErrorOr<i32> ping_worker(Bundle& bundle)
{
    auto ring = TRY(bind_user_ring(bundle));
    for (u64 value = 0; value < RoundTrips; ++value) {
        TRY(send(ring, value));
        if (TRY(receive(ring)) != value + 1)
            return Error(ErrorCode::MalformedMessage, "ping-pong reply out of order");
    }
    TRY(send(ring, stop_value));
    return 0;
}

ErrorOr<i32> pong_worker(Bundle& bundle)
{
    auto ring = TRY(bind_user_ring(bundle));
    for (;;) {
        u64 value = TRY(receive(ring));
        if (value == stop_value)
            return 0;
        TRY(send(ring, value + 1));
    }
}

/* ---- Kernel mode: spawning workers into domains of their own and timing them -------------------- */

struct Worker {
    std::string_view domain;
    TaskEntry entry;
    bool has_rings { false }; /* granted created[out_ring] as "out" (send) and created[in_ring] as "in" (receive) */
    usize out_ring { 0 };
    usize in_ring { 0 };
};

/*
 * Counter units from spawning `workers` (each into a fresh domain of its own that maps no data of
 * this component) until all have exited and been reaped; `rings` Rings are created for them first.
 */
ErrorOr<u64> run_workers(TaskCap const& tasks, ReticleCap const& memory, CycleCounter const& counter,
    std::span<Worker const> workers, usize rings)
{
    auto data = reinterpret_cast<uptr>(__domain_data_start);
    RingCap created[2];
    for (usize index = 0; index < rings; ++index)
        created[index] = TRY(system::create_ring(memory, ring_slots, ring_slot_size, ring_schema));
    TaskCap spawned[2];
    u64 pending = 0;
    u64 start = counter.read();
    for (usize index = 0; index < workers.size(); ++index) {
        SpawnRequest request { workers[index].domain, workers[index].entry, 16 * KiB };
        request.notify_on_exit = true;
        request.exit_bit = SignalBit(u8(first_exit_bit.index() + index));
        request.domain = workers[index].domain;
        request.domain_data_start = data;
        request.domain_data_end = data;
        pending |= request.exit_bit.mask();
        spawned[index] = TRY(system::spawn(tasks, memory, request));
        if (workers[index].has_rings) {
            TRY(system::grant(spawned[index], "out", created[workers[index].out_ring], RightSend));
            TRY(system::grant(spawned[index], "in", created[workers[index].in_ring], RightReceive));
        }
    }
    while (pending != 0)
        pending &= ~system::wait(pending);
    for (usize index = 0; index < workers.size(); ++index) {
        auto status = TRY(system::task_status(spawned[index]));
        if (status.exit_cause == ExitCause::Failed)
            return Error(status.exit_error, status.exit_error_message);
        if (status.exit_cause != ExitCause::Returned)
            return Error(ErrorCode::Busy, "a benchmark worker in a domain panicked or faulted");
        TRY(system::reap(std::move(spawned[index])));
    }
    u64 elapsed = counter.read() - start;
    for (usize index = 0; index < rings; ++index)
        TRY(system::remove(std::move(created[index])));
    return elapsed;
}

/* Tenths of a unit per operation: (busy - idle) / operations, after one warm-up run of `busy`. */
ErrorOr<u64> difference_tenths(TaskCap const& tasks, ReticleCap const& memory, CycleCounter const& counter,
    std::span<Worker const> busy, std::span<Worker const> idle, usize rings, u64 operations)
{
    TRY(run_workers(tasks, memory, counter, busy, rings));
    u64 idle_units = TRY(run_workers(tasks, memory, counter, idle, rings));
    u64 busy_units = TRY(run_workers(tasks, memory, counter, busy, rings));
    u64 difference = busy_units > idle_units ? busy_units - idle_units : 0;
    return (difference * 10 + operations / 2) / operations;
}

}

ErrorOr<u64> domain_call_tenths(TaskCap const& tasks, ReticleCap const& memory, CycleCounter const& counter, u64 calls)
{
    if (calls != worker_calls)
        return Error(ErrorCode::InvalidArgument, "the domain worker makes CONFIG_BENCHTASKS_ITERATIONS calls");
    Worker const busy[] = { { "bench-calls", calling_worker } };
    Worker const idle[] = { { "bench-calls", idle_worker } };
    return difference_tenths(tasks, memory, counter, busy, idle, 0, calls);
}

ErrorOr<u64> domain_ring_round_trip_tenths(TaskCap const& tasks, ReticleCap const& memory, CycleCounter const& counter,
    u64 round_trips)
{
    if (round_trips != worker_calls)
        return Error(ErrorCode::InvalidArgument, "the domain workers make CONFIG_BENCHTASKS_ITERATIONS round trips");
    /* Ring 0 carries ping → pong, Ring 1 pong → ping; each worker in a domain of its own. */
    Worker const busy[] = { { "bench-ping", ping_worker<worker_calls>, true, 0, 1 },
        { "bench-pong", pong_worker, true, 1, 0 } };
    Worker const idle[] = { { "bench-ping", ping_worker<0>, true, 0, 1 }, { "bench-pong", pong_worker, true, 1, 0 } };
    return difference_tenths(tasks, memory, counter, busy, idle, 2, round_trips);
}

}
