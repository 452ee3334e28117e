/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The x86_64 platform's ACPI reader, compiled for the host: RSDP → XSDT/RSDT → MCFG and the
 * MADT's I/O APIC entries (ADR 0021), and every malformed shape refused without a read outside
 * the memory it was given (ASan).
 */

#include "AcpiBuilder.h"
#include <catch2/catch.hpp>

using namespace vectra;
using namespace vectra::x86_64;
using test::AcpiBuilder;

namespace {

ErrorCode code_of(ErrorOr<acpi::EcamAllocation> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

}

TEST_CASE("q35's tables: the XSDT lists a FACP and an MCFG; segment 0's ECAM is found")
{
    AcpiBuilder builder;
    u64 facp = builder.table("FACP", std::vector<u8>(80, 0));
    u64 mcfg = builder.mcfg({ { 0xb000'0000, 0, 0, 255 } });
    u64 rsdp = builder.finish({ facp, mcfg });
    auto ecam = acpi::find_ecam(builder.memory(), rsdp);
    REQUIRE_FALSE(ecam.is_error());
    CHECK(ecam.value().base == 0xb000'0000);
    CHECK(ecam.value().first_bus == 0);
    CHECK(ecam.value().last_bus == 255);
}

TEST_CASE("a revision 0 RSDP leads to an RSDT; other segments are skipped; the base is bus 0's")
{
    AcpiBuilder builder;
    u64 mcfg = builder.mcfg({ { 0xc000'0000, 1, 0, 15 }, { 0xe000'0000, 0, 16, 31 } });
    u64 rsdp = builder.finish({ mcfg }, false);
    auto ecam = acpi::find_ecam(builder.memory(), rsdp);
    REQUIRE_FALSE(ecam.is_error());
    CHECK(ecam.value().segment == 0);
    CHECK(ecam.value().first_bus == 16);
    CHECK(ecam.value().base == 0xe000'0000 + 16 * MiB);
}

TEST_CASE("no RSDP, no MCFG, or no segment 0: NotFound")
{
    AcpiBuilder builder;
    u64 facp = builder.table("FACP", std::vector<u8>(80, 0));
    u64 rsdp = builder.finish({ facp });
    CHECK(code_of(acpi::find_ecam(builder.memory(), rsdp)) == ErrorCode::NotFound);
    CHECK(code_of(acpi::find_ecam(builder.memory(), 0)) == ErrorCode::NotFound);
    AcpiBuilder other;
    u64 mcfg = other.mcfg({ { 0xc000'0000, 3, 0, 15 } });
    u64 other_rsdp = other.finish({ mcfg });
    CHECK(code_of(acpi::find_ecam(other.memory(), other_rsdp)) == ErrorCode::NotFound);
}

TEST_CASE("malformed tables are refused: signatures, checksums, lengths, bus ranges, addresses outside memory")
{
    auto fresh = [](AcpiBuilder& builder, u64& rsdp, u64& mcfg) {
        mcfg = builder.mcfg({ { 0xb000'0000, 0, 0, 255 } });
        rsdp = builder.finish({ mcfg });
    };
    auto offset = [](u64 address) { return static_cast<usize>(address - AcpiBuilder::base); };
    u64 rsdp = 0;
    u64 mcfg = 0;
    {
        AcpiBuilder builder;
        fresh(builder, rsdp, mcfg);
        builder.bytes()[offset(rsdp)] = 'X';
        CHECK(code_of(acpi::find_ecam(builder.memory(), rsdp)) == ErrorCode::MalformedMessage);
    }
    {
        AcpiBuilder builder;
        fresh(builder, rsdp, mcfg);
        ++builder.bytes()[offset(rsdp) + 10]; /* inside the first 20 bytes: both checksums break */
        CHECK(code_of(acpi::find_ecam(builder.memory(), rsdp)) == ErrorCode::MalformedMessage);
    }
    {
        AcpiBuilder builder;
        fresh(builder, rsdp, mcfg);
        ++builder.bytes()[offset(mcfg) + 40]; /* the MCFG's checksum */
        CHECK(code_of(acpi::find_ecam(builder.memory(), rsdp)) == ErrorCode::MalformedMessage);
    }
    {
        AcpiBuilder builder;
        fresh(builder, rsdp, mcfg);
        auto& bytes = builder.bytes();
        test::put_little(bytes, offset(mcfg) + 4, 1 * MiB, 4); /* a length far past the memory */
        test::fix_checksum(bytes, offset(mcfg), 36, offset(mcfg) + 9);
        CHECK(code_of(acpi::find_ecam(builder.memory(), rsdp)) == ErrorCode::MalformedMessage);
        test::put_little(bytes, offset(mcfg) + 4, 20, 4); /* shorter than a header */
        CHECK(code_of(acpi::find_ecam(builder.memory(), rsdp)) == ErrorCode::MalformedMessage);
    }
    {
        AcpiBuilder builder;
        mcfg = builder.mcfg({ { 0xb000'0000, 0, 9, 3 } }); /* reversed */
        rsdp = builder.finish({ mcfg });
        CHECK(code_of(acpi::find_ecam(builder.memory(), rsdp)) == ErrorCode::MalformedMessage);
    }
    {
        AcpiBuilder builder;
        mcfg = builder.mcfg({ { 0xb000'1000, 0, 0, 255 } }); /* not 1 MiB aligned */
        rsdp = builder.finish({ mcfg });
        CHECK(code_of(acpi::find_ecam(builder.memory(), rsdp)) == ErrorCode::MalformedMessage);
    }
    {
        AcpiBuilder builder;
        mcfg = builder.mcfg({ { 0xffff'ffff'fff0'0000, 0, 0, 255 } }); /* wraps */
        rsdp = builder.finish({ mcfg });
        CHECK(code_of(acpi::find_ecam(builder.memory(), rsdp)) == ErrorCode::MalformedMessage);
    }
    {
        AcpiBuilder builder;
        u64 table = builder.table("MCFG", std::vector<u8>(4, 0)); /* shorter than its fixed part */
        rsdp = builder.finish({ table });
        CHECK(code_of(acpi::find_ecam(builder.memory(), rsdp)) == ErrorCode::MalformedMessage);
    }
    {
        AcpiBuilder builder;
        rsdp = builder.finish({ 0x10, 0xffff'ffff'ffff'fff0 }); /* entries pointing outside memory are skipped */
        CHECK(code_of(acpi::find_ecam(builder.memory(), rsdp)) == ErrorCode::NotFound);
        CHECK(code_of(acpi::find_ecam(builder.memory(), rsdp + 4096)) == ErrorCode::MalformedMessage);
    }
}

/* --- The MADT's I/O APIC entries (ADR 0021) ------------------------------------------------- */

namespace {

/* A MADT body: local APIC address and flags, then `entries` as they are. */
std::vector<u8> madt_body(std::vector<std::vector<u8>> const& entries)
{
    std::vector<u8> body { 0x00, 0x00, 0xe0, 0xfe, 0x01, 0x00, 0x00, 0x00 };
    for (auto const& entry : entries)
        body.insert(body.end(), entry.begin(), entry.end());
    return body;
}

std::vector<u8> io_apic_entry(u8 id, u32 address, u32 gsi_base)
{
    std::vector<u8> entry { 1, 12, id, 0 };
    for (u32 value : { address, gsi_base }) {
        for (usize byte = 0; byte < 4; ++byte)
            entry.push_back(static_cast<u8>(value >> (8 * byte)));
    }
    return entry;
}

const std::vector<u8> local_apic_entry { 0, 8, 0, 0, 1, 0, 0, 0 };
const std::vector<u8> override_entry { 2, 10, 0, 0, 2, 0, 0, 0, 0, 0 }; /* ISA IRQ 0 on GSI 2 */

ErrorCode io_apic_code(ErrorOr<acpi::IoApic> const& result) { return result.is_error() ? result.error().code() : ErrorCode::None; }

}

TEST_CASE("q35's MADT: one I/O APIC at 0xfec00000 taking GSIs from 0, between local APIC and override entries")
{
    AcpiBuilder builder;
    u64 madt = builder.table("APIC", madt_body({ local_apic_entry, io_apic_entry(0, 0xfec0'0000, 0), override_entry }));
    u64 rsdp = builder.finish({ madt });
    auto io_apic = acpi::find_io_apic(builder.memory(), rsdp, 16);
    REQUIRE_FALSE(io_apic.is_error());
    CHECK(io_apic.value().address == 0xfec0'0000);
    CHECK(io_apic.value().gsi_base == 0);
}

TEST_CASE("two I/O APICs: the one whose inputs start nearest below the GSI; none below it is NotFound")
{
    AcpiBuilder builder;
    u64 madt = builder.table("APIC", madt_body({ io_apic_entry(1, 0xfec0'1000, 24), io_apic_entry(0, 0xfec0'0000, 0) }));
    u64 rsdp = builder.finish({ madt });
    CHECK(acpi::find_io_apic(builder.memory(), rsdp, 23).value().address == 0xfec0'0000);
    CHECK(acpi::find_io_apic(builder.memory(), rsdp, 30).value().address == 0xfec0'1000);
    AcpiBuilder high;
    u64 only_high = high.table("APIC", madt_body({ io_apic_entry(1, 0xfec0'1000, 24) }));
    u64 high_rsdp = high.finish({ only_high });
    CHECK(io_apic_code(acpi::find_io_apic(high.memory(), high_rsdp, 16)) == ErrorCode::NotFound);
    AcpiBuilder none;
    u64 no_madt = none.finish({ none.table("FACP", std::vector<u8>(80, 0)) });
    CHECK(io_apic_code(acpi::find_io_apic(none.memory(), no_madt, 16)) == ErrorCode::NotFound);
}

TEST_CASE("a malformed MADT is refused: short fixed part, an entry of length 0 or 1, one running past the table, a short I/O APIC entry")
{
    auto refused = [](std::vector<u8> const& body) {
        AcpiBuilder builder;
        u64 madt = builder.table("APIC", body);
        u64 rsdp = builder.finish({ madt });
        return io_apic_code(acpi::find_io_apic(builder.memory(), rsdp, 16)) == ErrorCode::MalformedMessage;
    };
    CHECK(refused({ 0, 0, 0, 0 }));
    CHECK(refused(madt_body({ { 0, 0 } }))); /* length 0: would never advance */
    CHECK(refused(madt_body({ { 5, 1 } })));
    CHECK(refused(madt_body({ { 1, 12, 0, 0, 0, 0 } }))); /* runs past the table */
    CHECK(refused(madt_body({ { 1, 8, 0, 0, 0, 0, 0xc0, 0xfe } }))); /* an I/O APIC entry of 8 bytes */
    CHECK(refused(madt_body({ io_apic_entry(0, 0xfec0'0000, 0), { 9 } }))); /* a lone type byte at the end */
}
