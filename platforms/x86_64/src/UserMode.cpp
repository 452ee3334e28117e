/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The two user-side functions of protection domains, in every build: component code asks
 * in_domain() before each kernel call (false everywhere without CONFIG_DOMAINS, so the call
 * stays a function call) and traps with trap_call() when it is in one.
 */

#include <vectra/platform/Domain.h>

namespace vectra::platform {

bool in_domain()
{
    u16 code_segment;
    asm volatile("mov %%cs, %0" : "=r"(code_segment));
    return (code_segment & 3) == 3;
}

void trap_call(kernel::CallFrame& frame)
{
    /* The kernel preserves the callee-saved registers and clears the others (domain_entry.S). */
    kernel::CallFrame* pointer = &frame;
    asm volatile("syscall"
                 : "+D"(pointer)
                 :
                 : "rax", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "memory", "cc", "xmm0", "xmm1", "xmm2",
                 "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
                 "xmm14", "xmm15");
}

}
