/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The ACPI tables the x86_64 platform reads (ACPI 6.5, 5.2): the RSDP the PVH start info points
 * at, the XSDT (or the RSDT of a revision 0 RSDP) it leads to, and the MCFG (PCI Firmware 3.3,
 * 4.1.2) that says where PCI Express configuration space (ECAM) lies, and the MADT's I/O APIC
 * entries (5.2.12.3). The tables are untrusted
 * bytes: every read is checked against what the PhysicalMemory says may be read, every length
 * and checksum verified, and malformed data is an error, never a read out of bounds or a loop.
 * Compiled for the host too (tests/platforms/TestAcpi.cpp, tests/fuzz/FuzzAcpi.cpp).
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra::x86_64::acpi {

/* Physical memory as the parser may read it. */
class PhysicalMemory {
public:
    /* The `length` bytes at `address`, or an empty span when they are not all readable. */
    [[nodiscard]] virtual std::span<u8 const> read(u64 address, u64 length) const = 0;

protected:
    ~PhysicalMemory() = default;
};

/* One MCFG allocation: the ECAM of segment `segment`, buses first_bus to last_bus. */
struct EcamAllocation {
    u64 base { 0 }; /* configuration space of bus `first_bus`, device 0, function 0 */
    u16 segment { 0 };
    u8 first_bus { 0 };
    u8 last_bus { 0 };
};

inline constexpr u64 maximum_table_length = 64 * KiB;

/* The system description table with `signature` the RSDP at `rsdp_address` lists (checksummed). */
[[nodiscard]] ErrorOr<std::span<u8 const>> find_table(PhysicalMemory const&, u64 rsdp_address, char const (&signature)[5]);

/* Segment 0's ECAM from the MCFG: NotFound without an MCFG or without a segment 0 entry. */
[[nodiscard]] ErrorOr<EcamAllocation> find_ecam(PhysicalMemory const&, u64 rsdp_address);

/* The `width`-byte little-endian value at `offset` (the caller checked the bounds). */
[[nodiscard]] u64 little_endian(std::span<u8 const> bytes, usize offset, usize width);

/* An I/O APIC as the MADT lists it (ACPI 6.5, 5.2.12.3). */
struct IoApic {
    u64 address { 0 };  /* its register window */
    u32 gsi_base { 0 }; /* the GSI of its input 0 */
    u8 id { 0 };
};

/*
 * The I/O APIC whose inputs start nearest at or below `gsi` (the MADT does not say how many
 * inputs each has: its version register does). NotFound without a MADT or such an entry;
 * MalformedMessage for entries that run past the table (AcpiMadt.cpp).
 */
[[nodiscard]] ErrorOr<IoApic> find_io_apic(PhysicalMemory const&, u64 rsdp_address, u32 gsi);

}
