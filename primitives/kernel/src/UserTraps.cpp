/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Kernel calls that arrive as traps from a Task in a protection domain: the frame is checked
 * (src/CallerMemory.cpp) and handed to kernel::system_call(), as a direct call would be.
 */

#include <vectra/kernel/Domain.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/KernelLock.h>
#include <vectra/CallFrame.h>
#include <vectra/kernel/Console.h>
#include <vectra/platform/Domain.h>

namespace vectra::kernel {

void user_trap(uptr frame_address)
{
    kernel_lock::Entry lock;
    /*
     * The frame is the caller's own memory and the kernel writes its results there: a frame the
     * caller could not write itself (the kernel's memory, another's, read-only constants) ends
     * the caller like the fault that writing it from user mode would have been.
     */
    u8* frame = frame_address % alignof(CallFrame) != 0 ? nullptr : caller_memory(frame_address, sizeof(CallFrame), true);
    if (!frame) {
        auto& executor = Executor::current();
        Task& task = executor.current_task();
        console_format("FAULT: task {}: kernel call with a frame it may not write at address={:#x} domain={}",
            task.name(), frame_address, domains::name_of(task));
        executor.fail_current(ExitCause::Faulted, "kernel call with a frame it may not write", frame_address);
    }
    system_call(*reinterpret_cast<CallFrame*>(frame));
}

}
