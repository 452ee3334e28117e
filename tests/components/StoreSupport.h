/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <vector>
#include <vectra/block/Device.h>
#include <vectra/store/Store.h>

namespace vectra::test {

/* A block::Device in memory (512-byte sectors), counting its write requests and flushes. */
class MemoryDevice final : public block::Device {
public:
    explicit MemoryDevice(std::vector<u8> bytes)
        : m_bytes(std::move(bytes))
    {
    }
    explicit MemoryDevice(u64 size)
        : m_bytes(size, 0)
    {
    }

    /* Back to `bytes` (of the same size), reusing this device's memory. */
    void reset_to(std::vector<u8> const& bytes)
    {
        std::copy(bytes.begin(), bytes.end(), m_bytes.begin());
        m_writes = 0;
        m_flushes = 0;
    }
    [[nodiscard]] std::vector<u8> const& bytes() const { return m_bytes; }
    [[nodiscard]] std::vector<u8>& bytes() { return m_bytes; }
    [[nodiscard]] u64 writes() const { return m_writes; }
    [[nodiscard]] u64 flushes() const { return m_flushes; }

    u32 sector_size() const override { return 512; }
    u64 sector_count() const override { return m_bytes.size() / 512; }
    ErrorOr<void> read_sectors(u64 first, std::span<u8> into) override
    {
        if (into.size() % 512 || first * 512 + into.size() > m_bytes.size())
            return Error(ErrorCode::InvalidArgument, "read past the device's end");
        std::copy_n(m_bytes.begin() + i64(first * 512), into.size(), into.begin());
        return {};
    }
    ErrorOr<void> write_sectors(u64 first, std::span<u8 const> from) override
    {
        if (from.size() % 512 || first * 512 + from.size() > m_bytes.size())
            return Error(ErrorCode::InvalidArgument, "write past the device's end");
        std::copy(from.begin(), from.end(), m_bytes.begin() + i64(first * 512));
        ++m_writes;
        return {};
    }
    ErrorOr<void> flush() override
    {
        ++m_flushes;
        return {};
    }

private:
    std::vector<u8> m_bytes;
    u64 m_writes { 0 };
    u64 m_flushes { 0 };
};

/* The memory a test or benchmark gives a store: `nodes` files, `extents` extents, `blocks` blocks, a catalog of
 * `catalog_bytes`, and a cache of `cache_slots` blocks (none by default). */
struct StoreMemory {
    std::vector<store::Node> nodes;
    std::vector<store::Extent> extents;
    std::vector<u32> index;
    std::vector<u64> bitmaps;
    std::vector<u8> buffer;
    std::vector<store::CacheSlot> cache;

    StoreMemory(usize node_count, usize extent_count, u64 blocks, usize catalog_bytes, usize cache_slots = 0)
        : nodes(node_count)
        , extents(extent_count)
        , index(std::bit_ceil(2 * node_count))
        , bitmaps(store::Memory::bitmap_words(blocks))
        , buffer(catalog_bytes + store::block_size)
        , cache(cache_slots)
    {
    }
    store::Memory memory() { return { nodes, extents, index, bitmaps, buffer, cache }; }
};

inline std::span<u8 const> bytes_of_text(std::string const& text)
{
    return { reinterpret_cast<u8 const*>(text.data()), text.size() };
}

inline std::string read_whole(store::Store& store, store::File file)
{
    auto status = store.stat(file);
    if (status.is_error())
        return "<stat failed>";
    std::string bytes(status.value().size, '\0');
    auto read = store.read(file, 0, { reinterpret_cast<u8*>(bytes.data()), bytes.size() });
    if (read.is_error() || read.value() != bytes.size())
        return "<read failed>";
    return bytes;
}

}
