/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * CPU faults on the hosted platform arrive as signals; each becomes a FaultReport on an
 * alternate stack (so a stack overflow is still reported).
 *
 * kernel::cpu_fault() may leave the handler for good by switching to another context (fault
 * containment), so nothing here relies on returning through sigreturn: the handlers run with
 * SA_NODEFER and restore the interrupted code's signal mask before calling the kernel, so the
 * next fault is delivered like the first; and the kernel decides whether a signal runs on the
 * alternate stack by the stack pointer alone, so once the handler has been left the alternate
 * stack is used again from its top.
 */

#include "Hosted.h"
#include <initializer_list>
#include <signal.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <vectra/platform/NestedFault.h>
#include <vectra/platform/Platform.h>

namespace vectra::platform::hosted {

namespace {

constexpr usize alternate_stack_size = 64 * 1024;
alignas(16) u8 s_alternate_stack[alternate_stack_size];

char const* kind_of(int signal_number, int code)
{
    switch (signal_number) {
    case SIGSEGV:
        return code == SEGV_ACCERR ? "page fault (protection)" : "page fault (not mapped)";
    case SIGBUS:
        return "bus error";
    case SIGILL:
        return "invalid opcode";
    case SIGFPE:
        return "arithmetic fault";
    case SIGTRAP:
        return "breakpoint";
    }
    return "unknown fault";
}

[[nodiscard]] bool on_alternate_stack(u64 stack_pointer)
{
    auto base = reinterpret_cast<u64>(&s_alternate_stack[0]);
    return stack_pointer >= base && stack_pointer <= base + alternate_stack_size;
}

/* A fault while a fault is being reported: the kernel's reporting path cannot be trusted. */
[[noreturn]] void report_nested_fault(FaultReport const& report)
{
    print_nested_fault("hosted", report);
    _exit(static_cast<int>(ExitStatus::CpuFault));
}

extern "C" char const __ehdr_start[];

void on_fault(int signal_number, siginfo_t* info, void* ucontext)
{
    FaultReport report;
    report.kind = kind_of(signal_number, info->si_code);
    report.vector = static_cast<u64>(signal_number);
    report.instruction_address = instruction_pointer(ucontext);
    report.fault_address = reinterpret_cast<u64>(info->si_addr);
    report.error_code = static_cast<u64>(info->si_code);
    report.stack_pointer = stack_pointer(ucontext);
    /* The linker's symbol for the image's first byte: where Linux loaded this executable. */
    report.image_base = reinterpret_cast<u64>(&__ehdr_start);
    if (on_alternate_stack(report.stack_pointer))
        report_nested_fault(report);
    /* What sigreturn would have restored, in case the kernel never returns here. */
    sigprocmask(SIG_SETMASK, &static_cast<ucontext_t*>(ucontext)->uc_sigmask, nullptr);
    kernel::cpu_fault(report);
}

}

void install_fault_handlers()
{
    stack_t stack {};
    stack.ss_sp = s_alternate_stack;
    stack.ss_size = alternate_stack_size;
    sigaltstack(&stack, nullptr);
    struct sigaction action { };
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    for (int signal_number : { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP })
        sigaction(signal_number, &action, nullptr);
}

}
