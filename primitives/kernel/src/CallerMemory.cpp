/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Which memory a kernel call may touch for its caller, and where the kernel finds it. A Task without a protection domain
 * shares the kernel's address space and is trusted with it, so every range is its own; a Task
 * in a domain (CONFIG_DOMAINS) may name only what its domain's page tables map for user mode
 * with those rights, found by walking them (and its view of the shared libraries' data is its
 * domain's copy).
 */

#include <vectra/CallFrame.h>
#include <vectra/kernel/Domain.h>
#include <vectra/kernel/Executor.h>

namespace vectra::kernel {

u8* caller_memory(uptr address, usize length, bool writable)
{
    auto& executor = Executor::current();
    if (!executor.in_task())
        return reinterpret_cast<u8*>(address); /* the kernel itself */
    return domains::user_memory(executor.current_task(), address, length, writable);
}

}
