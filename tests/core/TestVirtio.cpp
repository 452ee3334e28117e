/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/virtio against a software device model: a device that takes chains from the available
 * ring and puts them on the used ring as a virtio device does (here an entropy device, filling
 * every writable buffer), honouring event index and the rings' flags — and a hostile one that
 * writes used entries no honest device would.
 */

#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <vector>
#include <vectra/virtio/PciCapabilities.h>
#include <vectra/virtio/SplitQueue.h>
#include "VirtioDeviceModel.h"

using namespace vectra;
using namespace vectra::virtio;
using namespace vectra::virtio::test;

namespace {

struct Fixture {
    GuestMemory<> memory;
    u8* queue_memory { memory.bytes }; /* the queue at guest address 0; buffers above 16 KiB */
    SplitQueue queue;
    DeviceModel device;

    /* `indirect_entries`: indirect tables of that many descriptors at guest address 48 KiB, or none. */
    Fixture(u16 size, bool event_index, u16 indirect_entries = 0)
        : queue(SplitQueue::create({ memory.bytes, 16 * 1024 }, size, event_index, tables(indirect_entries)).release_value())
        , device(memory.bytes, memory.bytes, queue.layout(), event_index)
    {
    }
    IndirectTables tables(u16 entries)
    {
        if (entries == 0)
            return {};
        return { { memory.bytes + tables_at, 16 * 1024 }, tables_at, entries };
    }
    u64 buffer(usize index) const { return 16 * 1024 + 256 * index; }
    Descriptor ring_descriptor(u16 index) const
    {
        Descriptor descriptor;
        std::memcpy(&descriptor, memory.bytes + 16 * index, sizeof(descriptor));
        return descriptor;
    }
    static constexpr usize tables_at = 48 * 1024;
};

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

}

TEST_CASE("the layout follows virtio 1.2 2.7: descriptors, available ring, used ring 4-byte aligned")
{
    auto layout = SplitQueueLayout::for_size(8).release_value();
    CHECK(layout.descriptors == 0);
    CHECK(layout.available == 128);
    CHECK(layout.used == 152); /* 128 + 6 + 16 = 150, aligned to 4 */
    CHECK(layout.total == 152 + 6 + 64);
    CHECK(SplitQueueLayout::for_size(0).is_error());
    CHECK(SplitQueueLayout::for_size(12).is_error());
    CHECK_FALSE(SplitQueueLayout::for_size(32768).is_error());
    GuestMemory<> memory;
    CHECK(code_of(SplitQueue::create({ memory.bytes, 100 }, 8, false)) == ErrorCode::InvalidArgument);
    CHECK(code_of(SplitQueue::create({ memory.bytes + 8, 4096 }, 8, false)) == ErrorCode::InvalidArgument);
    CHECK(code_of(SplitQueue::create({ memory.bytes, 64 * 1024 }, 512, false)) == ErrorCode::TooLarge);
}

TEST_CASE("requests go out as chains and come back with their tokens and written lengths")
{
    Fixture fixture(8, false);
    Segment request[] = { { fixture.buffer(0), 16, false }, { fixture.buffer(1), 32, true }, { fixture.buffer(2), 8, true } };
    REQUIRE_FALSE(fixture.queue.submit(request, 77).is_error());
    Segment single[] = { { fixture.buffer(3), 64, true } };
    REQUIRE_FALSE(fixture.queue.submit(single, 78).is_error());
    CHECK(fixture.queue.free_descriptors() == 4);
    CHECK(code_of(fixture.queue.take_used()) == ErrorCode::NotFound);
    CHECK(fixture.device.serve(8) == false); /* nothing published yet */
    CHECK(fixture.queue.publish());
    CHECK(fixture.device.serve(8));
    REQUIRE(fixture.device.chains.size() == 2);
    CHECK(fixture.device.chains[0].size() == 3);
    CHECK(fixture.device.read_bytes == 16);
    auto first = fixture.queue.take_used().release_value();
    CHECK(first.token == 77);
    CHECK(first.written == 40);
    auto second = fixture.queue.take_used().release_value();
    CHECK(second.token == 78);
    CHECK(second.written == 64);
    CHECK(fixture.memory.bytes[fixture.buffer(3) + 63] == 0xa5);
    CHECK(fixture.memory.bytes[fixture.buffer(0)] == 0); /* device-readable: untouched */
    CHECK(fixture.queue.free_descriptors() == 8);
    CHECK(code_of(fixture.queue.take_used()) == ErrorCode::NotFound);
}

TEST_CASE("70 000 requests through a 4-entry queue: indices wrap, descriptors are all given back")
{
    Fixture fixture(4, true);
    u64 next_token = 0;
    u64 expected_token = 0;
    for (usize round = 0; round < 35'000; ++round) {
        for (usize each = 0; each < 2; ++each) {
            Segment segments[] = { { fixture.buffer(each), 4, false }, { fixture.buffer(each + 2), 4, true } };
            REQUIRE_FALSE(fixture.queue.submit(segments, next_token++).is_error());
        }
        (void)fixture.queue.publish();
        fixture.device.serve(2, static_cast<u8>(round));
        for (usize each = 0; each < 2; ++each) {
            auto completion = fixture.queue.take_used();
            REQUIRE_FALSE(completion.is_error());
            REQUIRE(completion.value().token == expected_token++);
        }
    }
    CHECK(fixture.queue.free_descriptors() == 4);
    CHECK(fixture.device.available_index() == static_cast<u16>(70'000));
}

TEST_CASE("malformed requests are refused and change nothing")
{
    Fixture fixture(4, false);
    Segment writable_then_readable[] = { { fixture.buffer(0), 4, true }, { fixture.buffer(1), 4, false } };
    CHECK(code_of(fixture.queue.submit(writable_then_readable, 1)) == ErrorCode::InvalidArgument);
    Segment empty[] = { { fixture.buffer(0), 0, true } };
    CHECK(code_of(fixture.queue.submit(empty, 1)) == ErrorCode::InvalidArgument);
    CHECK(code_of(fixture.queue.submit({}, 1)) == ErrorCode::InvalidArgument);
    Segment five[5] = {};
    for (auto& segment : five)
        segment = { fixture.buffer(0), 4, true };
    CHECK(code_of(fixture.queue.submit(five, 1)) == ErrorCode::Full);
    Segment huge[] = { { 0, 0xffff'0000, true }, { 0, 0x0002'0000, true } };
    CHECK(code_of(fixture.queue.submit(huge, 1)) == ErrorCode::TooLarge);
    CHECK(fixture.queue.free_descriptors() == 4);
    CHECK_FALSE(fixture.queue.publish()); /* nothing new */
}

TEST_CASE("notification: ring flags without event index, avail_event and used_event with it")
{
    Fixture plain(4, false);
    Segment one[] = { { plain.buffer(0), 4, true } };
    REQUIRE_FALSE(plain.queue.submit(one, 1).is_error());
    plain.device.set_used_flags(used_no_notify);
    CHECK_FALSE(plain.queue.publish());
    plain.queue.disable_interrupts();
    CHECK_FALSE(plain.device.serve(1));
    plain.queue.enable_interrupts();
    REQUIRE_FALSE(plain.queue.take_used().is_error());

    Fixture indexed(8, true);
    Segment two[] = { { indexed.buffer(0), 4, true } };
    /* The device wants a notification once the available index passes 2: the third request. */
    indexed.device.set_avail_event(2);
    REQUIRE_FALSE(indexed.queue.submit(two, 1).is_error());
    CHECK_FALSE(indexed.queue.publish());
    REQUIRE_FALSE(indexed.queue.submit(two, 2).is_error());
    CHECK_FALSE(indexed.queue.publish());
    REQUIRE_FALSE(indexed.queue.submit(two, 3).is_error());
    CHECK(indexed.queue.publish());
    /* The driver takes what is there and asks (used_event) to be interrupted at the next one. */
    CHECK(indexed.device.serve(1)); /* used_event 0: the first used entry interrupts */
    REQUIRE_FALSE(indexed.queue.take_used().is_error());
    CHECK(indexed.device.used_event() == 1);
    CHECK(indexed.device.serve(1));
}

TEST_CASE("interrupt_after: the device interrupts at the count asked, and uses made before the wish are reported, never waited for")
{
    Fixture indexed(8, true);
    indexed.queue.request_interrupts_before_waiting();
    Segment one[] = { { indexed.buffer(0), 4, true } };
    for (u64 token = 0; token < 6; ++token)
        REQUIRE_FALSE(indexed.queue.submit(one, token).is_error());
    (void)indexed.queue.publish();
    /* Three of six in flight: the first two used entries interrupt nothing, the third does. */
    CHECK_FALSE(indexed.queue.interrupt_after(3));
    CHECK(indexed.device.used_event() == 2);
    CHECK_FALSE(indexed.device.serve(1));
    CHECK_FALSE(indexed.device.serve(1));
    CHECK(indexed.device.serve(1));
    /* Taking leaves the wish alone now (the driver asks before it waits). */
    REQUIRE_FALSE(indexed.queue.take_used().is_error());
    CHECK(indexed.device.used_event() == 2);
    /* The lost-notification race: two entries were used before the driver asked; it is told so. */
    CHECK(indexed.queue.used_waiting() == 2);
    CHECK(indexed.queue.interrupt_after(1));
    REQUIRE_FALSE(indexed.queue.take_used().is_error());
    REQUIRE_FALSE(indexed.queue.take_used().is_error());
    CHECK(indexed.queue.used_waiting() == 0);
    /* Asked for the next one with nothing waiting: the device's next use interrupts. */
    CHECK_FALSE(indexed.queue.interrupt_after(1));
    CHECK(indexed.device.serve(1));
    REQUIRE_FALSE(indexed.queue.take_used().is_error());
    /* Suppressed: the rest of what is in flight is used without an interrupt. */
    indexed.queue.suppress_interrupts();
    CHECK_FALSE(indexed.device.serve(2));
    CHECK(indexed.queue.used_waiting() == 2);
    /* A count of 0 is taken as 1. */
    CHECK(indexed.queue.interrupt_after(0));
    CHECK(indexed.device.used_event() == 4);

    /* Without event index: the ring's flag, on at interrupt_after, off at suppress. */
    Fixture plain(4, false);
    plain.queue.request_interrupts_before_waiting();
    REQUIRE_FALSE(plain.queue.submit(one, 1).is_error());
    REQUIRE_FALSE(plain.queue.submit(one, 2).is_error());
    (void)plain.queue.publish();
    plain.queue.suppress_interrupts();
    CHECK_FALSE(plain.device.serve(1));
    CHECK(plain.queue.interrupt_after(2));
    REQUIRE_FALSE(plain.queue.take_used().is_error());
    CHECK_FALSE(plain.queue.interrupt_after(2));
    CHECK(plain.device.serve(1));
}

TEST_CASE("a hostile device's used entries are refused: unknown heads, double use, overlong writes, runaway index")
{
    /* Two requests in flight: heads 0 (descriptors 0, 1) and 2 (descriptors 2, 3). */
    auto hostile = [](auto&& act) {
        Fixture fixture(4, false);
        Segment segments[] = { { fixture.buffer(0), 4, false }, { fixture.buffer(1), 8, true } };
        REQUIRE_FALSE(fixture.queue.submit(segments, 5).is_error());
        REQUIRE_FALSE(fixture.queue.submit(segments, 6).is_error());
        (void)fixture.queue.publish();
        return act(fixture);
    };
    CHECK(hostile([](Fixture& fixture) {
        fixture.device.put_used(9, 0); /* past the queue */
        return code_of(fixture.queue.take_used());
    }) == ErrorCode::MalformedMessage);
    CHECK(hostile([](Fixture& fixture) {
        fixture.device.put_used(1, 0); /* the second descriptor of a chain, not its head */
        auto code = code_of(fixture.queue.take_used());
        CHECK(fixture.queue.free_descriptors() == 0);
        return code;
    }) == ErrorCode::MalformedMessage);
    CHECK(hostile([](Fixture& fixture) {
        fixture.device.set_used_index(200); /* far ahead of the two chains made available */
        return code_of(fixture.queue.take_used());
    }) == ErrorCode::MalformedMessage);
    CHECK(hostile([](Fixture& fixture) {
        fixture.device.put_used(0, 9); /* more than the 8 writable bytes */
        return code_of(fixture.queue.take_used());
    }) == ErrorCode::MalformedMessage);
    CHECK(hostile([](Fixture& fixture) {
        fixture.device.put_used(0, 8); /* honest */
        auto completion = fixture.queue.take_used();
        REQUIRE_FALSE(completion.is_error());
        CHECK(completion.value().token == 5);
        fixture.device.put_used(0, 8); /* the same head again: no longer in flight */
        return code_of(fixture.queue.take_used());
    }) == ErrorCode::MalformedMessage);
    /* Scribbles on the descriptor table do not steer the driver: its free list is its own. */
    Fixture fixture(4, false);
    std::memset(fixture.memory.bytes, 0xff, fixture.queue.layout().available);
    Segment again[] = { { fixture.buffer(0), 4, true } };
    for (u64 token = 0; token < 4; ++token)
        REQUIRE_FALSE(fixture.queue.submit(again, token).is_error());
    CHECK(code_of(fixture.queue.submit(again, 9)) == ErrorCode::Full);
    (void)fixture.queue.publish();
    fixture.device.put_used(3, 4);
    auto last = fixture.queue.take_used();
    REQUIRE_FALSE(last.is_error());
    CHECK(last.value().token == 3);
}

TEST_CASE("indirect tables: a request of several buffers takes one ring descriptor, its chain lies in its own table")
{
    Fixture fixture(8, false, 4);
    CHECK(fixture.queue.indirect());
    CHECK(fixture.queue.descriptors_for(3) == 1);
    CHECK(fixture.queue.descriptors_for(1) == 1);
    CHECK(fixture.queue.descriptors_for(5) == 5); /* more than a table holds: a chain in the ring */
    /* Eight requests of three buffers in a queue of eight descriptors (without tables: two). */
    for (u64 token = 0; token < 8; ++token) {
        Segment request[] = { { fixture.buffer(token), 16, false }, { fixture.buffer(token) + 16, 64, true },
            { fixture.buffer(token) + 80, 1, true } };
        REQUIRE_FALSE(fixture.queue.submit(request, 100 + token).is_error());
    }
    CHECK(fixture.queue.free_descriptors() == 0);
    Segment one[] = { { fixture.buffer(9), 4, true } };
    CHECK(code_of(fixture.queue.submit(one, 1)) == ErrorCode::Full);
    auto head = fixture.ring_descriptor(0);
    CHECK(head.flags == descriptor_indirect);
    CHECK(head.length == 3 * sizeof(Descriptor));
    CHECK(head.address == Fixture::tables_at);
    CHECK(fixture.ring_descriptor(5).address == Fixture::tables_at + 5 * 4 * sizeof(Descriptor));
    CHECK(fixture.queue.publish());
    CHECK(fixture.device.serve(8));
    CHECK(fixture.device.indirect_chains == 8);
    REQUIRE(fixture.device.chains.size() == 8);
    CHECK(fixture.device.chains[0] == std::vector<u16> { 0, 1, 2 });
    CHECK(fixture.device.read_bytes == 8 * 16);
    for (u64 token = 0; token < 8; ++token) {
        auto completion = fixture.queue.take_used().release_value();
        CHECK(completion.token == 100 + token);
        CHECK(completion.written == 65);
        CHECK(fixture.memory.bytes[fixture.buffer(token) + 80] == 0xa5);
        CHECK(fixture.memory.bytes[fixture.buffer(token)] == 0);
    }
    CHECK(fixture.queue.free_descriptors() == 8);

    /* One buffer goes straight into the ring; five (past a table of four) as a chain of five. */
    REQUIRE_FALSE(fixture.queue.submit(one, 1).is_error());
    Segment five[5];
    for (usize index = 0; index < 5; ++index)
        five[index] = { fixture.buffer(index), 8, true };
    REQUIRE_FALSE(fixture.queue.submit(five, 2).is_error());
    CHECK(fixture.queue.free_descriptors() == 2);
    (void)fixture.queue.publish();
    fixture.device.serve(2);
    CHECK(fixture.device.indirect_chains == 8);
    CHECK(fixture.device.chains[9].size() == 5);
    CHECK(fixture.queue.take_used().release_value().written == 4);
    CHECK(fixture.queue.take_used().release_value().written == 40);
    CHECK(fixture.queue.free_descriptors() == 8);
}

TEST_CASE("indirect tables are checked at create: two to the queue's size entries, enough aligned memory")
{
    GuestMemory<> memory;
    std::span<u8> ring { memory.bytes, 4096 };
    auto tables = [&](usize at, usize bytes, u64 address, u16 entries) {
        return IndirectTables { { memory.bytes + at, bytes }, address, entries };
    };
    CHECK(code_of(SplitQueue::create(ring, 8, false, tables(8192, 4096, 8192, 1))) == ErrorCode::InvalidArgument);
    CHECK(code_of(SplitQueue::create(ring, 8, false, tables(8192, 4096, 8192, 9))) == ErrorCode::InvalidArgument);
    CHECK(code_of(SplitQueue::create(ring, 8, false, tables(8192, 8 * 4 * 16 - 1, 8192, 4))) == ErrorCode::InvalidArgument);
    CHECK(code_of(SplitQueue::create(ring, 8, false, tables(8200, 4096, 8192, 4))) == ErrorCode::InvalidArgument);
    CHECK(code_of(SplitQueue::create(ring, 8, false, tables(8192, 4096, 8200, 4))) == ErrorCode::InvalidArgument);
    auto fitting = SplitQueue::create(ring, 8, false, tables(8192, 8 * 4 * 16, 8192, 4));
    REQUIRE_FALSE(fitting.is_error());
    CHECK(fitting.value().indirect());
    CHECK_FALSE(SplitQueue::create(ring, 8, false).release_value().indirect());
}

TEST_CASE("70 000 indirect requests through a 4-entry queue: tables reused, descriptors all given back")
{
    Fixture fixture(4, true, 3);
    u64 next_token = 0;
    u64 expected_token = 0;
    for (usize round = 0; round < 17'500; ++round) {
        for (usize each = 0; each < 4; ++each) {
            Segment segments[] = { { fixture.buffer(each), 4, false }, { fixture.buffer(each + 4), 4, true },
                { fixture.buffer(each + 8), 1 + static_cast<u32>(round % 7), true } };
            REQUIRE_FALSE(fixture.queue.submit(segments, next_token++).is_error());
        }
        (void)fixture.queue.publish();
        fixture.device.serve(4, static_cast<u8>(round));
        for (usize each = 0; each < 4; ++each) {
            auto completion = fixture.queue.take_used();
            REQUIRE_FALSE(completion.is_error());
            REQUIRE(completion.value().token == expected_token++);
            REQUIRE(completion.value().written == 5 + round % 7);
        }
    }
    CHECK(fixture.device.indirect_chains == 70'000);
    CHECK(fixture.queue.free_descriptors() == 4);
}

TEST_CASE("a hostile device and indirect requests: ids never made available, overlong writes, rewritten tables")
{
    /* Two indirect requests in flight: heads 0 and 1, each a table of header, 8 writable bytes, status. */
    auto hostile = [](auto&& act) {
        Fixture fixture(4, false, 4);
        Segment segments[] = { { fixture.buffer(0), 4, false }, { fixture.buffer(1), 8, true }, { fixture.buffer(2), 1, true } };
        REQUIRE_FALSE(fixture.queue.submit(segments, 5).is_error());
        REQUIRE_FALSE(fixture.queue.submit(segments, 6).is_error());
        (void)fixture.queue.publish();
        return act(fixture);
    };
    CHECK(hostile([](Fixture& fixture) {
        fixture.device.put_used(2, 0); /* a ring descriptor never made available */
        auto code = code_of(fixture.queue.take_used());
        CHECK(fixture.queue.free_descriptors() == 2);
        return code;
    }) == ErrorCode::MalformedMessage);
    CHECK(hostile([](Fixture& fixture) {
        fixture.device.put_used(0x1'0000, 0); /* past the queue */
        return code_of(fixture.queue.take_used());
    }) == ErrorCode::MalformedMessage);
    CHECK(hostile([](Fixture& fixture) {
        fixture.device.put_used(1, 10); /* past the 9 writable bytes of the table */
        return code_of(fixture.queue.take_used());
    }) == ErrorCode::MalformedMessage);
    CHECK(hostile([](Fixture& fixture) {
        fixture.device.set_used_index(3); /* a third used entry, for two made available */
        return code_of(fixture.queue.take_used());
    }) == ErrorCode::MalformedMessage);
    CHECK(hostile([](Fixture& fixture) {
        /* The device rewrites the table to claim a 4 KiB buffer and says it filled it: the driver
           counts what it offered, not what the table says now. */
        auto* table = reinterpret_cast<Descriptor*>(fixture.memory.bytes + Fixture::tables_at);
        table[1].length = 4096;
        table[2].flags = descriptor_next;
        table[2].next = 0;
        fixture.device.put_used(0, 4096);
        return code_of(fixture.queue.take_used());
    }) == ErrorCode::MalformedMessage);
    /* After the scribble, the next request through head 0's table carries the driver's chain again. */
    Fixture fixture(4, false, 4);
    std::memset(fixture.memory.bytes + Fixture::tables_at, 0xff, 4 * 4 * sizeof(Descriptor));
    Segment segments[] = { { fixture.buffer(0), 4, false }, { fixture.buffer(1), 8, true } };
    REQUIRE_FALSE(fixture.queue.submit(segments, 7).is_error());
    (void)fixture.queue.publish();
    fixture.device.serve(1);
    REQUIRE(fixture.device.chains.size() == 1);
    CHECK(fixture.device.chains[0] == std::vector<u16> { 0, 1 });
    auto completion = fixture.queue.take_used().release_value();
    CHECK(completion.token == 7);
    CHECK(completion.written == 8);
}

namespace {

/* A virtio-rng-pci function's configuration space as QEMU lays it out (capabilities from 0x40). */
class ModelConfig final : public ConfigRead {
public:
    ModelConfig()
    {
        put(0x06, 2, 0x10);
        put(0x34, 1, 0x40);
        capability(0x40, 0x50, 16, 1, 4, 0x0000, 0x1000);             /* common */
        capability(0x50, 0x60, 16, 3, 4, 0x1000, 0x1000);             /* ISR */
        capability(0x60, 0x74, 16, 4, 4, 0x2000, 0x1000);             /* device */
        capability(0x74, 0x88, 20, 2, 4, 0x3000, 0x1000);             /* notify */
        put(0x84, 4, 4);                                              /* notify_off_multiplier */
        capability(0x88, 0x00, 20, 5, 0, 0, 0);                       /* PCI config access: skipped */
    }
    void capability(u16 at, u16 next, u8 length, u8 type, u8 bar, u32 offset, u32 size)
    {
        put(at, 4, u32(0x09) | (u32(next) << 8) | (u32(length) << 16) | (u32(type) << 24));
        put(static_cast<u16>(at + 4), 1, bar);
        put(static_cast<u16>(at + 8), 4, offset);
        put(static_cast<u16>(at + 12), 4, size);
    }
    void put(u16 offset, u8 width, u32 value) { std::memcpy(&bytes[offset], &value, width); }
    ErrorOr<u32> read(u16 offset, u8 width) const override
    {
        if (offset + width > 256)
            return Error(ErrorCode::InvalidArgument, "past the header");
        u32 value = 0;
        std::memcpy(&value, &bytes[offset], width);
        return value;
    }
    u8 bytes[256] {};
};

}

TEST_CASE("the modern PCI transport's regions are read from the capability list")
{
    ModelConfig config;
    auto layout = read_pci_layout(config);
    REQUIRE_FALSE(layout.is_error());
    CHECK(layout.value().common.bar == 4);
    CHECK(layout.value().common.offset == 0);
    CHECK(layout.value().isr.offset == 0x1000);
    CHECK(layout.value().device.present);
    CHECK(layout.value().notify.offset == 0x3000);
    CHECK(layout.value().notify_offset_multiplier == 4);
}

TEST_CASE("malformed virtio capability lists are refused: loops, short or misplaced capabilities, BARs past 5")
{
    auto code = [](ModelConfig const& config) { return code_of(read_pci_layout(config)); };
    {
        ModelConfig config;
        config.capability(0x88, 0x40, 20, 5, 0, 0, 0); /* back to the start: a loop */
        CHECK(code(config) == ErrorCode::MalformedMessage);
    }
    {
        ModelConfig config;
        config.capability(0x74, 0x88, 16, 2, 4, 0x3000, 0x1000); /* notify without its multiplier */
        CHECK(code(config) == ErrorCode::MalformedMessage);
    }
    {
        ModelConfig config;
        config.capability(0x40, 0x50, 16, 1, 7, 0, 0x1000);
        CHECK(code(config) == ErrorCode::MalformedMessage);
    }
    {
        ModelConfig config;
        config.capability(0x40, 0x50, 16, 1, 4, 0xffff'f000, 0x2000);
        CHECK(code(config) == ErrorCode::MalformedMessage);
    }
    {
        ModelConfig config;
        config.put(0x34, 1, 0x20); /* into the header */
        CHECK(code(config) == ErrorCode::MalformedMessage);
    }
    {
        ModelConfig config;
        config.capability(0x40, 0x50, 16, 6, 4, 0, 0x1000); /* no common configuration */
        CHECK(code(config) == ErrorCode::NotFound);
    }
    {
        ModelConfig config;
        config.put(0x06, 2, 0); /* no capability list */
        CHECK(code(config) == ErrorCode::NotFound);
    }
}
