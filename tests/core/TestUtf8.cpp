/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vectra/Try.h>
#include <vectra/Utf8String.h>
#include <vectra/Utf8View.h>

using namespace vectra;

namespace {

/*
 * An independent reference for well-formed UTF-8: decode by the lead byte's bit pattern, then
 * reject overlong values, surrogates and values above U+10FFFF. Returns the offset of the first
 * bad sequence, or -1.
 */
long reference_invalid_offset(std::string const& bytes)
{
    usize index = 0;
    while (index < bytes.size()) {
        u8 lead = static_cast<u8>(bytes[index]);
        usize length = 0;
        u32 value = 0;
        if ((lead & 0x80) == 0) {
            length = 1;
            value = lead;
        } else if ((lead & 0xE0) == 0xC0) {
            length = 2;
            value = lead & 0x1F;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3;
            value = lead & 0x0F;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4;
            value = lead & 0x07;
        } else {
            return static_cast<long>(index);
        }
        if (index + length > bytes.size())
            return static_cast<long>(index);
        for (usize position = 1; position < length; ++position) {
            u8 byte = static_cast<u8>(bytes[index + position]);
            if ((byte & 0xC0) != 0x80)
                return static_cast<long>(index);
            value = (value << 6) | (byte & 0x3F);
        }
        u32 const smallest[] = { 0, 0, 0x80, 0x800, 0x10000 };
        if (value < smallest[length] || (value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF)
            return static_cast<long>(index);
        index += length;
    }
    return -1;
}

long invalid_offset(std::string const& bytes)
{
    auto result = validate_utf8(bytes);
    return result.is_error() ? static_cast<long>(result.error().offset) : -1;
}

}

TEST_CASE("Valid UTF-8 of every length is accepted")
{
    REQUIRE_FALSE(validate_utf8("").is_error());
    REQUIRE_FALSE(validate_utf8("plain ASCII").is_error());
    REQUIRE_FALSE(validate_utf8("h\xC3\xA9llo").is_error()); /* é */
    REQUIRE_FALSE(validate_utf8("\xE2\x82\xAC").is_error()); /* € */
    REQUIRE_FALSE(validate_utf8("\xF0\x9F\x98\x80").is_error()); /* U+1F600 */
    REQUIRE_FALSE(validate_utf8("\xF4\x8F\xBF\xBF").is_error()); /* U+10FFFF */
    REQUIRE_FALSE(validate_utf8("\xED\x9F\xBF").is_error()); /* U+D7FF, just below the surrogates */
    REQUIRE_FALSE(validate_utf8(std::string_view("a\0b", 3)).is_error()); /* NUL is a code point */
}

TEST_CASE("Invalid UTF-8 is refused with the offset of the bad sequence and the rule it broke")
{
    struct Case {
        std::string_view bytes;
        usize offset;
        std::string_view message;
    };
    Case const cases[] = {
        { "ab\x80", 2, "UTF-8: continuation byte without a lead byte" },
        { "\xC0\xAF", 0, "UTF-8: overlong encoding" },
        { "x\xC1\xBF", 1, "UTF-8: overlong encoding" },
        { "\xE0\x80\xAF", 0, "UTF-8: overlong encoding" },
        { "\xF0\x8F\xBF\xBF", 0, "UTF-8: overlong encoding" },
        { "abc\xED\xA0\x80", 3, "UTF-8: encodes a surrogate" },
        { "\xED\xBF\xBF", 0, "UTF-8: encodes a surrogate" },
        { "\xF4\x90\x80\x80", 0, "UTF-8: code point above U+10FFFF" },
        { "\xF5\x80\x80\x80", 0, "UTF-8: byte that never appears in UTF-8" },
        { "ok\xFF", 2, "UTF-8: byte that never appears in UTF-8" },
        { "\xE2\x82", 0, "UTF-8: input ends inside a sequence" },
        { "\xC3", 0, "UTF-8: input ends inside a sequence" },
        { "\xE2(\xAC", 0, "UTF-8: sequence is missing a continuation byte" },
        { "\xF0\x9F\x98(", 0, "UTF-8: sequence is missing a continuation byte" },
    };
    for (auto const& each : cases) {
        INFO(std::string(each.message));
        auto result = validate_utf8(each.bytes);
        REQUIRE(result.is_error());
        REQUIRE(result.error().code == ErrorCode::InvalidArgument);
        REQUIRE(result.error().offset == each.offset);
        REQUIRE(std::string_view(result.error().message) == each.message);
    }
}

TEST_CASE("The validator agrees with an independent reference on random bytes")
{
    std::mt19937 random(7);
    /* Bytes biased toward the interesting ranges: ASCII, continuation, every lead class. */
    u8 const interesting[] = { 'a', 0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
        0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF };
    for (int round = 0; round < 200000; ++round) {
        std::string bytes(random() % 8, '\0');
        for (auto& byte : bytes)
            byte = static_cast<char>(random() % 3 == 0 ? random() : interesting[random() % sizeof(interesting)]);
        INFO(round);
        REQUIRE(invalid_offset(bytes) == reference_invalid_offset(bytes));
    }
}

TEST_CASE("Every Unicode scalar value encodes, validates and iterates back to itself")
{
    for (u32 code_point = 0; code_point <= maximum_code_point; ++code_point) {
        char encoded[4] {};
        auto length = encode_utf8(code_point, encoded);
        if (is_surrogate(code_point)) {
            REQUIRE(length.is_error());
            continue;
        }
        REQUIRE(length.value() == utf8_length_of(code_point));
        auto view = Utf8View::try_from(std::string_view(encoded, length.value()));
        REQUIRE_FALSE(view.is_error());
        auto iterator = view.value().begin();
        if (*iterator != code_point)
            FAIL("code point " << code_point << " came back as " << *iterator);
        REQUIRE(++iterator == view.value().end());
    }
    char encoded[4] {};
    REQUIRE(encode_utf8(0x110000, encoded).is_error());
}

TEST_CASE("Utf8View iterates code points with their byte offsets")
{
    constexpr Utf8View text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    static_assert(text.code_point_count() == 4);
    static_assert(text.byte_length() == 10);
    u32 expected[] = { 'a', 0xE9, 0x20AC, 0x1F600 };
    usize offsets[] = { 0, 1, 3, 6 };
    usize index = 0;
    for (auto iterator = text.begin(); iterator != text.end(); ++iterator, ++index) {
        REQUIRE(*iterator == expected[index]);
        REQUIRE(iterator.offset() == offsets[index]);
    }
    REQUIRE(index == 4);
}

TEST_CASE("Utf8View is made only from valid bytes")
{
    auto good = Utf8View::try_from(std::string_view("caf\xC3\xA9"));
    REQUIRE(good.value().bytes() == "caf\xC3\xA9");
    auto bad = Utf8View::try_from(std::string_view("caf\xC3"));
    REQUIRE(bad.is_error());
    REQUIRE(bad.error().offset == 3);
    u8 const raw[] = { 'o', 'k', 0xE2, 0x82, 0xAC };
    REQUIRE(Utf8View::try_from(std::span<u8 const>(raw)).value().code_point_count() == 3);
    /* A Utf8Error converts to a plain Error for TRY in functions that return ErrorOr<T>. */
    auto through_try = []() -> ErrorOr<usize> {
        auto view = TRY(Utf8View::try_from(std::string_view("\xFF")));
        return view.byte_length();
    }();
    REQUIRE(through_try.error().code() == ErrorCode::InvalidArgument);
}

TEST_CASE("Substrings never split a code point")
{
    Utf8View text = "a\xC3\xA9z";
    REQUIRE(text.try_substring(1, 2).value() == Utf8View("\xC3\xA9"));
    REQUIRE(text.try_substring(2, 1).is_error());
    REQUIRE(text.try_substring(1, 1).is_error());
    REQUIRE(text.try_substring(3, 5).is_error());
    REQUIRE(text.try_substring(4, 0).value().is_empty());
    REQUIRE(text.starts_with("a\xC3\xA9"));
}

TEST_CASE("Utf8String holds only valid UTF-8 within its capacity")
{
    auto text = Utf8String<8>::try_from(std::string_view("h\xC3\xA9"));
    REQUIRE(text.value().byte_length() == 3);
    REQUIRE(text.value() == Utf8View("h\xC3\xA9"));

    auto invalid = Utf8String<8>::try_from(std::string_view("ab\xC3"));
    REQUIRE(invalid.error().offset == 2);
    auto too_long = Utf8String<4>::try_from(std::string_view("hello"));
    REQUIRE(too_long.error().code == ErrorCode::TooLarge);

    Utf8String<6> growing;
    REQUIRE_FALSE(growing.try_append("ab").is_error());
    REQUIRE_FALSE(growing.try_append_code_point(0x20AC).is_error()); /* 3 bytes: 5 of 6 used */
    /* A 2-byte code point does not fit in the last byte: refused whole, never cut in half. */
    REQUIRE(growing.try_append_code_point(0xE9).error().code() == ErrorCode::TooLarge);
    REQUIRE(growing.try_append("xy").error().code() == ErrorCode::TooLarge);
    REQUIRE(growing.bytes() == "ab\xE2\x82\xAC");
    REQUIRE(growing.try_append_code_point(0xD800).error().code() == ErrorCode::InvalidArgument);
    REQUIRE_FALSE(growing.try_append("!").is_error());
    REQUIRE(growing.view().code_point_count() == 4);

    /* A failed assignment leaves the old contents. */
    REQUIRE(growing.try_assign("\xFF").is_error());
    REQUIRE(growing.bytes() == "ab\xE2\x82\xAC!");
    growing.clear();
    REQUIRE(growing.is_empty());
}
