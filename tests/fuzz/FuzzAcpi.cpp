/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as the physical memory the x86_64 platform's ACPI reader walks,
 * the RSDP at its start. Checksums would stop almost every mutation at the first table, so each
 * input is also read with them repaired (RSDP, root table, every table it lists that lies
 * inside the bytes): the reader must refuse or answer without reading outside them (ASan), and
 * an answer must be a sane ECAM window, or an I/O APIC of the MADT that covers the GSI asked.
 */

#include "../platforms/AcpiBuilder.h"
#include <vectra/Panic.h>

using namespace vectra;
using test::AcpiBuilder;

namespace {

constexpr u64 base = AcpiBuilder::base;

u64 little(std::vector<u8> const& bytes, usize offset, usize width)
{
    u64 value = 0;
    for (usize index = 0; index < width; ++index)
        value |= u64(bytes[offset + index]) << (8 * index);
    return value;
}

bool inside(std::vector<u8> const& bytes, u64 address, u64 length)
{
    return address >= base && address - base <= bytes.size() && length <= bytes.size() - (address - base);
}

void repair_table(std::vector<u8>& bytes, u64 address)
{
    if (!inside(bytes, address, 36))
        return;
    usize at = static_cast<usize>(address - base);
    u64 length = little(bytes, at + 4, 4);
    if (length >= 36 && inside(bytes, address, length))
        test::fix_checksum(bytes, at, static_cast<usize>(length), at + 9);
}

void repair(std::vector<u8>& bytes)
{
    if (bytes.size() < 36)
        return;
    test::fix_checksum(bytes, 0, 20, 8);
    u64 length = little(bytes, 20, 4);
    if (length >= 36 && length <= bytes.size())
        test::fix_checksum(bytes, 0, static_cast<usize>(length), 32);
    bool extended = bytes[15] >= 2 && little(bytes, 24, 8) != 0;
    u64 root = extended ? little(bytes, 24, 8) : little(bytes, 16, 4);
    usize width = extended ? 8 : 4;
    if (!inside(bytes, root, 36))
        return;
    usize at = static_cast<usize>(root - base);
    u64 root_length = little(bytes, at + 4, 4);
    if (root_length < 36 || !inside(bytes, root, root_length))
        return;
    for (usize entry = at + 36; entry + width <= at + root_length; entry += width)
        repair_table(bytes, little(bytes, entry, width));
    repair_table(bytes, root);
}

void check(std::vector<u8> const& bytes)
{
    test::BufferMemory memory(base, bytes);
    auto ecam = x86_64::acpi::find_ecam(memory, base);
    if (ecam.is_error())
        return;
    VERIFY(ecam.value().segment == 0);
    VERIFY(ecam.value().first_bus <= ecam.value().last_bus);
    VERIFY(ecam.value().base % MiB == 0);
}

/* The MADT's I/O APIC entries (ADR 0021): refused, or an entry whose inputs start at or below the GSI. */
void check_io_apic(std::vector<u8> const& bytes)
{
    test::BufferMemory memory(base, bytes);
    for (u32 gsi : { 0u, 16u, 23u, 0xffff'ffffu }) {
        auto io_apic = x86_64::acpi::find_io_apic(memory, base, gsi);
        if (!io_apic.is_error())
            VERIFY(io_apic.value().gsi_base <= gsi && io_apic.value().address <= 0xffff'ffffu);
    }
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    std::vector<u8> bytes(data, data + size);
    check(bytes);
    check_io_apic(bytes);
    repair(bytes);
    check(bytes);
    check_io_apic(bytes);
    return 0;
}
