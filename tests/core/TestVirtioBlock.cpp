/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio-blk requests (core/virtio, vectra/virtio/Block.h) against a software block device: a
 * disk in memory behind the split-queue device model, which finishes requests in whatever order
 * the test chooses — and a hostile device that leaves statuses unwritten or writes ones virtio
 * does not define.
 */

#include "VirtioDeviceModel.h"
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <random>
#include <vector>
#include <vectra/virtio/Block.h>

using namespace vectra;
using namespace vectra::virtio;
using namespace vectra::virtio::block;
using namespace vectra::virtio::test;

namespace {

constexpr usize queue_bytes = 16 * 1024;
constexpr usize slots_at = queue_bytes;
constexpr usize data_at = 32 * 1024;
constexpr usize tables_at = 448 * 1024; /* indirect tables, after 64 data buffers of 4 KiB */
constexpr usize tables_bytes = 64 * 1024;
constexpr usize disk_sectors = 2048; /* 1 MiB */

/* Configuration space bytes as QEMU's virtio-blk lays them out (virtio 1.2, 5.2.4). */
struct ConfigurationBytes {
    u8 bytes[64] {};
    void put(usize offset, usize width, u64 value)
    {
        for (usize index = 0; index < width; ++index)
            bytes[offset + index] = static_cast<u8>(value >> (8 * index));
    }
};

ConfigurationBytes qemu_like(u64 sectors)
{
    ConfigurationBytes configuration;
    configuration.put(0, 8, sectors);
    configuration.put(8, 4, 0);      /* size_max */
    configuration.put(12, 4, 126);   /* seg_max */
    configuration.put(20, 4, 512);   /* blk_size */
    configuration.put(36, 4, 32768); /* max_discard_sectors */
    configuration.put(40, 4, 1);
    configuration.put(48, 4, 32768); /* max_write_zeroes_sectors */
    configuration.put(52, 4, 1);
    return configuration;
}

constexpr u64 offered = feature_segment_maximum | feature_block_size | feature_flush | feature_discard | feature_write_zeroes;

/* A block device in memory, taking requests off the queue and finishing them when told. */
struct BlockDevice {
    explicit BlockDevice(DeviceModel& device_model)
        : model(device_model)
    {
    }

    DeviceModel& model;
    std::vector<u8> disk = std::vector<u8>(disk_sectors * sector_size);
    std::vector<Chain> pending;
    std::vector<u32> types;

    /* Takes every chain made available; performs none yet. */
    void take_all()
    {
        while (auto chain = model.take_chain())
            pending.push_back(*chain);
    }

    /* Performs and finishes pending request `index` (in the order taken), writing `status` unless told not to. */
    void finish(usize index, std::optional<u8> status_override = std::nullopt, bool write_status = true)
    {
        Chain chain = pending[index];
        pending.erase(pending.begin() + static_cast<long>(index));
        u8* memory = model.memory();
        auto const& header = chain.descriptors.front();
        u32 type;
        u64 sector;
        std::memcpy(&type, memory + header.address, 4);
        std::memcpy(&sector, memory + header.address + 8, 8);
        types.push_back(type);
        u8 status = 0;
        u32 written = 0;
        for (usize each = 1; each + 1 < chain.descriptors.size(); ++each) {
            auto const& data = chain.descriptors[each];
            u8* on_disk = disk.data() + sector * sector_size;
            if (type == u32(RequestType::Read)) {
                REQUIRE((data.flags & descriptor_device_writes) != 0);
                std::memcpy(memory + data.address, on_disk, data.length);
                written += data.length;
            } else {
                REQUIRE((data.flags & descriptor_device_writes) == 0);
                std::memcpy(on_disk, memory + data.address, data.length);
            }
            sector += data.length / sector_size;
        }
        if (type == u32(RequestType::Discard) || type == u32(RequestType::WriteZeroes)) {
            REQUIRE(header.length == 32);
            u64 range_sector;
            u32 range_sectors;
            std::memcpy(&range_sector, memory + header.address + 16, 8);
            std::memcpy(&range_sectors, memory + header.address + 24, 4);
            std::memset(disk.data() + range_sector * sector_size, type == u32(RequestType::Discard) ? 0xdd : 0,
                range_sectors * sector_size);
        } else {
            REQUIRE(header.length == 16);
        }
        auto const& status_descriptor = chain.descriptors.back();
        REQUIRE(status_descriptor.length == 1);
        REQUIRE((status_descriptor.flags & descriptor_device_writes) != 0);
        if (write_status) {
            memory[status_descriptor.address] = status_override.value_or(status);
            ++written;
        }
        model.put_used(chain.head, written);
    }
};

struct Fixture {
    GuestMemory<512 * 1024> memory;
    SplitQueue queue;
    DeviceModel model;
    BlockDevice device { model };
    Requests requests;

    /* `indirect_entries`: the queue's indirect tables (in guest memory at tables_at), or none. */
    explicit Fixture(u16 size = 256, u64 features = offered, u64 sectors = disk_sectors, u16 indirect_entries = 0)
        : queue(SplitQueue::create({ memory.bytes, queue_bytes }, size, true, tables(indirect_entries)).release_value())
        , model(memory.bytes, memory.bytes, queue.layout(), true)
        , requests(make_requests(features, sectors))
    {
    }

    Requests make_requests(u64 features, u64 sectors)
    {
        auto bytes = qemu_like(sectors);
        auto configuration = Configuration::read(bytes.bytes, sizeof(bytes.bytes), features).release_value();
        return Requests::create(queue, { memory.bytes + slots_at, Requests::slot_memory_size }, slots_at, configuration)
            .release_value();
    }

    IndirectTables tables(u16 entries)
    {
        if (entries == 0)
            return {};
        return { { memory.bytes + tables_at, tables_bytes }, tables_at, entries };
    }

    /* Buffer `index` of 4 KiB, as the device sees it. */
    static u64 buffer(usize index) { return data_at + 4096 * index; }
    u8* bytes(usize index) { return memory.bytes + buffer(index); }
};

template<typename T>
bool fails_with(ErrorOr<T> const& result, RequestError error)
{
    return result.is_error() && result.error().is(error);
}

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

}

TEST_CASE("the device configuration is read under the accepted features and checked")
{
    auto bytes = qemu_like(disk_sectors);
    auto configuration = Configuration::read(bytes.bytes, sizeof(bytes.bytes), offered).release_value();
    CHECK(configuration.sectors == disk_sectors);
    CHECK(configuration.block_size == 512);
    CHECK(configuration.segment_maximum == 126);
    CHECK(configuration.flush);
    CHECK(configuration.discard);
    CHECK(configuration.discard_sectors_maximum == 32768);
    CHECK(configuration.write_zeroes_sectors_maximum == 32768);
    CHECK_FALSE(configuration.read_only);
    /* Without the features, their fields are not read: one segment, no flush, nothing else. */
    auto bare = Configuration::read(bytes.bytes, 8, 0).release_value();
    CHECK(bare.segment_maximum == 1);
    CHECK_FALSE(bare.flush);
    CHECK_FALSE(bare.discard);

    auto zero = qemu_like(0);
    CHECK(code_of(Configuration::read(zero.bytes, sizeof(zero.bytes), offered)) == ErrorCode::MalformedMessage);
    for (u32 block_size : { 0u, 256u, 1000u, 128u * 1024u }) {
        auto odd = qemu_like(disk_sectors);
        odd.put(20, 4, block_size);
        INFO("block size " << block_size);
        CHECK(code_of(Configuration::read(odd.bytes, sizeof(odd.bytes), offered)) == ErrorCode::MalformedMessage);
    }
    auto no_discard = qemu_like(disk_sectors);
    no_discard.put(36, 4, 0);
    CHECK(code_of(Configuration::read(no_discard.bytes, sizeof(no_discard.bytes), offered)) == ErrorCode::MalformedMessage);
    auto no_segments = qemu_like(disk_sectors);
    no_segments.put(12, 4, 0);
    CHECK(code_of(Configuration::read(no_segments.bytes, sizeof(no_segments.bytes), offered)) == ErrorCode::MalformedMessage);
    /* Features whose fields lie past a short configuration space. */
    CHECK(code_of(Configuration::read(bytes.bytes, 40, offered)) == ErrorCode::MalformedMessage);
}

TEST_CASE("64 writes in flight finish in reverse order, 64 reads in a shuffled one; every token and byte comes back")
{
    Fixture fixture;
    for (usize index = 0; index < Requests::maximum_in_flight; ++index) {
        std::memset(fixture.bytes(index), static_cast<int>(index + 1), 4096);
        Segment data[] = { { Fixture::buffer(index), 4096, false } };
        REQUIRE_FALSE(fixture.requests.write(8 * index, data, 1000 + index).is_error());
    }
    CHECK(fixture.requests.in_flight() == 64);
    Segment one[] = { { Fixture::buffer(0), 512, false } };
    CHECK(code_of(fixture.requests.write(0, one, 1)) == ErrorCode::Busy); /* every slot in flight */
    (void)fixture.requests.publish();
    fixture.device.take_all();
    REQUIRE(fixture.device.pending.size() == 64);
    for (usize left = 64; left > 0; --left)
        fixture.device.finish(left - 1);
    for (usize index = 0; index < 64; ++index) {
        auto finished = fixture.requests.take_finished();
        REQUIRE_FALSE(finished.is_error());
        CHECK(finished.value().token == 1000 + 63 - index);
        CHECK_FALSE(finished.value().outcome.is_error());
    }
    CHECK(code_of(fixture.requests.take_finished()) == ErrorCode::NotFound);
    CHECK(fixture.requests.in_flight() == 0);
    for (usize index = 0; index < 64; ++index)
        CHECK(fixture.device.disk[index * 4096 + 4095] == index + 1);

    std::memset(fixture.memory.bytes + data_at, 0, 64 * 4096);
    for (usize index = 0; index < 64; ++index) {
        Segment data[] = { { Fixture::buffer(index), 4096, true } };
        REQUIRE_FALSE(fixture.requests.read(8 * (63 - index), data, index).is_error());
    }
    (void)fixture.requests.publish();
    fixture.device.take_all();
    std::mt19937 random(7);
    while (!fixture.device.pending.empty())
        fixture.device.finish(random() % fixture.device.pending.size());
    for (usize index = 0; index < 64; ++index) {
        auto finished = fixture.requests.take_finished().release_value();
        CHECK_FALSE(finished.outcome.is_error());
        usize buffer = static_cast<usize>(finished.token);
        CHECK(fixture.bytes(buffer)[0] == 64 - buffer);
        CHECK(fixture.bytes(buffer)[4095] == 64 - buffer);
    }
}

TEST_CASE("scattered data, flush, discard and write-zeroes reach the device as virtio-blk requests")
{
    Fixture fixture;
    std::memset(fixture.bytes(0), 0x11, 4096);
    std::memset(fixture.bytes(2), 0x22, 1024);
    Segment scattered[] = { { Fixture::buffer(0), 4096, false }, { Fixture::buffer(2), 1024, false } };
    REQUIRE_FALSE(fixture.requests.write(100, scattered, 1).is_error());
    REQUIRE_FALSE(fixture.requests.flush(2).is_error());
    REQUIRE_FALSE(fixture.requests.write_zeroes(101, 2, true, 3).is_error());
    REQUIRE_FALSE(fixture.requests.discard(200, 16, 4).is_error());
    (void)fixture.requests.publish();
    fixture.device.take_all();
    for (usize each = 0; each < 4; ++each)
        fixture.device.finish(0);
    CHECK(fixture.device.types == std::vector<u32> { 1, 4, 13, 11 });
    for (u64 token = 1; token <= 4; ++token)
        CHECK(fixture.requests.take_finished().release_value().token == token);
    auto const& disk = fixture.device.disk;
    CHECK(disk[100 * 512] == 0x11);
    CHECK(disk[101 * 512] == 0);           /* zeroed */
    CHECK(disk[102 * 512 + 511] == 0);     /* zeroed */
    CHECK(disk[103 * 512] == 0x11);
    CHECK(disk[108 * 512 + 1023] == 0x22); /* the second segment follows the first */
    CHECK(disk[200 * 512] == 0xdd);
    CHECK(disk[216 * 512] == 0);
}

TEST_CASE("requests the device must not see are refused, and leave nothing in flight")
{
    Fixture fixture;
    Segment sector[] = { { Fixture::buffer(0), 512, true } };
    CHECK(fails_with(fixture.requests.read(disk_sectors, sector, 1), RequestError::OutOfRange));
    Segment two[] = { { Fixture::buffer(0), 1024, true } };
    CHECK(fails_with(fixture.requests.read(disk_sectors - 1, two, 1), RequestError::OutOfRange));
    CHECK(fails_with(fixture.requests.read(~u64(0), sector, 1), RequestError::OutOfRange));
    CHECK(fails_with(fixture.requests.discard(disk_sectors - 4, 5, 1), RequestError::OutOfRange));
    CHECK(fails_with(fixture.requests.write_zeroes(~u64(0) - 1, 4, false, 1), RequestError::OutOfRange));
    Segment odd[] = { { Fixture::buffer(0), 500, true } };
    CHECK(code_of(fixture.requests.read(0, odd, 1)) == ErrorCode::InvalidArgument);
    CHECK(code_of(fixture.requests.read(0, {}, 1)) == ErrorCode::InvalidArgument);
    CHECK(code_of(fixture.requests.discard(0, 0, 1)) == ErrorCode::InvalidArgument);
    Fixture large(256, offered, 100'000);
    CHECK(code_of(large.requests.discard(0, 40'000, 1)) == ErrorCode::InvalidArgument); /* past max_discard_sectors */
    CHECK(code_of(large.requests.write_zeroes(0, 40'000, false, 1)) == ErrorCode::InvalidArgument);
    Segment many[17];
    for (auto& each : many)
        each = { Fixture::buffer(0), 512, true };
    CHECK(code_of(fixture.requests.read(0, many, 1)) == ErrorCode::InvalidArgument);
    CHECK(fixture.requests.in_flight() == 0);
    CHECK(fixture.queue.free_descriptors() == 256);

    Fixture read_only(256, offered | feature_read_only);
    CHECK(fails_with(read_only.requests.write(0, sector, 1), RequestError::ReadOnly));
    CHECK(fails_with(read_only.requests.discard(0, 1, 1), RequestError::ReadOnly));
    CHECK(fails_with(read_only.requests.write_zeroes(0, 1, false, 1), RequestError::ReadOnly));
    CHECK_FALSE(read_only.requests.read(0, sector, 1).is_error());

    Fixture plain(256, feature_block_size);
    CHECK(fails_with(plain.requests.flush(1), RequestError::NotOffered));
    CHECK(fails_with(plain.requests.discard(0, 1, 1), RequestError::NotOffered));
    CHECK(fails_with(plain.requests.write_zeroes(0, 1, false, 1), RequestError::NotOffered));
    CHECK(code_of(plain.requests.read(0, two, 1)) == ErrorCode::None);
    Segment split[] = { { Fixture::buffer(0), 512, true }, { Fixture::buffer(1), 512, true } };
    CHECK(code_of(plain.requests.read(0, split, 1)) == ErrorCode::InvalidArgument); /* one segment without SEG_MAX */

    /* A small queue runs out of descriptors before slots: three per request. */
    Fixture small(8);
    CHECK_FALSE(small.requests.read(0, sector, 1).is_error());
    CHECK_FALSE(small.requests.read(1, sector, 2).is_error());
    CHECK(code_of(small.requests.read(2, sector, 3)) == ErrorCode::Busy);
    CHECK(small.requests.in_flight() == 2);
}

TEST_CASE("with indirect tables a request takes one ring descriptor: 8 in flight in a queue of 8, every kind served")
{
    Fixture fixture(8, offered, disk_sectors, 3);
    REQUIRE(fixture.queue.indirect());
    for (usize index = 0; index < 8; ++index) {
        std::memset(fixture.bytes(index), static_cast<int>(0x30 + index), 4096);
        Segment data[] = { { Fixture::buffer(index), 4096, false } };
        REQUIRE_FALSE(fixture.requests.write(8 * index, data, index).is_error());
    }
    Segment sector[] = { { Fixture::buffer(9), 512, true } };
    CHECK(code_of(fixture.requests.read(0, sector, 99)) == ErrorCode::Busy);
    (void)fixture.requests.publish();
    fixture.device.take_all();
    for (auto const& chain : fixture.device.pending) {
        CHECK(chain.indirect);
        CHECK(chain.descriptors.size() == 3);
    }
    while (!fixture.device.pending.empty())
        fixture.device.finish(fixture.device.pending.size() - 1);
    for (usize index = 0; index < 8; ++index)
        CHECK_FALSE(fixture.requests.take_finished().release_value().outcome.is_error());
    CHECK(fixture.device.disk[7 * 4096 + 4095] == 0x37);
    /* Flush and discard are two buffers (header, status): indirect too; scattered data past a table of three is a ring chain. */
    REQUIRE_FALSE(fixture.requests.flush(1).is_error());
    REQUIRE_FALSE(fixture.requests.discard(200, 16, 2).is_error());
    Segment scattered[] = { { Fixture::buffer(0), 512, true }, { Fixture::buffer(1), 512, true } };
    REQUIRE_FALSE(fixture.requests.read(0, scattered, 3).is_error());
    CHECK(fixture.queue.free_descriptors() == 8 - 1 - 1 - 4);
    (void)fixture.requests.publish();
    fixture.device.take_all();
    REQUIRE(fixture.device.pending.size() == 3);
    CHECK(fixture.device.pending[0].indirect);
    CHECK(fixture.device.pending[1].indirect);
    CHECK_FALSE(fixture.device.pending[2].indirect);
    for (usize each = 0; each < 3; ++each)
        fixture.device.finish(0);
    for (u64 token = 1; token <= 3; ++token) {
        auto finished = fixture.requests.take_finished().release_value();
        CHECK(finished.token == token);
        CHECK_FALSE(finished.outcome.is_error());
    }
    CHECK(fixture.device.types == std::vector<u32> { 1, 1, 1, 1, 1, 1, 1, 1, 4, 11, 0 });
    CHECK(fixture.bytes(1)[511] == 0x30); /* the disk's second sector, written from buffer 0 above */
    CHECK(fixture.queue.free_descriptors() == 8);
}

TEST_CASE("a hostile device's statuses are errors of their request only")
{
    Fixture fixture;
    Segment sector[] = { { Fixture::buffer(0), 512, true } };
    for (u64 token = 0; token < 5; ++token)
        REQUIRE_FALSE(fixture.requests.read(token, sector, token).is_error());
    (void)fixture.requests.publish();
    fixture.device.take_all();
    fixture.device.finish(0, std::nullopt, false); /* status never written, used length 0 */
    fixture.device.finish(0, u8(7));               /* a status virtio does not define */
    fixture.device.finish(0, u8(1));               /* I/O error */
    fixture.device.finish(0, u8(2));               /* unsupported */
    fixture.device.finish(0);                      /* honest */
    CHECK(fails_with(fixture.requests.take_finished().release_value().outcome, RequestError::IoError));
    CHECK(fails_with(fixture.requests.take_finished().release_value().outcome, RequestError::IoError));
    CHECK(fails_with(fixture.requests.take_finished().release_value().outcome, RequestError::IoError));
    CHECK(fails_with(fixture.requests.take_finished().release_value().outcome, RequestError::NotOffered));
    auto honest = fixture.requests.take_finished().release_value();
    CHECK(honest.token == 4);
    CHECK_FALSE(honest.outcome.is_error());
    CHECK(fixture.requests.in_flight() == 0);
    /* A used entry for a request already finished is the queue's refusal, and changes nothing. */
    fixture.model.put_used(0, 513);
    CHECK(code_of(fixture.requests.take_finished()) == ErrorCode::MalformedMessage);
    CHECK(fixture.requests.in_flight() == 0);
}

TEST_CASE("20 000 random requests finished in random order agree with a shadow disk")
{
    bool indirect = GENERATE(false, true);
    INFO("indirect tables: " << indirect);
    Fixture fixture(64, offered, disk_sectors, indirect ? 3 : 0);
    std::vector<u8> shadow(disk_sectors * sector_size);
    std::mt19937 random(2026);
    struct InFlight {
        u64 sector;
        u32 sectors;
        bool reading;
    };
    /* Per buffer, the request using it; requests in flight never overlap, so the order is the device's to choose. */
    std::vector<std::optional<InFlight>> in_flight(64);
    usize submitted_count = 0;
    usize reads_checked = 0;
    for (usize round = 0; round < 20'000; ++round) {
        usize buffer = random() % 64;
        u32 sectors = 1 + random() % 8;
        u64 sector = random() % (disk_sectors - sectors);
        bool reading = random() % 2;
        bool overlaps = false;
        for (auto const& other : in_flight)
            overlaps |= other && other->sector < sector + sectors && sector < other->sector + other->sectors;
        if (!in_flight[buffer] && !overlaps) {
            Segment data[] = { { Fixture::buffer(buffer), sectors * sector_size, reading } };
            if (!reading)
                std::memset(fixture.bytes(buffer), static_cast<int>(random()), data[0].length);
            auto submitted = reading ? fixture.requests.read(sector, data, buffer) : fixture.requests.write(sector, data, buffer);
            if (submitted.is_error()) {
                REQUIRE(submitted.error().is(ErrorCode::Busy));
            } else {
                in_flight[buffer] = InFlight { sector, sectors, reading };
                if (!reading)
                    std::memcpy(shadow.data() + sector * sector_size, fixture.bytes(buffer), data[0].length);
                ++submitted_count;
            }
        }
        if (random() % 3 == 0)
            (void)fixture.requests.publish();
        fixture.device.take_all();
        if (!fixture.device.pending.empty() && random() % 2 == 0)
            fixture.device.finish(random() % fixture.device.pending.size());
        for (;;) {
            auto finished = fixture.requests.take_finished();
            if (finished.is_error()) {
                REQUIRE(finished.error().is(ErrorCode::NotFound));
                break;
            }
            REQUIRE_FALSE(finished.value().outcome.is_error());
            usize done = static_cast<usize>(finished.value().token);
            REQUIRE(in_flight[done]);
            if (in_flight[done]->reading) {
                REQUIRE(std::memcmp(fixture.bytes(done), shadow.data() + in_flight[done]->sector * sector_size,
                            in_flight[done]->sectors * sector_size)
                    == 0);
                ++reads_checked;
            }
            in_flight[done].reset();
        }
    }
    (void)fixture.requests.publish();
    fixture.device.take_all();
    while (!fixture.device.pending.empty())
        fixture.device.finish(0);
    while (!fixture.requests.take_finished().is_error()) { }
    CHECK(fixture.requests.in_flight() == 0);
    CHECK(submitted_count > 5'000);
    CHECK(reads_checked > 1'000);
    CHECK(fixture.device.disk == shadow);
}
