/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Kernel calls that arrive as traps from a Task in a protection domain, and the one check every
 * pointer a kernel call receives goes through.
 */

#include <vectra/Domain.h>
#include <vectra/Executor.h>
#include <vectra/kernel/CallFrame.h>
#include <vectra/kernel/Console.h>
#include <vectra/platform/Domain.h>

namespace vectra::kernel {

bool caller_may_access(uptr address, usize length, bool writable)
{
    auto& executor = Executor::current();
    if (!executor.in_task())
        return true; /* the kernel itself */
    return domains::may_access(executor.current_task(), address, length, writable);
}

void user_trap(uptr frame_address)
{
    /*
     * The frame is the caller's own memory and the kernel writes its results there: a frame the
     * caller could not write itself (the kernel's memory, another's, read-only constants) ends
     * the caller like the fault that writing it from user mode would have been.
     */
    if (frame_address % alignof(CallFrame) != 0 || !caller_may_access(frame_address, sizeof(CallFrame), true)) {
        auto& executor = Executor::current();
        Task& task = executor.current_task();
        console_format("FAULT: task {}: kernel call with a frame it may not write at address={:#x} domain={}",
            task.name(), frame_address, domains::name_of(task));
        executor.fail_current(ExitCause::Faulted, "kernel call with a frame it may not write", frame_address);
    }
    system_call(*reinterpret_cast<CallFrame*>(frame_address));
}

}
