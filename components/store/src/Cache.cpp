/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The store's block cache (Memory::cache) and its device requests, counted for `report()`.
 *
 * What it keeps true: a held clean slot has the bytes the disk holds at its block; a dirty slot has
 * the bytes the present state holds there, newer than the disk's, and only a block that no commit
 * names and the present state uses is ever dirty (a block freed is dropped from the cache). So a
 * cut can lose only what a dirty slot held, which no sync has returned for, and `sync` writes
 * every dirty slot before the catalog that names it and before the flush the superblock waits for
 * (Store.cpp). A write the store sends from other bytes drops the slots it covers; a read straight
 * from the device takes the dirty slots over what it read.
 */

#include "Internal.h"
#include <algorithm>
#include <vectra/Try.h>
#include <vectra/store/Store.h>

namespace vectra::store {

using namespace detail;

ErrorOr<void> Store::device_read(u64 disk_block, std::span<u8> into)
{
    TRY(m_device->read_sectors(disk_block * m_sectors_per_block, into));
    ++m_counts.device_reads;
    m_counts.blocks_read += into.size() / block_size;
    return {};
}

ErrorOr<void> Store::device_write(u64 disk_block, std::span<u8 const> from)
{
    TRY(m_device->write_sectors(disk_block * m_sectors_per_block, from));
    ++m_counts.device_writes;
    m_counts.blocks_written += from.size() / block_size;
    return {};
}

ErrorOr<void> Store::device_flush()
{
    TRY(m_device->flush());
    ++m_counts.flushes;
    return {};
}

CacheSlot* Store::cached(u64 disk_block)
{
    for (auto& slot : m_memory.cache) {
        if (slot.held && slot.disk_block == disk_block)
            return &slot;
    }
    return nullptr;
}

void Store::take_slot(CacheSlot& slot, u64 disk_block, bool dirty)
{
    slot.held = true;
    slot.disk_block = disk_block;
    slot.dirty = dirty;
    slot.last_use = ++m_cache_clock;
}

void Store::forget_cached(Run run)
{
    for (auto& slot : m_memory.cache) {
        if (slot.held && slot.disk_block >= run.first && slot.disk_block - run.first < run.count)
            slot.held = slot.dirty = false;
    }
}

void Store::overlay_dirty(u64 disk_block, std::span<u8> into)
{
    u64 count = into.size() / block_size;
    for (auto const& slot : m_memory.cache) {
        if (slot.held && slot.dirty && slot.disk_block >= disk_block && slot.disk_block - disk_block < count)
            std::copy_n(slot.bytes, block_size, into.begin() + i64((slot.disk_block - disk_block) * block_size));
    }
}

usize Store::reusable_slots() const
{
    usize count = 0;
    for (auto const& slot : m_memory.cache)
        count += !slot.held || !slot.dirty;
    return count;
}

ErrorOr<void> Store::write_back()
{
    /* Lowest dirty block first, each run of neighbouring dirty blocks in one request through the catalog area
     * (free outside a commit's encoding: sync writes back before it encodes). */
    u64 staging_blocks = std::min<u64>(m_catalog_area.size() / block_size, 256);
    for (;;) {
        CacheSlot* first = nullptr;
        for (auto& slot : m_memory.cache) {
            if (slot.held && slot.dirty && (first == nullptr || slot.disk_block < first->disk_block))
                first = &slot;
        }
        if (first == nullptr)
            return {};
        if (staging_blocks < 2) {
            TRY(device_write(first->disk_block, std::span<u8 const>(first->bytes, block_size)));
            first->dirty = false;
            continue;
        }
        u64 start = first->disk_block;
        u64 count = 0;
        for (CacheSlot* slot = first; slot && slot->dirty && count < staging_blocks; slot = cached(start + count)) {
            std::copy_n(slot->bytes, block_size, m_catalog_area.begin() + i64(count * block_size));
            ++count;
        }
        TRY(device_write(start, m_catalog_area.first(count * block_size)));
        for (u64 block = start; block < start + count; ++block)
            cached(block)->dirty = false;
    }
}

ErrorOr<CacheSlot*> Store::free_slot()
{
    /* An empty slot, else the least recently used clean one; when every slot is dirty, all of them are written. */
    CacheSlot* oldest = nullptr;
    for (auto& slot : m_memory.cache) {
        if (!slot.held)
            return &slot;
        if (!slot.dirty && (oldest == nullptr || slot.last_use < oldest->last_use))
            oldest = &slot;
    }
    if (oldest)
        return oldest;
    TRY(write_back());
    return free_slot();
}

ErrorOr<void> Store::load_block(u64 disk_block, std::span<u8> into)
{
    if (m_memory.cache.empty())
        return read_blocks(disk_block, into.first(block_size));
    if (auto* slot = cached(disk_block)) {
        ++m_counts.cache_hits;
        slot->last_use = ++m_cache_clock;
        std::copy_n(slot->bytes, block_size, into.begin());
        return {};
    }
    /* A miss: the disk holds this block's present bytes (a dirty block is always cached), and those of the blocks
     * after it that the present state uses and the cache lacks, read in the same request. */
    u64 limit = std::min<u64>({ read_ahead_blocks, m_memory.cache.size() / 2, m_catalog_area.size() / block_size });
    u64 run = 1;
    while (run < limit && disk_block + run < m_block_count && bit_get(m_used, disk_block + run)
        && cached(disk_block + run) == nullptr)
        ++run;
    if (run == 1) {
        CacheSlot* slot = TRY(free_slot());
        slot->held = false;
        TRY(device_read(disk_block, std::span<u8>(slot->bytes, block_size)));
        take_slot(*slot, disk_block, false);
        std::copy_n(slot->bytes, block_size, into.begin());
        return {};
    }
    if (reusable_slots() < run)
        TRY(write_back()); /* so placing the run below writes nothing back through the area it was read into */
    auto area = m_catalog_area.first(run * block_size);
    TRY(device_read(disk_block, area));
    std::copy_n(area.begin(), block_size, into.begin());
    for (u64 index = 0; index < run; ++index) {
        CacheSlot* slot = TRY(free_slot());
        std::copy_n(area.begin() + i64(index * block_size), block_size, slot->bytes);
        take_slot(*slot, disk_block + index, false);
    }
    return {};
}

ErrorOr<void> Store::store_block(u64 disk_block, std::span<u8 const> from)
{
    if (m_memory.cache.empty())
        return write_blocks(disk_block, from.first(block_size));
    CacheSlot* slot = cached(disk_block);
    if (slot == nullptr) {
        slot = TRY(free_slot());
        slot->held = false;
    }
    std::copy_n(from.begin(), block_size, slot->bytes);
    take_slot(*slot, disk_block, true);
    return {};
}

}
