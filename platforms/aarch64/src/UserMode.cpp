/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The two user-side functions of protection domains, in every build. EL0 cannot read
 * CurrentEL, so the kernel says it instead: TPIDRRO_EL0 (read-only at EL0) is non-zero exactly
 * while a Task in a domain runs, set on every switch (zero at boot and for every other Task).
 */

#include <vectra/platform/Domain.h>

/*
 * vectors.S: the kernel stack an SVC from EL0 switches to (Domains.cpp sets it before a Task in a
 * domain runs; 0 otherwise, and then an SVC is reported as a fault), and the call it makes.
 */
extern "C" {
vectra::u64 platform_aarch64_trap_stack = 0;
void platform_aarch64_user_trap(vectra::u64 frame_address) { vectra::kernel::user_trap(frame_address); }
}

namespace vectra::platform {

bool in_domain()
{
    u64 value;
    asm volatile("mrs %0, tpidrro_el0" : "=r"(value));
    return value != 0;
}

void trap_call(kernel::CallFrame& frame)
{
    /* The kernel preserves x19-x29 and the stack pointer and clears the other registers. */
    register kernel::CallFrame* pointer asm("x0") = &frame;
    asm volatile("svc #0"
                 : "+r"(pointer)
                 :
                 : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                 "x16", "x17", "x18", "x30", "memory", "cc", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8",
                 "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22",
                 "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31");
}

}
