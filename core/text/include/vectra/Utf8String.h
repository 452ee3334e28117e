/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <string_view>
#include <vectra/Utf8View.h>

namespace vectra {

/*
 * A UTF-8 string of bounded capacity (in bytes) stored inline, for freestanding code. Always
 * valid UTF-8: bytes are checked when they come in, and appending never splits a code point
 * (text that does not fit is refused whole, never truncated).
 */
template<usize Capacity>
class Utf8String {
public:
    constexpr Utf8String() = default;

    [[nodiscard]] static ErrorOr<Utf8String, Utf8Error> try_from(std::string_view bytes)
    {
        Utf8String result;
        auto assigned = result.try_assign(bytes);
        if (assigned.is_error())
            return assigned.release_error();
        return result;
    }

    [[nodiscard]] static ErrorOr<Utf8String> try_from(Utf8View text)
    {
        Utf8String result;
        auto appended = result.try_append(text);
        if (appended.is_error())
            return appended.release_error();
        return result;
    }

    /* Replaces the contents with `bytes` if they are valid UTF-8 and fit; else leaves them. */
    [[nodiscard]] ErrorOr<void, Utf8Error> try_assign(std::string_view bytes)
    {
        if (bytes.size() > Capacity)
            return Utf8Error { ErrorCode::TooLarge, "text exceeds the fixed capacity", Capacity };
        auto valid = validate_utf8(bytes);
        if (valid.is_error())
            return valid.release_error();
        copy_in(0, bytes);
        m_length = bytes.size();
        return {};
    }

    [[nodiscard]] ErrorOr<void> try_append(Utf8View text)
    {
        if (text.byte_length() > Capacity - m_length)
            return Error(ErrorCode::TooLarge, "text exceeds the fixed capacity");
        copy_in(m_length, text.bytes());
        m_length += text.byte_length();
        return {};
    }

    [[nodiscard]] ErrorOr<void> try_append_code_point(u32 code_point)
    {
        char encoded[4] {};
        auto length = encode_utf8(code_point, encoded);
        if (length.is_error())
            return length.release_error();
        if (length.value() > Capacity - m_length)
            return Error(ErrorCode::TooLarge, "text exceeds the fixed capacity");
        copy_in(m_length, std::string_view(encoded, length.value()));
        m_length += length.value();
        return {};
    }

    constexpr void clear() { m_length = 0; }

    [[nodiscard]] constexpr Utf8View view() const { return Utf8View(bytes(), Utf8View::Validated {}); }
    [[nodiscard]] constexpr std::string_view bytes() const { return { m_data, m_length }; }
    [[nodiscard]] constexpr usize byte_length() const { return m_length; }
    [[nodiscard]] constexpr bool is_empty() const { return m_length == 0; }
    [[nodiscard]] static constexpr usize capacity() { return Capacity; }

    [[nodiscard]] constexpr CodePointIterator begin() const { return view().begin(); }
    [[nodiscard]] constexpr CodePointIterator end() const { return view().end(); }

    [[nodiscard]] constexpr bool operator==(Utf8String const& other) const { return bytes() == other.bytes(); }
    [[nodiscard]] constexpr bool operator==(Utf8View other) const { return bytes() == other.bytes(); }

private:
    constexpr void copy_in(usize offset, std::string_view bytes)
    {
        for (usize index = 0; index < bytes.size(); ++index)
            m_data[offset + index] = bytes[index];
    }

    char m_data[Capacity] {};
    usize m_length { 0 };
};

}
