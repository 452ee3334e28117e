/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The domain side of the kernel-call benchmark (CONFIG_DOMAINS): worker Tasks spawned into a
 * protection domain that maps no data of this component — they touch only their stack and the
 * frame they trap with, so the domain's data section is empty.
 */

#include <benchtasks/DomainCalls.h>
#include <vectra/Executor.h>
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
constexpr SignalBit worker_exit_bit { 42 };

/* User mode: the loop under test, nothing else. */
ErrorOr<i32> calling_worker(Bundle&)
{
    for (u64 index = 0; index < worker_calls; ++index) {
        kernel::CallFrame frame;
        frame.number = u64(kernel::Call::MonotonicNow);
        platform::trap_call(frame);
        if (frame.error != 0)
            return Error(ErrorCode(frame.error), "a kernel call from the benchmark's domain failed");
    }
    return 0;
}

ErrorOr<i32> idle_worker(Bundle&) { return 0; }

/* Counter units from spawning `entry` into a fresh domain until it has exited and been reaped. */
ErrorOr<u64> run_worker(TaskCap const& tasks, ReticleCap const& memory, CycleCounter const& counter, TaskEntry entry)
{
    auto& self = this_task();
    auto data = reinterpret_cast<uptr>(__domain_data_start);
    SpawnParameters parameters { "bench-calls", entry, 16 * KiB };
    parameters.supervisor_mask = &self.signals();
    parameters.exit_bit = worker_exit_bit;
    parameters.domain = "bench-calls";
    parameters.domain_data_start = data;
    parameters.domain_data_end = data;
    u64 start = counter.read();
    auto worker = TRY(kernel::spawn(self.capabilities(), tasks, memory, parameters));
    (void)wait(worker_exit_bit.mask());
    Task* task = TRY(kernel::task(self.capabilities(), worker));
    if (task->exit_cause() != ExitCause::Returned)
        return Error(ErrorCode::Busy, "the benchmark's domain worker did not return");
    TRY(kernel::reap(self.capabilities(), std::move(worker)));
    return counter.read() - start;
}

}

ErrorOr<u64> domain_call_tenths(TaskCap const& tasks, ReticleCap const& memory, CycleCounter const& counter, u64 calls)
{
    if (calls != worker_calls)
        return Error(ErrorCode::InvalidArgument, "the domain worker makes CONFIG_BENCHTASKS_ITERATIONS calls");
    TRY(run_worker(tasks, memory, counter, calling_worker)); /* warm up */
    u64 idle = TRY(run_worker(tasks, memory, counter, idle_worker));
    u64 calling = TRY(run_worker(tasks, memory, counter, calling_worker));
    u64 difference = calling > idle ? calling - idle : 0;
    return (difference * 10 + calls / 2) / calls;
}

}
