/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Builds flattened device trees (Devicetree Specification v0.4, chapter 5) for the aarch64
 * platform's host tests: header, /memreserve/ block, structure and strings, big-endian.
 */

#pragma once

#include <string>
#include <vector>
#include <vectra/Types.h>

namespace vectra::test {

class DeviceTreeBuilder {
public:
    DeviceTreeBuilder& reserve(u64 base, u64 size)
    {
        m_reservations.push_back(base);
        m_reservations.push_back(size);
        return *this;
    }
    DeviceTreeBuilder& begin_node(std::string const& name)
    {
        put32(m_structure, 1);
        for (char character : name)
            m_structure.push_back(static_cast<u8>(character));
        m_structure.push_back(0);
        pad(m_structure);
        return *this;
    }
    DeviceTreeBuilder& end_node()
    {
        put32(m_structure, 2);
        return *this;
    }
    DeviceTreeBuilder& nop()
    {
        put32(m_structure, 4);
        return *this;
    }
    DeviceTreeBuilder& property(std::string const& name, std::vector<u8> const& value)
    {
        put32(m_structure, 3);
        put32(m_structure, static_cast<u32>(value.size()));
        put32(m_structure, string_offset(name));
        m_structure.insert(m_structure.end(), value.begin(), value.end());
        pad(m_structure);
        return *this;
    }
    DeviceTreeBuilder& property_cells(std::string const& name, std::vector<u32> const& cells)
    {
        std::vector<u8> value;
        for (u32 cell : cells)
            put32(value, cell);
        return property(name, value);
    }
    DeviceTreeBuilder& property_string(std::string const& name, std::string const& text)
    {
        std::vector<u8> value(text.begin(), text.end());
        value.push_back(0);
        return property(name, value);
    }
    DeviceTreeBuilder& end()
    {
        put32(m_structure, 9);
        return *this;
    }

    /* The blob: header (version 17), reservations, structure, strings. */
    [[nodiscard]] std::vector<u8> build(u32 version = 17) const
    {
        u32 header_size = 40;
        u32 reservations_offset = header_size;
        u32 reservations_size = static_cast<u32>((m_reservations.size() + 2) * 8);
        u32 structure_offset = reservations_offset + reservations_size;
        u32 strings_offset = structure_offset + static_cast<u32>(m_structure.size());
        u32 total_size = strings_offset + static_cast<u32>(m_strings.size());
        std::vector<u8> blob;
        for (u32 field : { 0xd00dfeedu, total_size, structure_offset, strings_offset, reservations_offset, version,
                 16u, 0u, static_cast<u32>(m_strings.size()), static_cast<u32>(m_structure.size()) })
            put32(blob, field);
        for (u64 value : m_reservations)
            put64(blob, value);
        put64(blob, 0);
        put64(blob, 0);
        blob.insert(blob.end(), m_structure.begin(), m_structure.end());
        blob.insert(blob.end(), m_strings.begin(), m_strings.end());
        return blob;
    }

    static void put32(std::vector<u8>& bytes, u32 value)
    {
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes.push_back(static_cast<u8>(value >> shift));
    }
    static void put64(std::vector<u8>& bytes, u64 value)
    {
        put32(bytes, static_cast<u32>(value >> 32));
        put32(bytes, static_cast<u32>(value));
    }
    static void set32(std::vector<u8>& bytes, usize offset, u32 value)
    {
        for (int index = 0; index < 4; ++index)
            bytes[offset + index] = static_cast<u8>(value >> (24 - 8 * index));
    }

private:
    static void pad(std::vector<u8>& bytes)
    {
        while (bytes.size() % 4 != 0)
            bytes.push_back(0);
    }
    u32 string_offset(std::string const& name)
    {
        std::string existing(m_strings.begin(), m_strings.end());
        auto found = existing.find(name + std::string(1, '\0'));
        if (found != std::string::npos)
            return static_cast<u32>(found);
        auto offset = static_cast<u32>(m_strings.size());
        m_strings.insert(m_strings.end(), name.begin(), name.end());
        m_strings.push_back(0);
        return offset;
    }

    std::vector<u64> m_reservations;
    std::vector<u8> m_structure;
    std::vector<u8> m_strings;
};

/* QEMU virt's shape, in small: two reservations, RAM at 1 GiB, a psci node. */
inline DeviceTreeBuilder qemu_like_tree(u64 ram_base = 0x4000'0000, u64 ram_size = 128ull << 20)
{
    DeviceTreeBuilder tree;
    tree.reserve(0x4800'0000, 0x1000).reserve(0x4900'0000, 0x2000);
    tree.begin_node("").property_cells("#address-cells", { 2 }).property_cells("#size-cells", { 2 });
    tree.begin_node("psci").property_string("compatible", "arm,psci-1.0").property_string("method", "hvc").end_node();
    tree.nop();
    tree.begin_node("memory@40000000").property_string("device_type", "memory");
    tree.property_cells("reg", { u32(ram_base >> 32), u32(ram_base), u32(ram_size >> 32), u32(ram_size) }).end_node();
    tree.end_node().end();
    return tree;
}

}
