/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.vfs requests as bytes and their replies, for tests that feed a SessionHandler the way a
 * session would: encode a typed request, dispatch it, decode the typed reply or its error.
 */

#pragma once

#include <catch2/catch.hpp>
#include <string_view>
#include <vector>
#include <vectra/protocol/Envelope.h>
#include <vfsd/Server.h>

namespace vectra::test {

using namespace vectra::vfs;

struct Reply {
    protocol::Envelope envelope;
    std::vector<u8> bytes;

    [[nodiscard]] bool succeeded() const { return envelope.status == protocol::status_success; }
    [[nodiscard]] Error error() const { return protocol::error_of_status(envelope.status, domain); }
    [[nodiscard]] bool is(auto code) const { return !succeeded() && error().is(code); }

    template<typename Body>
    [[nodiscard]] Body body() const
    {
        Body decoded {};
        REQUIRE(succeeded());
        REQUIRE_FALSE(protocol::decode_body(bytes, decoded).is_error());
        return decoded;
    }
};

inline Reply call(SessionHandler& handler, std::span<u8 const> request)
{
    /* Larger than a slot's payload, as a careless caller might lend: the reply must still fit the payload. */
    u8 buffer[ring_slot_size + 64];
    usize length = handle_request(handler, request, buffer);
    REQUIRE(length >= protocol::envelope_size);
    REQUIRE(length <= protocol::payload_capacity<Protocol>);
    Reply reply { protocol::read_envelope(std::span<u8 const>(buffer, length)).value(), { buffer, buffer + length } };
    REQUIRE(reply.envelope.is_reply);
    return reply;
}

template<typename Request>
std::vector<u8> request(Request const& message, u32 id = 1)
{
    u8 buffer[protocol::payload_capacity<Protocol>];
    usize length = protocol::encode_request<Protocol>(message, id, buffer).value();
    return { buffer, buffer + length };
}

inline Path path(std::initializer_list<char const*> components)
{
    Path result = Path::root();
    for (auto const* component : components)
        result = result.try_join(component).value();
    return result;
}

inline Data data_of(std::string_view text)
{
    Data bytes;
    for (char character : text)
        REQUIRE_FALSE(bytes.try_append(static_cast<u8>(character)).is_error());
    return bytes;
}

}
