/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The domain side of the kernel-call benchmark (CONFIG_DOMAINS): worker Tasks spawned into a
 * protection domain that maps no data of this component — they touch only their stack and the
 * frame they trap with, so the domain's data section is empty.
 */

#include <benchtasks/DomainCalls.h>
#include <span>
#include <string_view>
#include <vectra/Executor.h>
#include <vectra/Ring.h>
#include <vectra/Try.h>
#include <vectra/config.h>
#include <vectra/kernel/CallFrame.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/platform/Domain.h>

extern "C" {
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

/* ---- User mode: the workers touch nothing but their stack and the frames they trap with ------ */

kernel::CallFrame trap(kernel::Call number, u64 argument0 = 0, u64 argument1 = 0, u64 argument2 = 0,
    u64 argument3 = 0)
{
    kernel::CallFrame frame;
    frame.number = u64(number);
    frame.arguments[0] = argument0;
    frame.arguments[1] = argument1;
    frame.arguments[2] = argument2;
    frame.arguments[3] = argument3;
    platform::trap_call(frame);
    return frame;
}

ErrorOr<u64> checked(kernel::CallFrame const& frame)
{
    if (frame.error != 0)
        return Error(ErrorCode(frame.error), "a kernel call from the benchmark's domain failed");
    return frame.results[0];
}

ErrorOr<i32> calling_worker(Bundle&)
{
    for (u64 index = 0; index < worker_calls; ++index)
        TRY(checked(trap(kernel::Call::MonotonicNow)));
    return 0;
}

ErrorOr<i32> idle_worker(Bundle&) { return 0; }

struct UserRing {
    u64 out;
    u64 in;
};

ErrorOr<UserRing> bind_user_ring()
{
    std::string_view out = "out";
    std::string_view in = "in";
    UserRing ring {
        TRY(checked(trap(kernel::Call::BundleTake, reinterpret_cast<uptr>(out.data()), out.size(), u64(CapabilityClass::Ring)))),
        TRY(checked(trap(kernel::Call::BundleTake, reinterpret_cast<uptr>(in.data()), in.size(), u64(CapabilityClass::Ring)))),
    };
    TRY(checked(trap(kernel::Call::RingBind, ring.out, ring_schema, 0, space_bit.index())));
    TRY(checked(trap(kernel::Call::RingBind, ring.in, ring_schema, 1, doorbell_bit.index())));
    return ring;
}

ErrorOr<void> send(UserRing const& ring, u64 value)
{
    for (;;) {
        auto frame = trap(kernel::Call::RingSend, ring.out, reinterpret_cast<uptr>(&value), sizeof(value));
        if (frame.error != u64(ErrorCode::Full)) {
            TRY(checked(frame));
            return {};
        }
        TRY(checked(trap(kernel::Call::Wait, space_bit.mask())));
    }
}

ErrorOr<u64> receive(UserRing const& ring)
{
    for (;;) {
        u64 value = 0;
        auto frame = trap(kernel::Call::RingReceive, ring.in, reinterpret_cast<uptr>(&value), sizeof(value));
        if (frame.error != u64(ErrorCode::Empty)) {
            TRY(checked(frame));
            return value;
        }
        TRY(checked(trap(kernel::Call::Wait, doorbell_bit.mask())));
    }
}

template<u64 RoundTrips>
ErrorOr<i32> ping_worker(Bundle&)
{
    auto ring = TRY(bind_user_ring());
    for (u64 value = 0; value < RoundTrips; ++value) {
        TRY(send(ring, value));
        if (TRY(receive(ring)) != value + 1)
            return Error(ErrorCode::MalformedMessage, "ping-pong reply out of order");
    }
    TRY(send(ring, stop_value));
    return 0;
}

ErrorOr<i32> pong_worker(Bundle&)
{
    auto ring = TRY(bind_user_ring());
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
    auto& self = this_task();
    auto& space = self.capabilities();
    auto data = reinterpret_cast<uptr>(__domain_data_start);
    RingCap created[2];
    for (usize index = 0; index < rings; ++index)
        created[index] = TRY(kernel::create_ring(space, memory, ring_slots, ring_slot_size, ring_schema));
    TaskCap spawned[2];
    u64 pending = 0;
    u64 start = counter.read();
    for (usize index = 0; index < workers.size(); ++index) {
        SpawnParameters parameters { workers[index].domain, workers[index].entry, 16 * KiB };
        parameters.supervisor_mask = &self.signals();
        parameters.exit_bit = SignalBit(u8(first_exit_bit.index() + index));
        parameters.domain = workers[index].domain;
        parameters.domain_data_start = data;
        parameters.domain_data_end = data;
        pending |= parameters.exit_bit.mask();
        spawned[index] = TRY(kernel::spawn(space, tasks, memory, parameters));
        if (workers[index].has_rings) {
            Task* child = TRY(kernel::task(space, spawned[index]));
            TRY(child->bundle().grant("out", space, created[workers[index].out_ring], RightSend));
            TRY(child->bundle().grant("in", space, created[workers[index].in_ring], RightReceive));
        }
    }
    while (pending != 0)
        pending &= ~wait(pending);
    for (usize index = 0; index < workers.size(); ++index) {
        Task* task = TRY(kernel::task(space, spawned[index]));
        if (task->exit_cause() == ExitCause::Failed)
            return task->exit_error();
        if (task->exit_cause() != ExitCause::Returned)
            return Error(ErrorCode::Busy, "a benchmark worker in a domain panicked or faulted");
        TRY(kernel::reap(space, std::move(spawned[index])));
    }
    u64 elapsed = counter.read() - start;
    for (usize index = 0; index < rings; ++index)
        TRY(space.remove(std::move(created[index])));
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
