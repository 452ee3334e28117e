/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "Internal.h"
#include <algorithm>
#include <vectra/Try.h>
#include <vectra/block/Crc32.h>
#include <vectra/store/StoreError.h>

namespace vectra::store {

using namespace detail;

char const* store_error_name(u16 code)
{
    switch (static_cast<StoreError>(code)) {
    case StoreError::NotAStore:
        return "not-a-store";
    case StoreError::Corrupt:
        return "corrupt";
    case StoreError::NoSpace:
        return "no-space";
    case StoreError::NotFound:
        return "not-found";
    case StoreError::Exists:
        return "exists";
    case StoreError::InvalidName:
        return "invalid-name";
    case StoreError::Stale:
        return "stale";
    case StoreError::TooLarge:
        return "too-large";
    case StoreError::DeviceMismatch:
        return "device-mismatch";
    case StoreError::OutOfMemory:
        return "out-of-memory";
    }
    return nullptr;
}

namespace {

constexpr u8 superblock_magic[8] = { 'V', 'E', 'C', 'T', 'R', 'A', 'S', 'T' };
constexpr u8 catalog_magic[4] = { 'V', 'S', 'C', 'T' };
/* magic 8, version 4, block size 4, block count 8, generation 8, catalog block 8, bytes 8, CRC 4; then the superblock's
 * CRC. */
constexpr usize superblock_crc_offset = 52;

}

u32 name_hash(std::span<char const> name)
{
    u32 hash = 2166136261u; /* FNV-1a */
    for (char character : name)
        hash = (hash ^ u8(character)) * 16777619u;
    return hash;
}

ErrorOr<void> detail::check_name(std::string_view name)
{
    if (name.empty() || name.size() > maximum_name)
        return Error(StoreError::InvalidName, "a name is 1 to 255 bytes");
    if (name.find('\0') != std::string_view::npos)
        return Error(StoreError::InvalidName, "a name holds no NUL byte");
    return {};
}

ErrorOr<void> Memory::check(u64 blocks) const
{
    if (nodes.empty() || nodes.size() >= tombstone || index.size() < 2 * nodes.size()
        || (index.size() & (index.size() - 1)))
        return Error(StoreError::OutOfMemory, "the name index must be a power of two of at least twice the nodes");
    if (extents.empty() || bitmaps.size() < bitmap_words(blocks))
        return Error(StoreError::OutOfMemory, "the bitmaps need a bit per block, twice");
    if (buffer.size() < block_size + catalog_header_bytes)
        return Error(StoreError::OutOfMemory, "the buffer holds a block and a catalog");
    if (cache.size() == 1)
        return Error(StoreError::OutOfMemory, "a cache has no slots or at least two");
    return {};
}

void encode_superblock(Superblock const& superblock, std::span<u8, superblock_bytes> into)
{
    std::fill(into.begin(), into.end(), u8(0));
    std::copy(std::begin(superblock_magic), std::end(superblock_magic), into.begin());
    write_u32(&into[8], store_version);
    write_u32(&into[12], block_size);
    write_u64(&into[16], superblock.block_count);
    write_u64(&into[24], superblock.generation);
    write_u64(&into[32], superblock.catalog_block);
    write_u64(&into[40], superblock.catalog_bytes);
    write_u32(&into[48], superblock.catalog_crc);
    write_u32(&into[superblock_crc_offset], block::crc32(into.first(superblock_crc_offset)));
}

ErrorOr<Superblock> decode_superblock(std::span<u8 const, superblock_bytes> bytes, u64 device_blocks)
{
    if (!std::equal(std::begin(superblock_magic), std::end(superblock_magic), bytes.begin()))
        return Error(StoreError::NotAStore, "no store superblock magic");
    if (read_u32(&bytes[superblock_crc_offset]) != block::crc32(bytes.first(superblock_crc_offset)))
        return Error(StoreError::Corrupt, "the superblock's CRC-32 does not match");
    if (read_u32(&bytes[8]) == 1)
        return Error(StoreError::NotAStore,
            "a version 1 store: this library mounts version 2 only (its catalogs verify single-flush commits)");
    if (read_u32(&bytes[8]) != store_version || read_u32(&bytes[12]) != block_size)
        return Error(StoreError::NotAStore, "a store version or block size this library does not know");
    Superblock superblock { read_u64(&bytes[16]), read_u64(&bytes[24]), read_u64(&bytes[32]), read_u64(&bytes[40]),
        read_u32(&bytes[48]) };
    if (superblock.block_count > device_blocks)
        return Error(StoreError::DeviceMismatch, "the store is larger than its device");
    if (superblock.block_count <= first_data_block || superblock.generation == 0)
        return Error(StoreError::Corrupt, "the superblock names no blocks or generation 0");
    u64 catalog_blocks = (superblock.catalog_bytes + block_size - 1) / block_size;
    if (superblock.catalog_bytes < catalog_header_bytes || superblock.catalog_block < first_data_block
        || superblock.catalog_block >= superblock.block_count
        || catalog_blocks > superblock.block_count - superblock.catalog_block)
        return Error(StoreError::Corrupt, "the superblock's catalog lies outside the store");
    return superblock;
}

ErrorOr<Catalog> parse_catalog(std::span<u8 const> bytes, u64 block_count, Memory const& memory, std::span<u64> in_use)
{
    if (bytes.size() < catalog_header_bytes
        || !std::equal(std::begin(catalog_magic), std::end(catalog_magic), bytes.begin()))
        return Error(StoreError::Corrupt, "the catalog has no header");
    u64 node_count = read_u32(&bytes[4]);
    u64 extent_count = read_u32(&bytes[8]);
    u64 verified_count = read_u32(&bytes[12]);
    if (verified_count > maximum_verified_blocks)
        return Error(StoreError::Corrupt, "the catalog verifies more runs than a single-flush commit may add");
    if (node_count > memory.nodes.size() || extent_count > memory.extents.size())
        return Error(StoreError::OutOfMemory, "the catalog holds more files or extents than the memory given");
    std::fill(memory.index.begin(), memory.index.end(), empty_slot);
    usize at = catalog_header_bytes;
    usize extents_seen = 0;
    auto take = [&](usize length) -> ErrorOr<u8 const*> {
        if (bytes.size() - at < length)
            return Error(StoreError::Corrupt, "the catalog ends inside a record");
        u8 const* here = bytes.data() + at;
        at += length;
        return here;
    };
    for (u32 number = 0; number < node_count; ++number) {
        u16 name_length = read_u16(TRY(take(2)));
        u8 const* name = TRY(take(name_length));
        std::string_view name_view(reinterpret_cast<char const*>(name), name_length);
        if (check_name(name_view).is_error())
            return Error(StoreError::Corrupt, "a catalog name is empty, longer than 255 bytes or holds NUL");
        u8 const* fields = TRY(take(12));
        auto& node = memory.nodes[number];
        node.size = read_u64(fields);
        node.name_length = name_length;
        memcpy(node.name, name, name_length);
        node.hash = name_hash({ node.name, name_length });
        node.used = true;
        if (index_find(memory.index, memory.nodes, name_view, node.hash) >= 0)
            return Error(StoreError::Corrupt, "two catalog files have one name");
        index_put(memory.index, number, node.hash);
        u64 file_blocks = node.size / block_size + (node.size % block_size != 0);
        u64 count = read_u32(fields + 8);
        if (count > extent_count - extents_seen)
            return Error(StoreError::Corrupt, "the files hold more extents than the catalog header says");
        u64 next_file_block = 0;
        for (u64 index = 0; index < count; ++index) {
            u8 const* record = TRY(take(catalog_extent_bytes));
            Extent extent { number, read_u32(record + 16), read_u64(record), read_u64(record + 8) };
            if (extent.count == 0 || extent.file_block < next_file_block || extent.file_block > file_blocks
                || extent.count > file_blocks - extent.file_block)
                return Error(
                    StoreError::Corrupt, "an extent is empty, out of order, overlapping or past its file's size");
            if (extent.disk_block < first_data_block || extent.disk_block > block_count
                || extent.count > block_count - extent.disk_block)
                return Error(StoreError::Corrupt, "an extent lies outside the store's data blocks");
            for (u64 block = extent.disk_block; block < extent.disk_block + extent.count; ++block) {
                if (bit_get(in_use, block))
                    return Error(StoreError::Corrupt, "two extents (or an extent and the catalog) share a block");
                bit_set(in_use, block, true);
            }
            next_file_block = extent.file_block + extent.count;
            memory.extents[extents_seen++] = extent;
        }
    }
    usize verified_at = at;
    u64 verified_blocks = 0;
    for (u64 run = 0; run < verified_count; ++run) {
        u8 const* record = TRY(take(catalog_verified_bytes));
        u64 first = read_u64(record);
        u64 count = read_u32(record + 8);
        if (count == 0)
            return Error(StoreError::Corrupt, "a verified run is empty");
        if (count > maximum_verified_blocks - verified_blocks)
            return Error(StoreError::Corrupt, "the verified runs hold more blocks than a single-flush commit may add");
        verified_blocks += count;
        if (first < first_data_block || first > block_count || count > block_count - first)
            return Error(StoreError::Corrupt, "a verified run lies outside the store's data blocks");
        for (u64 block = first; block < first + count; ++block) {
            if (!bit_get(in_use, block))
                return Error(StoreError::Corrupt, "a verified run names a block no extent holds");
        }
    }
    if (extents_seen != extent_count || at != bytes.size())
        return Error(StoreError::Corrupt, "the catalog's length or extent count disagrees with its records");
    return Catalog { usize(node_count), extents_seen, verified_at, usize(verified_count) };
}

}
