/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The kernel-call boundary as the machine sees it. Every kernel call a component makes is one
 * CallFrame: a call number, six argument words, and on return an error code, a message and two
 * result words. A Task without a protection domain hands the frame to kernel::system_call() by
 * an ordinary function call; a Task in a domain traps (`syscall` on x86_64, `svc` on aarch64)
 * and the platform's trap entry hands the same frame to the same function. The checks are the
 * same either way: the kernel acts only for the calling Task, through its own capability space.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::kernel {

/* Call numbers: stable, never reused. Arguments and results are documented in vectra/System.h. */
enum class Call : u64 {
    ConsoleWrite = 1,
    Wait = 2,
    WaitUntil = 3,
    Yield = 4,
    Exit = 5,
    Raise = 6,
    SignalCapability = 7,
    Attenuate = 8,
    Revoke = 9,
    Remove = 10,
    Describe = 11,
    BundleTake = 12,
    BundleGrant = 13,
    BundleGive = 14,
    Carve = 15,
    Reclaim = 16,
    Spawn = 17,
    TaskStatus = 18,
    Reap = 19,
    CreateRing = 20,
    ResetRing = 21,
    RingBind = 22,
    RingUnbind = 23,
    RingSend = 24,
    RingReceive = 25,
    RingState = 26,
    CreateTimer = 27,
    ArmTimer = 28,
    CancelTimer = 29,
    BindInterrupt = 30,
    InterruptLine = 31,
    CreateMemory = 32,
    MapMemory = 33,
    MonotonicNow = 34,
    Entropy = 35,
    SelfStatus = 36,
    RingSendCapability = 37,
};

struct CallFrame {
    u64 number { 0 };
    u64 arguments[6] {};
    /* Out: ErrorCode (0: success), the error's message (a string in read-only image data), results. */
    u64 error { 0 };
    char const* message { nullptr };
    u64 results[2] {};
};

/* Carry out one kernel call for the calling Task. Never trusts a word of the frame. */
void system_call(CallFrame&);

/*
 * Whether the calling Task may read (or, with `writable`, write) every byte of
 * [address, address + length): always true for a Task without a domain (it shares the
 * kernel's address space and is trusted); for a Task in a domain, true only for memory its
 * domain maps with those rights. Every pointer a kernel call receives is checked through this.
 */
[[nodiscard]] bool caller_may_access(uptr address, usize length, bool writable);

}
