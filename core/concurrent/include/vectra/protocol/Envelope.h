/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The bytes of a declared protocol's messages, generated from the declaration:
 *
 *     request = u16 message number (1-based, declaration order), u16 0, u32 call id, body
 *     reply   = u16 message number | 0x8000, u16 status, u32 call id, body (only when status is 0)
 *     body    = the request's or reply's canonical binary body (core/encoding), nothing after it
 *
 * All little-endian. The schema id both ends bound with already says which declaration (and
 * version) the bytes follow, so messages carry no version of their own.
 */

#pragma once

#include <span>
#include <vectra/protocol/Declaration.h>

namespace vectra::protocol {

struct Envelope {
    u16 message { 0 }; /* 1-based; the reply flag cleared */
    u16 status { 0 };
    u32 call_id { 0 };
    bool is_reply { false };
};

inline void write_envelope(std::span<u8> output, u16 message, u16 status, u32 call_id)
{
    u8 bytes[envelope_size] = { static_cast<u8>(message), static_cast<u8>(message >> 8), static_cast<u8>(status),
        static_cast<u8>(status >> 8), static_cast<u8>(call_id), static_cast<u8>(call_id >> 8),
        static_cast<u8>(call_id >> 16), static_cast<u8>(call_id >> 24) };
    __builtin_memcpy(output.data(), bytes, envelope_size);
}

[[nodiscard]] inline ErrorOr<Envelope> read_envelope(std::span<u8 const> message)
{
    if (message.size() < envelope_size)
        return Error(ErrorCode::MalformedMessage, "a message is shorter than its envelope");
    auto u16_at = [&](usize offset) { return static_cast<u16>(message[offset] | (message[offset + 1] << 8)); };
    Envelope envelope;
    u16 number = u16_at(0);
    envelope.is_reply = (number & reply_flag) != 0;
    envelope.message = static_cast<u16>(number & ~reply_flag);
    envelope.status = u16_at(2);
    envelope.call_id = static_cast<u32>(message[4]) | (static_cast<u32>(message[5]) << 8)
        | (static_cast<u32>(message[6]) << 16) | (static_cast<u32>(message[7]) << 24);
    return envelope;
}

/* Writes envelope and body of `value` (a request when `status` is unused, a reply otherwise). */
template<typename Body>
[[nodiscard]] ErrorOr<usize> encode_message(
    std::span<u8> output, u16 message, u16 status, u32 call_id, Body const& value)
{
    if (output.size() < envelope_size)
        return Error(ErrorCode::TooLarge, "the buffer cannot hold a message envelope");
    write_envelope(output, message, status, call_id);
    encoding::BinaryWriter writer(output.subspan(envelope_size));
    auto written = encoding::encode_binary_value(writer, value);
    if (written.is_error())
        return written.release_error();
    return envelope_size + writer.length();
}

/* A request of P for `Request`, its number taken from the declaration. */
template<typename P, typename Request>
[[nodiscard]] ErrorOr<usize> encode_request(Request const& request, u32 call_id, std::span<u8> output)
{
    constexpr usize index = index_of<P, Request>();
    static_assert(index < MessagesOf<P>::count, "this request type is not a message of the protocol");
    return encode_message(output, static_cast<u16>(index + 1), 0, call_id, request);
}

/* A reply carrying only a status (an error); it always fits a slot. */
inline usize encode_status_reply(std::span<u8> output, u16 message, u32 call_id, u16 status)
{
    write_envelope(output, static_cast<u16>(message | reply_flag), status, call_id);
    return envelope_size;
}

/* Decodes a message's body (what follows the envelope) into `value`: every byte, canonically. */
template<typename Body>
[[nodiscard]] ErrorOr<void, DecodeError> decode_body(std::span<u8 const> message, Body& value)
{
    encoding::BinaryReader reader(message.subspan(envelope_size), DecodeLimits {});
    auto decoded = encoding::decode_binary_value(reader, value);
    if (decoded.is_error())
        return decoded;
    if (reader.remaining() != 0)
        return reader.error(ErrorCode::MalformedMessage, "bytes follow the message body", reader.offset());
    return {};
}

/* The status a handler's error becomes: the protocol's own code when it is one of P's, else 0x8000 | ErrorCode. */
template<typename P>
[[nodiscard]] u16 status_of(Error const& error, ErrorDomain const& domain)
{
    if (error.domain() == &domain && error.domain_code() >= 1 && error.domain_code() < status_general)
        return error.domain_code();
    u16 code = static_cast<u16>(error.code());
    if (error.code() == ErrorCode::DomainError || code >= status_general || code == 0)
        code = static_cast<u16>(ErrorCode::Unsupported);
    return static_cast<u16>(status_general | code);
}

/* The error a reply's non-zero status stands for, on the client's side. */
[[nodiscard]] inline Error error_of_status(u16 status, ErrorDomain const& domain)
{
    if (status & status_general)
        return Error(static_cast<ErrorCode>(status & ~status_general), "the service failed the request");
    return Error(domain, status, "the service refused the request");
}

}
