/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The local APIC's two register encodings (ADR 0027), against the Intel SDM vol. 3, 11.12 table
 * of x2APIC registers. Only the encoding is tested: QEMU 7.2's TCG offers no x2APIC, so no image
 * boots in that mode here.
 */

#include "LocalApicEncoding.h"
#include <catch2/catch.hpp>

using namespace vectra;
using namespace vectra::x86_64::local_apic;

TEST_CASE("x2APIC registers are MSR 0x800 + the xAPIC offset / 16 (SDM table 11-6)")
{
    CHECK(x2apic_register(identifier_register) == 0x802);
    CHECK(x2apic_register(0x080) == 0x808); /* task priority */
    CHECK(x2apic_register(0x0b0) == 0x80b); /* end of interrupt */
    CHECK(x2apic_register(0x0f0) == 0x80f); /* spurious vector */
    CHECK(x2apic_register(0x280) == 0x828); /* error status */
    CHECK(x2apic_register(interrupt_command_low_register) == 0x830);
    CHECK(x2apic_register(0x320) == 0x832); /* LVT timer */
    CHECK(x2apic_register(0x350) == 0x835); /* LINT0 */
    CHECK(x2apic_register(0x360) == 0x836); /* LINT1 */
    CHECK(x2apic_register(0x370) == 0x837); /* LVT error */
    CHECK(x2apic_register(0x380) == 0x838); /* timer initial count */
    CHECK(x2apic_register(0x390) == 0x839); /* timer current count */
    CHECK(x2apic_register(0x3e0) == 0x83e); /* timer divide */
}

TEST_CASE("x2APIC has no destination format register and no separate command high half")
{
    CHECK_FALSE(x2apic_has_register(destination_format_register));
    CHECK_FALSE(x2apic_has_register(interrupt_command_high_register));
    CHECK_FALSE(x2apic_has_register(0x324)); /* not a register boundary */
    CHECK_FALSE(x2apic_has_register(0x400));
    for (u32 offset : { 0x020u, 0x080u, 0x0b0u, 0x0f0u, 0x280u, 0x300u, 0x320u, 0x350u, 0x360u, 0x370u, 0x380u, 0x390u, 0x3e0u })
        CHECK(x2apic_has_register(offset));
}

TEST_CASE("the interrupt command: x2APIC's 32-bit destination in bits 32-63, xAPIC's 8 bits in 24-31")
{
    constexpr u32 fixed_assert_vector_0x32 = (1u << 14) | 0x32;
    CHECK(x2apic_command(3, fixed_assert_vector_0x32) == 0x0000'0003'0000'4032ull);
    CHECK(x2apic_command(0x1234'5678, fixed_assert_vector_0x32) == 0x1234'5678'0000'4032ull);
    CHECK(xapic_command_high(3) == 0x0300'0000u);
    CHECK(xapic_command_high(0x1ff) == 0xff00'0000u); /* an 8-bit field: higher bits never spill */
}

TEST_CASE("the APIC id: bits 24-31 of the xAPIC register, the whole x2APIC one")
{
    CHECK(identifier_from(0x0300'0000, false) == 3);
    CHECK(identifier_from(0x0000'0103, true) == 0x103);
    CHECK(identifier_from(0xff00'0000, false) == 0xff);
}

TEST_CASE("enabling: the global enable always, EXTD only for x2APIC, other bits (the base address, BSP) kept")
{
    constexpr u64 firmware = 0xfee0'0000 | (1u << 8); /* base address, bootstrap processor */
    CHECK(enabled_base(firmware, false) == (firmware | apic_base_global_enable));
    CHECK(enabled_base(firmware, true) == (firmware | apic_base_global_enable | apic_base_x2apic_enable));
    CHECK(apic_base_global_enable == 0x800);
    CHECK(apic_base_x2apic_enable == 0x400);
    CHECK(cpuid_features_x2apic == 0x20'0000);
}
