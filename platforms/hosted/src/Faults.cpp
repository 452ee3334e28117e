/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * CPU faults on the hosted platform arrive as signals; each becomes a FaultReport on an
 * alternate stack (so a stack overflow is still reported).
 */

#include "Hosted.h"
#include <initializer_list>
#include <signal.h>
#include <string.h>
#include <vectra/platform/Platform.h>

namespace vectra::platform::hosted {

namespace {

constexpr usize alternate_stack_size = 64 * 1024;
alignas(16) u8 s_alternate_stack[alternate_stack_size];

char const* kind_of(int signal_number, int code)
{
    switch (signal_number) {
    case SIGSEGV: return code == SEGV_ACCERR ? "page fault (protection)" : "page fault (not mapped)";
    case SIGBUS: return "bus error";
    case SIGILL: return "invalid opcode";
    case SIGFPE: return "arithmetic fault";
    case SIGTRAP: return "breakpoint";
    }
    return "unknown fault";
}

void on_fault(int signal_number, siginfo_t* info, void* ucontext)
{
    FaultReport report;
    report.kind = kind_of(signal_number, info->si_code);
    report.vector = static_cast<u64>(signal_number);
    report.instruction_address = instruction_pointer(ucontext);
    report.fault_address = reinterpret_cast<u64>(info->si_addr);
    report.error_code = static_cast<u64>(info->si_code);
    report.stack_pointer = stack_pointer(ucontext);
    kernel::cpu_fault(report);
}

}

void install_fault_handlers()
{
    stack_t stack {};
    stack.ss_sp = s_alternate_stack;
    stack.ss_size = alternate_stack_size;
    sigaltstack(&stack, nullptr);
    struct sigaction action {};
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (int signal_number : { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP })
        sigaction(signal_number, &action, nullptr);
}

}
