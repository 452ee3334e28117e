/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "EncodingRandom.h"
#include <catch2/catch.hpp>
#include <string>
#include <vector>
#include <vectra/encoding/Binary.h>
#include <vectra/encoding/Json.h>

using namespace vectra;
using namespace vectra::samples;

namespace {

template<typename T>
std::string json_of(T const& value)
{
    std::string buffer(8192, '\0');
    usize length = MUST(encode_json(value, std::span<char>(buffer.data(), buffer.size())));
    buffer.resize(length);
    return buffer;
}

template<typename T>
std::vector<u8> binary_of(T const& value)
{
    std::vector<u8> buffer(maximum_binary_size<T>());
    buffer.resize(MUST(encode_binary(value, std::span<u8>(buffer))));
    return buffer;
}

template<typename T = Everything>
DecodeError refusal(std::string_view text, DecodeLimits limits = {})
{
    T value;
    auto result = decode_json(text, value, limits);
    INFO(std::string(text));
    REQUIRE(result.is_error());
    return result.error();
}

constexpr std::string_view everything_json
    = R"({"flag":true,"tiny":171,"small":4660,"medium":3735928559,"large":72623859790382856,"signed_tiny":-2,)"
      R"("signed_small":-300,"signed_medium":-70000,"signed_large":-9223372036854775808,"name":"ab",)"
      R"("title":"\"h\u00e9\\\n\u0001","triple":[1,2,3],"points":[{"x":7,"y":-7}],"maybe":9,"where":null,)"
      R"("origin":{"x":0,"y":1}})";

Everything sample()
{
    Everything value;
    value.flag = true;
    value.tiny = 171;
    value.small = 4660;
    value.medium = 3735928559;
    value.large = 72623859790382856;
    value.signed_tiny = -2;
    value.signed_small = -300;
    value.signed_medium = -70000;
    value.signed_large = std::numeric_limits<i64>::min();
    value.name = MUST(FixedString<16>::try_from("ab"));
    value.title = MUST(Utf8String<32>::try_from(std::string_view("\"h\xC3\xA9\\\n\x01")));
    value.triple = { 1, 2, 3 };
    MUST(value.points.try_append({ 7, -7 }));
    value.maybe = 9;
    value.origin = { 0, 1 };
    return value;
}

}

TEST_CASE("JSON output is compact, in declaration order, with the needed escapes only")
{
    auto text = json_of(sample());
    std::string expected(everything_json);
    /* The writer escapes only what JSON requires: é stays UTF-8, the control character is \u0001. */
    auto at = expected.find("h\\u00e9");
    expected.replace(at, 7, "h\xC3\xA9");
    REQUIRE(text == expected);
    REQUIRE(json_of(Point { -1, 2147483647 }) == R"({"x":-1,"y":2147483647})");
}

TEST_CASE("JSON decoding reads members in any order, with whitespace and every escape")
{
    Everything value;
    REQUIRE_FALSE(decode_json(everything_json, value).is_error());
    REQUIRE(binary_of(value) == binary_of(sample()));

    Point point;
    REQUIRE_FALSE(decode_json(" \t\r\n{ \"y\" : 5 ,\n\"x\":-0 } \n", point).is_error());
    REQUIRE(point.x == 0);
    REQUIRE(point.y == 5);

    Everything escaped = sample();
    std::string text(everything_json);
    auto start = text.find(R"("title":)");
    text.replace(start, text.find(R"("triple")") - start, R"("title":"\ud83d\ude00\/\b\f\r\t\u20AC",)");
    INFO(text);
    REQUIRE_FALSE(decode_json(text, escaped).is_error());
    REQUIRE(escaped.title.bytes() == "\xF0\x9F\x98\x80/\b\f\r\t\xE2\x82\xAC");
}

TEST_CASE("JSON decoding round-trips random values")
{
    SampleGenerator generator(21);
    for (int round = 0; round < 3000; ++round) {
        Everything original = generator.everything();
        auto text = json_of(original);
        Everything decoded;
        auto result = decode_json(text, decoded);
        INFO(text);
        REQUIRE_FALSE(result.is_error());
        REQUIRE(binary_of(decoded) == binary_of(original));
        REQUIRE(json_of(decoded) == text);
    }
}

TEST_CASE("Optional members may be null or absent; required ones may not be absent")
{
    Everything value = sample();
    std::string text(everything_json);
    text.replace(text.find(R"("maybe":9,)"), 10, "");
    text.replace(text.find(R"("where":null,)"), 13, R"("where":{"y":2,"x":1},)");
    REQUIRE_FALSE(decode_json(text, value).is_error());
    REQUIRE_FALSE(value.maybe.has_value());
    REQUIRE(value.where->y == 2);

    auto error = refusal(R"({"flag":true})");
    REQUIRE(error.message == std::string_view("required member is missing"));
    REQUIRE(error.field == "tiny");
    REQUIRE(error.offset == 12);
    error = refusal<Point>(R"({"x":1,"y":null})");
    REQUIRE(error.message == std::string_view("expected an integer"));
    REQUIRE(error.field == "y");
}

TEST_CASE("JSON decoding refuses unknown and repeated members unless told to skip unknown ones")
{
    auto error = refusal<Point>(R"({"x":1,"z":2,"y":3})");
    REQUIRE(error.message == std::string_view("member is not a field of the type"));
    REQUIRE(error.offset == 7);
    REQUIRE(error.field.empty());

    error = refusal<Point>(R"({"x":1,"x":2,"y":3})");
    REQUIRE(error.message == std::string_view("member appears twice"));
    REQUIRE(error.field == "x");
    REQUIRE(error.offset == 7);

    DecodeLimits skip;
    skip.unknown_fields = UnknownFields::Skip;
    Point point;
    REQUIRE_FALSE(decode_json(R"({"x":1,"future":{"a":[1,2.5e-3,"s",true,null,{}]},"y":3})", point, skip).is_error());
    REQUIRE(point.y == 3);
    /* Skipped values are still parsed: garbage inside them is still refused. */
    REQUIRE(refusal<Point>(R"({"x":1,"future":[1,],"y":3})", skip).message == std::string_view("trailing comma"));
    /* A name longer than any field is simply unknown. */
    REQUIRE(refusal<Point>(R"({"x":1,"y":2,")" + std::string(100, 'n') + R"(":0})").message
        == std::string_view("member is not a field of the type"));
}

TEST_CASE("JSON integers are range-checked against their field, and floats are refused")
{
    auto error = refusal(R"({"flag":true,"tiny":256})");
    REQUIRE(error.message == std::string_view("integer is out of the field's range"));
    REQUIRE(error.field == "tiny");
    REQUIRE(error.offset == 20);
    REQUIRE(refusal(R"({"flag":true,"tiny":-1})").field == "tiny");
    REQUIRE(
        refusal<Point>(R"({"x":2147483648,"y":0})").message == std::string_view("integer is out of the field's range"));
    REQUIRE(refusal<Point>(R"({"x":-2147483649,"y":0})").field == "x");
    REQUIRE(refusal<Point>(R"({"x":99999999999999999999,"y":0})").message
        == std::string_view("integer does not fit 64 bits"));
    error = refusal<Point>(R"({"x":1.5,"y":0})");
    REQUIRE(error.code == ErrorCode::Unsupported);
    REQUIRE(error.message == std::string_view("numbers with a fraction or exponent are not supported"));
    REQUIRE(refusal<Point>(R"({"x":1e3,"y":0})").code == ErrorCode::Unsupported);
    REQUIRE(refusal<Point>(R"({"x":01,"y":0})").message == std::string_view("number has a leading zero"));
    REQUIRE(refusal<Point>(R"({"x":-,"y":0})").message == std::string_view("expected a digit after the minus sign"));
    REQUIRE(refusal<Point>(R"({"x":"1","y":0})").message == std::string_view("expected an integer"));

    Everything value;
    std::string text(everything_json);
    auto at = text.find("-9223372036854775808");
    REQUIRE_FALSE(decode_json(text, value).is_error());
    REQUIRE(value.signed_large == std::numeric_limits<i64>::min());
    text.replace(at, 20, "-9223372036854775809");
    REQUIRE(refusal(text).field == "signed_large");
}

TEST_CASE("JSON strings must be valid UTF-8, properly escaped and within capacity")
{
    std::string base(everything_json);
    auto with_title = [&](std::string_view title) {
        std::string text = base;
        auto start = text.find(R"("title":)") + 8;
        auto end = text.find(R"(,"triple")");
        text.replace(start, end - start, title);
        return text;
    };
    auto title_offset = base.find(R"("title":)") + 8;

    auto error = refusal(with_title("\"ab\xC3(\""));
    REQUIRE(error.message == std::string_view("UTF-8: sequence is missing a continuation byte"));
    REQUIRE(error.offset == title_offset + 3);
    REQUIRE(error.field == "title");
    REQUIRE(refusal(with_title("\"\xED\xA0\x80\"")).message == std::string_view("UTF-8: encodes a surrogate"));
    REQUIRE(refusal(with_title(R"("\ud800")")).message == std::string_view("high surrogate escape without a low one"));
    REQUIRE(refusal(with_title(R"("\ud800\u0041")")).message
        == std::string_view("high surrogate escape without a low one"));
    REQUIRE(refusal(with_title(R"("\udc00")")).message == std::string_view("low surrogate escape without a high one"));
    REQUIRE(refusal(with_title(R"("\u12G4")")).message == std::string_view("\\u escape needs four hex digits"));
    REQUIRE(refusal(with_title(R"("\x41")")).message == std::string_view("unknown escape in a string"));
    error = refusal(with_title("\"a\tb\""));
    REQUIRE(error.message == std::string_view("control character inside a string"));
    REQUIRE(error.offset == title_offset + 2);
    REQUIRE(refusal<Point>("{\"x\":1,\"y").message == std::string_view("input ends inside a string"));
    REQUIRE(refusal(with_title("7")).message == std::string_view("expected a string"));

    error = refusal(with_title("\"" + std::string(33, 'x') + "\""));
    REQUIRE(error.code == ErrorCode::TooLarge);
    REQUIRE(error.message == std::string_view("string is longer than the field's capacity"));
    REQUIRE(error.offset == title_offset);
    /* 32 bytes fit exactly, also when escapes produce them. */
    Everything value;
    REQUIRE_FALSE(decode_json(with_title("\"" + std::string(30, 'x') + "\\u00e9\""), value).is_error());
    REQUIRE(value.title.byte_length() == 32);

    DecodeLimits limits;
    limits.maximum_string_bytes = 4;
    REQUIRE(refusal(with_title(R"("abcde")"), limits).message == std::string_view("string is longer than the limit"));
}

TEST_CASE("JSON arrays match fixed sizes and stay within capacity and limits")
{
    std::string base(everything_json);
    auto with = [&](std::string_view from, std::string_view to) {
        std::string text = base;
        text.replace(text.find(from), from.size(), to);
        return text;
    };
    auto error = refusal(with("[1,2,3]", "[1,2]"));
    REQUIRE(error.message == std::string_view("array has fewer elements than the field's fixed size"));
    REQUIRE(error.field == "triple");
    REQUIRE(refusal(with("[1,2,3]", "[1,2,3,4]")).message
        == std::string_view("array has more elements than the field's fixed size"));
    error = refusal(
        with(R"([{"x":7,"y":-7}])", R"([{"x":1,"y":1},{"x":1,"y":1},{"x":1,"y":1},{"x":1,"y":1},{"x":1,"y":1}])"));
    REQUIRE(error.code == ErrorCode::TooLarge);
    REQUIRE(error.message == std::string_view("array has more elements than the field's capacity"));
    REQUIRE(error.field == "points");
    REQUIRE(refusal(with("[1,2,3]", "[1,2,3,]")).message == std::string_view("trailing comma"));
    REQUIRE(refusal(with("[1,2,3]", "[1 2,3]")).message == std::string_view("expected , or ] after an array element"));
    REQUIRE(refusal(with("[1,2,3]", "{}")).message == std::string_view("expected an array"));

    DecodeLimits limits;
    limits.maximum_elements = 2;
    error = refusal(base, limits);
    REQUIRE(error.code == ErrorCode::TooLarge);
    REQUIRE(error.message == std::string_view("more elements than the limit"));
}

TEST_CASE("JSON decoding refuses malformed structure, trailing text and oversized input")
{
    REQUIRE(refusal<Point>("").message == std::string_view("input ends where a value should be"));
    REQUIRE(refusal<Point>("[]").message == std::string_view("expected an object"));
    REQUIRE(refusal<Point>("\xEF\xBB\xBF{\"x\":1,\"y\":2}").message == std::string_view("expected an object"));
    REQUIRE(refusal<Point>(R"({"x":1,"y":2}x)").message == std::string_view("text follows the value"));
    REQUIRE(refusal<Point>(R"({"x":1,"y":2}{})").offset == 13);
    REQUIRE(refusal<Point>(R"({"x":1 "y":2})").message == std::string_view("expected , or } after an object member"));
    REQUIRE(refusal<Point>(R"({"x" 1,"y":2})").message == std::string_view("expected : after a member name"));
    REQUIRE(refusal<Point>(R"({x:1,"y":2})").message == std::string_view("expected a member name in quotes"));
    REQUIRE(refusal<Point>(R"({"x":1,"y":2,})").message == std::string_view("trailing comma"));
    REQUIRE(refusal<Point>(R"({"x":1,"y":2)").message == std::string_view("input ends inside an object"));
    REQUIRE(refusal<Point>(R"({"x":1,"y":2} // comment)").message == std::string_view("text follows the value"));
    auto error = refusal(R"({"flag":tru})");
    REQUIRE(error.message == std::string_view("misspelled literal (true, false or null)"));
    REQUIRE(error.field == "flag");
    REQUIRE(refusal(R"({"flag":1})").message == std::string_view("expected true or false"));

    DecodeLimits limits;
    limits.maximum_input_bytes = 10;
    error = refusal<Point>(R"({"x":1,"y":2})", limits);
    REQUIRE(error.code == ErrorCode::TooLarge);
    REQUIRE(error.message == std::string_view("input is longer than the limit"));
}

TEST_CASE("JSON nesting deeper than the limit is refused, in typed and in skipped values")
{
    Nest nest;
    REQUIRE_FALSE(decode_json(R"({"levels":[[[[5]]]]})", nest).is_error());
    REQUIRE(nest.levels[0][0][0][0] == 5);
    DecodeLimits limits;
    limits.maximum_depth = 4;
    auto error = refusal<Nest>(R"({"levels":[[[[5]]]]})", limits);
    REQUIRE(error.message == std::string_view("nesting is deeper than the limit"));
    REQUIRE(error.offset == 13);
    REQUIRE(error.field == "levels");

    limits = {};
    limits.unknown_fields = UnknownFields::Skip;
    std::string deep = R"({"x":1,"y":2,"deep":)" + std::string(100, '[') + std::string(100, ']') + "}";
    error = refusal<Point>(deep, limits);
    REQUIRE(error.message == std::string_view("nesting is deeper than the limit"));
    REQUIRE(error.offset == 20 + 31);
    limits.maximum_depth = 200;
    Point point;
    REQUIRE_FALSE(decode_json(deep, point, limits).is_error());
}

TEST_CASE("JSON encoding refuses non-UTF-8 FixedStrings and full buffers")
{
    Everything value = sample();
    value.name = MUST(FixedString<16>::try_from("\xFF"));
    std::string buffer(1024, '\0');
    auto error = encode_json(value, std::span<char>(buffer.data(), buffer.size()));
    REQUIRE(error.error().code() == ErrorCode::InvalidArgument);
    char tiny[8];
    REQUIRE(encode_json(Point { 1, 2 }, std::span<char>(tiny)).error().code() == ErrorCode::TooLarge);
    char exact[13];
    REQUIRE(encode_json(Point { 1, 2 }, std::span<char>(exact)).value() == 13);
}
