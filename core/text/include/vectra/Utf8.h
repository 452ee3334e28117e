/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <string_view>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * Why bytes are not UTF-8, and where: `offset` is the byte offset of the first byte of the
 * offending sequence. Converts to a plain Error (the offset is dropped) for TRY and MUST.
 */
struct Utf8Error {
    ErrorCode code { ErrorCode::InvalidArgument };
    char const* message { nullptr };
    usize offset { 0 };

    constexpr operator Error() const { return Error(code, message); }
};

inline constexpr u32 maximum_code_point = 0x10FFFF;

[[nodiscard]] constexpr bool is_surrogate(u32 code_point) { return code_point >= 0xD800 && code_point <= 0xDFFF; }
[[nodiscard]] constexpr bool is_scalar_value(u32 code_point)
{
    return code_point <= maximum_code_point && !is_surrogate(code_point);
}

/* Bytes the UTF-8 form of a Unicode scalar value takes (1-4), or 0 when it is not one. */
[[nodiscard]] constexpr usize utf8_length_of(u32 code_point)
{
    if (!is_scalar_value(code_point))
        return 0;
    if (code_point < 0x80)
        return 1;
    if (code_point < 0x800)
        return 2;
    if (code_point < 0x10000)
        return 3;
    return 4;
}

/* The verdict of check_utf8: usable in constant expressions, unlike ErrorOr. */
struct Utf8Check {
    bool valid { true };
    char const* message { nullptr };
    usize offset { 0 };
};

/*
 * Checks that `bytes` is well-formed UTF-8 as Unicode defines it (Table 3-7): no overlong
 * forms, no surrogates, nothing above U+10FFFF, no stray or missing continuation bytes.
 */
[[nodiscard]] constexpr Utf8Check check_utf8(std::string_view bytes)
{
    auto fail = [](char const* message, usize offset) { return Utf8Check { false, message, offset }; };
    usize index = 0;
    while (index < bytes.size()) {
        u8 lead = static_cast<u8>(bytes[index]);
        if (lead < 0x80) {
            ++index;
            continue;
        }
        usize length = 0;
        u8 second_low = 0x80;
        u8 second_high = 0xBF;
        if (lead < 0xC0)
            return fail("UTF-8: continuation byte without a lead byte", index);
        if (lead < 0xC2)
            return fail("UTF-8: overlong encoding", index);
        if (lead < 0xE0) {
            length = 2;
        } else if (lead < 0xF0) {
            length = 3;
            if (lead == 0xE0)
                second_low = 0xA0;
            if (lead == 0xED)
                second_high = 0x9F;
        } else if (lead < 0xF5) {
            length = 4;
            if (lead == 0xF0)
                second_low = 0x90;
            if (lead == 0xF4)
                second_high = 0x8F;
        } else {
            return fail("UTF-8: byte that never appears in UTF-8", index);
        }
        for (usize position = 1; position < length; ++position) {
            if (index + position >= bytes.size())
                return fail("UTF-8: input ends inside a sequence", index);
            u8 byte = static_cast<u8>(bytes[index + position]);
            u8 low = position == 1 ? second_low : 0x80;
            u8 high = position == 1 ? second_high : 0xBF;
            if (byte < 0x80 || byte > 0xBF)
                return fail("UTF-8: sequence is missing a continuation byte", index);
            if (byte < low || byte > high) {
                if (lead == 0xED)
                    return fail("UTF-8: encodes a surrogate", index);
                if (lead == 0xF4)
                    return fail("UTF-8: code point above U+10FFFF", index);
                return fail("UTF-8: overlong encoding", index);
            }
        }
        index += length;
    }
    return {};
}

[[nodiscard]] inline ErrorOr<void, Utf8Error> validate_utf8(std::string_view bytes)
{
    auto check = check_utf8(bytes);
    if (!check.valid)
        return Utf8Error { ErrorCode::InvalidArgument, check.message, check.offset };
    return {};
}

/* Writes the UTF-8 form of a scalar value into `output`; returns its length (1-4). */
[[nodiscard]] inline ErrorOr<usize> encode_utf8(u32 code_point, char (&output)[4])
{
    usize length = utf8_length_of(code_point);
    if (length == 0)
        return Error(ErrorCode::InvalidArgument, "not a Unicode scalar value (a surrogate or above U+10FFFF)");
    if (length == 1) {
        output[0] = static_cast<char>(code_point);
    } else if (length == 2) {
        output[0] = static_cast<char>(0xC0 | (code_point >> 6));
        output[1] = static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (length == 3) {
        output[0] = static_cast<char>(0xE0 | (code_point >> 12));
        output[1] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        output[2] = static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        output[0] = static_cast<char>(0xF0 | (code_point >> 18));
        output[1] = static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        output[2] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        output[3] = static_cast<char>(0x80 | (code_point & 0x3F));
    }
    return length;
}

namespace text_detail {

/* Decodes the sequence at `index` of text already known to be valid UTF-8. */
struct DecodedCodePoint {
    u32 code_point;
    usize length;
};

[[nodiscard]] constexpr DecodedCodePoint decode_valid_utf8(std::string_view bytes, usize index)
{
    u8 lead = static_cast<u8>(bytes[index]);
    auto continuation
        = [&](usize position) { return static_cast<u32>(static_cast<u8>(bytes[index + position]) & 0x3F); };
    if (lead < 0x80)
        return { lead, 1 };
    if (lead < 0xE0)
        return { (static_cast<u32>(lead & 0x1F) << 6) | continuation(1), 2 };
    if (lead < 0xF0)
        return { (static_cast<u32>(lead & 0x0F) << 12) | (continuation(1) << 6) | continuation(2), 3 };
    return { (static_cast<u32>(lead & 0x07) << 18) | (continuation(1) << 12) | (continuation(2) << 6) | continuation(3),
        4 };
}

}

}
