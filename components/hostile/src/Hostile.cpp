/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Hostile Tasks for images/isolation: each attacks its protection domain one way (README.md).
 * They run in user mode, so they touch nothing of the kernel's — not even the Bundle the entry
 * is handed (it is the kernel's) — and reach the kernel only through kernel-call frames.
 */

#include "Calls.h"
#include <vectra/kernel/Entries.h>

extern "C" {
/* Where the image ends and free memory starts: the root Reticle, holding initd's Task and stack. */
extern char __image_end[];
}

namespace vectra::task_entries {

using namespace hostile;

namespace {

/* Code in the data section (writable, so never executable): `ret`. */
#if defined(__x86_64__)
u8 s_code_in_data[16] = { 0xc3 };
#else
alignas(4) u8 s_code_in_data[16] = { 0xc0, 0x03, 0x5f, 0xd6 };
#endif

ErrorOr<u64> console_of() { return take("console", CapabilityClass::Device); }

void write_byte(uptr address, u8 value) { *reinterpret_cast<u8 volatile*>(address) = value; }
u8 read_byte(uptr address) { return *reinterpret_cast<u8 volatile*>(address); }

ErrorOr<u64> create_memory(u64 reticle, Rights rights = 0)
{
    return result_of(call(Call::CreateMemory, reticle, 4096, rights));
}

/* Where the memory a MemCap or RingCap names is mapped, and how many bytes. */
ErrorOr<uptr> mapping_of(CapabilityClass capability_class, u64 handle, usize* size = nullptr)
{
    auto frame = call(Call::MapMemory, u64(capability_class), handle);
    if (size)
        *size = frame.results[1];
    return result_of(frame);
}

}

ErrorOr<i32> hostile_read(Bundle&)
{
    u64 console = TRY(console_of());
    uptr target = reinterpret_cast<uptr>(__image_end);
    TRY(say(console, "hostile-read: reading the root Reticle (initd's Task and stack) at {:#x}", target));
    u8 value = read_byte(target);
    TRY(say(console, "hostile-read: read {} from the kernel's memory", value));
    return 1;
}

ErrorOr<i32> hostile_ring(Bundle&)
{
    u64 console = TRY(console_of());
    u64 ring = TRY(take("bait", CapabilityClass::Ring));
    usize size = 0;
    uptr slots = TRY(mapping_of(CapabilityClass::Ring, ring, &size));
    TRY(say(console, "hostile-ring: the Ring it holds has {} bytes of slots at {:#x}", size, slots));
    write_byte(slots + 16, 0x41);
    TRY(say(console, "hostile-ring: wrote into a slot of the Ring it holds"));
    TRY(result_of(call(Call::Remove, u64(CapabilityClass::Ring), ring)));
    TRY(say(console, "hostile-ring: removed its RingCap; writing the same slot again"));
    write_byte(slots + 16, 0x42);
    TRY(say(console, "hostile-ring: wrote into a Ring it no longer holds"));
    return 1;
}

ErrorOr<i32> hostile_memcap(Bundle&)
{
    u64 console = TRY(console_of());
    u64 memory = TRY(take("memory", CapabilityClass::Reticle));
    u64 writable = TRY(create_memory(memory));
    uptr shared = TRY(mapping_of(CapabilityClass::Memory, writable));
    write_byte(shared, 42);
    TRY(say(console, "hostile-memcap: wrote 42 through its writable MemCap at {:#x}", shared));
    /* A MemCap made read-only from the start: mapped read-only. */
    u64 read_only = TRY(create_memory(memory, RightRead));
    uptr base = TRY(mapping_of(CapabilityClass::Memory, read_only));
    TRY(say(console, "hostile-memcap: read {} through its read-only MemCap at {:#x}", read_byte(base), base));
    TRY(say(console, "hostile-memcap: writing through the read-only MemCap"));
    write_byte(base, 43);
    TRY(say(console, "hostile-memcap: wrote a read-only MemCap"));
    return 1;
}

/* Removing a capability removes what was derived from it — and the mapping with the last one. */
ErrorOr<i32> hostile_revoke(Bundle&)
{
    u64 console = TRY(console_of());
    u64 memory = TRY(take("memory", CapabilityClass::Reticle));
    u64 original = TRY(create_memory(memory));
    u64 copy = TRY(result_of(call(Call::Attenuate, u64(CapabilityClass::Memory), original, RightRead)));
    uptr base = TRY(mapping_of(CapabilityClass::Memory, copy));
    write_byte(base, 7);
    TRY(say(console, "hostile-revoke: read {} through its read-only copy at {:#x}", read_byte(base), base));
    TRY(result_of(call(Call::Remove, u64(CapabilityClass::Memory), original)));
    TRY(say(console, "hostile-revoke: removed the original (and with it the copy); reading through the copy"));
    TRY(say(console, "hostile-revoke: read {} after the copy was revoked", read_byte(base)));
    return 1;
}

ErrorOr<i32> hostile_forge(Bundle&)
{
    u64 console = TRY(console_of());
    int refused = 0;
    auto expect_refusal = [&](std::string_view attempt, CallFrame const& frame) -> ErrorOr<void> {
        if (frame.error == 0)
            return say(console, "hostile-forge: {}: NOT refused", attempt);
        ++refused;
        return say(console, "hostile-forge: {}: refused ({})", attempt, error_code_name(ErrorCode(frame.error)));
    };
    std::string_view text = "forged\n";
    auto text_address = reinterpret_cast<uptr>(text.data());
    TRY(expect_refusal("console write through a made-up handle",
        call(Call::ConsoleWrite, (u64(77) << 16) | 9, text_address, text.size())));
    TRY(expect_refusal("console write through a handle word with extra bits",
        call(Call::ConsoleWrite, console | (u64(1) << 60), text_address, text.size())));
    TRY(expect_refusal("console write of the kernel's memory",
        call(Call::ConsoleWrite, console, reinterpret_cast<uptr>(__image_end), 64)));
    TRY(expect_refusal("map a Ring through a made-up handle", call(Call::MapMemory, u64(CapabilityClass::Ring), 3)));
    TRY(expect_refusal("map its console as memory", call(Call::MapMemory, u64(CapabilityClass::Memory), console)));
    TRY(expect_refusal("remove a capability of a made-up class", call(Call::Remove, 200, console)));
    TRY(expect_refusal("attenuate the console to more rights", call(Call::Attenuate, u64(CapabilityClass::Device),
        console, all_rights)));
    TRY(expect_refusal("take a slot its Bundle does not hold", call(Call::BundleTake,
        reinterpret_cast<uptr>(text.data()), 6, u64(CapabilityClass::Reticle))));
    TRY(expect_refusal("an unknown kernel call", call(Call(999))));
    TRY(say(console, "hostile-forge: {} of 9 attempts refused", refused));
    return refused == 9 ? 0 : 1;
}

ErrorOr<i32> hostile_frame(Bundle&)
{
    u64 console = TRY(console_of());
    /* Constants are readable in every domain but never writable: the kernel may not write its results there. */
    static constexpr CallFrame constant_frame { u64(Call::MonotonicNow), {}, 0, nullptr, {} };
    TRY(say(console, "hostile-frame: a kernel call with its frame in read-only constants at {:#x}",
        reinterpret_cast<uptr>(&constant_frame)));
    platform::trap_call(const_cast<CallFrame&>(constant_frame));
    TRY(say(console, "hostile-frame: the kernel wrote into read-only constants"));
    return 1;
}

ErrorOr<i32> hostile_execute(Bundle&)
{
    u64 console = TRY(console_of());
    auto* code = reinterpret_cast<void (*)()>(reinterpret_cast<uptr>(&s_code_in_data[0]));
    TRY(say(console, "hostile-execute: calling code in its data section at {:#x}", reinterpret_cast<uptr>(code)));
    code();
    TRY(say(console, "hostile-execute: executed its data"));
    return 1;
}

/* Recursion without end: the page below the user stack is never mapped. */
[[gnu::noinline]] u64 descend(u64 depth)
{
    u8 volatile frame[256];
    frame[0] = u8(depth);
    if (depth == ~u64(0)) /* never: 16 KiB of stack run out long before */
        return frame[0];
    return descend(depth + 1) + frame[0];
}

ErrorOr<i32> hostile_overflow(Bundle&)
{
    u64 console = TRY(console_of());
    TRY(say(console, "hostile-overflow: recursing without end on its user stack"));
    TRY(say(console, "hostile-overflow: came back from depth {}", descend(0)));
    return 1;
}

ErrorOr<i32> hostile_privileged(Bundle&)
{
    u64 console = TRY(console_of());
#if defined(__x86_64__)
    TRY(say(console, "hostile-privileged: cli"));
    asm volatile("cli");
#else
    TRY(say(console, "hostile-privileged: msr daifset, #2"));
    asm volatile("msr daifset, #2");
#endif
    TRY(say(console, "hostile-privileged: masked interrupts from user mode"));
    return 1;
}

}
