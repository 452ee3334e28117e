/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: the store's on-disk structures read at mount (docs/adr/0023-persistent-store.md).
 * The first byte chooses how the rest is used:
 *   even: the rest is a catalog; the harness writes it from block 2 on and a superblock
 *         (generation 5, slot 1) naming it with its true CRC-32, and an empty catalog with
 *         generation 4 in slot 0, so the catalog parser (not the CRC) sees every mutation and a
 *         refused catalog falls back to the older commit;
 *   odd:  the rest is the disk's first bytes, superblocks included, as they are.
 * A mount that succeeds is listed, every file stat-ed and read (its start and its end), a file
 * written, renamed and removed, the store synced and mounted again: nothing may crash or hang,
 * a listed name must open, the sync must succeed (or find no room) and the second mount too. The seed (a catalog of a
 * few files, extents and a hole) is made by this library when the target starts, never committed.
 */

#include "../components/StoreSupport.h"
#include "SeedFolder.h"
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vectra/Panic.h>
#include <vectra/block/Crc32.h>

using namespace vectra;

namespace {

constexpr u64 disk_bytes = 64 * store::block_size;

test::StoreMemory& memory()
{
    /* With a 4-block cache: a fuzzed catalog's files are read and written through it, written back and read ahead. */
    static test::StoreMemory memory(32, 256, disk_bytes / store::block_size, 16 * KiB, 4);
    return memory;
}

void place_commit(std::vector<u8>& disk, u64 slot, u64 generation, u64 catalog_block, std::span<u8 const> catalog)
{
    std::copy(catalog.begin(), catalog.end(), disk.begin() + i64(catalog_block * store::block_size));
    store::Superblock superblock { disk_bytes / store::block_size, generation, catalog_block, catalog.size(),
        block::crc32(catalog) };
    store::encode_superblock(superblock,
        std::span<u8, store::superblock_bytes>(disk.data() + slot * store::block_size, store::superblock_bytes));
}

void exercise(store::Store& store)
{
    usize cursor = 0;
    store::Listing page[5];
    std::string names[5];
    u8 bytes[5000];
    for (usize count; (count = store.list("", cursor, page)) != 0;) {
        for (usize index = 0; index < count; ++index)
            names[index] = std::string(page[index].name);
        for (usize index = 0; index < count; ++index) {
            auto file = store.open(names[index]);
            if (file.is_error())
                abort(); /* a listed name opens */
            auto status = store.stat(file.value());
            if (status.is_error())
                abort();
            (void)store.read(file.value(), 0, bytes);
            (void)store.read(file.value(), status.value().size > 4000 ? status.value().size - 4000 : 0, bytes);
        }
    }
    auto file = store.create("fuzzed new file");
    if (!file.is_error()) {
        (void)store.write(file.value(), 100, bytes);
        (void)store.truncate(file.value(), 700);
        (void)store.rename("fuzzed new file", "renamed");
        (void)store.remove("renamed");
    }
}

void make_seed(char const* folder)
{
    std::string path = std::string(folder) + "/store-seed";
    if (FILE* existing = std::fopen(path.c_str(), "rb")) {
        std::fclose(existing);
        return;
    }
    test::MemoryDevice device(disk_bytes);
    auto parts = memory().memory();
    if (store::Store::format(device, parts).is_error())
        abort();
    auto store = store::Store::mount(device, parts).release_value();
    std::string text(9000, 's');
    for (char const* name : { "one", "dir/two", "three with a hole" }) {
        auto file = store.create(name).release_value();
        (void)store.write(file, name[0] == 't' ? 30000 : 0, { reinterpret_cast<u8 const*>(text.data()), text.size() });
    }
    (void)store.sync();
    auto report = store.report();
    std::array<u8, store::superblock_bytes> sector;
    std::copy_n(
        device.bytes().begin() + i64((report.generation % 2) * store::block_size), sector.size(), sector.begin());
    auto superblock = store::decode_superblock(sector, disk_bytes / store::block_size).release_value();
    std::vector<u8> seed { 0 };
    seed.insert(seed.end(), device.bytes().begin() + i64(superblock.catalog_block * store::block_size),
        device.bytes().begin() + i64(superblock.catalog_block * store::block_size + superblock.catalog_bytes));
    if (FILE* out = std::fopen(path.c_str(), "wb")) {
        std::fwrite(seed.data(), 1, seed.size(), out);
        std::fclose(out);
    }
}

}

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    if (char const* folder = fuzz::first_corpus_folder(*argc, *argv))
        make_seed(folder);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    if (size == 0 || size > 12 * KiB)
        return 0;
    static test::MemoryDevice device(disk_bytes);
    auto& disk = device.bytes();
    std::fill(disk.begin(), disk.end(), u8(0));
    std::span<u8 const> rest(data + 1, size - 1);
    if (data[0] % 2 == 0) {
        u8 empty[store::catalog_header_bytes] = { 'V', 'S', 'C', 'T' };
        place_commit(disk, 0, 4, 40, empty);
        place_commit(disk, 1, 5, store::first_data_block, rest);
    } else {
        std::copy(rest.begin(), rest.end(), disk.begin());
    }
    auto parts = memory().memory();
    auto mounted = store::Store::mount(device, parts);
    if (mounted.is_error())
        return 0;
    exercise(mounted.value());
    auto synced = mounted.value().sync();
    /* A mounted store on a healthy memory disk commits, unless the fuzzed files left it no room. */
    if (synced.is_error() && !synced.error().is(store::StoreError::NoSpace)
        && !synced.error().is(store::StoreError::TooLarge))
        abort();
    auto again = store::Store::mount(device, parts);
    if (again.is_error())
        abort(); /* and what it committed mounts */
    return 0;
}
