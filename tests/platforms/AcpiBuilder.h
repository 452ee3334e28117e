/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Builds physical memory holding ACPI tables (ACPI 6.5, 5.2; PCI Firmware 3.3, 4.1.2) for the
 * x86_64 platform's host tests and fuzz target: an RSDP, an XSDT or RSDT, and tables such as
 * an MCFG or a MADT, little-endian, with correct checksums unless a test spoils them.
 */

#pragma once

#include "Acpi.h"
#include <cstring>
#include <string>
#include <vector>

namespace vectra::test {

/* Bytes standing for physical memory from `base`: reads outside them are refused. */
class BufferMemory final : public x86_64::acpi::PhysicalMemory {
public:
    BufferMemory(u64 base, std::vector<u8> const& bytes)
        : m_base(base)
        , m_bytes(bytes)
    {
    }
    BufferMemory(u64 base, u8 const* bytes, usize size)
        : m_base(base)
        , m_bytes(bytes, bytes + size)
    {
    }
    std::span<u8 const> read(u64 address, u64 length) const override
    {
        if (address < m_base || address - m_base > m_bytes.size() || length > m_bytes.size() - (address - m_base))
            return {};
        return { m_bytes.data() + (address - m_base), static_cast<usize>(length) };
    }

private:
    u64 m_base;
    std::vector<u8> m_bytes;
};

inline void put_little(std::vector<u8>& bytes, usize offset, u64 value, usize width)
{
    for (usize index = 0; index < width; ++index)
        bytes[offset + index] = static_cast<u8>(value >> (8 * index));
}

/* Sets byte `checksum_offset` so that bytes [start, start + length) sum to zero. */
inline void fix_checksum(std::vector<u8>& bytes, usize start, usize length, usize checksum_offset)
{
    bytes[checksum_offset] = 0;
    u8 sum = 0;
    for (usize index = start; index < start + length; ++index)
        sum = static_cast<u8>(sum + bytes[index]);
    bytes[checksum_offset] = static_cast<u8>(-sum);
}

class AcpiBuilder {
public:
    static constexpr u64 base = 0xe0000;

    struct Allocation {
        u64 base;
        u16 segment;
        u8 first_bus;
        u8 last_bus;
    };

    /* An SDT with `signature` and `body` after its 36-byte header; returns its address. */
    u64 table(std::string const& signature, std::vector<u8> const& body)
    {
        usize at = place(36 + body.size());
        std::memcpy(&m_bytes[at], signature.data(), 4);
        put_little(m_bytes, at + 4, 36 + body.size(), 4);
        m_bytes[at + 8] = 1;
        std::memcpy(&m_bytes[at + 10], "VECTRA", 6);
        std::memcpy(&m_bytes[at + 36], body.data(), body.size());
        fix_checksum(m_bytes, at, 36 + body.size(), at + 9);
        return base + at;
    }
    u64 mcfg(std::vector<Allocation> const& allocations)
    {
        std::vector<u8> body(8 + 16 * allocations.size(), 0);
        for (usize index = 0; index < allocations.size(); ++index) {
            usize at = 8 + 16 * index;
            put_little(body, at, allocations[index].base, 8);
            put_little(body, at + 8, allocations[index].segment, 2);
            body[at + 10] = allocations[index].first_bus;
            body[at + 11] = allocations[index].last_bus;
        }
        return table("MCFG", body);
    }
    /* A MADT entry: a Processor Local APIC (type 0, 8 bytes), a Processor Local x2APIC (type 9,
       16 bytes), or any other type with `length` zero bytes after its header. */
    struct MadtEntry {
        u8 type;
        u32 apic_identifier;
        u32 flags;
        u8 length { 0 }; /* 0: the type's own length */
    };
    static std::vector<u8> madt_body(std::vector<MadtEntry> const& entries)
    {
        std::vector<u8> body(8, 0);
        put_little(body, 0, 0xfee0'0000, 4);
        put_little(body, 4, 1, 4); /* PC-AT compatible: 8259s present */
        for (auto const& entry : entries) {
            u8 length = entry.length != 0 ? entry.length : (entry.type == 9 ? 16 : entry.type == 0 ? 8 : 2);
            usize at = body.size();
            body.resize(at + length, 0);
            body[at] = entry.type;
            body[at + 1] = length;
            if (entry.type == 0 && length >= 8) {
                body[at + 2] = static_cast<u8>(entry.apic_identifier); /* processor UID */
                body[at + 3] = static_cast<u8>(entry.apic_identifier);
                put_little(body, at + 4, entry.flags, 4);
            } else if (entry.type == 9 && length >= 16) {
                put_little(body, at + 4, entry.apic_identifier, 4);
                put_little(body, at + 8, entry.flags, 4);
                put_little(body, at + 12, entry.apic_identifier, 4);
            }
        }
        return body;
    }
    u64 madt(std::vector<MadtEntry> const& entries) { return table("APIC", madt_body(entries)); }
    /* The root table (XSDT with 8-byte entries, or RSDT with 4) and the RSDP naming it. */
    u64 finish(std::vector<u64> const& tables, bool extended = true)
    {
        usize width = extended ? 8 : 4;
        std::vector<u8> body(tables.size() * width, 0);
        for (usize index = 0; index < tables.size(); ++index)
            put_little(body, index * width, tables[index], width);
        u64 root = table(extended ? "XSDT" : "RSDT", body);
        usize at = place(36);
        std::memcpy(&m_bytes[at], "RSD PTR ", 8);
        std::memcpy(&m_bytes[at + 9], "VECTRA", 6);
        m_bytes[at + 15] = extended ? 2 : 0;
        put_little(m_bytes, at + 16, extended ? 0 : root, 4);
        put_little(m_bytes, at + 20, 36, 4);
        put_little(m_bytes, at + 24, extended ? root : 0, 8);
        fix_checksum(m_bytes, at, 20, at + 8);
        fix_checksum(m_bytes, at, 36, at + 32);
        return base + at;
    }
    std::vector<u8>& bytes() { return m_bytes; }
    BufferMemory memory() const { return BufferMemory(base, m_bytes); }

private:
    usize place(usize length)
    {
        usize at = (m_bytes.size() + 15) & ~usize(15);
        m_bytes.resize(at + length, 0);
        return at;
    }
    std::vector<u8> m_bytes;
};

}
