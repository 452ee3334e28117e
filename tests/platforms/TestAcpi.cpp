/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The x86_64 platform's ACPI reader, compiled for the host: RSDP → XSDT/RSDT → MCFG, and every
 * malformed shape refused without a read outside the memory it was given (ASan).
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
