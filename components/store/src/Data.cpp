/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * File data: extents, block allocation, read, write and truncate. Every write goes to blocks
 * that neither the last commit nor the present state uses (copy-on-write); a block the last
 * commit uses is never written, and becomes free only when a newer commit is on the disk.
 */

#include "Internal.h"
#include <algorithm>
#include <vectra/Try.h>
#include <vectra/store/Store.h>

namespace vectra::store {

using namespace detail;

namespace {

/* The largest request the store sends: 1 MiB, the hosted and virtio drivers' limit. */
constexpr u64 blocks_per_request = 256;
constexpr u64 maximum_file_size = u64(1) << 62;
/* An extent's count is a u32; a run is allocated at most 4 GiB at a time. */
constexpr u64 blocks_per_extent = u64(1) << 20;

u64 end_of(Extent const& extent) { return extent.file_block + extent.count; }

}

ErrorOr<void> Store::read_blocks(u64 disk_block, std::span<u8> into)
{
    for (u64 done = 0; done < into.size();) {
        u64 length = into.size() - done < blocks_per_request * block_size ? into.size() - done
                                                                          : blocks_per_request * block_size;
        TRY(device_read(disk_block + done / block_size, into.subspan(done, length)));
        done += length;
    }
    overlay_dirty(disk_block, into);
    return {};
}

ErrorOr<void> Store::write_blocks(u64 disk_block, std::span<u8 const> from)
{
    forget_cached({ disk_block, from.size() / block_size });
    for (u64 done = 0; done < from.size();) {
        u64 length = from.size() - done < blocks_per_request * block_size ? from.size() - done
                                                                          : blocks_per_request * block_size;
        TRY(device_write(disk_block + done / block_size, from.subspan(done, length)));
        done += length;
    }
    return {};
}

bool Store::is_taken(u64 block) const { return bit_get(m_used, block) || bit_get(m_committed, block); }

void Store::set_used(Run run, bool value)
{
    for (u64 block = run.first; block < run.first + run.count; ++block)
        bit_set(m_used, block, value);
    if (!value)
        forget_cached(run); /* a freed block's cached bytes belong to nothing now */
}

ErrorOr<Store::Run> Store::allocate(u64 wanted, bool exact)
{
    /* Next fit from the cursor, once round: the first free run, whole if `exact`, else at most `wanted`. */
    u64 span = m_block_count - first_data_block;
    for (u64 scanned = 0; scanned < span;) {
        u64 block = first_data_block + (m_allocation_cursor - first_data_block + scanned) % span;
        u64 word = block / 64;
        if ((block % 64) == 0 && (m_used[word] | m_committed[word]) == ~u64(0) && block + 64 <= m_block_count) {
            scanned += 64;
            continue;
        }
        if (is_taken(block)) {
            ++scanned;
            continue;
        }
        u64 count = 1;
        while (count < wanted && block + count < m_block_count && !is_taken(block + count))
            ++count;
        if (!exact || count == wanted) {
            Run run { block, count };
            set_used(run, true);
            m_allocation_cursor = block + count < m_block_count ? block + count : first_data_block;
            return run;
        }
        scanned += count;
    }
    return Error(StoreError::NoSpace, exact ? "no free run of blocks is long enough" : "every block is in use");
}

usize Store::first_extent(u32 node, u64 file_block) const
{
    /* The first extent of `node` ending after `file_block` (extents sorted by node, then file block). */
    usize low = 0;
    usize high = m_extent_count;
    while (low < high) {
        usize middle = (low + high) / 2;
        auto const& extent = m_memory.extents[middle];
        if (extent.node < node || (extent.node == node && end_of(extent) <= file_block))
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

ErrorOr<void> Store::unmap(u32 node, u64 from_block, u64 to_block)
{
    auto& extents = m_memory.extents;
    usize index = first_extent(node, from_block);
    if (index < m_extent_count && extents[index].node == node && extents[index].file_block < from_block
        && end_of(extents[index]) > to_block) {
        /* The range lies inside one extent: it splits in two. */
        if (m_extent_count == extents.size())
            return Error(StoreError::OutOfMemory, "every extent of the memory given is in use");
        Extent tail = extents[index];
        u64 cut = to_block - tail.file_block;
        tail.file_block += cut;
        tail.disk_block += cut;
        tail.count -= u32(cut);
        set_used(
            { extents[index].disk_block + (from_block - extents[index].file_block), to_block - from_block }, false);
        extents[index].count = u32(from_block - extents[index].file_block);
        std::copy_backward(extents.begin() + i64(index + 1), extents.begin() + i64(m_extent_count),
            extents.begin() + i64(m_extent_count + 1));
        extents[index + 1] = tail;
        ++m_extent_count;
        return {};
    }
    usize removed_from = m_extent_count;
    usize removed = 0;
    for (; index < m_extent_count && extents[index].node == node && extents[index].file_block < to_block; ++index) {
        auto& extent = extents[index];
        u64 start = extent.file_block > from_block ? extent.file_block : from_block;
        u64 end = end_of(extent) < to_block ? end_of(extent) : to_block;
        set_used({ extent.disk_block + (start - extent.file_block), end - start }, false);
        if (start == extent.file_block && end == end_of(extent)) {
            if (removed == 0)
                removed_from = index;
            ++removed;
        } else if (start == extent.file_block) {
            extent.disk_block += end - start;
            extent.count -= u32(end - start);
            extent.file_block = end;
        } else {
            extent.count -= u32(end - start);
        }
    }
    if (removed) {
        std::copy(extents.begin() + i64(removed_from + removed), extents.begin() + i64(m_extent_count),
            extents.begin() + i64(removed_from));
        m_extent_count -= removed;
    }
    return {};
}

ErrorOr<void> Store::map(u32 node, u64 file_block, u64 disk_block, u64 count)
{
    /* The range is unmapped; the new extent joins its neighbour when both run on in file and disk. */
    auto& extents = m_memory.extents;
    usize index = first_extent(node, file_block);
    if (index > 0) {
        auto& before = extents[index - 1];
        if (before.node == node && end_of(before) == file_block && before.disk_block + before.count == disk_block
            && before.count + count <= 0xFFFFFFFFu) {
            before.count += u32(count);
            return {};
        }
    }
    if (m_extent_count == extents.size())
        return Error(StoreError::OutOfMemory, "every extent of the memory given is in use");
    std::copy_backward(
        extents.begin() + i64(index), extents.begin() + i64(m_extent_count), extents.begin() + i64(m_extent_count + 1));
    extents[index] = { node, u32(count), file_block, disk_block };
    ++m_extent_count;
    return {};
}

ErrorOr<Store::Run> Store::allocate_block_after(u32 node, u64 file_block)
{
    /* One block, preferably the disk block after the one holding `file_block - 1`, so the new block extends
     * that extent instead of starting one (a file rewritten in order stays one run). */
    if (file_block > 0) {
        usize index = first_extent(node, file_block - 1);
        if (index < m_extent_count && m_memory.extents[index].node == node
            && m_memory.extents[index].file_block <= file_block - 1) {
            auto const& extent = m_memory.extents[index];
            u64 wanted = extent.disk_block + (file_block - 1 - extent.file_block) + 1;
            if (wanted >= first_data_block && wanted < m_block_count && !is_taken(wanted)) {
                Run run { wanted, 1 };
                set_used(run, true);
                return run;
            }
        }
    }
    return allocate(1, true);
}

ErrorOr<void> Store::write_block(u32 node, u64 file_block, u32 at, std::span<u8 const> bytes)
{
    /* Part of one block: its present bytes (zero in a hole) with `bytes` at `at`. A block no commit names (written
     * since the last sync) is rewritten in place: a cut can only tear bytes that were never synced. A block the last
     * commit names is copied to a new block. */
    usize index = first_extent(node, file_block);
    bool mapped = index < m_extent_count && m_memory.extents[index].node == node
        && m_memory.extents[index].file_block <= file_block;
    if (mapped) {
        u64 present = m_memory.extents[index].disk_block + (file_block - m_memory.extents[index].file_block);
        if (bytes.size() < block_size)
            TRY(load_block(present, m_scratch));
        std::copy(bytes.begin(), bytes.end(), m_scratch.begin() + at);
        if (!bit_get(m_committed, present))
            return store_block(present, m_scratch);
    } else {
        std::fill(m_scratch.begin(), m_scratch.end(), u8(0));
        std::copy(bytes.begin(), bytes.end(), m_scratch.begin() + at);
    }
    Run placed = TRY(allocate_block_after(node, file_block));
    auto written = store_block(placed.first, m_scratch);
    if (written.is_error()) {
        set_used(placed, false);
        return written.release_error();
    }
    TRY(unmap(node, file_block, file_block + 1));
    return map(node, file_block, placed.first, 1);
}

ErrorOr<void> Store::write_whole(u32 node, u64 file_block, std::span<u8 const> bytes)
{
    if (!m_memory.cache.empty() && bytes.size() / block_size <= cached_whole_blocks) {
        /* A few blocks (a database's page): through the cache, in place when no commit names them. */
        for (u64 done = 0; done < bytes.size() / block_size; ++done)
            TRY(write_block(node, file_block + done, 0, bytes.subspan(done * block_size, block_size)));
        return {};
    }
    for (u64 done = 0; done < bytes.size() / block_size;) {
        u64 wanted = bytes.size() / block_size - done;
        Run placed = TRY(allocate(wanted < blocks_per_extent ? wanted : blocks_per_extent, false));
        auto written = write_blocks(placed.first, bytes.subspan(done * block_size, placed.count * block_size));
        if (written.is_error()) {
            set_used(placed, false);
            return written.release_error();
        }
        TRY(unmap(node, file_block + done, file_block + done + placed.count));
        TRY(map(node, file_block + done, placed.first, placed.count));
        done += placed.count;
    }
    return {};
}

ErrorOr<void> Store::write(File file, u64 offset, std::span<u8 const> from)
{
    TRY(writable());
    Node* node = TRY(node_of(file));
    if (offset > maximum_file_size || from.size() > maximum_file_size - offset)
        return Error(StoreError::TooLarge, "a file ends before 2^62 bytes");
    if (m_extent_count + 2 > m_memory.extents.size())
        return Error(StoreError::OutOfMemory, "every extent of the memory given is in use");
    m_dirty = true;
    u64 done = 0;
    while (done < from.size()) {
        u64 position = offset + done;
        u64 block = position / block_size;
        u32 at = u32(position % block_size);
        u64 left = from.size() - done;
        if (at != 0 || left < block_size) {
            u64 length = block_size - at < left ? block_size - at : left;
            TRY(write_block(file.node, block, at, from.subspan(done, length)));
            done += length;
        } else {
            u64 whole = left / block_size * block_size;
            TRY(write_whole(file.node, block, from.subspan(done, whole)));
            done += whole;
        }
        if (offset + done > node->size)
            node->size = offset + done;
    }
    return {};
}

ErrorOr<usize> Store::read(File file, u64 offset, std::span<u8> into)
{
    Node const* node = TRY(node_of(file));
    if (offset >= node->size)
        return 0;
    u64 length = node->size - offset < into.size() ? node->size - offset : into.size();
    u64 done = 0;
    while (done < length) {
        u64 position = offset + done;
        u64 block = position / block_size;
        u32 at = u32(position % block_size);
        usize index = first_extent(file.node, block);
        bool mapped = index < m_extent_count && m_memory.extents[index].node == file.node
            && m_memory.extents[index].file_block <= block;
        if (!mapped) {
            /* A hole reads as zeroes up to the next extent or the end. */
            u64 next = index < m_extent_count && m_memory.extents[index].node == file.node
                ? m_memory.extents[index].file_block * block_size
                : ~u64(0);
            u64 count = (next - position) < length - done ? next - position : length - done;
            std::fill(into.begin() + i64(done), into.begin() + i64(done + count), u8(0));
            done += count;
            continue;
        }
        auto const& extent = m_memory.extents[index];
        u64 disk = extent.disk_block + (block - extent.file_block);
        if (at == 0 && length - done >= block_size) {
            u64 blocks = (length - done) / block_size;
            if (blocks > end_of(extent) - block)
                blocks = end_of(extent) - block;
            if (!m_memory.cache.empty() && blocks <= cached_whole_blocks) {
                TRY(load_block(disk, into.subspan(done, block_size)));
                done += block_size;
                continue;
            }
            TRY(read_blocks(disk, into.subspan(done, blocks * block_size)));
            done += blocks * block_size;
            continue;
        }
        TRY(load_block(disk, m_scratch));
        u64 count = block_size - at < length - done ? block_size - at : length - done;
        std::copy_n(m_scratch.begin() + at, count, into.begin() + i64(done));
        done += count;
    }
    return usize(length);
}

ErrorOr<void> Store::truncate(File file, u64 size)
{
    TRY(writable());
    Node* node = TRY(node_of(file));
    if (size > maximum_file_size)
        return Error(StoreError::TooLarge, "a file ends before 2^62 bytes");
    m_dirty = true;
    if (size >= node->size) {
        node->size = size; /* the bytes past the old size are zero in its last block, and holes read as zero */
        return {};
    }
    u64 kept_blocks = size / block_size + (size % block_size != 0);
    if (m_extent_count + 1 > m_memory.extents.size())
        return Error(StoreError::OutOfMemory, "every extent of the memory given is in use");
    TRY(unmap(file.node, kept_blocks, ~u64(0)));
    node->size = size;
    if (size % block_size != 0) {
        /* The last block keeps zeroes past the new size (copied to a new block), so a later extension reads zeroes
         * there. */
        static constexpr u8 zeroes[block_size] = {};
        u32 at = u32(size % block_size);
        u64 last = size / block_size;
        usize index = first_extent(file.node, last);
        if (index < m_extent_count && m_memory.extents[index].node == file.node
            && m_memory.extents[index].file_block <= last)
            TRY(write_block(file.node, last, at, std::span<u8 const>(zeroes, block_size - at)));
    }
    return {};
}

}
