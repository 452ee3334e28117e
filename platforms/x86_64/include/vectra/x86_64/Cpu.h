/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Thin wrappers around the x86_64 instructions the platform (and later, x86-only drivers such as
 * PCI configuration access) needs: port I/O, model-specific registers, CPUID, the TSC and the
 * interrupt flag. Everything is inline; nothing here has state.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::x86_64 {

inline void out8(u16 port, u8 value) { asm volatile("outb %0, %1" : : "a"(value), "Nd"(port) : "memory"); }
inline void out16(u16 port, u16 value) { asm volatile("outw %0, %1" : : "a"(value), "Nd"(port) : "memory"); }
inline void out32(u16 port, u32 value) { asm volatile("outl %0, %1" : : "a"(value), "Nd"(port) : "memory"); }

[[nodiscard]] inline u8 in8(u16 port)
{
    u8 value;
    asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

[[nodiscard]] inline u16 in16(u16 port)
{
    u16 value;
    asm volatile("inw %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

[[nodiscard]] inline u32 in32(u16 port)
{
    u32 value;
    asm volatile("inl %1, %0" : "=a"(value) : "Nd"(port) : "memory");
    return value;
}

/* A write to the POST port: roughly a microsecond on real hardware, harmless under QEMU. */
inline void io_delay() { out8(0x80, 0); }

[[nodiscard]] inline u64 read_model_specific_register(u32 index)
{
    u32 low;
    u32 high;
    asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(index));
    return (static_cast<u64>(high) << 32) | low;
}

inline void write_model_specific_register(u32 index, u64 value)
{
    asm volatile("wrmsr" : : "c"(index), "a"(static_cast<u32>(value)), "d"(static_cast<u32>(value >> 32)) : "memory");
}

struct CpuidResult {
    u32 eax { 0 };
    u32 ebx { 0 };
    u32 ecx { 0 };
    u32 edx { 0 };
};

[[nodiscard]] inline CpuidResult cpuid(u32 leaf, u32 subleaf = 0)
{
    CpuidResult result;
    asm volatile("cpuid"
                 : "=a"(result.eax), "=b"(result.ebx), "=c"(result.ecx), "=d"(result.edx)
                 : "a"(leaf), "c"(subleaf));
    return result;
}

[[nodiscard]] inline u64 read_time_stamp_counter()
{
    u32 low;
    u32 high;
    asm volatile("rdtsc" : "=a"(low), "=d"(high));
    return (static_cast<u64>(high) << 32) | low;
}

[[nodiscard]] inline u64 read_cr2()
{
    u64 value;
    asm volatile("mov %%cr2, %0" : "=r"(value));
    return value;
}

[[nodiscard]] inline bool interrupts_enabled()
{
    u64 flags;
    asm volatile("pushfq; popq %0" : "=r"(flags));
    return (flags & (1u << 9)) != 0;
}

inline void disable_interrupts() { asm volatile("cli" : : : "memory"); }
inline void enable_interrupts() { asm volatile("sti" : : : "memory"); }

/* Masks interrupts for its lifetime and restores the interrupt flag the caller had. */
class InterruptsMasked {
public:
    InterruptsMasked()
        : m_were_enabled(interrupts_enabled())
    {
        disable_interrupts();
    }

    ~InterruptsMasked()
    {
        if (m_were_enabled)
            enable_interrupts();
    }

    InterruptsMasked(InterruptsMasked const&) = delete;
    InterruptsMasked& operator=(InterruptsMasked const&) = delete;

private:
    bool m_were_enabled;
};

[[noreturn]] inline void halt_forever()
{
    for (;;)
        asm volatile("cli; hlt" : : : "memory");
}

}
