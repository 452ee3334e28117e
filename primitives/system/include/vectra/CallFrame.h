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

#include <vectra/Capability.h>
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
    RingSendBurst = 38,
    RingReceiveBurst = 39,
    BundleDescribe = 40,
    TriggerInterrupt = 41,
    RingSlotMemory = 42,
    Panic = 43,
    PciOpen = 44,
    PciDescribe = 45,
    PciConfigRead = 46,
    PciConfigWrite = 47,
    PciBar = 48,
    DeviceMemoryOpen = 49,
    DeviceMemoryMap = 50,
    DmaAddress = 51,
    DisplayMode = 52,
    DisplayMemory = 53,
    DisplayPresent = 54,
    PciInterrupt = 55,
    AcknowledgeInterrupt = 56,
    /* Block devices (ADR 0017); numbered apart so concurrent additions above do not collide. */
    BlockInfo = 60,
    BlockRead = 61,
    BlockWrite = 62,
    BlockFlush = 63,
    /* The host's sockets (hosted; vectra/HostSockets.h): one call, the operation in an argument. */
    HostSocket = 64,
    /* virtio-mmio slots (ADR 0025); numbered apart as the block calls are. */
    MmioSlotOpen = 70,
    MmioSlotDescribe = 71,
    MmioSlotRead = 72,
    MmioSlotWrite = 73,
    MmioSlotInterrupt = 74,
    MmioSlotDmaAddress = 75,
    /* The kernel's entropy pool (ADR 0025 §3). */
    EntropyFeed = 76,
    /* The hosted window's keyboard and mouse (ADR 0040 §6; vectra/HostInput.h). */
    HostInputInfo = 77,
    HostInputDrain = 78,
    HostInputInterrupt = 79,
    /* The debug snapshot, read through its DeviceCap (ADR 0045; vectra/kernel/Snapshot.h's layout). */
    SnapshotSize = 80,
    SnapshotRead = 81,
    /* The i8042 keyboard controller through its DeviceCap (ADR 0031 amendment; vectra/kernel/I8042.h). */
    I8042Read = 82,
    I8042Write = 83,
    I8042Interrupt = 84,
    /* The host-sockets line as an IrqCap (hosted; ADR 0024, amendment "netd woken by the host"). */
    HostSocketsInterrupt = 85,
};

struct CallFrame {
    u64 number { 0 };
    u64 arguments[6] {};
    /* Out: ErrorCode (0: success), the error's message (a string in read-only image data), results. */
    u64 error { 0 };
    char const* message { nullptr };
    u64 results[2] {};
};

/* A handle travels as two words: space and slot, then generation. */
[[nodiscard]] inline u64 handle_word(RawHandle handle) { return u64(handle.space) | (u64(handle.slot) << 32); }
[[nodiscard]] inline RawHandle handle_from_words(u64 first, u64 second)
{
    return { static_cast<u32>(first), static_cast<u16>(first >> 32), static_cast<u32>(second) };
}

/* A Ring binding travels as one word: index, then generation. */
[[nodiscard]] inline u64 binding_word(u32 index, u32 generation) { return u64(index) | (u64(generation) << 32); }

/* Bundle placement (Call::BundleGrant copies, Call::BundleGive moves): too many words for registers. */
struct BundlePlacement {
    u64 child[2];
    char const* name;
    usize name_length;
    u64 source[2];
    u64 capability_class;
    u64 rights;
};

/* Carry out one kernel call for the calling Task. Never trusts a word of the frame. */
void system_call(CallFrame&);

/*
 * Where the kernel reads (or, with `writable`, writes) the bytes the calling Task sees at
 * [address, address + length), or nullptr when it may not touch every one of them. A Task
 * without a domain shares the kernel's address space and is trusted: the address itself. A
 * Task in a domain may name only memory its domain maps with those rights, and its view of
 * the shared libraries' data is its domain's own copy. Every pointer a kernel call receives
 * goes through this, and the kernel uses only the pointer it returns.
 */
[[nodiscard]] u8* caller_memory(uptr address, usize length, bool writable);

}

namespace vectra::platform {

/*
 * The user side of protection domains, defined by every platform (vectra/platform/Domain.h
 * declares the same two for the kernel's side): whether the caller runs in user mode, in a
 * domain (false everywhere without CONFIG_DOMAINS), and the trap (`syscall` / `svc`) that
 * hands a frame to kernel::system_call() from there.
 */
[[nodiscard]] bool in_domain();
void trap_call(kernel::CallFrame&);

}

namespace vectra::kernel {

/*
 * The one way into the kernel, the same component source in or out of a domain: a trap from
 * user mode, a function call otherwise. Every kernel call of the system interface goes here.
 */
inline void enter(CallFrame& frame)
{
    if (platform::in_domain())
        platform::trap_call(frame);
    else
        system_call(frame);
}

}
