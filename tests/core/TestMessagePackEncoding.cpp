/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "EncodingRandom.h"
#include <catch2/catch.hpp>
#include <string>
#include <vector>
#include <vectra/encoding/Binary.h>
#include <vectra/encoding/MessagePack.h>

using namespace vectra;
using namespace vectra::samples;

namespace {

template<typename T>
std::vector<u8> pack(T const& value)
{
    std::vector<u8> buffer(8192);
    buffer.resize(MUST(encode_message_pack(value, std::span<u8>(buffer))));
    return buffer;
}

template<typename T>
std::vector<u8> binary_of(T const& value)
{
    std::vector<u8> buffer(maximum_binary_size<T>());
    buffer.resize(MUST(encode_binary(value, std::span<u8>(buffer))));
    return buffer;
}

template<typename T = Point>
DecodeError refusal(std::vector<u8> const& bytes, DecodeLimits limits = {})
{
    T value;
    auto result = decode_message_pack(std::span<u8 const>(bytes), value, limits);
    REQUIRE(result.is_error());
    return result.error();
}

std::vector<u8> written(void (*write)(encoding::MessagePackWriter&))
{
    std::vector<u8> buffer(16);
    encoding::MessagePackWriter writer(buffer);
    write(writer);
    buffer.resize(MUST(writer.finish()));
    return buffer;
}

using Bytes = std::vector<u8>;

}

TEST_CASE("MessagePack output is a map of field names in declaration order")
{
    REQUIRE(pack(Point { 1, -2 }) == Bytes { 0x82, 0xA1, 'x', 0x01, 0xA1, 'y', 0xFE });
    Everything value;
    value.name = MUST(FixedString<16>::try_from("\xFF")); /* not UTF-8: written as bin */
    auto bytes = pack(value);
    REQUIRE(bytes[0] == 0xDE); /* map16: 16 fields */
    std::string text(bytes.begin(), bytes.end());
    REQUIRE(text.find(std::string("\xA4name\xC4\x01\xFF")) != std::string::npos);
    REQUIRE(text.find(std::string("\xA5maybe\xC0")) != std::string::npos);
    REQUIRE(text.find(std::string("\xA6triple\x93\x00\x00\x00", 11)) != std::string::npos);
}

TEST_CASE("MessagePack integers take their shortest form")
{
    REQUIRE(written([](auto& w) { w.write_unsigned(127); }) == Bytes { 0x7F });
    REQUIRE(written([](auto& w) { w.write_unsigned(128); }) == Bytes { 0xCC, 0x80 });
    REQUIRE(written([](auto& w) { w.write_unsigned(256); }) == Bytes { 0xCD, 0x01, 0x00 });
    REQUIRE(written([](auto& w) { w.write_unsigned(65536); }) == Bytes { 0xCE, 0x00, 0x01, 0x00, 0x00 });
    REQUIRE(written([](auto& w) { w.write_unsigned(1ull << 32); }) == Bytes { 0xCF, 0, 0, 0, 1, 0, 0, 0, 0 });
    REQUIRE(written([](auto& w) { w.write_signed(5); }) == Bytes { 0x05 });
    REQUIRE(written([](auto& w) { w.write_signed(-32); }) == Bytes { 0xE0 });
    REQUIRE(written([](auto& w) { w.write_signed(-33); }) == Bytes { 0xD0, 0xDF });
    REQUIRE(written([](auto& w) { w.write_signed(-129); }) == Bytes { 0xD1, 0xFF, 0x7F });
    REQUIRE(written([](auto& w) { w.write_signed(-32769); }) == Bytes { 0xD2, 0xFF, 0xFF, 0x7F, 0xFF });
    REQUIRE(written([](auto& w) { w.write_signed(std::numeric_limits<i64>::min()); })
        == Bytes { 0xD3, 0x80, 0, 0, 0, 0, 0, 0, 0 });
    REQUIRE(written([](auto& w) { w.write_string("abc"); }) == Bytes { 0xA3, 'a', 'b', 'c' });
    REQUIRE(written([](auto& w) { w.write_array_header(16); }) == Bytes { 0xDC, 0x00, 0x10 });
    REQUIRE(written([](auto& w) { w.write_map_header(15); }) == Bytes { 0x8F });
}

TEST_CASE("MessagePack decoding accepts any integer form within the field's range")
{
    Point point;
    Bytes wide = { 0x82, 0xA1, 'y', 0xD3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xA1, 'x', 0xCF, 0, 0, 0, 0,
        0, 0, 0, 1 };
    REQUIRE_FALSE(decode_message_pack(std::span<u8 const>(wide), point).is_error());
    REQUIRE(point.x == 1);
    REQUIRE(point.y == -2);

    Bytes minimum = { 0x82, 0xA1, 'x', 0xD2, 0x80, 0, 0, 0, 0xA1, 'y', 0xD0, 0x80 };
    REQUIRE_FALSE(decode_message_pack(std::span<u8 const>(minimum), point).is_error());
    REQUIRE(point.x == std::numeric_limits<i32>::min());
    REQUIRE(point.y == -128);

    auto error = refusal(Bytes { 0x82, 0xA1, 'x', 0xCE, 0x80, 0, 0, 0, 0xA1, 'y', 0 });
    REQUIRE(error.message == std::string_view("integer is out of the field's range"));
    REQUIRE(error.field == "x");
    REQUIRE(error.offset == 3);
    REQUIRE(refusal(Bytes { 0x82, 0xA1, 'x', 0xD3, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xA1, 'y', 0 }).field
        == "x");
    Everything value;
    value.tiny = 1;
    auto bytes = pack(value);
    auto at = std::string(bytes.begin(), bytes.end()).find("\xA4tiny") + 5;
    bytes[at] = 0xFF; /* -1 into a u8 */
    error = refusal<Everything>(bytes);
    REQUIRE(error.field == "tiny");
    REQUIRE(error.offset == at);
}

TEST_CASE("MessagePack decoding round-trips random values")
{
    SampleGenerator generator(31);
    for (int round = 0; round < 3000; ++round) {
        Everything original = generator.everything();
        auto bytes = pack(original);
        Everything decoded;
        REQUIRE_FALSE(decode_message_pack(std::span<u8 const>(bytes), decoded).is_error());
        REQUIRE(binary_of(decoded) == binary_of(original));
        REQUIRE(pack(decoded) == bytes);
    }
    /* A FixedString that is not UTF-8 travels as bin and comes back. */
    Everything raw;
    raw.name = MUST(FixedString<16>::try_from("\x80\x81"));
    auto bytes = pack(raw);
    Everything decoded;
    REQUIRE_FALSE(decode_message_pack(std::span<u8 const>(bytes), decoded).is_error());
    REQUIRE(decoded.name == std::string_view("\x80\x81"));
}

TEST_CASE("MessagePack decoding refuses floats, extensions and the unused byte")
{
    auto error = refusal(Bytes { 0x82, 0xA1, 'x', 0xCB, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0xA1, 'y', 0 });
    REQUIRE(error.code == ErrorCode::Unsupported);
    REQUIRE(error.message == std::string_view("MessagePack floats are not supported"));
    REQUIRE(error.field == "x");
    REQUIRE(error.offset == 3);
    REQUIRE(refusal(Bytes { 0x82, 0xA1, 'x', 0xD4, 1, 2, 0xA1, 'y', 0 }).message
        == std::string_view("MessagePack extension types are not supported"));
    REQUIRE(refusal(Bytes { 0x82, 0xA1, 'x', 0xC1, 0xA1, 'y', 0 }).message
        == std::string_view("byte 0xc1 is never used in MessagePack"));
    REQUIRE(
        refusal(Bytes { 0x82, 0xA1, 'x', 0xA1, '1', 0xA1, 'y', 0 }).message == std::string_view("expected an integer"));
    REQUIRE(refusal(Bytes { 0x92, 1, 2 }).message == std::string_view("expected a map"));
}

TEST_CASE("MessagePack maps need string keys naming each required field once")
{
    auto error = refusal(Bytes { 0x82, 0x01, 0x01, 0xA1, 'y', 0 });
    REQUIRE(error.message == std::string_view("map key is not a string"));
    REQUIRE(error.offset == 1);
    error = refusal(Bytes { 0x82, 0xA1, 'x', 1, 0xA1, 'x', 2 });
    REQUIRE(error.message == std::string_view("member appears twice"));
    REQUIRE(error.field == "x");
    REQUIRE(error.offset == 4);
    error = refusal(Bytes { 0x81, 0xA1, 'x', 1 });
    REQUIRE(error.message == std::string_view("required member is missing"));
    REQUIRE(error.field == "y");
    error = refusal(Bytes { 0x83, 0xA1, 'x', 1, 0xA1, 'z', 0x91, 0xC3, 0xA1, 'y', 2 });
    REQUIRE(error.message == std::string_view("member is not a field of the type"));
    REQUIRE(error.offset == 4);

    DecodeLimits skip;
    skip.unknown_fields = UnknownFields::Skip;
    Point point;
    Bytes with_unknown
        = { 0x83, 0xA1, 'x', 1, 0xA1, 'z', 0x92, 0xCB, 0, 0, 0, 0, 0, 0, 0, 0, 0xD5, 1, 2, 3, 0xA1, 'y', 2 };
    REQUIRE_FALSE(decode_message_pack(std::span<u8 const>(with_unknown), point, skip).is_error());
    REQUIRE(point.y == 2);
    with_unknown[6] = 0x9F; /* the skipped array now claims more than there is */
    REQUIRE(refusal(with_unknown, skip).message == std::string_view("input ends where a value should be"));
}

TEST_CASE("MessagePack strings: UTF-8 for text, capacity and limits enforced")
{
    Everything value;
    value.title = MUST(Utf8String<32>::try_from(std::string_view("h\xC3\xA9")));
    auto bytes = pack(value);
    auto at = std::string(bytes.begin(), bytes.end()).find("\xA5title") + 6;
    REQUIRE(bytes[at] == 0xA3);
    auto broken = bytes;
    broken[at + 3] = 'x';
    auto error = refusal<Everything>(broken);
    REQUIRE(error.message == std::string_view("UTF-8: sequence is missing a continuation byte"));
    REQUIRE(error.offset == at + 2);
    REQUIRE(error.field == "title");
    auto binary = bytes;
    binary[at] = 0xC4;
    binary.insert(binary.begin() + static_cast<long>(at) + 1, 3);
    REQUIRE(refusal<Everything>(binary).message == std::string_view("expected a string"));

    Everything long_name;
    auto named = pack(long_name);
    auto name_at = std::string(named.begin(), named.end()).find("\xA4name") + 5;
    named[name_at] = 0xB1; /* 17 bytes follow */
    named.insert(named.begin() + static_cast<long>(name_at) + 1, 17, 'n');
    error = refusal<Everything>(named);
    REQUIRE(error.code == ErrorCode::TooLarge);
    REQUIRE(error.message == std::string_view("string is longer than the field's capacity"));
    REQUIRE(error.field == "name");
    REQUIRE(error.offset == name_at);

    DecodeLimits limits;
    limits.maximum_string_bytes = 2;
    REQUIRE(refusal<Everything>(bytes, limits).message == std::string_view("string is longer than the limit"));
}

TEST_CASE("MessagePack arrays match fixed sizes, capacities, counts and depth limits")
{
    Everything value;
    auto bytes = pack(value);
    auto text = std::string(bytes.begin(), bytes.end());
    auto triple = text.find("\xA6triple") + 7;
    auto wrong = bytes;
    wrong[triple] = 0x92;
    wrong.erase(wrong.begin() + static_cast<long>(triple) + 1);
    auto error = refusal<Everything>(wrong);
    REQUIRE(error.message == std::string_view("array size differs from the field's fixed size"));
    REQUIRE(error.field == "triple");
    REQUIRE(error.offset == triple);

    auto points = text.find("\xA6points") + 7;
    auto many = bytes;
    many[points] = 0x95;
    Bytes five_points;
    for (int index = 0; index < 5; ++index)
        five_points.insert(five_points.end(), { 0x82, 0xA1, 'x', 0, 0xA1, 'y', 0 });
    many.insert(many.begin() + static_cast<long>(points) + 1, five_points.begin(), five_points.end());
    error = refusal<Everything>(many);
    REQUIRE(error.message == std::string_view("array has more elements than the field's capacity"));
    REQUIRE(error.field == "points");

    DecodeLimits limits;
    limits.maximum_elements = 4;
    error = refusal<Everything>(bytes, limits);
    REQUIRE(error.message == std::string_view("more elements than the limit"));
    REQUIRE(error.offset == 0);

    error = refusal(Bytes { 0xDF, 0xFF, 0xFF, 0xFF, 0xFF });
    REQUIRE(error.code == ErrorCode::TooLarge);
    limits = {};
    limits.maximum_elements = 0xFFFFFFFF;
    REQUIRE(refusal(Bytes { 0xDF, 0xFF, 0xFF, 0xFF, 0xFF }, limits).message
        == std::string_view("element count exceeds the bytes that follow"));

    Nest nest;
    Bytes nested = { 0x81, 0xA6, 'l', 'e', 'v', 'e', 'l', 's', 0x91, 0x91, 0x91, 0x91, 0x05 };
    REQUIRE_FALSE(decode_message_pack(std::span<u8 const>(nested), nest).is_error());
    REQUIRE(nest.levels[0][0][0][0] == 5);
    limits = {};
    limits.maximum_depth = 4;
    error = refusal<Nest>(nested, limits);
    REQUIRE(error.message == std::string_view("nesting is deeper than the limit"));
    REQUIRE(error.offset == 11);

    limits = {};
    limits.unknown_fields = UnknownFields::Skip;
    Bytes deep = { 0x83, 0xA1, 'x', 1, 0xA1, 'y', 2, 0xA1, 'd' };
    for (int level = 0; level < 100; ++level)
        deep.push_back(0x91);
    deep.push_back(0xC0);
    REQUIRE(refusal(deep, limits).message == std::string_view("nesting is deeper than the limit"));
}

TEST_CASE("MessagePack decoding refuses trailing bytes, truncation and oversized input")
{
    auto bytes = pack(Point { 1, 2 });
    auto trailing = bytes;
    trailing.push_back(0);
    auto error = refusal(trailing);
    REQUIRE(error.message == std::string_view("bytes follow the value"));
    REQUIRE(error.offset == bytes.size());
    for (usize length = 0; length < bytes.size(); ++length)
        REQUIRE(refusal(Bytes(bytes.begin(), bytes.begin() + static_cast<long>(length))).code
            == ErrorCode::MalformedMessage);
    DecodeLimits limits;
    limits.maximum_input_bytes = 3;
    REQUIRE(refusal(bytes, limits).message == std::string_view("input is longer than the limit"));
    u8 small[4];
    REQUIRE(encode_message_pack(Point { 1, 2 }, std::span<u8>(small)).error().code() == ErrorCode::TooLarge);
}
