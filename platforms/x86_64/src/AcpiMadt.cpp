/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The MADT's I/O APIC entries (Acpi.h, find_io_apic): ACPI 6.5, 5.2.12 — after the table
 * header, the local APIC address and flags (8 bytes), then entries of (type, length, ...); type 1
 * is an I/O APIC: id, reserved, its register address (32 bits) and the first GSI its inputs take.
 */

#include "Acpi.h"
#include <vectra/Try.h>

namespace vectra::x86_64::acpi {

namespace {

constexpr usize header_length = 36;
constexpr usize madt_fixed_length = header_length + 8;
constexpr u8 io_apic_entry = 1;
constexpr u8 io_apic_entry_length = 12;

}

ErrorOr<IoApic> find_io_apic(PhysicalMemory const& memory, u64 rsdp_address, u32 gsi)
{
    auto madt = TRY(find_table(memory, rsdp_address, "APIC"));
    if (madt.size() < madt_fixed_length)
        return Error(ErrorCode::MalformedMessage, "ACPI: the MADT is shorter than its fixed fields");
    IoApic best;
    bool found = false;
    usize offset = madt_fixed_length;
    while (offset < madt.size()) {
        if (madt.size() - offset < 2)
            return Error(ErrorCode::MalformedMessage, "ACPI: a MADT entry's header runs past the table");
        u8 type = madt[offset];
        u8 length = madt[offset + 1];
        if (length < 2 || length > madt.size() - offset)
            return Error(ErrorCode::MalformedMessage, "ACPI: a MADT entry's length is under 2 or runs past the table");
        if (type == io_apic_entry) {
            if (length < io_apic_entry_length)
                return Error(ErrorCode::MalformedMessage, "ACPI: a MADT I/O APIC entry is shorter than 12 bytes");
            IoApic entry;
            entry.id = madt[offset + 2];
            entry.address = little_endian(madt, offset + 4, 4);
            entry.gsi_base = static_cast<u32>(little_endian(madt, offset + 8, 4));
            if (entry.gsi_base <= gsi && (!found || entry.gsi_base > best.gsi_base)) {
                best = entry;
                found = true;
            }
        }
        offset += length;
    }
    if (!found)
        return Error(ErrorCode::NotFound, "ACPI: the MADT lists no I/O APIC whose inputs start at or below the GSI");
    return best;
}

}
