/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * How the local APIC's registers are reached in its two modes (ADR 0027): xAPIC, a 4 KiB MMIO
 * page with 8-bit APIC ids in bits 24-31, and x2APIC (Intel SDM vol. 3, 11.12), model-specific
 * registers 0x800 + offset / 16 with 32-bit ids and the interrupt command as one 64-bit
 * register (destination in bits 32-63, no delivery-status bit). Pure, so the encoding is
 * host-tested (tests/platforms/TestLocalApicEncoding.cpp): QEMU 7.2's TCG offers no x2APIC.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::x86_64::local_apic {

inline constexpr u32 apic_base_msr = 0x1b;
inline constexpr u64 apic_base_global_enable = 1 << 11;
inline constexpr u64 apic_base_x2apic_enable = 1 << 10;
/* CPUID leaf 1, ECX bit 21: the CPU has x2APIC mode. */
inline constexpr u32 cpuid_features_x2apic = 1u << 21;

/* Register offsets in the xAPIC MMIO page (the x2APIC model-specific register is derived). */
inline constexpr u32 identifier_register = 0x020;
inline constexpr u32 interrupt_command_low_register = 0x300;
inline constexpr u32 interrupt_command_high_register = 0x310;
inline constexpr u32 destination_format_register = 0x0e0;

inline constexpr u32 x2apic_first_msr = 0x800;

/* Whether an xAPIC register offset exists in x2APIC mode: the destination format register and
   the interrupt command's high half are gone (the command is one 64-bit register at 0x830). */
[[nodiscard]] constexpr bool x2apic_has_register(u32 offset)
{
    return offset % 16 == 0 && offset < 0x400 && offset != destination_format_register
        && offset != interrupt_command_high_register;
}

/* The x2APIC model-specific register of xAPIC register offset `offset`. */
[[nodiscard]] constexpr u32 x2apic_register(u32 offset) { return x2apic_first_msr + offset / 16; }

/* The x2APIC interrupt command: destination APIC id in the high half, the command in the low. */
[[nodiscard]] constexpr u64 x2apic_command(u32 destination, u32 command) { return (u64(destination) << 32) | command; }

/* The xAPIC interrupt command's high half: an 8-bit destination in bits 24-31. */
[[nodiscard]] constexpr u32 xapic_command_high(u32 destination) { return (destination & 0xff) << 24; }

/* The APIC id in a read of the identifier register: bits 24-31 in xAPIC mode, all 32 in x2APIC. */
[[nodiscard]] constexpr u32 identifier_from(u32 value, bool x2apic) { return x2apic ? value : value >> 24; }

/* The APIC base MSR with the local APIC enabled, in x2APIC mode when asked. Only from xAPIC mode
   (or x2APIC itself) may x2APIC be entered: a disabled APIC goes through xAPIC first. */
[[nodiscard]] constexpr u64 enabled_base(u64 base, bool x2apic)
{
    return base | apic_base_global_enable | (x2apic ? apic_base_x2apic_enable : 0);
}

}
