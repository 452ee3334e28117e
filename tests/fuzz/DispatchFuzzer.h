/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The fuzz check every declared protocol's server dispatch gets: whatever bytes arrive, the
 * reply is a reply envelope that fits the protocol's slot payload (even from a larger buffer),
 * answers the message number and call id it was sent (when there were enough bytes to carry
 * them), carries nothing after a refusal, and a request that reached its handler was canonical:
 * encoding what was decoded gives back exactly the bytes sent.
 */

#pragma once

#include <cstring>
#include <vectra/protocol/Dispatch.h>

namespace vectra::test {

/* What fuzz_dispatch saw: whether the handler refused, so a target can check nothing changed. */
struct DispatchOutcome {
    bool refused { false };
};

template<typename P, typename Handler>
DispatchOutcome fuzz_dispatch(Handler& handler, std::span<u8 const> input)
{
    u8 reply[protocol::payload_capacity<P> + 64];
    usize length = protocol::dispatch<P>(handler, input, reply);
    VERIFY(length >= protocol::envelope_size && length <= protocol::payload_capacity<P>);
    auto envelope = MUST(protocol::read_envelope(std::span<u8 const>(reply, length)));
    VERIFY(envelope.is_reply);
    auto sent = protocol::read_envelope(input);
    if (!sent.is_error()) {
        VERIFY(envelope.call_id == sent.value().call_id);
        VERIFY(envelope.message == sent.value().message);
    }
    if (envelope.status != protocol::status_success) {
        VERIFY(length == protocol::envelope_size);
        return { true };
    }
    /* It was answered: the request decoded, and decoded canonically. */
    protocol::for_each_message<P>([&]<usize Index>() {
        if (envelope.message != Index + 1)
            return;
        protocol::RequestAt<P, Index> decoded {};
        VERIFY(!protocol::decode_body(input, decoded).is_error());
        u8 again[protocol::payload_capacity<P>];
        usize encoded = MUST(protocol::encode_request<P>(decoded, envelope.call_id, again));
        VERIFY(encoded == input.size() && memcmp(again, input.data(), encoded) == 0);
        protocol::ReplyAt<P, Index> answer {};
        VERIFY(!protocol::decode_body(std::span<u8 const>(reply, length), answer).is_error());
    });
    return { false };
}

}
