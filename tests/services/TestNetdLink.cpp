/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's link interface (netd/LinkInterface.h) against a driver the test plays on real Rings
 * (vectra.link v2): netd lends its frame slots once (a MemCap with read and write) and then names
 * slots by offset — no request after the lend carries a capability; a landed frame reaches lwIP
 * and its buffer is posted again; a transmit copies lwIP's frame into a transmit slot of the lent
 * region; a receive buffer the driver refuses is not posted again (no loop of refusals); more
 * replies at once than one burst takes are all taken by one poll.
 */

#include "../LendingTask.h"
#include "NetdTestStack.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <lwip/pbuf.h>
#include <netd/LinkInterface.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/protocol/Dispatch.h>

using namespace vectra;
using namespace vectra::net::link;

namespace {

using P = Protocol;

template<typename Request>
constexpr u16 number_of = static_cast<u16>(protocol::index_of<P, Request>() + 1);

constexpr SignalBit driver_request_bit { 10 };
constexpr SignalBit driver_space_bit { 11 };

/* The driver's ends: requests in, replies out. */
struct Driver {
    RingReceiver requests;
    RingSender replies;

    struct Request {
        protocol::Envelope envelope;
        std::vector<u8> bytes;
        std::optional<ReceivedCapability> capability;
    };

    ErrorOr<Request> next()
    {
        u8 bytes[protocol::payload_capacity<P>];
        auto received = TRY(endpoint::receive(requests, bytes));
        Request request { TRY(protocol::read_envelope(std::span<u8 const>(bytes, received.length))),
            std::vector<u8>(bytes, bytes + received.length), std::nullopt };
        if (received.has_capability)
            request.capability = received.capability;
        return request;
    }

    template<typename Reply>
    ErrorOr<void> answer(protocol::Envelope const& request, Reply const& reply, u16 status = protocol::status_success)
    {
        u8 bytes[protocol::payload_capacity<P>];
        usize length = status == protocol::status_success
            ? TRY(protocol::encode_message(bytes, u16(request.message | protocol::reply_flag), status, request.call_id, reply))
            : protocol::encode_status_reply(bytes, request.message, request.call_id, status);
        return replies.try_send(std::span<u8 const>(bytes, length));
    }
};

template<typename Body>
ErrorOr<Body> body_of(Driver::Request const& request)
{
    Body body {};
    TRY(protocol::decode_body(std::span<u8 const>(request.bytes.data(), request.bytes.size()), body));
    return body;
}

netd::LinkInterface& link_interface()
{
    alignas(netd::LinkInterface) static u8 storage[sizeof(netd::LinkInterface)];
    static auto* link = new (storage) netd::LinkInterface(); /* lwIP keeps its netif: never destroyed */
    return *link;
}

ErrorOr<i32> lend_once_then_offsets(Bundle& bundle)
{
    auto reticle = TRY(bundle.take<ReticleCap>("memory"));
    TRY(test::start_netd_stack());
    auto requests = TRY(system::create_ring(reticle, P::slot_count, P::slot_size, schema_id));
    auto replies = TRY(system::create_ring(reticle, P::slot_count, P::slot_size, schema_id));
    auto driver_requests = TRY(system::attenuate(requests, RightReceive));
    auto driver_replies = TRY(system::attenuate(replies, RightSend));
    Driver driver { TRY(endpoint::bind_receiver(driver_requests, schema_id, driver_request_bit)),
        TRY(endpoint::bind_sender(driver_replies, schema_id, driver_space_bit)) };
    /* info is answered before netd asks (its call id is 1): the link down, so lwIP sends nothing of its own. */
    TRY(driver.answer(protocol::Envelope { number_of<Info>, 0, 1, false },
        LinkInfo { { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, 1500, 1514, 32, 32, false }));
    auto& link = link_interface();
    TRY(link.start(std::move(requests), std::move(replies), reticle, netd::LinkPlan {}, 1'000'000'000));
    auto info = TRY(driver.next());
    if (info.envelope.message != number_of<Info>)
        return 1;

    /* The lend: one MemCap, read and write, all 32 slots. */
    auto lend = TRY(driver.next());
    if (lend.envelope.message != number_of<Lend> || !lend.capability)
        return 2;
    auto lent = TRY(endpoint::lent_memory(lend.capability, true));
    if (lent.size != usize(netd::LinkInterface::receive_slots + netd::LinkInterface::transmit_slots) * netd::LinkInterface::slot_bytes)
        return 3;
    auto region = TRY(system::map_memory(lent.memory));
    TRY(driver.answer(lend.envelope, Lent { lent.size }));

    /* Then every receive buffer by offset, none carrying a capability. */
    u32 receive_calls[netd::LinkInterface::receive_slots] {};
    for (u16 slot = 0; slot < netd::LinkInterface::receive_slots; ++slot) {
        auto posted = TRY(driver.next());
        auto body = TRY(body_of<PostReceive>(posted));
        if (posted.envelope.message != number_of<PostReceive> || posted.capability || body.offset != u64(slot) * 2048
            || body.length != 2048)
            return 4;
        receive_calls[slot] = posted.envelope.call_id;
    }
    if (!driver.next().is_error())
        return 5; /* nothing more */

    /* A frame lands in slot 3: lwIP gets it, and the same buffer is posted again, by offset. */
    u8 frame[60] {};
    std::memset(frame, 0xff, 6); /* broadcast */
    frame[12] = 0x08;
    frame[13] = 0x06; /* ARP, too short for lwIP to keep: taken and dropped */
    std::memcpy(region.data() + 3 * 2048, frame, sizeof(frame));
    TRY(driver.answer(protocol::Envelope { number_of<PostReceive>, 0, receive_calls[3], false }, Landed { 60 }));
    link.poll();
    if (link.frames_received() != 1)
        return 6;
    auto again = TRY(driver.next());
    auto again_body = TRY(body_of<PostReceive>(again));
    if (again.envelope.message != number_of<PostReceive> || again.capability || again_body.offset != 3 * 2048)
        return 7;

    /* A transmit: lwIP's frame copied into the first transmit slot of the lent region, named by offset. */
    pbuf* packet = pbuf_alloc(PBUF_RAW, 60, PBUF_RAM);
    if (packet == nullptr)
        return 8;
    u8 outgoing[60];
    for (usize index = 0; index < sizeof(outgoing); ++index)
        outgoing[index] = u8(0x40 + index);
    pbuf_take(packet, outgoing, sizeof(outgoing));
    err_t sent = link.transmit(packet);
    pbuf_free(packet);
    if (sent != ERR_OK)
        return 9;
    auto transmit = TRY(driver.next());
    auto transmit_body = TRY(body_of<Transmit>(transmit));
    u64 first_transmit_slot = u64(netd::LinkInterface::receive_slots) * 2048;
    if (transmit.envelope.message != number_of<Transmit> || transmit.capability || transmit_body.offset != first_transmit_slot
        || transmit_body.length != 60 || std::memcmp(region.data() + first_transmit_slot, outgoing, 60) != 0)
        return 10;

    /* A receive buffer refused (as a driver that lost the region answers): not posted again. */
    TRY(driver.answer(protocol::Envelope { number_of<PostReceive>, 0, receive_calls[4], false }, protocol::Done {},
        u16(LinkError::NotLent)));
    link.poll();
    if (!driver.next().is_error() || link.frames_received() != 1)
        return 11;

    /* More replies at once than one burst takes: every transmit slot in use, then 16 transmits and
       15 frames answered together (31 replies, the frames last). One poll takes them all — none is left behind
       without a doorbell to come — and posts the 15 buffers again. */
    receive_calls[3] = again.envelope.call_id;
    u32 transmit_calls[netd::LinkInterface::transmit_slots] { transmit.envelope.call_id };
    for (u16 slot = 1; slot < netd::LinkInterface::transmit_slots; ++slot) {
        pbuf* more = pbuf_alloc(PBUF_RAW, 60, PBUF_RAM);
        if (more == nullptr)
            return 12;
        pbuf_take(more, outgoing, sizeof(outgoing));
        err_t queued = link.transmit(more);
        pbuf_free(more);
        auto request = TRY(driver.next());
        if (queued != ERR_OK || request.envelope.message != number_of<Transmit>)
            return 13;
        transmit_calls[slot] = request.envelope.call_id;
    }
    for (u32 call_id : transmit_calls)
        TRY(driver.answer(protocol::Envelope { number_of<Transmit>, 0, call_id, false }, protocol::Done {}));
    for (u16 slot = 0; slot < netd::LinkInterface::receive_slots; ++slot) {
        if (slot == 4)
            continue; /* refused above: not posted */
        std::memcpy(region.data() + usize(slot) * 2048, frame, sizeof(frame));
        TRY(driver.answer(protocol::Envelope { number_of<PostReceive>, 0, receive_calls[slot], false }, Landed { 60 }));
    }
    link.poll();
    if (link.frames_received() != 16)
        return 14;
    usize reposted = 0;
    while (true) {
        auto posted = driver.next();
        if (posted.is_error())
            break;
        if (posted.value().envelope.message != number_of<PostReceive> || posted.value().capability)
            return 15;
        ++reposted;
    }
    if (reposted != netd::LinkInterface::receive_slots - 1)
        return 16;
    endpoint::discard(*lend.capability);
    return 0;
}

}

TEST_CASE("netd lends its frame slots once, then names them by offset: frames both ways, a refused buffer not posted again", "[netd][link]")
{
    test::Lender lender;
    auto result = lender.run(lend_once_then_offsets);
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 0);
}
