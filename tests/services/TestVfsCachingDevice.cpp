/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd's read cache in front of a block device (CachingDevice): every read equals the device's
 * bytes under random reads and writes that overlap, straddle chunks, wrap the direct-mapped
 * slots and reach the device's partial last chunk; a read served again makes no device read;
 * and through the fat backend, a file read into the cache and then rewritten, truncated and
 * grown elsewhere, or renamed, never reads back what it held before.
 */

#include "../components/FatDevices.h"
#include "../components/FatTools.h"
#include "../TestSupport.h"
#include "PlacedFilesystem.h"
#include <catch2/catch.hpp>
#include <random>
#include <vector>
#include <vfsd/CachingDevice.h>
#include <vfsd/FatBackend.h>

using namespace vectra;
using namespace vectra::vfs;

namespace {

/* 100 sectors in memory (12 whole chunks and half of one): reads counted. */
class MemoryDevice final : public block::Device {
public:
    explicit MemoryDevice(u64 sectors)
        : bytes(sectors * 512)
    {
        for (usize index = 0; index < bytes.size(); ++index)
            bytes[index] = u8(index * 7 + index / 512);
    }
    u32 sector_size() const override { return 512; }
    u64 sector_count() const override { return bytes.size() / 512; }
    ErrorOr<void> read_sectors(u64 first, std::span<u8> into) override
    {
        REQUIRE((first * 512 + into.size()) <= bytes.size());
        ++reads;
        std::copy_n(bytes.begin() + i64(first * 512), into.size(), into.begin());
        return {};
    }
    ErrorOr<void> write_sectors(u64 first, std::span<u8 const> from) override
    {
        REQUIRE((first * 512 + from.size()) <= bytes.size());
        std::copy(from.begin(), from.end(), bytes.begin() + i64(first * 512));
        return {};
    }
    ErrorOr<void> flush() override { return {}; }
    std::vector<u8> bytes;
    u64 reads { 0 };
};

}

TEST_CASE("CachingDevice: random reads and writes read what the device holds, and a repeated read reads no device")
{
    MemoryDevice device(100);
    std::vector<u64> memory(CachingDevice::bytes_needed(5, 512) / sizeof(u64));
    CachingDevice cache(device, std::span<u8>(reinterpret_cast<u8*>(memory.data()), memory.size() * sizeof(u64)));
    REQUIRE(cache.chunk_count() == 5);
    std::mt19937 random(11);
    std::vector<u8> buffer;
    for (int step = 0; step < 4000; ++step) {
        u64 first = random() % 100;
        u64 count = 1 + random() % std::min<u64>(100 - first, random() % 3 == 0 ? 48 : 6);
        buffer.assign(count * 512, 0);
        if (random() % 4 == 0) {
            for (auto& byte : buffer)
                byte = u8(random());
            REQUIRE(!cache.write_sectors(first, buffer).is_error());
        } else {
            REQUIRE(!cache.read_sectors(first, buffer).is_error());
            REQUIRE(std::equal(buffer.begin(), buffer.end(), device.bytes.begin() + i64(first * 512)));
        }
    }
    REQUIRE(cache.hits() > 0);
    REQUIRE(cache.fills() > 0);

    /* 16 sectors (two chunks) read twice: the second read is memory only. */
    buffer.assign(16 * 512, 0);
    REQUIRE(!cache.read_sectors(24, buffer).is_error());
    u64 reads = device.reads;
    REQUIRE(!cache.read_sectors(24, buffer).is_error());
    REQUIRE(device.reads == reads);
    /* The partial last chunk is never cached: read again, it is read again. */
    buffer.assign(4 * 512, 0);
    REQUIRE(!cache.read_sectors(96, buffer).is_error());
    reads = device.reads;
    REQUIRE(!cache.read_sectors(96, buffer).is_error());
    REQUIRE(device.reads == reads + 1);
    REQUIRE(std::equal(buffer.begin(), buffer.end(), device.bytes.begin() + 96 * 512));
}

TEST_CASE("CachingDevice under the fat backend: a cached file rewritten, truncated and regrown, or renamed, reads its new bytes")
{
    test::FatImage image(40);
    test::FileBlockDevice file_device(image.path());
    REQUIRE(file_device.is_open());
    test::Arena arena { 4 * MiB };
    auto cache_memory = test::placed(arena.reticle(), CachingDevice::bytes_needed(256, 512)).value();
    CachingDevice device(file_device, cache_memory);
    auto memory = test::placed(arena.reticle(), FatBackend::bytes_needed(16)).value();
    auto* backend = FatBackend::try_create(memory, device, 16).value();

    auto bytes_of = [](std::string const& text) {
        return std::span<u8 const>(reinterpret_cast<u8 const*>(text.data()), text.size());
    };
    auto read_whole = [&](FileToken token, usize size) {
        std::string bytes(size, '\0');
        auto got = backend->read(token, 0, std::span<u8>(reinterpret_cast<u8*>(bytes.data()), size));
        REQUIRE(!got.is_error());
        REQUIRE(got.value() == size);
        return bytes;
    };
    auto pattern = [](usize size, u8 seed) {
        std::string bytes(size, '\0');
        for (usize index = 0; index < size; ++index)
            bytes[index] = char(index * 13 + seed * 101 + index / 511);
        return bytes;
    };
    auto named = [](char const* name) { return Path::root().try_join(name).release_value(); };

    std::string first = pattern(200 * 1024, 1);
    REQUIRE(!backend->write(named("site.bin"), 0, bytes_of(first)).is_error());
    auto reader = backend->open(named("site.bin"), false).value();
    REQUIRE(read_whole(reader, first.size()) == first);
    u64 fills = device.fills();
    REQUIRE(read_whole(reader, first.size()) == first);
    REQUIRE(device.fills() == fills); /* served again: from the cache */

    /* Rewritten in place through another token. */
    std::string second = pattern(200 * 1024, 2);
    auto writer = backend->open(named("site.bin"), false).value();
    REQUIRE(!backend->write(writer, 0, bytes_of(second)).is_error());
    REQUIRE(read_whole(reader, second.size()) == second);

    /* Truncated and grown again: the new clusters lie elsewhere, the old ones keep cached bytes. */
    REQUIRE(!backend->truncate(writer, 4096).is_error());
    std::string third = pattern(200 * 1024, 3);
    REQUIRE(!backend->write(writer, 0, bytes_of(third)).is_error());
    REQUIRE(read_whole(reader, third.size()) == third);

    /* Renamed, then a new file under the old name: a fresh open reads the new file. */
    REQUIRE(!backend->rename(named("site.bin"), named("old.bin")).is_error());
    std::string fourth = pattern(100 * 1024, 4);
    REQUIRE(!backend->write(named("site.bin"), 0, bytes_of(fourth)).is_error());
    auto renewed = backend->open(named("site.bin"), false).value();
    REQUIRE(read_whole(renewed, fourth.size()) == fourth);
    auto moved = backend->open(named("old.bin"), false).value();
    REQUIRE(read_whole(moved, third.size()) == third);
    backend->close(reader);
    backend->close(writer);
    backend->close(renewed);
    backend->close(moved);
    REQUIRE(!backend->sync_all().is_error());
    auto complaints = image.fsck_complaints();
    INFO(complaints);
    REQUIRE(complaints.empty());
}
