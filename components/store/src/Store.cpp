/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Mount, format, names and the commit. Data and extents: Data.cpp.
 */

#include "Internal.h"
#include <algorithm>
#include <vectra/Try.h>
#include <vectra/block/Crc32.h>
#include <vectra/store/Store.h>

namespace vectra::store {

using namespace detail;

namespace {

ErrorOr<u64> device_blocks(block::Device& device)
{
    u32 sector = device.sector_size();
    if (sector < superblock_bytes || sector > block_size || block_size % sector != 0)
        return Error(StoreError::DeviceMismatch, "the device's sector size does not divide 4096 or is under 512");
    return device.sector_count() / (block_size / sector);
}

/* The superblock of slot `slot` (block 0 or 1) in its first sector; the rest of the block is not used. */
/* The runs of blocks the present state uses and the last commit does not: the blocks a commit adds. */
template<typename Visit>
void for_each_added_run(std::span<u64 const> used, std::span<u64 const> committed, Visit visit)
{
    u64 start = 0;
    u64 count = 0;
    for (usize word = 0; word < used.size(); ++word) {
        u64 bits = used[word] & ~committed[word];
        if (bits == 0)
            continue;
        for (u64 bit = 0; bit < 64; ++bit) {
            if (((bits >> bit) & 1) == 0)
                continue;
            u64 block = word * 64 + bit;
            if (count != 0 && start + count == block) {
                ++count;
                continue;
            }
            if (count != 0)
                visit(start, count);
            start = block;
            count = 1;
        }
    }
    if (count != 0)
        visit(start, count);
}

ErrorOr<void> write_superblock(block::Device& device, std::span<u8> scratch, u64 slot, Superblock const* superblock)
{
    u32 sector = device.sector_size();
    std::fill(scratch.begin(), scratch.begin() + sector, u8(0));
    if (superblock)
        encode_superblock(*superblock, scratch.first<superblock_bytes>());
    return device.write_sectors(slot * (block_size / sector), scratch.first(sector));
}

}

Store::Store(block::Device& device, Memory const& memory, u64 block_count)
    : m_device(&device)
    , m_memory(memory)
    , m_catalog_area(memory.buffer.first(memory.buffer.size() - block_size))
    , m_scratch(memory.buffer.last(block_size))
    , m_used(memory.bitmaps.first((block_count + 63) / 64))
    , m_committed(memory.bitmaps.subspan((block_count + 63) / 64, (block_count + 63) / 64))
    , m_index(memory.index)
    , m_block_count(block_count)
    , m_sectors_per_block(block_size / device.sector_size())
{
    for (auto& slot : m_memory.cache)
        slot.held = slot.dirty = false;
}

ErrorOr<void> Store::format(block::Device& device, Memory const& memory)
{
    u64 blocks = TRY(device_blocks(device));
    if (blocks < first_data_block + 2)
        return Error(StoreError::TooLarge, "a store needs at least four blocks");
    TRY(memory.check(blocks));
    std::span<u8> scratch = memory.buffer.last(block_size);
    std::fill(scratch.begin(), scratch.end(), u8(0));
    u8 header[catalog_header_bytes] = { 'V', 'S', 'C', 'T' };
    std::copy(std::begin(header), std::end(header), scratch.begin());
    u64 sectors_per_block = block_size / device.sector_size();
    TRY(device.write_sectors(first_data_block * sectors_per_block, scratch));
    TRY(write_superblock(device, scratch, 0, nullptr));
    TRY(device.flush());
    Superblock first { blocks, 1, first_data_block, catalog_header_bytes, block::crc32(header) };
    TRY(write_superblock(device, scratch, 1, &first));
    TRY(device.flush());
    return {};
}

ErrorOr<Store> Store::mount(block::Device& device, Memory const& memory)
{
    u64 blocks = TRY(device_blocks(device));
    if (blocks <= first_data_block)
        return Error(StoreError::NotAStore, "the device is smaller than a store");
    if (memory.buffer.size() < block_size)
        return Error(StoreError::OutOfMemory, "the buffer holds a block and a catalog");
    std::span<u8> scratch = memory.buffer.last(block_size);
    ErrorOr<Superblock> found[2] = { Error(StoreError::NotAStore, ""), Error(StoreError::NotAStore, "") };
    for (u64 slot = 0; slot < 2; ++slot) {
        TRY(device.read_sectors(slot * (block_size / device.sector_size()), scratch.first(device.sector_size())));
        found[slot] = decode_superblock(scratch.first<superblock_bytes>(), blocks);
    }
    bool newer_first
        = !found[0].is_error() && (found[1].is_error() || found[0].value().generation > found[1].value().generation);
    ErrorOr<Superblock>* order[2] = { &found[newer_first ? 0 : 1], &found[newer_first ? 1 : 0] };
    Error refusal = order[0]->is_error() ? order[0]->error() : Error(StoreError::NotAStore, "");
    for (usize attempt = 0; attempt < 2; ++attempt) {
        if (order[attempt]->is_error())
            continue;
        Superblock const superblock = order[attempt]->value();
        TRY(memory.check(superblock.block_count));
        Store store(device, memory, superblock.block_count);
        auto loaded = store.load(superblock);
        if (!loaded.is_error()) {
            store.m_fell_back = attempt == 1;
            return store;
        }
        if (!loaded.error().is(StoreError::Corrupt))
            return loaded.release_error();
        if (attempt == 0)
            refusal = loaded.error();
    }
    return refusal;
}

ErrorOr<void> Store::load(Superblock const& superblock)
{
    if (superblock.catalog_bytes > m_catalog_area.size())
        return Error(StoreError::OutOfMemory, "the catalog is larger than the buffer given");
    u64 catalog_blocks = (superblock.catalog_bytes + block_size - 1) / block_size;
    auto catalog = m_catalog_area.first(catalog_blocks * block_size);
    TRY(read_blocks(superblock.catalog_block, catalog));
    if (block::crc32(catalog.first(superblock.catalog_bytes)) != superblock.catalog_crc)
        return Error(StoreError::Corrupt, "the catalog's CRC-32 does not match its superblock");
    std::fill(m_used.begin(), m_used.end(), u64(0));
    set_used({ 0, first_data_block }, true);
    set_used({ superblock.catalog_block, catalog_blocks }, true);
    auto parsed = TRY(parse_catalog(catalog.first(superblock.catalog_bytes), m_block_count, m_memory, m_used));
    TRY(verify_added(catalog.first(superblock.catalog_bytes), parsed));
    m_node_limit = parsed.node_count;
    m_extent_count = parsed.extent_count;
    m_node_free_hint = m_node_limit;
    m_index_tombstones = 0;
    for (usize node = 0; node < m_node_limit; ++node)
        m_memory.nodes[node].incarnation = 0;
    std::copy(m_used.begin(), m_used.end(), m_committed.begin());
    m_super = superblock;
    return {};
}

ErrorOr<void> Store::verify_added(std::span<u8 const> catalog, Catalog const& parsed)
{
    /* A single-flush commit's superblock may have reached the disk without some of the blocks it adds: each of its
     * runs must hold the bytes its CRC-32 says, else the commit was cut and the older one is taken. */
    for (usize run = 0; run < parsed.verified_count; ++run) {
        u8 const* record = catalog.data() + parsed.verified_at + run * catalog_verified_bytes;
        u64 first = read_u64(record);
        u64 count = read_u32(record + 8);
        block::Crc32 crc;
        for (u64 block = first; block < first + count; ++block) {
            TRY(read_blocks(block, m_scratch));
            crc.update(m_scratch);
        }
        if (crc.value() != read_u32(record + 12))
            return Error(StoreError::Corrupt, "a block the last commit added does not hold its bytes (a cut commit)");
    }
    return {};
}

ErrorOr<void> Store::writable() const
{
    if (m_failed)
        return Error(StoreError::Stale, "an earlier sync failed: mount the store again");
    return {};
}

ErrorOr<u32> Store::lookup(std::string_view name) const
{
    TRY(check_name(name));
    i64 found = index_find(m_index, m_memory.nodes, name, name_hash(name));
    if (found < 0)
        return Error(StoreError::NotFound, "no file has that name");
    return u32(found);
}

ErrorOr<Node*> Store::node_of(File file) const
{
    if (file.node >= m_node_limit || !m_memory.nodes[file.node].used
        || m_memory.nodes[file.node].incarnation != file.incarnation)
        return Error(StoreError::Stale, "the file was removed or replaced");
    return &m_memory.nodes[file.node];
}

void Store::index_insert(u32 node) { index_put(m_index, node, m_memory.nodes[node].hash); }

void Store::index_erase(u32 node)
{
    auto const& entry = m_memory.nodes[node];
    usize mask = m_index.size() - 1;
    for (usize slot = entry.hash & mask;; slot = (slot + 1) & mask) {
        if (m_index[slot] == node + 1) {
            m_index[slot] = tombstone;
            ++m_index_tombstones;
            return;
        }
    }
}

void Store::index_tidy()
{
    /* Removed slots lengthen every probe; past a quarter of the index, it is built again from the nodes. */
    if (m_index_tombstones > m_index.size() / 4)
        index_rebuild();
}

void Store::index_rebuild()
{
    std::fill(m_index.begin(), m_index.end(), empty_slot);
    for (usize node = 0; node < m_node_limit; ++node) {
        if (m_memory.nodes[node].used)
            index_insert(u32(node));
    }
    m_index_tombstones = 0;
}

ErrorOr<File> Store::open(std::string_view name)
{
    u32 node = TRY(lookup(name));
    return File { node, m_memory.nodes[node].incarnation };
}

ErrorOr<File> Store::create(std::string_view name)
{
    TRY(writable());
    TRY(check_name(name));
    if (!lookup(name).is_error())
        return Error(StoreError::Exists, "a file has that name");
    while (m_node_free_hint < m_node_limit && m_memory.nodes[m_node_free_hint].used)
        ++m_node_free_hint;
    usize number = m_node_free_hint;
    if (number == m_memory.nodes.size())
        return Error(StoreError::OutOfMemory, "every node of the memory given holds a file");
    auto& node = m_memory.nodes[number];
    if (number == m_node_limit) {
        node.incarnation = 0;
        ++m_node_limit;
    }
    node.size = 0;
    node.name_length = u16(name.size());
    memcpy(node.name, name.data(), name.size());
    node.hash = name_hash(name);
    node.used = true;
    ++node.incarnation;
    index_insert(u32(number));
    m_dirty = true;
    return File { u32(number), node.incarnation };
}

void Store::forget(u32 number)
{
    index_erase(number);
    auto& node = m_memory.nodes[number];
    node.used = false;
    ++node.incarnation;
    if (number < m_node_free_hint)
        m_node_free_hint = number;
    index_tidy();
}

ErrorOr<void> Store::remove(std::string_view name)
{
    TRY(writable());
    u32 number = TRY(lookup(name));
    TRY(unmap(number, 0, ~u64(0)));
    forget(number);
    m_dirty = true;
    return {};
}

ErrorOr<void> Store::rename(std::string_view from, std::string_view to)
{
    TRY(writable());
    u32 number = TRY(lookup(from));
    TRY(check_name(to));
    if (from == to)
        return {};
    auto replaced = lookup(to);
    if (!replaced.is_error()) {
        TRY(unmap(replaced.value(), 0, ~u64(0)));
        forget(replaced.value());
    }
    index_erase(number);
    auto& node = m_memory.nodes[number];
    node.name_length = u16(to.size());
    memcpy(node.name, to.data(), to.size());
    node.hash = name_hash(to);
    index_insert(number);
    index_tidy();
    m_dirty = true;
    return {};
}

ErrorOr<Status> Store::stat(File file) const
{
    Node const* node = TRY(node_of(file));
    u64 blocks = 0;
    for (usize index = first_extent(file.node, 0); index < m_extent_count && m_memory.extents[index].node == file.node;
         ++index)
        blocks += m_memory.extents[index].count;
    return Status { node->size, blocks };
}

usize Store::list(std::string_view prefix, usize& cursor, std::span<Listing> page) const
{
    usize filled = 0;
    for (; cursor < m_node_limit && filled < page.size(); ++cursor) {
        auto const& node = m_memory.nodes[cursor];
        std::string_view name(node.name, node.name_length);
        if (node.used && name.substr(0, prefix.size()) == prefix)
            page[filled++] = { name, node.size };
    }
    return filled;
}

Report Store::report() const
{
    u64 free = 0;
    for (usize word = 0; word < m_used.size(); ++word)
        free += u64(__builtin_popcountll(~(m_used[word] | m_committed[word])));
    free -= m_used.size() * 64 - m_block_count; /* the bits past the last block */
    Report report = m_counts;
    report.generation = m_super.generation;
    report.catalog_bytes = m_super.catalog_bytes;
    report.free_blocks = free;
    report.block_count = m_block_count;
    report.fell_back = m_fell_back;
    report.extents = m_extent_count;
    report.commits = m_commits;
    report.catalog_blocks_written = m_catalog_blocks_written;
    return report;
}

bool Store::added_blocks_cached()
{
    u64 blocks = 0;
    bool cached_all = true;
    for_each_added_run(m_used, m_committed, [&](u64 first, u64 count) {
        blocks += count;
        for (u64 block = first; cached_all && blocks <= maximum_verified_blocks && block < first + count; ++block)
            cached_all = cached(block) != nullptr;
    });
    return cached_all && blocks <= maximum_verified_blocks;
}

ErrorOr<usize> Store::encode_catalog(bool& verified)
{
    auto area = m_catalog_area;
    usize at = catalog_header_bytes;
    u32 files = 0;
    usize extent = 0;
    for (u32 number = 0; number < m_node_limit; ++number) {
        auto const& node = m_memory.nodes[number];
        if (!node.used)
            continue;
        usize first = extent;
        while (extent < m_extent_count && m_memory.extents[extent].node == number)
            ++extent;
        usize need = catalog_file_bytes + node.name_length + (extent - first) * catalog_extent_bytes;
        if (area.size() - at < need)
            return Error(StoreError::TooLarge, "the catalog outgrew the buffer given");
        write_u16(&area[at], node.name_length);
        memcpy(&area[at + 2], node.name, node.name_length);
        at += 2 + node.name_length;
        write_u64(&area[at], node.size);
        write_u32(&area[at + 8], u32(extent - first));
        at += 12;
        for (usize index = first; index < extent; ++index) {
            auto const& record = m_memory.extents[index];
            write_u64(&area[at], record.file_block);
            write_u64(&area[at + 8], record.disk_block);
            write_u32(&area[at + 16], record.count);
            at += catalog_extent_bytes;
        }
        ++files;
    }
    u32 runs = 0;
    if (verified) {
        /* The blocks this commit adds, each run with the CRC-32 of its bytes (all in the cache: written back, clean). */
        usize need = 0;
        for_each_added_run(m_used, m_committed, [&](u64, u64) { need += catalog_verified_bytes; });
        verified = area.size() - at >= need;
        if (verified) {
            for_each_added_run(m_used, m_committed, [&](u64 first, u64 count) {
                block::Crc32 crc;
                for (u64 block = first; block < first + count; ++block)
                    crc.update(std::span<u8 const>(cached(block)->bytes, block_size));
                write_u64(&area[at], first);
                write_u32(&area[at + 8], u32(count));
                write_u32(&area[at + 12], crc.value());
                at += catalog_verified_bytes;
                ++runs;
            });
        }
    }
    memcpy(area.data(), "VSCT", 4);
    write_u32(&area[4], files);
    write_u32(&area[8], u32(m_extent_count));
    write_u32(&area[12], runs);
    return at;
}

ErrorOr<void> Store::sync()
{
    TRY(writable());
    if (!m_dirty)
        return device_flush();
    /* Every block written since the last commit reaches the disk before the catalog that names it (a failure here
     * touches nothing the last commit names: the dirty blocks stay dirty, and a later sync writes them). */
    TRY(write_back());
    /* A commit whose added blocks are all in the cache (so their CRCs are at hand), at most maximum_verified_blocks,
     * names them with their CRCs and takes one flush: a mount that finds its superblock without all of them takes the
     * older commit. Any other commit flushes its blocks and catalog before the superblock, then the superblock. */
    bool single_flush = added_blocks_cached();
    usize bytes = TRY(encode_catalog(single_flush));
    u64 blocks = (bytes + block_size - 1) / block_size;
    std::fill(m_catalog_area.begin() + i64(bytes), m_catalog_area.begin() + i64(blocks * block_size), u8(0));
    Run placed = TRY(allocate(blocks, true));
    Superblock next { m_block_count, m_super.generation + 1, placed.first, bytes,
        block::crc32(m_catalog_area.first(bytes)) };
    /* Two flushes: everything the new catalog names, and the catalog itself, is on the disk before the superblock names
     * it. One flush: what the superblock names may be missing after a cut, and mount's verification says so. */
    auto committed = [&]() -> ErrorOr<void> {
        TRY(write_blocks(placed.first, m_catalog_area.first(blocks * block_size)));
        if (!single_flush)
            TRY(device_flush());
        TRY(write_superblock(*m_device, m_scratch, next.generation % 2, &next));
        ++m_counts.device_writes;
        TRY(device_flush());
        return {};
    }();
    if (committed.is_error()) {
        /* The disk may hold either commit now; nothing may be written until a mount reads which. */
        m_failed = true;
        return committed.release_error();
    }
    set_used({ m_super.catalog_block, (m_super.catalog_bytes + block_size - 1) / block_size }, false);
    std::copy(m_used.begin(), m_used.end(), m_committed.begin());
    m_super = next;
    m_dirty = false;
    ++m_commits;
    m_counts.single_flush_commits += single_flush;
    m_catalog_blocks_written += blocks;
    return {};
}

}
