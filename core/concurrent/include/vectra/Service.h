/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Bundle.h>
#include <vectra/Ring.h>
#include <vectra/System.h>

#include <vectra/Connection.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra {

/* One Bundle slot a service needs: its name, class and exact rights. A footprint is a list of these. */
struct SlotRequirement {
    std::string_view name;
    CapabilityClass capability_class;
    Rights rights;
};

/*
 * Checks that the Bundle holds exactly the declared footprint: every slot present with its
 * class and rights (RightMove aside: the composition grants it, not the component), and nothing
 * else. The build checks the boot manifest against the same
 * footprint (footprint.json); this is the run-time half, for a Task spawned any other way.
 */
[[nodiscard]] ErrorOr<void> check_footprint(Bundle const&, std::span<SlotRequirement const>);

/*
 * The service pattern's loop: one Ring inbox, one signal wait per iteration. Each request is
 * handed to `handler(request, reply_buffer) -> usize reply_length` and the reply sent (waiting
 * for space when the reply Ring is full). Returns only on a Ring error — PeerRestarted when the
 * supervisor reset the Rings — which the service returns from its entry.
 */
template<typename Handler>
[[nodiscard]] ErrorOr<void> serve(RingReceiver& inbox, RingSender& outbox, std::span<u8> request, std::span<u8> reply,
    Handler&& handler)
{
    for (;;) {
        (void)system::wait(inbox.doorbell().mask());
        for (;;) {
            auto received = inbox.try_receive(request);
            if (received.is_error()) {
                if (received.error().code() == ErrorCode::Empty)
                    break;
                if (received.error().code() == ErrorCode::InvalidArgument || received.error().code() == ErrorCode::MalformedMessage)
                    continue; /* a slot this service does not take was dropped; keep serving */
                return received.release_error();
            }
            /* The handler takes bytes only: a capability that came along is not kept (see session::serve). */
            if (received.value().has_capability)
                (void)system::remove(received.value().capability.handle, received.value().capability.capability_class);
            usize length = handler(std::span<u8 const>(request.data(), received.value().length), reply);
            for (;;) {
                auto sent = outbox.try_send(std::span<u8 const>(reply.data(), length));
                if (!sent.is_error())
                    break;
                if (sent.error().code() != ErrorCode::Full)
                    return sent.release_error();
                (void)system::wait(outbox.space_bit().mask());
            }
        }
    }
}

/*
 * Serves a declared protocol P on a direct connection: each request is answered by `handler`
 * (one handler per message, see protocol/Dispatch.h). Refuses Rings whose slots differ from P's,
 * since a larger slot could carry a request P never declared. Returns as serve() does.
 */
template<typename P, typename Handler>
[[nodiscard]] ErrorOr<void> serve(ServerConnection& connection, Handler& handler)
{
    if (connection.inbox().payload_capacity() != protocol::payload_capacity<P>
        || connection.outbox().payload_capacity() != protocol::payload_capacity<P>)
        return Error(ErrorCode::InvalidArgument, "the Rings' slots differ from the protocol's slot_size");
    u8 request[protocol::payload_capacity<P>];
    u8 reply[protocol::payload_capacity<P>];
    return serve(connection.inbox(), connection.outbox(), request, reply,
        [&](std::span<u8 const> message, std::span<u8> answer) { return protocol::dispatch<P>(handler, message, answer); });
}

}
