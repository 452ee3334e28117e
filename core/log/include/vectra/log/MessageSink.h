/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <concepts>
#include <span>
#include <string_view>
#include <vectra/BoundedVector.h>
#include <vectra/FixedString.h>
#include <vectra/encoding/Binary.h>
#include <vectra/log/Record.h>

namespace vectra::log {

/*
 * A record as it travels to a log service: its canonical binary form (encoding/Binary.h) of
 * the description below. Strings longer than their field and pairs past the eighth are cut
 * (at a code point boundary when the text is UTF-8), and `truncated` says so.
 */
struct WireKeyValue {
    FixedString<32> key;
    u8 kind { 0 }; /* Value::Kind */
    i64 signed_value { 0 }; /* Signed, Duration (nanoseconds) */
    u64 unsigned_value { 0 }; /* Unsigned, Bool (0 or 1) */
    FixedString<64> text; /* Text */

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("key", &WireKeyValue::key), vectra::field("kind", &WireKeyValue::kind),
            vectra::field("signed", &WireKeyValue::signed_value),
            vectra::field("unsigned", &WireKeyValue::unsigned_value), vectra::field("text", &WireKeyValue::text));
    }
};

struct WireRecord {
    static constexpr u16 version = 1;
    static constexpr usize maximum_pairs = 8;

    u8 level { 0 }; /* Level */
    std::optional<u64> time_nanoseconds; /* monotonic, since boot */
    FixedString<32> component;
    FixedString<192> message;
    BoundedVector<WireKeyValue, maximum_pairs> pairs;
    bool truncated { false };

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("level", &WireRecord::level),
            vectra::field("time", &WireRecord::time_nanoseconds), vectra::field("component", &WireRecord::component),
            vectra::field("message", &WireRecord::message), vectra::field("pairs", &WireRecord::pairs),
            vectra::field("truncated", &WireRecord::truncated));
    }
};

/* The text both ends of a log Ring hash into its schema id (`schema_id_of`). */
inline constexpr std::string_view ring_schema_description
    = "schema vectra.log version 1\n"
      "message: canonical binary WireRecord (core/log/include/vectra/log/MessageSink.h)\n";

/* Slot payload that fits every record. */
inline constexpr usize maximum_wire_record_size = maximum_binary_size<WireRecord>();

void to_wire(Record const&, WireRecord&);

/*
 * Decodes a wire record from untrusted bytes and checks what the binary form cannot (a known
 * level and value kinds), then lends it out as a Record whose pairs live in `storage`.
 */
[[nodiscard]] ErrorOr<void, DecodeError> decode_wire_record(std::span<u8 const> bytes, WireRecord&);
[[nodiscard]] Record view_of(WireRecord const&, std::span<KeyValue, WireRecord::maximum_pairs> storage);

/* Sends each record's wire form through anything with `try_send(bytes)` (a RingSender). */
template<typename Sender>
requires requires(Sender& sender, std::span<u8 const> bytes)
{
    {
        sender.try_send(bytes)
        } -> std::same_as<ErrorOr<void>>;
}
class MessageSink {
public:
    explicit MessageSink(Sender& sender)
        : m_sender(sender)
    {
    }

    [[nodiscard]] ErrorOr<void> write(Record const& record)
    {
        WireRecord wire;
        to_wire(record, wire);
        u8 buffer[maximum_wire_record_size];
        auto length = encode_binary(wire, std::span<u8>(buffer));
        if (length.is_error())
            return length.release_error();
        return m_sender.try_send(std::span<u8 const>(buffer, length.value()));
    }

private:
    Sender& m_sender;
};

}
