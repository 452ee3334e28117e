/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Format: Devicetree Specification v0.4, chapter 5 (flattened devicetree, big-endian).
 * Every offset is kept in 64 bits, so sums of two 32-bit header fields cannot wrap.
 */

#include <vectra/platform/aarch64/DeviceTree.h>

namespace vectra::platform::aarch64 {

namespace {

constexpr u64 header_size_v16 = 36;
constexpr u64 header_size_v17 = 40;
constexpr u32 oldest_version = 16;
constexpr u32 newest_compatible_version = 17;

constexpr u32 token_begin_node = 1;
constexpr u32 token_end_node = 2;
constexpr u32 token_property = 3;
constexpr u32 token_nop = 4;
constexpr u32 token_end = 9;

[[nodiscard]] u32 read_u32(u8 const* bytes)
{
    return (u32(bytes[0]) << 24) | (u32(bytes[1]) << 16) | (u32(bytes[2]) << 8) | u32(bytes[3]);
}

[[nodiscard]] u64 read_u64(u8 const* bytes) { return (u64(read_u32(bytes)) << 32) | read_u32(bytes + 4); }

[[nodiscard]] constexpr u64 align4(u64 value) { return (value + 3) & ~u64(3); }

/* Length of the NUL-terminated string at [offset, limit); -1 when there is no NUL before limit. */
[[nodiscard]] i64 bounded_string_length(u8 const* base, u64 offset, u64 limit)
{
    for (u64 index = offset; index < limit; ++index) {
        if (base[index] == 0)
            return static_cast<i64>(index - offset);
    }
    return -1;
}

Error malformed(char const* message) { return Error(ErrorCode::MalformedMessage, message); }

}

ErrorOr<DeviceTree> DeviceTree::from_memory(u8 const* blob, usize readable_bytes)
{
    if (blob == nullptr || readable_bytes < header_size_v16)
        return malformed("device tree: no room for a header");
    if (read_u32(blob) != magic)
        return malformed("device tree: bad magic");

    u64 total_size = read_u32(blob + 4);
    u64 structure_offset = read_u32(blob + 8);
    u64 strings_offset = read_u32(blob + 12);
    u64 reservations_offset = read_u32(blob + 16);
    u32 version = read_u32(blob + 20);
    u32 last_compatible_version = read_u32(blob + 24);
    u64 strings_size = read_u32(blob + 32);

    if (version < oldest_version || last_compatible_version > newest_compatible_version)
        return malformed("device tree: unsupported version");
    u64 header_size = version >= 17 ? header_size_v17 : header_size_v16;
    if (total_size < header_size || total_size > readable_bytes)
        return malformed("device tree: total size out of bounds");

    u64 structure_size = version >= 17 ? read_u32(blob + 36) : 0;
    if (structure_offset < header_size || structure_offset > total_size || structure_offset % 4 != 0)
        return malformed("device tree: structure block out of bounds");
    if (version < 17)
        structure_size = total_size - structure_offset;
    if (structure_size > total_size - structure_offset)
        return malformed("device tree: structure block out of bounds");
    if (strings_offset < header_size || strings_offset > total_size || strings_size > total_size - strings_offset)
        return malformed("device tree: strings block out of bounds");
    if (reservations_offset < header_size || reservations_offset > total_size || reservations_offset % 8 != 0)
        return malformed("device tree: reservation block out of bounds");

    DeviceTree tree;
    tree.m_blob = blob;
    tree.m_total_size = total_size;
    tree.m_structure_offset = structure_offset;
    tree.m_structure_size = structure_size;
    tree.m_strings_offset = strings_offset;
    tree.m_strings_size = strings_size;
    tree.m_reservations_offset = reservations_offset;
    return tree;
}

ErrorOr<DeviceTree::Token> DeviceTree::StructureCursor::next()
{
    if (m_failed)
        return malformed("device tree: structure already found malformed");
    if (m_finished)
        return Token {};

    u8 const* structure = m_tree.m_blob + m_tree.m_structure_offset;
    u64 const size = m_tree.m_structure_size;
    auto fail = [this](char const* message) {
        m_failed = true;
        return malformed(message);
    };

    for (;;) {
        if (m_offset > size || size - m_offset < 4)
            return fail("device tree: structure ends without an END token");
        u32 token = read_u32(structure + m_offset);
        u64 payload = m_offset + 4;

        switch (token) {
        case token_nop:
            m_offset = payload;
            continue;

        case token_begin_node: {
            i64 length = bounded_string_length(structure, payload, size);
            if (length < 0)
                return fail("device tree: unterminated node name");
            if (m_depth >= maximum_depth)
                return fail("device tree: nodes nested too deeply");
            ++m_depth;
            m_offset = align4(payload + static_cast<u64>(length) + 1);
            Token result;
            result.kind = Token::Kind::BeginNode;
            result.depth = m_depth;
            result.name = reinterpret_cast<char const*>(structure + payload);
            return result;
        }

        case token_end_node: {
            if (m_depth == 0)
                return fail("device tree: END_NODE outside any node");
            m_offset = payload;
            Token result;
            result.kind = Token::Kind::EndNode;
            result.depth = m_depth--;
            return result;
        }

        case token_property: {
            if (m_depth == 0)
                return fail("device tree: property outside any node");
            if (size - payload < 8)
                return fail("device tree: truncated property");
            u64 length = read_u32(structure + payload);
            u64 name_offset = read_u32(structure + payload + 4);
            u64 value_offset = payload + 8;
            if (length > size - value_offset)
                return fail("device tree: property value out of bounds");
            if (name_offset >= m_tree.m_strings_size)
                return fail("device tree: property name out of bounds");
            u8 const* strings = m_tree.m_blob + m_tree.m_strings_offset;
            if (bounded_string_length(strings, name_offset, m_tree.m_strings_size) < 0)
                return fail("device tree: unterminated property name");
            m_offset = align4(value_offset + length);
            Token result;
            result.kind = Token::Kind::Property;
            result.depth = m_depth;
            result.name = reinterpret_cast<char const*>(strings + name_offset);
            result.value = structure + value_offset;
            result.value_length = static_cast<u32>(length);
            return result;
        }

        case token_end:
            if (m_depth != 0)
                return fail("device tree: END inside a node");
            m_finished = true;
            return Token {};

        default:
            return fail("device tree: unknown structure token");
        }
    }
}

ErrorOr<bool> DeviceTree::ReservationCursor::next(MemoryRegion& region)
{
    if (m_finished)
        return false;
    u64 position = m_tree.m_reservations_offset + m_offset;
    /* Entries must end before the structure block when it follows them, and inside the blob. */
    u64 limit = m_tree.m_total_size;
    if (m_tree.m_structure_offset > m_tree.m_reservations_offset)
        limit = m_tree.m_structure_offset;
    if (position > limit || limit - position < 16) {
        m_finished = true;
        return malformed("device tree: reservation block has no end marker");
    }
    u64 base = read_u64(m_tree.m_blob + position);
    u64 size = read_u64(m_tree.m_blob + position + 8);
    m_offset += 16;
    if (base == 0 && size == 0) {
        m_finished = true;
        return false;
    }
    region = MemoryRegion { base, size };
    return true;
}

ErrorOr<u64> DeviceTree::read_cells(Token const& property, u32 first_cell, u32 cell_count)
{
    if (cell_count < 1 || cell_count > 2)
        return malformed("device tree: unsupported cell count");
    u64 offset = u64(first_cell) * 4;
    u64 length = u64(cell_count) * 4;
    if (property.value == nullptr || offset > property.value_length || length > property.value_length - offset)
        return malformed("device tree: cells out of bounds");
    u8 const* bytes = property.value + offset;
    return cell_count == 2 ? read_u64(bytes) : read_u32(bytes);
}

bool DeviceTree::value_equals(Token const& property, char const* text)
{
    u32 index = 0;
    for (; text[index] != 0; ++index) {
        if (index >= property.value_length || property.value[index] != static_cast<u8>(text[index]))
            return false;
    }
    return property.value_length == index + 1 && property.value[index] == 0;
}

}
