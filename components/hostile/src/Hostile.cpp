/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Hostile Tasks for images/isolation: each attacks its protection domain one way (README.md).
 * They run in user mode and are ordinary system-interface code (vectra/System.h): every call
 * traps from their domain. Only hostile_forge and hostile_frame hand-build frames, to forge what
 * the system interface never would.
 */

#include "Calls.h"
#include <string.h>
#include <vectra/TaskEntry.h>
#include <vectra/libc/Libc.h>

extern "C" {
/* Where the image ends and free memory starts: the root Reticle, holding initd's Task and stack. */
extern char __image_end[];
/* The shared libraries' data (core/, ports), of which every domain maps a copy of its own. */
extern char __library_data_start[];
}

VECTRA_TASK_ENTRY(hostile_read);
VECTRA_TASK_ENTRY(hostile_ring);
VECTRA_TASK_ENTRY(hostile_memcap);
VECTRA_TASK_ENTRY(hostile_revoke);
VECTRA_TASK_ENTRY(hostile_forge);
VECTRA_TASK_ENTRY(hostile_frame);
VECTRA_TASK_ENTRY(hostile_execute);
VECTRA_TASK_ENTRY(hostile_privileged);
VECTRA_TASK_ENTRY(hostile_overflow);
VECTRA_TASK_ENTRY(hostile_library);

namespace vectra::task_entries {

using namespace hostile;

namespace {

/* Code in the data section (writable, so never executable): `ret`. */
#if defined(__x86_64__)
u8 s_code_in_data[16] = { 0xc3 };
#else
alignas(4) u8 s_code_in_data[16] = { 0xc0, 0x03, 0x5f, 0xd6 };
#endif

void write_byte(uptr address, u8 value) { *reinterpret_cast<u8 volatile*>(address) = value; }
u8 read_byte(uptr address) { return *reinterpret_cast<u8 volatile*>(address); }

}

ErrorOr<i32> hostile_read(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    uptr target = reinterpret_cast<uptr>(__image_end);
    TRY(print_line(console, "hostile-read: reading the root Reticle (initd's Task and stack) at {:#x}", target));
    u8 value = read_byte(target);
    TRY(print_line(console, "hostile-read: read {} from the kernel's memory", value));
    return 1;
}

ErrorOr<i32> hostile_ring(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto ring = TRY(bundle.take<RingCap>("bait"));
    auto slots = TRY(system::ring_slot_memory(ring));
    auto address = reinterpret_cast<uptr>(slots.data());
    TRY(print_line(console, "hostile-ring: the Ring it holds has {} bytes of slots at {:#x}", slots.size(), address));
    write_byte(address + 16, 0x41);
    TRY(print_line(console, "hostile-ring: wrote into a slot of the Ring it holds"));
    TRY(system::remove(std::move(ring)));
    TRY(print_line(console, "hostile-ring: removed its RingCap; writing the same slot again"));
    write_byte(address + 16, 0x42);
    TRY(print_line(console, "hostile-ring: wrote into a Ring it no longer holds"));
    return 1;
}

ErrorOr<i32> hostile_memcap(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto writable = TRY(system::create_memory(memory, 4096));
    auto shared = reinterpret_cast<uptr>(TRY(system::map_memory(writable)).data());
    write_byte(shared, 42);
    TRY(print_line(console, "hostile-memcap: wrote 42 through its writable MemCap at {:#x}", shared));
    /* A MemCap made read-only from the start: mapped read-only. */
    auto read_only = TRY(system::create_memory(memory, 4096, RightRead));
    auto base = reinterpret_cast<uptr>(TRY(system::map_memory_read_only(read_only)).data());
    TRY(print_line(console, "hostile-memcap: read {} through its read-only MemCap at {:#x}", read_byte(base), base));
    TRY(print_line(console, "hostile-memcap: writing through the read-only MemCap"));
    write_byte(base, 43);
    TRY(print_line(console, "hostile-memcap: wrote a read-only MemCap"));
    return 1;
}

/* Removing a capability removes what was derived from it — and the mapping with the last one. */
ErrorOr<i32> hostile_revoke(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto original = TRY(system::create_memory(memory, 4096));
    auto copy = TRY(system::attenuate(original, RightRead));
    auto base = reinterpret_cast<uptr>(TRY(system::map_memory_read_only(copy)).data());
    write_byte(base, 7);
    TRY(print_line(console, "hostile-revoke: read {} through its read-only copy at {:#x}", read_byte(base), base));
    TRY(system::remove(std::move(original)));
    TRY(print_line(console, "hostile-revoke: removed the original (and with it the copy); reading through the copy"));
    TRY(print_line(console, "hostile-revoke: read {} after the copy was revoked", read_byte(base)));
    return 1;
}

ErrorOr<i32> hostile_forge(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    u64 console_word = kernel::handle_word({ console.space(), console.slot(), console.generation() });
    u64 generation = console.generation();
    int refused = 0;
    auto expect_refusal = [&](std::string_view attempt, CallFrame const& frame) -> ErrorOr<void> {
        if (frame.error == 0)
            return print_line(console, "hostile-forge: {}: NOT refused", attempt);
        ++refused;
        return print_line(console, "hostile-forge: {}: refused ({})", attempt, error_code_name(ErrorCode(frame.error)));
    };
    std::string_view text = "forged\n";
    auto text_address = reinterpret_cast<uptr>(text.data());
    TRY(expect_refusal("console write through a made-up handle",
        forged(Call::ConsoleWrite, { (u64(9) << 32) | 77, 1, text_address, text.size() })));
    TRY(expect_refusal("console write through a handle word with extra bits",
        forged(Call::ConsoleWrite, { console_word | (u64(1) << 60), generation, text_address, text.size() })));
    TRY(expect_refusal("console write of the kernel's memory",
        forged(Call::ConsoleWrite, { console_word, generation, reinterpret_cast<uptr>(__image_end), 64 })));
    TRY(expect_refusal("map memory through a made-up handle", forged(Call::MapMemory, { 3, 1, 1 })));
    TRY(expect_refusal("map its console as memory", forged(Call::MapMemory, { console_word, generation, 1 })));
    TRY(expect_refusal("remove a capability of a made-up class", forged(Call::Remove, { console_word, generation, 200 })));
    TRY(expect_refusal("attenuate the console to more rights", forged(Call::Attenuate,
        { console_word, generation, u64(CapabilityClass::Device), all_rights })));
    TRY(expect_refusal("take a slot its Bundle does not hold", forged(Call::BundleTake,
        { reinterpret_cast<uptr>(text.data()), 6, u64(CapabilityClass::Reticle) })));
    TRY(expect_refusal("an unknown kernel call", forged(Call(999), {})));
    TRY(print_line(console, "hostile-forge: {} of 9 attempts refused", refused));
    return refused == 9 ? 0 : 1;
}

ErrorOr<i32> hostile_library(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    /* errno lives in the shared libraries' data: this domain writes its own copy of it. */
    int* error_number = libc::error_number_location();
    auto address = reinterpret_cast<uptr>(error_number);
    static_assert(sizeof(int) == 4);
    memcpy(error_number, "yes\n", 4);
    TRY(print_line(console, "hostile-library: wrote \"yes\" into errno, in its copy of the libraries' data at {:#x}", address));
    /* The kernel reads a buffer there from the caller's copy, not from the original the Tasks outside any domain use. */
    TRY(system::console_write(console, "hostile-library: the kernel printed its copy: "));
    TRY(system::console_write(console, std::string_view(reinterpret_cast<char const*>(error_number), 4)));
    /* A buffer that begins in the domain's own data and ends in the copy has no one place in the kernel's view. */
    u64 console_word = kernel::handle_word({ console.space(), console.slot(), console.generation() });
    auto straddle = reinterpret_cast<uptr>(__library_data_start) - 2;
    auto frame = forged(Call::ConsoleWrite, { console_word, console.generation(), straddle, 4 });
    if (frame.error == 0)
        TRY(print_line(console, "hostile-library: a buffer across the copy's first byte: NOT refused"));
    else
        TRY(print_line(console, "hostile-library: a buffer across the copy's first byte: refused ({})", error_code_name(ErrorCode(frame.error))));
    return frame.error == 0 ? 1 : 0;
}

ErrorOr<i32> hostile_frame(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    /* Constants are readable in every domain but never writable: the kernel may not write its results there. */
    static constexpr CallFrame constant_frame { u64(Call::MonotonicNow), {}, 0, nullptr, {} };
    TRY(print_line(console, "hostile-frame: a kernel call with its frame in read-only constants at {:#x}",
        reinterpret_cast<uptr>(&constant_frame)));
    kernel::enter(const_cast<CallFrame&>(constant_frame));
    TRY(print_line(console, "hostile-frame: the kernel wrote into read-only constants"));
    return 1;
}

ErrorOr<i32> hostile_execute(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto* code = reinterpret_cast<void (*)()>(reinterpret_cast<uptr>(&s_code_in_data[0]));
    TRY(print_line(console, "hostile-execute: calling code in its data section at {:#x}", reinterpret_cast<uptr>(code)));
    code();
    TRY(print_line(console, "hostile-execute: executed its data"));
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

ErrorOr<i32> hostile_overflow(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    TRY(print_line(console, "hostile-overflow: recursing without end on its user stack"));
    TRY(print_line(console, "hostile-overflow: came back from depth {}", descend(0)));
    return 1;
}

ErrorOr<i32> hostile_privileged(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
#if defined(__x86_64__)
    TRY(print_line(console, "hostile-privileged: cli"));
    asm volatile("cli");
#else
    TRY(print_line(console, "hostile-privileged: msr daifset, #2"));
    asm volatile("msr daifset, #2");
#endif
    TRY(print_line(console, "hostile-privileged: masked interrupts from user mode"));
    return 1;
}

}
