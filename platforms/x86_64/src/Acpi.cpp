/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * RSDP → XSDT/RSDT → MCFG (Acpi.h).
 */

#include "Acpi.h"
#include <vectra/Try.h>

namespace vectra::x86_64::acpi {

u64 little_endian(std::span<u8 const> bytes, usize offset, usize width)
{
    u64 value = 0;
    for (usize index = 0; index < width; ++index)
        value |= u64(bytes[offset + index]) << (8 * index);
    return value;
}

namespace {

constexpr u64 rsdp_version_1_length = 20;
constexpr u64 rsdp_version_2_length = 36;
constexpr u64 header_length = 36;
constexpr u64 mcfg_reserved_length = 8;
constexpr u64 mcfg_allocation_length = 16;

Error malformed(char const* reason) { return Error(ErrorCode::MalformedMessage, reason); }

bool sums_to_zero(std::span<u8 const> bytes)
{
    u8 sum = 0;
    for (u8 byte : bytes)
        sum = static_cast<u8>(sum + byte);
    return sum == 0;
}

bool has_signature(std::span<u8 const> bytes, char const* signature, usize length)
{
    for (usize index = 0; index < length; ++index) {
        if (bytes[index] != static_cast<u8>(signature[index]))
            return false;
    }
    return true;
}

/* A whole table at `address`: its header's length read first, bounded, then the checksum over it. */
ErrorOr<std::span<u8 const>> read_table(PhysicalMemory const& memory, u64 address)
{
    auto header = memory.read(address, header_length);
    if (header.size() != header_length)
        return malformed("an ACPI table header lies outside readable memory");
    u64 length = little_endian(header, 4, 4);
    if (length < header_length || length > maximum_table_length)
        return malformed("an ACPI table's length is out of range");
    auto table = memory.read(address, length);
    if (table.size() != length)
        return malformed("an ACPI table lies outside readable memory");
    if (!sums_to_zero(table))
        return malformed("an ACPI table's checksum is wrong");
    return table;
}

}

ErrorOr<std::span<u8 const>> find_table(PhysicalMemory const& memory, u64 rsdp_address, char const (&signature)[5])
{
    if (rsdp_address == 0)
        return Error(ErrorCode::NotFound, "the boot loader gave no ACPI RSDP");
    auto rsdp = memory.read(rsdp_address, rsdp_version_1_length);
    if (rsdp.size() != rsdp_version_1_length)
        return malformed("the RSDP lies outside readable memory");
    if (!has_signature(rsdp, "RSD PTR ", 8))
        return malformed("the RSDP's signature is not \"RSD PTR \"");
    if (!sums_to_zero(rsdp))
        return malformed("the RSDP's checksum is wrong");
    u8 revision = rsdp[15];
    u64 root_address = little_endian(rsdp, 16, 4);
    usize entry_width = 4;
    if (revision >= 2) {
        auto extended = memory.read(rsdp_address, rsdp_version_2_length);
        if (extended.size() != rsdp_version_2_length)
            return malformed("the extended RSDP lies outside readable memory");
        u64 length = little_endian(extended, 20, 4);
        if (length < rsdp_version_2_length || length > 4 * KiB)
            return malformed("the RSDP's length is out of range");
        auto whole = memory.read(rsdp_address, length);
        if (whole.size() != length)
            return malformed("the extended RSDP lies outside readable memory");
        if (!sums_to_zero(whole))
            return malformed("the RSDP's extended checksum is wrong");
        u64 extended_root = little_endian(extended, 24, 8);
        if (extended_root != 0) {
            root_address = extended_root;
            entry_width = 8;
        }
    }
    auto root = TRY(read_table(memory, root_address));
    if (!has_signature(root, entry_width == 8 ? "XSDT" : "RSDT", 4))
        return malformed("the RSDP's root table is neither an XSDT nor an RSDT");
    usize entries = (root.size() - header_length) / entry_width;
    for (usize index = 0; index < entries; ++index) {
        u64 address = little_endian(root, header_length + index * entry_width, entry_width);
        auto header = memory.read(address, 4);
        if (header.size() != 4 || !has_signature(header, signature, 4))
            continue;
        return read_table(memory, address);
    }
    return Error(ErrorCode::NotFound, "the ACPI root table lists no such table");
}

ErrorOr<EcamAllocation> find_ecam(PhysicalMemory const& memory, u64 rsdp_address)
{
    auto mcfg = TRY(find_table(memory, rsdp_address, "MCFG"));
    if (mcfg.size() < header_length + mcfg_reserved_length)
        return malformed("the MCFG is shorter than its fixed part");
    usize allocations = (mcfg.size() - header_length - mcfg_reserved_length) / mcfg_allocation_length;
    for (usize index = 0; index < allocations; ++index) {
        usize offset = header_length + mcfg_reserved_length + index * mcfg_allocation_length;
        EcamAllocation allocation;
        u64 base = little_endian(mcfg, offset, 8);
        allocation.segment = static_cast<u16>(little_endian(mcfg, offset + 8, 2));
        allocation.first_bus = mcfg[offset + 10];
        allocation.last_bus = mcfg[offset + 11];
        if (allocation.segment != 0)
            continue;
        if (allocation.first_bus > allocation.last_bus)
            return malformed("an MCFG allocation's bus range is reversed");
        /* The MCFG's base is that of bus 0, whichever bus the range starts at. */
        if (base % MiB != 0 || base + (u64(allocation.last_bus) + 1) * MiB < base)
            return malformed("an MCFG allocation's base is not 1 MiB aligned, or its window wraps");
        allocation.base = base + u64(allocation.first_bus) * MiB;
        return allocation;
    }
    return Error(ErrorCode::NotFound, "the MCFG has no allocation for segment 0");
}

}
