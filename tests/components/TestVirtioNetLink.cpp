/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio-net driver's vectra.link service (components/virtionet Link) over two split queues
 * in memory and a simulated device (VirtioDeviceModel.h), inside a Task that lends its frame
 * region as netd does (vectra.link v2: one `lend`, then offsets). Device addresses here are the
 * host addresses of the mappings, so the simulated device reads and writes the client's own
 * bytes. Frames go both ways without a copy; then a client attacks (requests before a lend, lends
 * it does not hold, read-only, revoked before and after lending, a second lend with frames
 * outstanding, offsets out of range and wrapping, too small, too many; frames too large and too
 * small) and a device attacks (a used entry never made available); the session's end resets the
 * device before the lent copy goes.
 */

#include "../LendingTask.h"
#include "../TestSupport.h"
#include "VirtioDeviceModel.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <new>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <virtionet/Link.h>

using namespace vectra;
using namespace vectra::net::link;
using virtio::test::DeviceModel;

namespace {

using P = Protocol;

class HostAddresses final : public virtionet::Device {
public:
    ErrorOr<u64> dma_address(MemCap const& memory) const override
    {
        auto view = TRY(system::map_memory_read_only(memory));
        return reinterpret_cast<u64>(view.data());
    }
    void notify(u16 queue) override { ++notified[queue]; }
    void reset() override
    {
        ++resets;
        /* The order the session's end keeps: the device stops before the lent copy goes. */
        watched_alive_at_reset = watched != nullptr && !system::map_memory_read_only(*watched).is_error();
    }
    usize notified[2] {};
    usize resets { 0 };
    MemCap const* watched { nullptr };
    bool watched_alive_at_reset { false };
};

constexpr u16 queue_size = 64;

struct Queue {
    alignas(16) u8 memory[8192] {};
    virtio::SplitQueue ring;
    DeviceModel model;
    explicit Queue(bool event_index)
        : ring(MUST(virtio::SplitQueue::create(memory, queue_size, event_index)))
        , model(nullptr, memory, ring.layout(), event_index)
    {
    }
};

struct Fixture {
    explicit Fixture(bool event_index = false)
        : receive(event_index)
        , transmit(event_index)
    {
    }
    HostAddresses device;
    Queue receive;
    Queue transmit;
    alignas(16) u8 headers[virtionet::header_memory_bytes] {};
    virtio::net::Configuration configuration { { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, true };
    virtionet::Link link { device, receive.ring, transmit.ring, headers, reinterpret_cast<u64>(headers), configuration };
    u32 call_id { 1 };

    /* Sends a request to the driver as a Ring would deliver it: the reply's bytes, empty when deferred. */
    template<typename Request>
    std::vector<u8> send(Request const& request, std::optional<ReceivedCapability> capability = std::nullopt)
    {
        u8 bytes[protocol::payload_capacity<P>];
        usize length = MUST(protocol::encode_request<P>(request, call_id++, bytes));
        u8 reply[protocol::payload_capacity<P>];
        usize replied = link.take(std::span<u8 const>(bytes, length), capability, reply);
        return std::vector<u8>(reply, reply + replied);
    }
    std::vector<u8> finished()
    {
        u8 reply[protocol::payload_capacity<P>];
        usize length = MUST(link.take_finished(reply));
        return std::vector<u8>(reply, reply + length);
    }
};

u16 status_of(std::vector<u8> const& reply)
{
    auto envelope = protocol::read_envelope(std::span<u8 const>(reply.data(), reply.size()));
    return envelope.is_error() ? 0xffff : envelope.value().status;
}

using test::Lender;

/* A copy of `memory` with `rights`, as a Ring delivers it in the slot. */
ErrorOr<ReceivedCapability> lend(MemCap const& memory, Rights rights, MemCap& copy) { return test::lent_copy(memory, rights, copy); }

constexpr u16 frame_maximum = 1514;

/* Lends `memory` to the driver (a copy with `rights`, kept in `copy`): the reply's status, its size in `size`. */
u16 lend_to(Fixture& fixture, MemCap const& memory, Rights rights, MemCap& copy, u64* size = nullptr)
{
    auto capability = lend(memory, rights, copy);
    if (capability.is_error())
        return 0xfffe;
    auto reply = fixture.send(Lend {}, capability.value());
    Lent lent {};
    if (size != nullptr && status_of(reply) == 0 && !protocol::decode_body(std::span<u8 const>(reply.data(), reply.size()), lent).is_error())
        *size = lent.size;
    return status_of(reply);
}

bool removed(MemCap const& copy) { return system::map_memory_read_only(copy).is_error(); }

}

TEST_CASE("info: the device's MAC, MTU 1500, frames up to 1514 bytes, limits bounded by the queues", "[virtionet]")
{
    Fixture fixture;
    auto reply = fixture.send(Info {});
    REQUIRE(status_of(reply) == 0);
    LinkInfo info {};
    REQUIRE_FALSE(protocol::decode_body(std::span<u8 const>(reply.data(), reply.size()), info).is_error());
    CHECK(info.mac == std::array<u8, 6> { 0x52, 0x54, 0, 0x12, 0x34, 0x56 });
    CHECK(info.mtu == 1500);
    CHECK(info.frame_maximum == frame_maximum);
    CHECK(info.receive_limit == 32); /* 64 descriptors, two per buffer */
    CHECK(info.transmit_limit == 32);
    CHECK(info.receive_limit + info.transmit_limit <= P::slot_count);
    CHECK(info.up);
    fixture.link.set_link_up(false);
    auto state = fixture.send(ReadLinkState {});
    LinkState decoded { true };
    REQUIRE_FALSE(protocol::decode_body(std::span<u8 const>(state.data(), state.size()), decoded).is_error());
    CHECK_FALSE(decoded.up);
}

TEST_CASE("frames both ways through the lent region: the device reads and writes the client's bytes; the copy stays until the session ends", "[virtionet]")
{
    Lender lender;
    auto result = lender.run([](Bundle& bundle) -> ErrorOr<i32> {
        auto reticle = TRY(bundle.take<ReticleCap>("memory"));
        auto buffers = TRY(system::create_memory(reticle, 8192));
        auto bytes = TRY(system::map_memory(buffers));
        MemCap region_copy;
        {
            Fixture fixture;
            u64 size = 0;
            if (lend_to(fixture, buffers, RightRead | RightWrite, region_copy, &size) != 0 || size != 8192 || removed(region_copy))
                return 1; /* answered at once with the size; the driver keeps its copy */

            /* Two receive buffers, at offsets 0 and 2048: deferred, and on the receive queue as header + buffer. */
            if (!fixture.send(PostReceive { 0, 2048 }).empty() || !fixture.send(PostReceive { 2048, 2048 }).empty())
                return 2;
            fixture.link.publish();
            if (fixture.device.notified[0] != 1 || fixture.link.receive_posted() != 2)
                return 3;
            auto chain = fixture.receive.model.take_chain();
            if (!chain || chain->descriptors.size() != 2 || chain->descriptors[0].length != 12
                || chain->descriptors[1].address != reinterpret_cast<u64>(bytes.data())
                || chain->descriptors[1].length != 2048 || !(chain->descriptors[1].flags & virtio::descriptor_device_writes))
                return 4;
            /* The device writes a 60-byte frame into the first buffer. */
            for (usize index = 0; index < 60; ++index)
                bytes[index] = u8(index + 1);
            fixture.receive.model.put_used(chain->head, 12 + 60);
            auto landed = fixture.finished();
            Landed frame {};
            if (status_of(landed) != 0 || protocol::decode_body(std::span<u8 const>(landed.data(), landed.size()), frame).is_error()
                || frame.length != 60)
                return 5;
            if (removed(region_copy) || bytes[0] != 1 || bytes[59] != 60)
                return 6; /* the frame is intact in the client's memory; the region stays lent */
            if (!fixture.finished().empty() || fixture.link.receive_posted() != 1)
                return 7;

            /* A used chain holding only a header carries no frame: back to the device, no reply. */
            auto second = fixture.receive.model.take_chain();
            fixture.receive.model.put_used(second->head, 12);
            if (!fixture.finished().empty() || fixture.link.receive_posted() != 1)
                return 8;
            fixture.link.publish();
            auto again = fixture.receive.model.take_chain();
            if (!again || again->descriptors[1].address != reinterpret_cast<u64>(bytes.data()) + 2048)
                return 9;

            /* A transmit: the shared zero header, then the client's frame, read-only to the device. */
            for (usize index = 0; index < 60; ++index)
                bytes[4096 + index] = u8(0x80 + index);
            if (!fixture.send(Transmit { 4096, 60 }).empty())
                return 10;
            fixture.link.publish();
            auto sent = fixture.transmit.model.take_chain();
            if (!sent || sent->descriptors.size() != 2 || sent->descriptors[0].length != 12
                || (sent->descriptors[0].flags & virtio::descriptor_device_writes)
                || (sent->descriptors[1].flags & virtio::descriptor_device_writes)
                || sent->descriptors[1].address != reinterpret_cast<u64>(bytes.data()) + 4096 || sent->descriptors[1].length != 60)
                return 11;
            u8 header[12];
            std::memcpy(header, reinterpret_cast<void const*>(sent->descriptors[0].address), 12);
            for (u8 byte : header) {
                if (byte != 0)
                    return 12;
            }
            auto const* on_the_wire = reinterpret_cast<u8 const*>(sent->descriptors[1].address);
            if (on_the_wire[0] != 0x80 || on_the_wire[59] != 0x80 + 59)
                return 13; /* the device reads the client's frame as it wrote it */
            fixture.transmit.model.put_used(sent->head, 0);
            auto done = fixture.finished();
            if (status_of(done) != 0 || removed(region_copy))
                return 14;
            auto counters_reply = fixture.send(ReadCounters {});
            Counters counters {};
            if (protocol::decode_body(std::span<u8 const>(counters_reply.data(), counters_reply.size()), counters).is_error())
                return 15;
            if (counters.frames_received != 1 || counters.bytes_received != 60 || counters.frames_transmitted != 1
                || counters.bytes_transmitted != 60 || counters.receive_posted != 1 || counters.transmit_pending != 0)
                return 16;
            if (fixture.device.resets != 0)
                return 17;
        }
        /* The session ended with a receive buffer at the device: it was reset while the copy still existed, then the copy went. */
        if (!removed(region_copy))
            return 18;
        return 0;
    });
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 0);
}

TEST_CASE("the session's end with chains outstanding: the device is reset before the lent copy is removed", "[virtionet]")
{
    Lender lender;
    auto result = lender.run([](Bundle& bundle) -> ErrorOr<i32> {
        auto reticle = TRY(bundle.take<ReticleCap>("memory"));
        auto buffers = TRY(system::create_memory(reticle, 8192));
        MemCap region_copy;
        usize resets = 0;
        bool alive_at_reset = false;
        {
            Fixture fixture;
            if (lend_to(fixture, buffers, RightRead | RightWrite, region_copy) != 0)
                return 1;
            (void)fixture.send(PostReceive { 0, 2048 });
            (void)fixture.send(Transmit { 4096, 60 });
            fixture.link.publish();
            if (fixture.link.receive_posted() != 1 || fixture.link.transmit_pending() != 1)
                return 2;
            fixture.device.watched = &region_copy;
            fixture.link.~Link();
            resets = fixture.device.resets;
            alive_at_reset = fixture.device.watched_alive_at_reset;
            if (!removed(region_copy) || fixture.link.receive_posted() != 0 || fixture.link.transmit_pending() != 0)
                return 3;
            new (&fixture.link) virtionet::Link(fixture.device, fixture.receive.ring, fixture.transmit.ring, fixture.headers,
                reinterpret_cast<u64>(fixture.headers), fixture.configuration);
        }
        if (resets != 1 || !alive_at_reset)
            return 4;
        return 0;
    });
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 0);
}

TEST_CASE("a client's bad lends, offsets and frames are refused before the device sees them", "[virtionet]")
{
    Lender lender;
    auto result = lender.run([](Bundle& bundle) -> ErrorOr<i32> {
        auto reticle = TRY(bundle.take<ReticleCap>("memory"));
        Fixture fixture;
        auto buffers = TRY(system::create_memory(reticle, 4096));
        MemCap copy;
        u16 unusable = u16(LinkError::BufferUnusable);
        u16 not_lent = u16(LinkError::NotLent);

        /* Before any lend: nothing names memory. */
        if (status_of(fixture.send(PostReceive { 0, 2048 })) != not_lent || status_of(fixture.send(Transmit { 0, 60 })) != not_lent)
            return 1;
        /* Lends: none carried, read-only (the device could not write it), revoked before the driver looked, never held. */
        if (status_of(fixture.send(Lend {})) != unusable)
            return 2;
        if (lend_to(fixture, buffers, RightRead, copy) != unusable || !removed(copy))
            return 3; /* refused: the copy is gone */
        if (lend_to(fixture, buffers, RightWrite, copy) != unusable || !removed(copy))
            return 4;
        auto revoked = TRY(lend(buffers, RightRead | RightWrite, copy));
        TRY(system::remove(revoked.handle, CapabilityClass::Memory));
        if (status_of(fixture.send(Lend {}, revoked)) != unusable)
            return 5;
        ReceivedCapability forged { CapabilityClass::Memory, { copy.space(), u16(copy.slot() + 17), 3 } };
        if (status_of(fixture.send(Lend {}, forged)) != unusable)
            return 6;
        if (fixture.link.lent() || status_of(fixture.send(PostReceive { 0, 2048 })) != not_lent)
            return 7;

        /* Lent: 4096 bytes. Offsets and lengths outside it, one wrapping 2^64; buffers and frames out of bounds. */
        if (lend_to(fixture, buffers, RightRead | RightWrite, copy) != 0)
            return 8;
        if (status_of(fixture.send(PostReceive { 0, frame_maximum - 1 })) != u16(LinkError::BufferTooSmall))
            return 9;
        if (status_of(fixture.send(PostReceive { 3000, 2048 })) != unusable)
            return 10; /* past the region's end */
        if (status_of(fixture.send(PostReceive { 4097, frame_maximum })) != unusable)
            return 11; /* the offset itself past the end */
        if (status_of(fixture.send(PostReceive { ~u64(0) - 10, 2048 })) != unusable)
            return 12; /* offset + length wrapping around */
        if (status_of(fixture.send(Transmit { ~u64(0), 60 })) != unusable)
            return 13;
        if (status_of(fixture.send(Transmit { 0, frame_maximum + 1 })) != u16(LinkError::FrameTooLarge))
            return 14;
        if (status_of(fixture.send(Transmit { 0, 13 })) != u16(LinkError::FrameTooSmall))
            return 15;
        if (status_of(fixture.send(Transmit { 4000, 200 })) != unusable)
            return 16;
        /* A request that carries a MemCap it need not: served from the region, the stray copy removed. */
        MemCap stray;
        if (!fixture.send(Transmit { 4096 - 60, 60 }, TRY(lend(buffers, RightRead, stray))).empty() || !removed(stray))
            return 17;
        /* A second lend with a frame outstanding: refused, its copy removed, the first region still lent. */
        MemCap second;
        if (lend_to(fixture, buffers, RightRead | RightWrite, second) != u16(LinkError::LentInUse) || !removed(second) || removed(copy))
            return 18;
        fixture.link.publish();
        if (fixture.receive.model.take_chain())
            return 19; /* the device saw no refused buffer */
        auto sent = fixture.transmit.model.take_chain();
        if (!sent || fixture.transmit.model.take_chain())
            return 20;
        /* Answered, nothing outstanding: a new lend replaces the region and the old copy goes. */
        fixture.transmit.model.put_used(sent->head, 0);
        if (fixture.finished().empty())
            return 21;
        auto big = TRY(system::create_memory(reticle, 33 * 2048));
        if (lend_to(fixture, big, RightRead | RightWrite, second) != 0 || !removed(copy) || removed(second))
            return 22;

        /* The limit: 32 buffers posted, the 33rd refused. */
        for (u64 index = 0; index < 32; ++index) {
            if (!fixture.send(PostReceive { index * 2048, 2048 }).empty())
                return 23;
        }
        if (status_of(fixture.send(PostReceive { 32 * 2048, 2048 })) != u16(LinkError::TooManyOutstanding))
            return 24;
        auto counters_reply = fixture.send(ReadCounters {});
        Counters counters {};
        if (protocol::decode_body(std::span<u8 const>(counters_reply.data(), counters_reply.size()), counters).is_error()
            || counters.refused != 18 || counters.receive_posted != 32)
            return 25;
        return 0;
    });
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 0);
}

TEST_CASE("a lent copy revoked: forgotten when idle (requests not-lent), serving ends when the device holds buffers in it", "[virtionet]")
{
    Lender lender;
    auto result = lender.run([](Bundle& bundle) -> ErrorOr<i32> {
        auto reticle = TRY(bundle.take<ReticleCap>("memory"));
        auto buffers = TRY(system::create_memory(reticle, 8192));
        Fixture fixture;
        MemCap copy;
        auto lent = TRY(lend(buffers, RightRead | RightWrite, copy));
        if (status_of(fixture.send(Lend {}, lent)) != 0 || fixture.link.check_lent().is_error())
            return 1;
        /* The client revokes the driver's copy (here: it is removed under the driver). */
        TRY(system::remove(lent.handle, CapabilityClass::Memory));
        if (fixture.link.check_lent().is_error() || fixture.link.lent())
            return 2;
        if (status_of(fixture.send(PostReceive { 0, 2048 })) != u16(LinkError::NotLent)
            || status_of(fixture.send(Transmit { 0, 60 })) != u16(LinkError::NotLent))
            return 3;
        return 0;
    });
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 0);
    result = lender.run([](Bundle& bundle) -> ErrorOr<i32> {
        auto reticle = TRY(bundle.take<ReticleCap>("memory"));
        auto buffers = TRY(system::create_memory(reticle, 8192));
        Fixture fixture;
        MemCap copy;
        auto lent = TRY(lend(buffers, RightRead | RightWrite, copy));
        if (status_of(fixture.send(Lend {}, lent)) != 0)
            return 4;
        (void)fixture.send(PostReceive { 0, 2048 });
        (void)fixture.send(Transmit { 4096, 60 });
        fixture.link.publish();
        TRY(system::remove(lent.handle, CapabilityClass::Memory));
        auto checked = fixture.link.check_lent();
        if (!checked.is_error() || checked.error().code() != ErrorCode::Revoked)
            return 5;
        u8 reply[protocol::payload_capacity<P>];
        usize answered = 0;
        while (usize length = fixture.link.answer_outstanding(reply)) {
            if (status_of(std::vector<u8>(reply, reply + length)) != u16(LinkError::DeviceFailed))
                return 6;
            ++answered;
        }
        if (answered != 2 || fixture.link.lent())
            return 7;
        return 0;
    });
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 0);
}

TEST_CASE("transmit interrupts: the next used transmit interrupts, and one used before the wish is taken, not waited for", "[virtionet]")
{
    Lender lender;
    auto result = lender.run([](Bundle& bundle) -> ErrorOr<i32> {
        auto reticle = TRY(bundle.take<ReticleCap>("memory"));
        Fixture fixture(true);
        auto frames = TRY(system::create_memory(reticle, 4 * 2048));
        MemCap region_copy;
        if (lend_to(fixture, frames, RightRead | RightWrite, region_copy) != 0)
            return 1;
        for (u16 index = 0; index < 4; ++index) {
            if (!fixture.send(Transmit { u64(index) * 2048, 60 }).empty())
                return 1;
        }
        fixture.link.publish();
        /* Asked before the wait: the first used transmit interrupts (its reply frees a client's slot). */
        if (!fixture.link.prepare_to_wait())
            return 2;
        if (!fixture.transmit.model.serve(1))
            return 3;
        if (fixture.finished().empty() || !fixture.finished().empty())
            return 4;
        /* The device uses one after the driver's last look and before its wish: the driver must not wait. */
        (void)fixture.transmit.model.serve(1);
        if (fixture.link.prepare_to_wait())
            return 5;
        if (fixture.finished().empty())
            return 6;
        /* Asked again: the next one interrupts; every copy is gone once all are answered. */
        if (!fixture.link.prepare_to_wait() || !fixture.transmit.model.serve(1))
            return 7;
        (void)fixture.transmit.model.serve(1);
        usize answered = 0;
        while (!fixture.finished().empty())
            ++answered;
        if (answered != 2 || fixture.link.transmit_pending() != 0)
            return 8;
        return 0;
    });
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 0);
}

TEST_CASE("the receive queue's lost-notification race: a frame landing before the wish is taken, not waited for", "[virtionet]")
{
    Lender lender;
    auto result = lender.run([](Bundle& bundle) -> ErrorOr<i32> {
        auto reticle = TRY(bundle.take<ReticleCap>("memory"));
        Fixture fixture(true);
        auto buffers = TRY(system::create_memory(reticle, 2 * 2048));
        MemCap region_copy;
        if (lend_to(fixture, buffers, RightRead | RightWrite, region_copy) != 0)
            return 1;
        (void)fixture.send(PostReceive { 0, 2048 });
        (void)fixture.send(PostReceive { 2048, 2048 });
        fixture.link.publish();
        if (!fixture.finished().empty())
            return 1;
        /* The device lands a frame after the driver's last look and before it asks for an interrupt:
           the device saw no wish for one, so the driver must not wait. */
        auto chain = fixture.receive.model.take_chain();
        (void)fixture.receive.model.put_used(chain->head, 12 + 60);
        if (fixture.link.prepare_to_wait())
            return 2;
        if (fixture.finished().empty())
            return 3;
        /* Asked now: the next frame interrupts. */
        if (!fixture.link.prepare_to_wait())
            return 4;
        chain = fixture.receive.model.take_chain();
        if (!fixture.receive.model.put_used(chain->head, 12 + 60))
            return 5;
        if (fixture.finished().empty())
            return 6;
        return 0;
    });
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 0);
}

TEST_CASE("a device using an entry never made available ends serving: every outstanding request answered device-failed", "[virtionet]")
{
    Lender lender;
    auto result = lender.run([](Bundle& bundle) -> ErrorOr<i32> {
        auto reticle = TRY(bundle.take<ReticleCap>("memory"));
        Fixture fixture;
        auto buffers = TRY(system::create_memory(reticle, 8192));
        MemCap region_copy;
        if (lend_to(fixture, buffers, RightRead | RightWrite, region_copy) != 0)
            return 5;
        (void)fixture.send(PostReceive { 0, 2048 });
        (void)fixture.send(Transmit { 4096, 100 });
        fixture.link.publish();
        /* Descriptor 5 was never the head of a chain made available. */
        fixture.receive.model.put_used(5, 100);
        u8 reply[protocol::payload_capacity<P>];
        auto finished = fixture.link.take_finished(reply);
        if (!finished.is_error() || finished.error().code() != ErrorCode::MalformedMessage)
            return 1;
        usize answered = 0;
        while (usize length = fixture.link.answer_outstanding(reply)) {
            if (status_of(std::vector<u8>(reply, reply + length)) != u16(LinkError::DeviceFailed))
                return 2;
            ++answered;
        }
        if (answered != 2 || fixture.link.receive_posted() != 0 || fixture.link.transmit_pending() != 0)
            return 3;
        if (removed(region_copy))
            return 4; /* kept until the session's end resets the device */
        return 0;
    });
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 0);
}

TEST_CASE("virtio-net's configuration: the MAC is required and checked; link status only with STATUS", "[virtionet]")
{
    using virtio::net::Configuration;
    u8 bytes[8] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56, 0, 0 };
    CHECK(Configuration::read(bytes, 8, 0).error().code() == ErrorCode::Unsupported);
    auto plain = MUST(Configuration::read(bytes, 8, virtio::net::feature_mac));
    CHECK(plain.link_up); /* without STATUS the link is taken as up */
    auto down = MUST(Configuration::read(bytes, 8, virtio::net::feature_mac | virtio::net::feature_status));
    CHECK_FALSE(down.link_up);
    bytes[6] = 1;
    CHECK(MUST(Configuration::read(bytes, 8, virtio::net::feature_mac | virtio::net::feature_status)).link_up);
    CHECK(Configuration::read(bytes, 7, virtio::net::feature_mac).error().code() == ErrorCode::MalformedMessage);
    bytes[0] = 0x53; /* a multicast address */
    CHECK(Configuration::read(bytes, 8, virtio::net::feature_mac).error().code() == ErrorCode::MalformedMessage);
    u8 zero[8] {};
    CHECK(Configuration::read(zero, 8, virtio::net::feature_mac).error().code() == ErrorCode::MalformedMessage);
}
