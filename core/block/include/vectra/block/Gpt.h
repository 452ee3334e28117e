/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A GUID Partition Table reader (UEFI 2.10, chapter 5), for storaged. Nothing on a disk is
 * trusted:
 *
 *   - block 0 must be a protective MBR: signature 0x55AA and one partition of type 0xEE starting
 *     at block 1; a hybrid MBR (any other entry in use) is refused;
 *   - each header (primary at block 1, backup at the last block) is checked on its own: signature,
 *     revision 1.0, size 92…block size, its CRC32 (with the field zeroed), its own and alternate
 *     block numbers, the usable range inside the disk and clear of both headers and entry
 *     arrays, entry size a multiple of 128 that divides nothing oddly (128 · 2^n, at most a
 *     block), at most 1024 entries, and its entry array's CRC32;
 *   - the two headers must describe the same disk (GUID, usable range, entry count, size and
 *     CRC); when one is damaged the other is used and the damage reported (a program can
 *     repair), when both are, the disk is refused;
 *   - every partition in use lies inside the usable range, first ≤ last, and no two overlap.
 *
 * Reading goes through `Disk` one block at a time into a buffer on the stack: no heap, blocks
 * of 512 to 4096 bytes.
 */

#pragma once

#include <array>
#include <span>
#include <vectra/Error.h>
#include <vectra/block/Protocol.h>

namespace vectra::block::gpt {

enum class GptError : u16 {
    NoProtectiveMbr = 1,
    NoValidHeader = 2,
    HeadersDisagree = 3,
    PartitionOutsideUsable = 4,
    PartitionsOverlap = 5,
    TooManyPartitions = 6,
    UnsupportedGeometry = 7,
};

inline constexpr ErrorDomain domain {
    "vectra.gpt",
    [](u16 code) -> char const* {
        switch (static_cast<GptError>(code)) {
        case GptError::NoProtectiveMbr:
            return "no-protective-mbr";
        case GptError::NoValidHeader:
            return "no-valid-header";
        case GptError::HeadersDisagree:
            return "headers-disagree";
        case GptError::PartitionOutsideUsable:
            return "partition-outside-usable";
        case GptError::PartitionsOverlap:
            return "partitions-overlap";
        case GptError::TooManyPartitions:
            return "too-many-partitions";
        case GptError::UnsupportedGeometry:
            return "unsupported-geometry";
        }
        return nullptr;
    },
};
constexpr ErrorDomain const& error_domain(GptError) { return domain; }

/* The disk as the parser sees it. */
class Disk {
public:
    virtual ~Disk() = default;
    [[nodiscard]] virtual u32 block_size() const = 0;
    [[nodiscard]] virtual u64 block_count() const = 0;
    /* Reads block `block` (exactly block_size() bytes) into `into`. */
    [[nodiscard]] virtual ErrorOr<void> read_block(u64 block, std::span<u8> into) = 0;
};

/* A GUID as stored on disk (mixed-endian fields kept as bytes). */
struct Guid {
    std::array<u8, 16> bytes {};
    [[nodiscard]] bool is_zero() const;
    [[nodiscard]] bool operator==(Guid const&) const = default;
    /* "C12A7328-F81F-11D2-BA4B-00A0C93EC93B": the textual form (first three fields little-endian on disk). */
    [[nodiscard]] FixedString<36> text() const;
};

struct Partition {
    u32 entry { 0 }; /* its index in the entry array, from 0 */
    Guid type;
    Guid unique;
    u64 first_block { 0 };
    u64 last_block { 0 }; /* inclusive, as GPT stores it */
    u64 attributes { 0 };
    PartitionName name; /* UTF-16 name up to its NUL; code units above 0x7e (and controls) read as '?' */

    [[nodiscard]] u64 block_count() const { return last_block - first_block + 1; }
};

/* One header's fields, after its own checks. */
struct Header {
    u64 current_block { 0 };
    u64 alternate_block { 0 };
    u64 first_usable { 0 };
    u64 last_usable { 0 };
    Guid disk;
    u64 entries_block { 0 };
    u32 entry_count { 0 };
    u32 entry_size { 0 };
    u32 entries_crc { 0 };
};

inline constexpr usize maximum_partitions = 32;
inline constexpr u32 maximum_entries = 1024;
inline constexpr u32 maximum_block_size = 4096;

struct Table {
    Guid disk;
    u64 first_usable { 0 };
    u64 last_usable { 0 };
    usize partition_count { 0 };
    std::array<Partition, maximum_partitions> partitions {};
    /* Which copy was good; a null problem means that copy was valid and agreed. */
    char const* primary_problem { nullptr };
    char const* backup_problem { nullptr };

    [[nodiscard]] std::span<Partition const> used() const { return { partitions.data(), partition_count }; }
    [[nodiscard]] Partition const* find(std::string_view name) const;
};

/* Checks the protective MBR in block 0's bytes. */
[[nodiscard]] ErrorOr<void> check_protective_mbr(std::span<u8 const> block, u64 block_count);

/* Parses and checks one header block found at `at` of a disk of `block_count` blocks (the entry array is not read). */
[[nodiscard]] ErrorOr<Header> parse_header(std::span<u8 const> block, u64 at, u64 block_count);

/* Reads and checks the whole table. */
[[nodiscard]] ErrorOr<Table> read(Disk&);

}
