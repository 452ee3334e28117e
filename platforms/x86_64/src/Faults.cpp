/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * CPU exceptions become a FaultReport handed to kernel::cpu_fault(). A fault that happens while
 * a fault is being handled (the interrupted stack is an exception stack) cannot trust the
 * kernel's reporting path: it is printed here, digit by digit, and the image powers off.
 *
 * cpu_fault() may end only the faulting Task and switch to the scheduler for good. That is safe
 * here: the handler runs with IF = 0 (interrupt gate), the state every kernel stack runs in, and
 * the scheduler's context restores its own registers, MXCSR and x87 control word. Nothing waits
 * for a matching iretq: the CPU reloads the IST stack pointer from the TSS on every exception,
 * so the next fault starts at the top of the same stack, and "inside a fault" is judged per
 * fault from the interrupted stack pointer, not from a flag that could stay set. Interrupts
 * taken later end in iretq, which also lifts the NMI blocking a reported NMI leaves behind.
 * Two exceptions return: probe_read's page fault (its one instruction is known) and an NMI that
 * asks for a TLB shootdown (TlbShootdown.cpp, through its own stub).
 */

#include "Descriptors.h"
#include "Exceptions.h"
#include <vectra/platform/NestedFault.h>
#include <vectra/platform/Platform.h>
#include <vectra/x86_64/Cpu.h>

namespace vectra::x86_64 {

namespace {

constexpr u64 page_fault_vector = 14;

char const* const s_exception_names[32] = {
    "divide error",
    "debug",
    "non-maskable interrupt",
    "breakpoint",
    "overflow",
    "bound range exceeded",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack-segment fault",
    "general protection",
    "page fault",
    "reserved exception 15",
    "x87 floating-point error",
    "alignment check",
    "machine check",
    "SIMD floating-point error",
    "virtualization exception",
    "control protection",
    "reserved exception 22",
    "reserved exception 23",
    "reserved exception 24",
    "reserved exception 25",
    "reserved exception 26",
    "reserved exception 27",
    "hypervisor injection",
    "VMM communication",
    "security exception",
    "reserved exception 31",
};

[[noreturn]] void report_nested_fault(platform::FaultReport const& report)
{
    platform::print_nested_fault("x86_64", report);
    platform::power_off(platform::ExitStatus::CpuFault);
}

}

}

extern "C" char platform_x86_64_probe_read_access[];
extern "C" char platform_x86_64_probe_read_fault[];

/* Called by vectors.S on an exception stack, with interrupts masked. Returns only after
   probe_read's page fault, which resumes in kernel mode past the read (vectors.S iretq's there). */
extern "C" void platform_x86_64_exception(vectra::x86_64::ExceptionFrame* frame)
{
    using namespace vectra;
    if (frame->vector == x86_64::page_fault_vector && (frame->cs & 3) == 0
        && frame->rip == reinterpret_cast<u64>(platform_x86_64_probe_read_access)) {
        frame->rip = reinterpret_cast<u64>(platform_x86_64_probe_read_fault);
        return;
    }
    u64 fault_address = frame->vector == x86_64::page_fault_vector ? x86_64::read_cr2() : 0;
    platform::FaultReport report {
        .kind = x86_64::s_exception_names[frame->vector & 31],
        .vector = frame->vector,
        .instruction_address = frame->rip,
        .fault_address = fault_address,
        .error_code = frame->error_code,
        .stack_pointer = frame->rsp,
    };
    if (x86_64::is_on_exception_stack(frame->rsp))
        x86_64::report_nested_fault(report);
    kernel::cpu_fault(report);
}
