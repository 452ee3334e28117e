/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "EncodingRandom.h"
#include <array>
#include <catch2/catch.hpp>
#include <string>
#include <vector>
#include <vectra/encoding/Binary.h>

using namespace vectra;
using namespace vectra::samples;

namespace {

template<typename T>
std::vector<u8> binary_of(T const& value)
{
    std::vector<u8> buffer(maximum_binary_size<T>());
    usize length = MUST(encode_binary(value, std::span<u8>(buffer)));
    buffer.resize(length);
    return buffer;
}

template<typename T>
DecodeError refusal(std::vector<u8> const& bytes, DecodeLimits limits = {})
{
    T value;
    auto result = decode_binary(std::span<u8 const>(bytes), value, limits);
    REQUIRE(result.is_error());
    return result.error();
}

void put_u32(std::vector<u8>& bytes, usize offset, u32 value)
{
    for (usize index = 0; index < 4; ++index)
        bytes[offset + index] = static_cast<u8>(value >> (8 * index));
}

Everything sample()
{
    Everything value;
    value.flag = true;
    value.tiny = 0xAB;
    value.small = 0x1234;
    value.medium = 0xDEADBEEF;
    value.large = 0x0102030405060708;
    value.signed_tiny = -2;
    value.signed_small = -300;
    value.signed_medium = -70000;
    value.signed_large = -5;
    value.name = MUST(FixedString<16>::try_from("ab"));
    value.title = MUST(Utf8String<32>::try_from(std::string_view("\xC3\xA9")));
    value.triple = { 1, 2, 3 };
    MUST(value.points.try_append({ 7, -7 }));
    value.maybe = 9;
    value.origin = { 0, 1 };
    return value;
}

/* Offsets in the canonical form of sample(), for the refusal tests. */
constexpr usize flag_offset = 6;
constexpr usize name_offset = 6 + 1 + 1 + 2 + 4 + 8 + 1 + 2 + 4 + 8; /* 37: u32 length, "ab" */
constexpr usize title_offset = name_offset + 4 + 2; /* 43: u32 length, é */
constexpr usize triple_offset = title_offset + 4 + 2;
constexpr usize points_offset = triple_offset + 6;
constexpr usize maybe_offset = points_offset + 4 + 8;
constexpr usize where_offset = maybe_offset + 1 + 4;

}

TEST_CASE("The binary form is the documented canonical layout")
{
    REQUIRE(binary_of(Point { 1, -2 }) == std::vector<u8> { 1, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF });

    auto bytes = binary_of(sample());
    std::vector<u8> expected = {
        3, 0, /* version 3 */
        0, 0, 0, 0, /* body length, checked below */
        1, /* flag */
        0xAB, /* tiny */
        0x34, 0x12, /* small */
        0xEF, 0xBE, 0xAD, 0xDE, /* medium */
        8, 7, 6, 5, 4, 3, 2, 1, /* large */
        0xFE, /* signed_tiny -2 */
        0xD4, 0xFE, /* signed_small -300 */
        0x90, 0xEE, 0xFE, 0xFF, /* signed_medium -70000 */
        0xFB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, /* signed_large -5 */
        2, 0, 0, 0, 'a', 'b', /* name */
        2, 0, 0, 0, 0xC3, 0xA9, /* title */
        1, 0, 2, 0, 3, 0, /* triple: no count, fixed size */
        1, 0, 0, 0, 7, 0, 0, 0, 0xF9, 0xFF, 0xFF, 0xFF, /* points: count, then each */
        1, 9, 0, 0, 0, /* maybe: present */
        0, /* where: absent */
        0, 0, 0, 0, 1, 0, 0, 0, /* origin */
    };
    put_u32(expected, 2, static_cast<u32>(expected.size() - 6));
    REQUIRE(bytes == expected);
    REQUIRE(bytes[flag_offset] == 1);
    REQUIRE(bytes[name_offset + 4] == 'a');
    REQUIRE(bytes[title_offset + 4] == 0xC3);
    REQUIRE(bytes[maybe_offset] == 1);
    REQUIRE(bytes[where_offset] == 0);
}

TEST_CASE("The largest possible message fits maximum_binary_size")
{
    STATIC_REQUIRE(maximum_binary_size<Point>() == 6 + 8);
    Everything value;
    value.name = MUST(FixedString<16>::try_from(std::string(16, 'n')));
    value.title = MUST(Utf8String<32>::try_from(std::string(32, 't')));
    for (int index = 0; index < 4; ++index)
        MUST(value.points.try_append({ index, index }));
    value.maybe = 1;
    value.where = Point { 2, 3 };
    REQUIRE(binary_of(value).size() == maximum_binary_size<Everything>());
    std::vector<u8> small(maximum_binary_size<Everything>() - 1);
    REQUIRE(encode_binary(value, std::span<u8>(small)).error().code() == ErrorCode::TooLarge);
}

TEST_CASE("Binary decoding round-trips random values byte for byte")
{
    SampleGenerator generator(11);
    for (int round = 0; round < 5000; ++round) {
        Everything original = generator.everything();
        auto bytes = binary_of(original);
        Everything decoded;
        auto result = decode_binary(std::span<u8 const>(bytes), decoded);
        REQUIRE_FALSE(result.is_error());
        REQUIRE(binary_of(decoded) == bytes);
        REQUIRE(decoded.signed_large == original.signed_large);
        REQUIRE(decoded.title == original.title);
        REQUIRE(decoded.points.size() == original.points.size());
    }
}

TEST_CASE("Every strict prefix of a message is refused, never read past")
{
    SampleGenerator generator(12);
    auto bytes = binary_of(generator.everything());
    for (usize length = 0; length < bytes.size(); ++length) {
        std::vector<u8> prefix(bytes.begin(), bytes.begin() + static_cast<long>(length));
        Everything value;
        REQUIRE(decode_binary(std::span<u8 const>(prefix), value).is_error());
    }
}

TEST_CASE("Binary decoding refuses another version and a body length that lies")
{
    auto bytes = binary_of(sample());
    auto wrong_version = bytes;
    wrong_version[0] = 2;
    auto error = refusal<Everything>(wrong_version);
    REQUIRE(error.code == ErrorCode::SchemaMismatch);
    REQUIRE(error.offset == 0);

    REQUIRE(refusal<Everything>({ 3, 0, 1 }).message == std::string_view("input ends inside the header"));

    auto trailing = bytes;
    trailing.push_back(0);
    error = refusal<Everything>(trailing);
    REQUIRE(error.message == std::string_view("body length differs from the bytes that follow the header"));
    REQUIRE(error.offset == 2);

    /* A body length that matches but a body that ends early: the field that ran out is named. */
    auto short_body = std::vector<u8>(bytes.begin(), bytes.begin() + flag_offset + 5);
    put_u32(short_body, 2, 5);
    error = refusal<Everything>(short_body);
    REQUIRE(error.message == std::string_view("input ends inside an integer"));
    REQUIRE(error.field == "medium");
    REQUIRE(error.offset == flag_offset + 4);
}

TEST_CASE("Binary decoding refuses non-canonical bytes, naming the offset and the field")
{
    auto bytes = binary_of(sample());

    auto bad_bool = bytes;
    bad_bool[flag_offset] = 2;
    auto error = refusal<Everything>(bad_bool);
    REQUIRE(error.message == std::string_view("bool is neither 0 nor 1"));
    REQUIRE(error.offset == flag_offset);
    REQUIRE(error.field == "flag");

    auto bad_tag = bytes;
    bad_tag[where_offset] = 7;
    error = refusal<Everything>(bad_tag);
    REQUIRE(error.message == std::string_view("optional's tag is neither 0 nor 1"));
    REQUIRE(error.offset == where_offset);
    REQUIRE(error.field == "where");

    auto bad_utf8 = bytes;
    bad_utf8[title_offset + 5] = 'x'; /* é loses its continuation byte */
    error = refusal<Everything>(bad_utf8);
    REQUIRE(error.code == ErrorCode::MalformedMessage);
    REQUIRE(error.message == std::string_view("UTF-8: sequence is missing a continuation byte"));
    REQUIRE(error.offset == title_offset + 4);
    REQUIRE(error.field == "title");
}

TEST_CASE("Binary decoding refuses strings and sequences beyond capacity or limits")
{
    auto bytes = binary_of(sample());

    auto long_name = bytes;
    put_u32(long_name, name_offset, 17);
    auto error = refusal<Everything>(long_name);
    REQUIRE(error.code == ErrorCode::TooLarge);
    REQUIRE(error.message == std::string_view("string is longer than the field's capacity"));
    REQUIRE(error.field == "name");
    REQUIRE(error.offset == name_offset);

    auto many_points = bytes;
    put_u32(many_points, points_offset, 5);
    error = refusal<Everything>(many_points);
    REQUIRE(error.message == std::string_view("sequence has more elements than the field's capacity"));
    REQUIRE(error.field == "points");

    auto huge_count = bytes;
    put_u32(huge_count, points_offset, 0xFFFFFFFF);
    REQUIRE(refusal<Everything>(huge_count).code == ErrorCode::TooLarge);

    DecodeLimits limits;
    limits.maximum_string_bytes = 1;
    error = refusal<Everything>(bytes, limits);
    REQUIRE(error.message == std::string_view("string is longer than the limit"));
    REQUIRE(error.field == "name");

    limits = {};
    limits.maximum_elements = 0;
    error = refusal<Everything>(bytes, limits);
    REQUIRE(error.message == std::string_view("sequence has more elements than the limit"));
    REQUIRE(error.field == "points");

    limits = {};
    limits.maximum_input_bytes = bytes.size() - 1;
    error = refusal<Everything>(bytes, limits);
    REQUIRE(error.message == std::string_view("input is longer than the limit"));
    REQUIRE(error.code == ErrorCode::TooLarge);
}

TEST_CASE("Binary decoding refuses nesting deeper than the limit")
{
    Nest nest;
    auto* first = MUST(nest.levels.try_append_default());
    auto* second = MUST(first->try_append_default());
    auto* third = MUST(second->try_append_default());
    MUST(third->try_append(5));
    auto bytes = binary_of(nest);
    Nest decoded;
    DecodeLimits limits;
    limits.maximum_depth = 5; /* the struct, then four sequences */
    REQUIRE_FALSE(decode_binary(std::span<u8 const>(bytes), decoded, limits).is_error());
    REQUIRE(decoded.levels[0][0][0][0] == 5);
    limits.maximum_depth = 4;
    auto error = decode_binary(std::span<u8 const>(bytes), decoded, limits).error();
    REQUIRE(error.message == std::string_view("nesting is deeper than the limit"));
    REQUIRE(error.field == "levels");
}

TEST_CASE("A DecodeError passes through TRY as a plain Error")
{
    auto decode_point = [](std::vector<u8> const& bytes) -> ErrorOr<i32> {
        Point point;
        TRY(decode_binary(std::span<u8 const>(bytes), point));
        return point.x;
    };
    REQUIRE(decode_point(binary_of(Point { 4, 5 })).value() == 4);
    auto error = decode_point({ 1, 0 });
    REQUIRE(error.error().code() == ErrorCode::MalformedMessage);
    REQUIRE(std::string_view(error.error().message()) == "input ends inside the header");
}

namespace {

struct Bytes {
    std::array<u8, 4> address {};
    BoundedVector<u8, 16> payload;
    u16 port { 0 };

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("address", &Bytes::address), vectra::field("payload", &Bytes::payload),
            vectra::field("port", &Bytes::port));
    }
};

}

TEST_CASE("Byte arrays and byte vectors are copied whole: the same bytes as element by element, and a short input refused at the first missing byte")
{
    Bytes value;
    value.address = { 10, 0, 2, 101 };
    for (u8 index = 0; index < 11; ++index)
        MUST(value.payload.try_append(u8(200 + index)));
    value.port = 443;
    auto bytes = binary_of(value);
    /* The layout: the array's 4 bytes, the vector's u32 count and 11 bytes, the u16, after the 6-byte header. */
    REQUIRE(bytes.size() == 6 + 4 + 4 + 11 + 2);
    REQUIRE(std::vector<u8>(bytes.begin() + 6, bytes.begin() + 10) == std::vector<u8> { 10, 0, 2, 101 });
    REQUIRE(bytes[10] == 11);
    for (usize index = 0; index < 11; ++index)
        REQUIRE(bytes[14 + index] == u8(200 + index));
    Bytes decoded;
    REQUIRE_FALSE(decode_binary(std::span<u8 const>(bytes), decoded).is_error());
    REQUIRE(decoded.address == value.address);
    REQUIRE(std::vector<u8>(decoded.payload.begin(), decoded.payload.end()) == std::vector<u8>(value.payload.begin(), value.payload.end()));
    REQUIRE(decoded.port == 443);
    /* Cut inside the array or the vector's bytes (the header's body length says the full size: a lying length). */
    for (usize cut : { usize(7), usize(9), usize(15), usize(24) }) {
        INFO(cut);
        std::vector<u8> prefix(bytes.begin(), bytes.begin() + long(cut));
        put_u32(prefix, 2, u32(cut - 6));
        auto error = refusal<Bytes>(prefix);
        REQUIRE(error.code == ErrorCode::MalformedMessage);
        REQUIRE(error.offset == cut);
        REQUIRE(error.message == std::string_view("input ends inside an integer"));
        REQUIRE(error.field == (cut < 10 ? "address" : "payload"));
    }
}
