/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The server half of a declared protocol: one handler per message. A handler is any object with
 *
 *     ErrorOr<Reply> handle(Request const&);                         // or, when the slot carries capabilities:
 *     ErrorOr<Reply> handle(Request const&, MessageCapabilities&);
 *
 * for each message of the declaration (a missing one does not compile). dispatch() decodes the
 * request completely — envelope, message number, canonical body — before the handler runs; a
 * request that fails any of that gets an error reply and reaches no handler. The handler's
 * error becomes the reply's status: one of the protocol's declared errors as itself, anything
 * else as 0x8000 | ErrorCode. Every reply fits one Ring slot of the protocol, whatever buffer
 * the caller lends.
 */

#pragma once

#include <optional>
#include <span>
#include <vectra/Ring.h>
#include <vectra/protocol/Envelope.h>

namespace vectra::protocol {

/* The capability a request brought (already in the server's space), and one to send with the reply. */
struct MessageCapabilities {
    std::optional<ReceivedCapability> received;
    enum class Transfer : u8 {
        Move,
        Copy,
    };
    struct Outgoing {
        ReceivedCapability capability;
        Transfer transfer { Transfer::Move };
        Rights keep { 0 };
    };
    std::optional<Outgoing> reply;
};

/* P's error domain, found from its Errors enum by argument lookup. */
template<typename P>
[[nodiscard]] constexpr ErrorDomain const& domain_of()
{
    return error_domain(typename P::Errors {});
}

template<typename P, usize Index, typename Handler>
[[nodiscard]] usize dispatch_message(Handler& handler, std::span<u8 const> request, Envelope const& envelope,
    std::span<u8> reply, MessageCapabilities& capabilities)
{
    using Request = RequestAt<P, Index>;
    using Reply = ReplyAt<P, Index>;
    u16 number = static_cast<u16>(Index + 1);
    Request decoded {};
    if (decode_body(request, decoded).is_error())
        return encode_status_reply(reply, number, envelope.call_id, status_general | u16(ErrorCode::MalformedMessage));
    auto handled = [&]() -> ErrorOr<Reply> {
        if constexpr (requires { handler.handle(decoded, capabilities); })
            return handler.handle(decoded, capabilities);
        else
            return handler.handle(decoded);
    }();
    if (handled.is_error())
        return encode_status_reply(reply, number, envelope.call_id, status_of<P>(handled.error(), domain_of<P>()));
    auto encoded = encode_message(reply, static_cast<u16>(number | reply_flag), status_success, envelope.call_id, handled.value());
    if (encoded.is_error()) {
        capabilities.reply.reset();
        return encode_status_reply(reply, number, envelope.call_id, status_general | u16(ErrorCode::TooLarge));
    }
    return encoded.value();
}

/*
 * Answers one request of P: decodes it, runs the handler, encodes the reply into `reply` (at
 * least envelope_size bytes; never more than a slot's payload is used). Returns the reply's length.
 */
template<typename P, typename Handler>
[[nodiscard]] usize dispatch(
    Handler& handler, std::span<u8 const> request, std::span<u8> reply, MessageCapabilities& capabilities)
{
    VERIFY(reply.size() >= envelope_size);
    if (reply.size() > payload_capacity<P>)
        reply = reply.first(payload_capacity<P>);
    capabilities.reply.reset();
    auto envelope = read_envelope(request);
    if (envelope.is_error())
        return encode_status_reply(reply, 0, 0, status_general | u16(ErrorCode::MalformedMessage));
    Envelope const& header = envelope.value();
    if (header.is_reply || header.status != 0)
        return encode_status_reply(reply, header.message, header.call_id, status_general | u16(ErrorCode::MalformedMessage));
    usize length = 0;
    bool found = false;
    for_each_message<P>([&]<usize Index>() {
        if (found || header.message != Index + 1)
            return;
        found = true;
        length = dispatch_message<P, Index>(handler, request, header, reply, capabilities);
    });
    if (!found)
        return encode_status_reply(reply, header.message, header.call_id, status_general | u16(ErrorCode::UnknownMessage));
    return length;
}

template<typename P, typename Handler>
[[nodiscard]] usize dispatch(Handler& handler, std::span<u8 const> request, std::span<u8> reply)
{
    MessageCapabilities none;
    return dispatch<P>(handler, request, reply, none);
}

}
