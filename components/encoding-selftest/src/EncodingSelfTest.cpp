/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The encoding self-test Task: one described struct encoded to the canonical binary form, JSON
 * and MessagePack inside the image and compared with golden bytes (written out by hand from the
 * formats' definitions, not produced by the encoder), decoded back, and the decoders' refusals
 * (depth limit, truncated input, wrong type) checked with their codes, byte offsets and fields.
 * Its transcript is documented in components/encoding-selftest/README.md and matched by
 * images/selftest/oracle.json.
 */

#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <vectra/BoundedVector.h>
#include <vectra/Hex.h>
#include <vectra/Try.h>
#include <vectra/Utf8String.h>
#include <vectra/encoding/Binary.h>
#include <vectra/encoding/Json.h>
#include <vectra/encoding/MessagePack.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>

VECTRA_TASK_ENTRY(encoding_selftest);

namespace vectra::task_entries {

namespace {

struct Channel {
    u8 number { 0 };
    i16 offset { 0 };

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("number", &Channel::number), vectra::field("offset", &Channel::offset));
    }
};

/* Every kind of member the encodings have: bool, integers of several widths and signs, a UTF-8
 * string, a fixed array, a nested struct, a bounded vector of structs and an optional. */
struct Reading {
    static constexpr u16 version = 2;
    bool active { false };
    u32 sequence { 0 };
    i64 delta { 0 };
    Utf8String<16> label;
    std::array<u8, 3> gains {};
    Channel primary;
    BoundedVector<Channel, 4> extra;
    std::optional<u16> limit;

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("active", &Reading::active), vectra::field("sequence", &Reading::sequence),
            vectra::field("delta", &Reading::delta), vectra::field("label", &Reading::label),
            vectra::field("gains", &Reading::gains), vectra::field("primary", &Reading::primary),
            vectra::field("extra", &Reading::extra), vectra::field("limit", &Reading::limit));
    }
};

/* u16 version 2, u32 body length 40, then the fields in declaration order, little-endian. */
constexpr auto golden_binary = hex<46>("0200"
                                       "28000000"
                                       "01"
                                       "e8030000"
                                       "fbffffffffffffff"
                                       "0700000070726f62652d37"
                                       "0102c8"
                                       "03d4fe"
                                       "01000000047f00"
                                       "0160ea");

constexpr std::string_view golden_json
    = R"({"active":true,"sequence":1000,"delta":-5,"label":"probe-7","gains":[1,2,200],)"
      R"("primary":{"number":3,"offset":-300},"extra":[{"number":4,"offset":127}],"limit":60000})";

/* A map of 8; str keys; shortest integer forms (fixint, uint16, int16, negative fixint). */
constexpr auto golden_message_pack = hex<113>("88"
                                              "a6616374697665c3"
                                              "a873657175656e6365cd03e8"
                                              "a564656c7461fb"
                                              "a56c6162656ca770726f62652d37"
                                              "a56761696e73930102ccc8"
                                              "a77072696d61727982a66e756d62657203a66f6666736574d1fed4"
                                              "a565787472619182a66e756d62657204a66f66667365747f"
                                              "a56c696d6974cdea60");

ErrorOr<Reading> sample()
{
    Reading reading;
    reading.active = true;
    reading.sequence = 1000;
    reading.delta = -5;
    reading.label = TRY(Utf8String<16>::try_from(std::string_view("probe-7")));
    reading.gains = { 1, 2, 200 };
    reading.primary = { 3, -300 };
    TRY(reading.extra.try_append({ 4, 127 }));
    reading.limit = 60000;
    return reading;
}

ErrorOr<void> expect(bool condition, char const* what)
{
    if (!condition)
        return Error(ErrorCode::InvalidArgument, what);
    return {};
}

[[nodiscard]] bool same_bytes(std::span<u8 const> left, std::span<u8 const> right)
{
    if (left.size() != right.size())
        return false;
    for (usize index = 0; index < left.size(); ++index) {
        if (left[index] != right[index])
            return false;
    }
    return true;
}

/* A decoded value equals the sample exactly when its canonical binary form is the golden one. */
ErrorOr<void> expect_sample(Reading const& decoded, char const* what)
{
    u8 buffer[maximum_binary_size<Reading>()];
    usize length = TRY(encode_binary(decoded, buffer));
    return expect(same_bytes(std::span<u8 const>(buffer, length), golden_binary), what);
}

ErrorOr<void> decoded_or_error(ErrorOr<void, DecodeError> result)
{
    if (result.is_error())
        return Error(result.error());
    return {};
}

ErrorOr<void> check_binary(Reading const& sample)
{
    u8 buffer[maximum_binary_size<Reading>()];
    usize length = TRY(encode_binary(sample, buffer));
    TRY(expect(same_bytes(std::span<u8 const>(buffer, length), golden_binary), "binary form differs from golden"));
    Reading decoded;
    TRY(decoded_or_error(decode_binary(golden_binary, decoded)));
    return expect_sample(decoded, "binary decoded back differs from the sample");
}

ErrorOr<void> check_json(Reading const& sample)
{
    char buffer[256];
    usize length = TRY(encode_json(sample, buffer));
    TRY(expect(std::string_view(buffer, length) == golden_json, "JSON text differs from golden"));
    Reading decoded;
    TRY(decoded_or_error(decode_json(golden_json, decoded)));
    return expect_sample(decoded, "JSON decoded back differs from the sample");
}

ErrorOr<void> check_message_pack(Reading const& sample)
{
    u8 buffer[256];
    usize length = TRY(encode_message_pack(sample, buffer));
    TRY(expect(
        same_bytes(std::span<u8 const>(buffer, length), golden_message_pack), "MessagePack bytes differ from golden"));
    Reading decoded;
    TRY(decoded_or_error(decode_message_pack(golden_message_pack, decoded)));
    return expect_sample(decoded, "MessagePack decoded back differs from the sample");
}

/* What a refusal check wants: the code, the byte offset and the innermost field. */
struct Refusal {
    char const* check;
    ErrorCode code;
    usize offset;
    std::string_view field;
};

/* Depth 2 admits the outer object, "gains", "primary" and the "extra" array, not the struct inside it (byte 124). */
constexpr Refusal depth_refusal { "json depth limit 2", ErrorCode::TooLarge, 124, "extra" };
ErrorOr<void, DecodeError> decode_too_deep()
{
    Reading decoded;
    DecodeLimits limits;
    limits.maximum_depth = 2;
    return decode_json(golden_json, decoded, limits);
}

/* The golden MessagePack without its last byte: the input ends inside "limit"'s uint16. */
constexpr Refusal truncated_message_pack_refusal { "msgpack truncated by 1 byte", ErrorCode::MalformedMessage, 110,
    "limit" };
ErrorOr<void, DecodeError> decode_truncated_message_pack()
{
    Reading decoded;
    return decode_message_pack(std::span<u8 const>(golden_message_pack).first(golden_message_pack.size() - 1), decoded);
}

/* The golden binary without its last byte: the body length no longer matches the input. */
constexpr Refusal truncated_binary_refusal { "binary truncated by 1 byte", ErrorCode::MalformedMessage, 2, "" };
ErrorOr<void, DecodeError> decode_truncated_binary()
{
    Reading decoded;
    return decode_binary(std::span<u8 const>(golden_binary).first(golden_binary.size() - 1), decoded);
}

/* "sequence" given as a string: refused at the string, naming the field. */
constexpr Refusal wrong_type_refusal { "json string for an integer", ErrorCode::MalformedMessage, 26, "sequence" };
ErrorOr<void, DecodeError> decode_wrong_type()
{
    Reading decoded;
    constexpr std::string_view text
        = R"({"active":true,"sequence":"1000","delta":-5,"label":"probe-7","gains":[1,2,200],)"
          R"("primary":{"number":3,"offset":-300},"extra":[],"limit":null})";
    return decode_json(text, decoded);
}

/* One step of the transcript: on failure prints what went wrong and ends the check with status 1. */
#define STEP(console, name, expression)                                                                                \
    ({                                                                                                                 \
        auto _step = (expression);                                                                                     \
        if (_step.is_error()) {                                                                                        \
            TRY(print_line(console, "encoding: {} FAILED: {} ({})", name, error_code_name(_step.error().code()),       \
                _step.error().message()));                                                                             \
            return 1;                                                                                                  \
        }                                                                                                              \
        _step.release_value();                                                                                         \
    })

/* Prints the refusal's line, or what was refused instead (or that nothing was); false on a mismatch. */
ErrorOr<bool> report_refusal(ConsoleCap const& console, Refusal const& wanted, ErrorOr<void, DecodeError> result)
{
    if (!result.is_error()) {
        TRY(print_line(console, "encoding: {} FAILED: accepted", wanted.check));
        return false;
    }
    auto error = result.error();
    if (error.code != wanted.code || error.offset != wanted.offset || error.field != wanted.field) {
        TRY(print_line(console,
            "encoding: {} FAILED: refused {} at offset {}, field \"{}\" ({}); wanted {} at {}, \"{}\"", wanted.check,
            error_code_name(error.code), error.offset, error.field, error.message, error_code_name(wanted.code),
            wanted.offset, wanted.field));
        return false;
    }
    TRY(print_line(console, "encoding: {} -> refused {} at offset {}, field \"{}\" ok", wanted.check,
        error_code_name(error.code), error.offset, error.field));
    return true;
}

}

ErrorOr<i32> encoding_selftest(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));

    Reading reading = STEP(console, "sample", sample());
    STEP(console, "binary", check_binary(reading));
    TRY(print_line(console, "encoding: binary = golden ({} bytes), round trip ok", golden_binary.size()));
    STEP(console, "json", check_json(reading));
    TRY(print_line(console, "encoding: json = golden ({} bytes), round trip ok", golden_json.size()));
    STEP(console, "msgpack", check_message_pack(reading));
    TRY(print_line(console, "encoding: msgpack = golden ({} bytes), round trip ok", golden_message_pack.size()));
    if (!TRY(report_refusal(console, depth_refusal, decode_too_deep())))
        return 1;
    if (!TRY(report_refusal(console, truncated_message_pack_refusal, decode_truncated_message_pack())))
        return 1;
    if (!TRY(report_refusal(console, truncated_binary_refusal, decode_truncated_binary())))
        return 1;
    if (!TRY(report_refusal(console, wrong_type_refusal, decode_wrong_type())))
        return 1;
    TRY(print_line(console, "encoding: passed"));
    return 0;
}

}
