/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A Ring protocol, declared once (docs/adr/0008-declared-protocols.md). A declaration is a struct:
 *
 *     enum class EchoError : u16 { Refused = 1 };
 *     struct EchoProtocol {
 *         static constexpr std::string_view name = "vectra.test.echo";
 *         static constexpr u16 version = 2;
 *         static constexpr u32 slot_count = 8, slot_size = 128;
 *         using Errors = EchoError;
 *         static constexpr auto errors() { return protocol::errors(protocol::error(EchoError::Refused, "refused", "…")); }
 *         static constexpr auto messages() { return protocol::messages(protocol::message<Echo, Echoed>("echo", "…")); }
 *     };
 *
 * Requests and replies are core/encoding described types. Everything else follows from this:
 * the envelope and canonical binary encoding of every message (Envelope.h), the schema id (a
 * hash of the structural description, so a renamed, retyped, added or reordered field or
 * message changes it), the compile-time check that every message fits a Ring slot, the error
 * domain, the typed client (Connection.h), the server dispatch (Dispatch.h) and the reference
 * documentation (docs/protocols/, generated).
 */

#pragma once

#include <optional>
#include <string_view>
#include <tuple>
#include <vectra/CapabilityClass.h>
#include <vectra/Error.h>
#include <vectra/encoding/Binary.h>
#include <vectra/encoding/Structure.h>

namespace vectra::protocol {

/* The reply of a message that answers with nothing but success. */
struct Done {
    static constexpr auto fields() { return vectra::fields(); }
};

/* One declared error: its number (the enum's value, 1…0x7fff), its name and what it means. */
template<typename Code>
struct ErrorDeclaration {
    Code code;
    std::string_view name;
    std::string_view summary;
};

template<typename Code>
[[nodiscard]] constexpr ErrorDeclaration<Code> error(Code code, std::string_view name, std::string_view summary)
{
    return { code, name, summary };
}

template<typename Code, usize Count>
struct ErrorList {
    ErrorDeclaration<Code> entries[Count];
    static constexpr usize count = Count;
};

template<typename Code, typename... Rest>
[[nodiscard]] constexpr auto errors(ErrorDeclaration<Code> first, Rest... rest)
{
    return ErrorList<Code, 1 + sizeof...(Rest)> { { first, rest... } };
}

/* One declared message: a request, the reply it gets, and the capability class its slot may carry. */
template<typename Request, typename Reply>
struct MessageDeclaration {
    using RequestType = Request;
    using ReplyType = Reply;
    std::string_view name;
    std::string_view summary;
    std::optional<CapabilityClass> request_capability {};
    std::optional<CapabilityClass> reply_capability {};

    /* The request's slot carries a capability of `request`; the reply's one of `reply` (or none). */
    [[nodiscard]] constexpr MessageDeclaration carrying(
        std::optional<CapabilityClass> request, std::optional<CapabilityClass> reply) const
    {
        return { name, summary, request, reply };
    }
};

template<typename Request, typename Reply>
[[nodiscard]] constexpr MessageDeclaration<Request, Reply> message(std::string_view name, std::string_view summary)
{
    return { name, summary };
}

template<typename... Messages>
struct MessageList {
    static constexpr usize count = sizeof...(Messages);
    std::tuple<Messages...> entries;
};

template<typename... Messages>
[[nodiscard]] constexpr MessageList<Messages...> messages(Messages... entries)
{
    return { std::tuple<Messages...>(entries...) };
}

/* The envelope every message starts with: u16 message number (the reply's has reply_flag), u16 status, u32 call id. */
inline constexpr usize envelope_size = 8;
inline constexpr u16 reply_flag = 0x8000;
/* A reply status: 0 success, 1…0x7fff the protocol's declared error, 0x8000 | ErrorCode for a kernel or L0 error. */
inline constexpr u16 status_success = 0;
inline constexpr u16 status_general = 0x8000;
/* The Ring's slot header (Ring::header_bytes), which a slot's payload does not get. */
inline constexpr usize ring_slot_header_size = 16;

template<typename P>
using MessagesOf = decltype(P::messages());

template<typename P, usize Index>
using MessageAt = std::remove_cvref_t<decltype(std::get<Index>(P::messages().entries))>;

template<typename P, usize Index>
using RequestAt = typename MessageAt<P, Index>::RequestType;

template<typename P, usize Index>
using ReplyAt = typename MessageAt<P, Index>::ReplyType;

/* The index of the message whose request is `Request`; count when there is none. */
template<typename P, typename Request, usize Index = 0>
[[nodiscard]] consteval usize index_of()
{
    if constexpr (Index == MessagesOf<P>::count)
        return Index;
    else if constexpr (std::same_as<RequestAt<P, Index>, Request>)
        return Index;
    else
        return index_of<P, Request, Index + 1>();
}

template<typename P, typename Request>
using ReplyOf = ReplyAt<P, index_of<P, Request>()>;

template<typename Visit, typename P, usize... Indices>
constexpr void for_each_message_index(Visit& visit, std::index_sequence<Indices...>)
{
    (visit.template operator()<Indices>(), ...);
}

/* Calls `visit.template operator()<Index>()` for every message of P, in order. */
template<typename P, typename Visit>
constexpr void for_each_message(Visit&& visit)
{
    for_each_message_index<Visit, P>(visit, std::make_index_sequence<MessagesOf<P>::count>());
}

/* The larger of message Index's request and reply, envelope included. */
template<typename P, usize Index>
inline constexpr usize message_size = envelope_size
    + (encoding::maximum_binary_body_size<RequestAt<P, Index>>() > encoding::maximum_binary_body_size<ReplyAt<P, Index>>()
            ? encoding::maximum_binary_body_size<RequestAt<P, Index>>()
            : encoding::maximum_binary_body_size<ReplyAt<P, Index>>());

template<typename P, usize... Indices>
[[nodiscard]] constexpr usize largest_of(std::index_sequence<Indices...>)
{
    usize largest = envelope_size;
    ((largest = message_size<P, Indices> > largest ? message_size<P, Indices> : largest), ...);
    return largest;
}

/* The largest envelope plus body any message of P (request or reply) can take. */
template<typename P>
[[nodiscard]] constexpr usize largest_message()
{
    return largest_of<P>(std::make_index_sequence<MessagesOf<P>::count>());
}

template<typename P>
inline constexpr usize payload_capacity = P::slot_size - ring_slot_header_size;

[[nodiscard]] constexpr bool capability_valid(std::optional<CapabilityClass> capability)
{
    return !capability.has_value() || (static_cast<u8>(*capability) >= 1 && static_cast<u8>(*capability) <= 9);
}

/* Names are what the structural description and the documentation print: [a-z0-9.-], 1–48 bytes. */
[[nodiscard]] constexpr bool is_declared_name(std::string_view name)
{
    if (name.empty() || name.size() > 48)
        return false;
    for (char character : name) {
        if (!((character >= 'a' && character <= 'z') || (character >= '0' && character <= '9') || character == '-'
                || character == '.'))
            return false;
    }
    return true;
}

/* Everything about a declaration the compiler can check, each with its own message. */
template<typename P>
[[nodiscard]] constexpr bool check()
{
    static_assert(is_declared_name(P::name), "a protocol's name is 1-48 bytes of [a-z0-9.-]");
    static_assert(P::slot_count > 0 && (P::slot_count & (P::slot_count - 1)) == 0, "slot_count must be a power of two");
    static_assert(P::slot_size > ring_slot_header_size && (P::slot_size & (P::slot_size - 1)) == 0,
        "slot_size must be a power of two above the Ring's 16-byte slot header");
    static_assert(MessagesOf<P>::count >= 1 && MessagesOf<P>::count < 0x8000, "a protocol declares 1 to 32767 messages");
    static_assert(largest_message<P>() <= payload_capacity<P>,
        "a message of this protocol does not fit its Ring slot payload (slot_size - 16 bytes): raise slot_size or "
        "shrink the message");
    bool valid = true;
    for_each_message<P>([&]<usize Index>() {
        static_assert(encoding::is_encodable<RequestAt<P, Index>>() && encoding::is_encodable<ReplyAt<P, Index>>(),
            "every request and reply must be a valid described type");
        static_assert(index_of<P, RequestAt<P, Index>>() == Index, "each message needs a request type of its own");
        auto const declared = std::get<Index>(P::messages().entries);
        valid = valid && is_declared_name(declared.name) && capability_valid(declared.request_capability)
            && capability_valid(declared.reply_capability);
    });
    constexpr auto declared_errors = P::errors();
    for (usize index = 0; index < declared_errors.count; ++index) {
        auto value = static_cast<u16>(declared_errors.entries[index].code);
        valid = valid && value >= 1 && value < status_general && is_declared_name(declared_errors.entries[index].name);
        for (usize other = 0; other < index; ++other)
            valid = valid && static_cast<u16>(declared_errors.entries[other].code) != value
                && declared_errors.entries[other].name != declared_errors.entries[index].name;
    }
    return valid;
}

/*
 * The canonical structural description of P, one line per part:
 *
 *     protocol vectra.vfs version 2
 *     slots 8x2048
 *     error 1 not-found
 *     message 1 stat request {path:path=vector<string<63>,16>} reply {kind:u8,size:u64}
 *     message 1 open-session request {…} carrying class 6 reply {…} carrying class 3
 *
 * Names, types, numbers and order only: summaries are documentation and do not change it.
 */
template<typename P, typename Sink>
constexpr void describe_protocol(Sink& sink)
{
    sink.append("protocol ");
    sink.append(P::name);
    sink.append(" version ");
    encoding::append_decimal(sink, P::version);
    sink.append("\nslots ");
    encoding::append_decimal(sink, P::slot_count);
    sink.append("x");
    encoding::append_decimal(sink, P::slot_size);
    sink.append("\n");
    constexpr auto declared_errors = P::errors();
    for (usize index = 0; index < declared_errors.count; ++index) {
        sink.append("error ");
        encoding::append_decimal(sink, static_cast<u16>(declared_errors.entries[index].code));
        sink.append(" ");
        sink.append(declared_errors.entries[index].name);
        sink.append("\n");
    }
    for_each_message<P>([&]<usize Index>() {
        auto const declared = std::get<Index>(P::messages().entries);
        sink.append("message ");
        encoding::append_decimal(sink, Index + 1);
        sink.append(" ");
        sink.append(declared.name);
        sink.append(" request ");
        encoding::describe_structure<RequestAt<P, Index>>(sink);
        if (declared.request_capability) {
            sink.append(" carrying class ");
            encoding::append_decimal(sink, static_cast<u8>(*declared.request_capability));
        }
        sink.append(" reply ");
        encoding::describe_structure<ReplyAt<P, Index>>(sink);
        if (declared.reply_capability) {
            sink.append(" carrying class ");
            encoding::append_decimal(sink, static_cast<u8>(*declared.reply_capability));
        }
        sink.append("\n");
    });
}

template<typename P>
[[nodiscard]] consteval u64 compute_schema_id()
{
    static_assert(check<P>(), "the protocol declaration is invalid: message or error names must be 1-48 bytes of "
                              "[a-z0-9.-], error numbers 1-32767 and distinct");
    encoding::StructureHash hash;
    describe_protocol<P>(hash);
    return hash.value();
}

/* The schema id both ends of P's Rings bind with: the hash of its structural description. */
template<typename P>
inline constexpr u64 schema_id = compute_schema_id<P>();

/* The name of a declared error of P, or nullptr: what P's ErrorDomain reports. */
template<typename P>
[[nodiscard]] constexpr char const* error_name(u16 code)
{
    constexpr auto declared_errors = P::errors();
    for (usize index = 0; index < declared_errors.count; ++index) {
        if (static_cast<u16>(declared_errors.entries[index].code) == code)
            return declared_errors.entries[index].name.data();
    }
    return nullptr;
}

/* P's error domain: `inline constexpr ErrorDomain domain = protocol::error_domain<P>();` next to the declaration. */
template<typename P>
[[nodiscard]] constexpr ErrorDomain error_domain()
{
    return { P::name.data(), &error_name<P> };
}

}
