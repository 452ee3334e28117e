/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "HostedKernelStub.h"
#include <atomic>
#include <boost/context/detail/fcontext.hpp>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <vectra/Error.h>
#include <vectra/Panic.h>

namespace fcontext = boost::context::detail;

namespace vectra::test {

namespace {

constexpr u32 line_capacity = 64;
u64 s_interrupts[line_capacity];
u32 s_last_line = ~0u;

fcontext::fcontext_t s_scheduler = nullptr;
void (*s_fiber_body)() = nullptr;
bool s_in_fiber = false;
u32 s_faults = 0;
platform::FaultReport s_last_fault;
uptr s_fault_inside_report_at = 0;

void write_line(char const* text)
{
    platform::console_write(text, strlen(text));
    platform::console_write("\n", 1);
}

void fiber_entry(fcontext::transfer_t transfer)
{
    s_scheduler = transfer.fctx;
    s_fiber_body();
    s_in_fiber = false;
    fcontext::jump_fcontext(s_scheduler, nullptr);
    __builtin_unreachable();
}

}

namespace {

/* What each CPU's processor_started saw: its index, and the wake-ups it answered. */
constexpr u32 processor_capacity = 16;
std::atomic<u32> s_processor_index_seen[processor_capacity];
std::atomic<u64> s_wake_requests[processor_capacity];
std::atomic<u64> s_wakes_answered[processor_capacity];

}

u32 processor_index_seen(u32 index) { return s_processor_index_seen[index].load(); }

bool wake_and_wait(u32 index, u64 timeout_nanoseconds)
{
    u64 request = s_wake_requests[index].fetch_add(1) + 1;
    u64 start = platform::monotonic_nanoseconds();
    platform::wake_processor(index);
    while (s_wakes_answered[index].load(std::memory_order_acquire) < request) {
        if (platform::monotonic_nanoseconds() - start > timeout_nanoseconds)
            return false;
    }
    return true;
}

u64 interrupts_arrived(u32 line) { return line < line_capacity ? s_interrupts[line] : 0; }
u32 last_interrupt_line() { return s_last_line; }

bool run_fiber(void (*body)(), uptr stack_bottom, usize stack_size)
{
    s_fiber_body = body;
    s_in_fiber = true;
    auto context = fcontext::make_fcontext(reinterpret_cast<void*>(stack_bottom + stack_size), stack_size, fiber_entry);
    auto transfer = fcontext::jump_fcontext(context, nullptr);
    s_in_fiber = false;
    return transfer.data != nullptr;
}

u32 faults_reported() { return s_faults; }
platform::FaultReport const& last_fault() { return s_last_fault; }
void fault_inside_next_report(uptr address) { s_fault_inside_report_at = address; }

}

namespace vectra::kernel {

void boot(platform::BootInfo const&) { PANIC("the platform tests never boot a kernel"); }

void processor_started(u32 index)
{
    /* The kernel's loop (primitives/kernel/src/Processors.cpp), with the index the CPU believes it has. */
    test::s_processor_index_seen[index].store(platform::current_processor() + 1);
    u64 answered = 0;
    while (true) {
        u64 requests = test::s_wake_requests[index].load(std::memory_order_acquire);
        if (requests != answered) {
            answered = requests;
            test::s_wakes_answered[index].store(answered, std::memory_order_release);
            continue;
        }
        platform::idle_processor();
    }
}

void interrupt_arrived(u32 line)
{
    if (line < test::line_capacity)
        ++test::s_interrupts[line];
    test::s_last_line = line;
}

/* No executor here: lines a host thread raised wait for wait_for_interrupt(), as the tests expect. */
void host_line_raised() { }

void cpu_fault(platform::FaultReport const& report)
{
    if (uptr address = test::s_fault_inside_report_at) {
        test::s_fault_inside_report_at = 0;
        *reinterpret_cast<u64 volatile*>(address) = 1;
    }
    ++test::s_faults;
    test::s_last_fault = report;
    if (test::s_in_fiber) {
        test::s_in_fiber = false;
        fcontext::jump_fcontext(test::s_scheduler, reinterpret_cast<void*>(1));
    }
    char line[160];
    snprintf(line, sizeof(line), "FAULT: %s address=%#llx", report.kind,
        static_cast<unsigned long long>(report.fault_address));
    test::write_line(line);
    _exit(static_cast<int>(platform::ExitStatus::CpuFault));
}

}

namespace vectra {

void panic(char const* message, char const*, int)
{
    char line[200];
    snprintf(line, sizeof(line), "PANIC: %s", message);
    test::write_line(line);
    _exit(static_cast<int>(platform::ExitStatus::Panic));
}

void panic_with_error(Error const& error, char const*, char const* file, int line)
{
    panic(error.message(), file, line);
}

}
