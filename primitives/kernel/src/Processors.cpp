/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The CPUs besides the boot CPU (ADR 0020, 0026): started at boot, each reports in, then loops on
 * its executor (Executor::serve: run a Task, steal one, or idle until woken). A wake-up is a
 * request counter in kernel memory plus the platform's wake-up IPI; the woken CPU answers by
 * publishing the count it saw, outside the kernel lock (only these atomics).
 */

#include <atomic>
#include <vectra/FixedString.h>
#include <vectra/Format.h>
#include <vectra/Panic.h>
#include <vectra/config.h>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/platform/Platform.h>

namespace vectra::kernel {

namespace {

struct Processor {
    std::atomic<u64> wake_requests { 0 };
    std::atomic<u64> wakes_answered { 0 };
};

Processor s_processors[CONFIG_CPUS_MAX];
u32 s_processors_online = 1;
/* Set once every CPU is online: the platform names each CPU right (current_processor()) only
   from then on, so until then a CPU answers wake-ups and idles without touching its executor. */
std::atomic<bool> s_executors_serving { false };

}

void processor_started(u32 index)
{
    VERIFY(index > 0 && index < CONFIG_CPUS_MAX);
    Processor& self = s_processors[index];
    u64 answered = 0;
    while (true) {
        /* Check, then park: a request published after the check leaves the IPI pending, so the
           park returns at once (the doorbell argument of ADR 0013, with the platform's pending
           interrupt as the remembered bit). */
        u64 requests = self.wake_requests.load(std::memory_order_acquire);
        if (requests != answered) {
            answered = requests;
            self.wakes_answered.store(answered, std::memory_order_release);
        }
        if (s_executors_serving.load(std::memory_order_acquire))
            Executor::current().serve();
        else
            platform::idle_processor();
    }
}

u32 processors_online() { return s_processors_online; }

ErrorOr<u64> wake_processor_and_wait(u32 index, u64 timeout_nanoseconds)
{
    if (index == 0 || index >= s_processors_online)
        return Error(ErrorCode::InvalidArgument, "no such CPU, or the boot CPU");
    if (index == platform::current_processor())
        return Error(ErrorCode::InvalidArgument, "a CPU cannot wake itself");
    Processor& target = s_processors[index];
    u64 request = target.wake_requests.fetch_add(1, std::memory_order_acq_rel) + 1;
    u64 start = platform::monotonic_nanoseconds();
    platform::wake_processor(index);
    for (u32 spins = 0; target.wakes_answered.load(std::memory_order_acquire) < request; ++spins) {
        /* The platform's spin hint: where one host thread runs every CPU in turn (QEMU's
           round-robin TCG, used with -icount) only its pause lets the woken CPU run. */
        platform::spin_pause(spins);
        u64 now = platform::monotonic_nanoseconds();
        if (now - start > timeout_nanoseconds)
            return Error(ErrorCode::TimedOut, "the CPU did not answer its wake-up");
    }
    return platform::monotonic_nanoseconds() - start;
}

ErrorOr<void> start_processors()
{
    s_processors_online = platform::start_processors();
    VERIFY(s_processors_online >= 1 && s_processors_online <= CONFIG_CPUS_MAX);
    if (s_processors_online == 1)
        return {};
    constexpr u64 answer_timeout_nanoseconds = 1'000'000'000;
    for (u32 index = 1; index < s_processors_online; ++index) {
        auto latency = wake_processor_and_wait(index, answer_timeout_nanoseconds);
        if (latency.is_error()) {
            console_format("vectra: cpu {} started but did not answer a wake-up within 1 s", index);
            return latency.release_error();
        }
        console_format("vectra: cpu {} online, answered a wake-up in {} us", index, latency.value() / 1000);
    }
    u32 running_tasks = platform::other_processors_run_tasks() ? s_processors_online : 1;
    Executor::set_task_processors(running_tasks);
    s_executors_serving.store(true, std::memory_order_release);
    for (u32 index = 1; index < s_processors_online; ++index)
        platform::wake_processor(index); /* out of the boot idle, into its executor */
    if (running_tasks == 1)
        console_format("vectra: {} CPUs online; Tasks run on cpu 0", s_processors_online);
    else
        console_format("vectra: {} CPUs online; Tasks run on cpus 0-{}", s_processors_online, running_tasks - 1);
    return {};
}

void report_processors()
{
    u32 count = Executor::task_processors();
    if (count == 1)
        return;
    /* Per-CPU counters: switches into Tasks and Tasks taken from a busier CPU. */
    FixedString<64> ran;
    FixedString<96> switches;
    FixedString<64> steals;
    for (u32 index = 0; index < count; ++index) {
        Executor& executor = Executor::of_processor(index);
        if (executor.switches() != 0)
            format_into(ran, "{}{}", ran.view().empty() ? "" : ",", index);
        format_into(switches, "{}{}", index == 0 ? "" : " ", executor.switches());
        format_into(steals, "{}{}", index == 0 ? "" : " ", executor.steals());
    }
    console_format("vectra: Tasks ran on cpus {} (switches {}; stolen {})", ran.view(), switches.view(), steals.view());
}

}
