/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The MADT's entries (Acpi.h): ACPI 6.5, 5.2.12 — after the table header, the local APIC address
 * and flags (8 bytes), then entries of (type, length, ...). Type 0 is a Processor Local APIC (uid,
 * APIC id, flags), type 9 a Processor Local x2APIC (reserved, x2APIC id, flags, uid): the CPUs
 * (find_processors, ADR 0020). Type 1 is an I/O APIC: id, reserved, its register address (32
 * bits) and the first GSI its inputs take (find_io_apic, ADR 0021).
 */

#include "Acpi.h"
#include <vectra/Try.h>

namespace vectra::x86_64::acpi {

namespace {

constexpr usize header_length = 36;
constexpr usize madt_fixed_length = header_length + 8;
constexpr u8 local_apic_entry = 0;
constexpr u8 local_apic_entry_length = 8;
constexpr u8 io_apic_entry = 1;
constexpr u8 io_apic_entry_length = 12;
constexpr u8 local_x2apic_entry = 9;
constexpr u8 local_x2apic_entry_length = 16;
constexpr u32 processor_enabled = 1 << 0;
constexpr u32 processor_online_capable = 1 << 1;

/* The MADT, then `visit(type, entry)` for each entry (its whole bytes, length checked), in order. */
template<typename Visit>
ErrorOr<std::span<u8 const>> for_each_entry(PhysicalMemory const& memory, u64 rsdp_address, Visit visit)
{
    auto madt = TRY(find_table(memory, rsdp_address, "APIC"));
    if (madt.size() < madt_fixed_length)
        return Error(ErrorCode::MalformedMessage, "ACPI: the MADT is shorter than its fixed fields");
    usize offset = madt_fixed_length;
    while (offset < madt.size()) {
        if (madt.size() - offset < 2)
            return Error(ErrorCode::MalformedMessage, "ACPI: a MADT entry's header runs past the table");
        u8 type = madt[offset];
        u8 length = madt[offset + 1];
        if (length < 2 || length > madt.size() - offset)
            return Error(ErrorCode::MalformedMessage, "ACPI: a MADT entry's length is under 2 or runs past the table");
        TRY(visit(type, madt.subspan(offset, length)));
        offset += length;
    }
    return madt;
}

}

ErrorOr<IoApic> find_io_apic(PhysicalMemory const& memory, u64 rsdp_address, u32 gsi)
{
    IoApic best;
    bool found = false;
    TRY(for_each_entry(memory, rsdp_address, [&](u8 type, std::span<u8 const> entry) -> ErrorOr<void> {
        if (type != io_apic_entry)
            return {};
        if (entry.size() < io_apic_entry_length)
            return Error(ErrorCode::MalformedMessage, "ACPI: a MADT I/O APIC entry is shorter than 12 bytes");
        IoApic io_apic;
        io_apic.id = entry[2];
        io_apic.address = little_endian(entry, 4, 4);
        io_apic.gsi_base = static_cast<u32>(little_endian(entry, 8, 4));
        if (io_apic.gsi_base <= gsi && (!found || io_apic.gsi_base > best.gsi_base)) {
            best = io_apic;
            found = true;
        }
        return {};
    }));
    if (!found)
        return Error(ErrorCode::NotFound, "ACPI: the MADT lists no I/O APIC whose inputs start at or below the GSI");
    return best;
}

ErrorOr<ProcessorList> find_processors(PhysicalMemory const& memory, u64 rsdp_address)
{
    ProcessorList processors;
    auto madt = TRY(for_each_entry(memory, rsdp_address, [&](u8 type, std::span<u8 const> entry) -> ErrorOr<void> {
        u32 identifier = 0;
        u32 flags = 0;
        if (type == local_apic_entry) {
            if (entry.size() < local_apic_entry_length)
                return Error(ErrorCode::MalformedMessage, "ACPI: a MADT local APIC entry is shorter than 8 bytes");
            identifier = entry[3];
            flags = static_cast<u32>(little_endian(entry, 4, 4));
        } else if (type == local_x2apic_entry) {
            if (entry.size() < local_x2apic_entry_length)
                return Error(ErrorCode::MalformedMessage, "ACPI: a MADT local x2APIC entry is shorter than 16 bytes");
            identifier = static_cast<u32>(little_endian(entry, 4, 4));
            flags = static_cast<u32>(little_endian(entry, 8, 4));
        } else {
            return {};
        }
        if (!(flags & (processor_enabled | processor_online_capable)))
            return {};
        for (usize index = 0; index < processors.count; ++index) {
            if (processors.apic_identifiers[index] == identifier)
                return {};
        }
        if (processors.count == ProcessorList::capacity)
            ++processors.left_out;
        else
            processors.apic_identifiers[processors.count++] = identifier;
        return {};
    }));
    processors.local_apic_address = little_endian(madt, header_length, 4);
    return processors;
}

}
