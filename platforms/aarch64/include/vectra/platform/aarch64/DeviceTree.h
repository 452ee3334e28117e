/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A reader for a flattened device tree (the DTB QEMU hands an aarch64 image). The blob is
 * untrusted: every read is checked against the bytes the caller vouches for, and malformed data
 * is an error (ErrorCode::MalformedMessage), never a read out of bounds or a loop. It walks the
 * tree as a stream of tokens and allocates nothing; what a caller keeps is up to it.
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/Types.h>
#include <vectra/platform/Platform.h>

namespace vectra::platform::aarch64 {

class DeviceTree {
public:
    static constexpr u32 magic = 0xd00d'feed;
    static constexpr u32 maximum_depth = 32;

    /* Validates the header; `readable_bytes` bounds every later read (the blob may claim more). */
    [[nodiscard]] static ErrorOr<DeviceTree> from_memory(u8 const* blob, usize readable_bytes);

    [[nodiscard]] usize total_size() const { return m_total_size; }

    struct Token {
        enum class Kind : u8 {
            BeginNode, /* name = unit name ("" for the root), depth = the node's depth (root 1) */
            Property, /* name, value, depth = the depth of the node holding it */
            EndNode, /* depth = the depth of the node being closed */
            End, /* the whole structure has been read */
        };
        Kind kind { Kind::End };
        u32 depth { 0 };
        char const* name { "" };
        u8 const* value { nullptr };
        u32 value_length { 0 };
    };

    /* Walks the structure block in order; after End (or an error) it keeps returning that. */
    class StructureCursor {
    public:
        [[nodiscard]] ErrorOr<Token> next();

    private:
        friend class DeviceTree;
        explicit StructureCursor(DeviceTree const& tree)
            : m_tree(tree)
        {
        }

        DeviceTree const& m_tree;
        u64 m_offset { 0 };
        u32 m_depth { 0 };
        bool m_finished { false };
        bool m_failed { false };
    };

    /* The /memreserve/ entries; next() yields true with a region, false at the end marker. */
    class ReservationCursor {
    public:
        [[nodiscard]] ErrorOr<bool> next(MemoryRegion& region);

    private:
        friend class DeviceTree;
        explicit ReservationCursor(DeviceTree const& tree)
            : m_tree(tree)
        {
        }

        DeviceTree const& m_tree;
        u64 m_offset { 0 };
        bool m_finished { false };
    };

    [[nodiscard]] StructureCursor structure() const { return StructureCursor(*this); }
    [[nodiscard]] ReservationCursor reservations() const { return ReservationCursor(*this); }

    /* Reads `cell_count` (1 or 2) big-endian cells at cell index `first_cell` of a value. */
    [[nodiscard]] static ErrorOr<u64> read_cells(Token const& property, u32 first_cell, u32 cell_count);
    /* Whether a property value is exactly the NUL-terminated string `text`. */
    [[nodiscard]] static bool value_equals(Token const& property, char const* text);

private:
    DeviceTree() = default;

    u8 const* m_blob { nullptr };
    u64 m_total_size { 0 };
    u64 m_structure_offset { 0 };
    u64 m_structure_size { 0 };
    u64 m_strings_offset { 0 };
    u64 m_strings_size { 0 };
    u64 m_reservations_offset { 0 };
};

}
