/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Utf8.h>

namespace vectra {

/* Iterates the code points of text already validated as UTF-8. */
class CodePointIterator {
public:
    constexpr CodePointIterator() = default;
    constexpr CodePointIterator(std::string_view bytes, usize offset)
        : m_bytes(bytes)
        , m_offset(offset)
    {
    }

    [[nodiscard]] constexpr u32 operator*() const
    {
        return text_detail::decode_valid_utf8(m_bytes, m_offset).code_point;
    }
    constexpr CodePointIterator& operator++()
    {
        m_offset += text_detail::decode_valid_utf8(m_bytes, m_offset).length;
        return *this;
    }
    constexpr CodePointIterator operator++(int)
    {
        auto previous = *this;
        ++*this;
        return previous;
    }
    [[nodiscard]] constexpr bool operator==(CodePointIterator const& other) const { return m_offset == other.m_offset; }

    /* Byte offset of the code point this iterator is at. */
    [[nodiscard]] constexpr usize offset() const { return m_offset; }

private:
    std::string_view m_bytes;
    usize m_offset { 0 };
};

/*
 * A view of bytes that are valid UTF-8. The only ways to make one check the bytes first:
 * `try_from` at run time, or a string literal, checked at compile time. Nothing after that
 * re-checks, so the view is as cheap as a std::string_view.
 */
class Utf8View {
public:
    constexpr Utf8View() = default;

    /* A string literal, validated at compile time: invalid UTF-8 does not compile. */
    template<usize Size>
    consteval Utf8View(char const (&literal)[Size])
        : m_bytes(literal, Size - 1)
    {
        if (!check_utf8(m_bytes).valid)
            invalid_utf8_in_literal();
    }

    [[nodiscard]] static ErrorOr<Utf8View, Utf8Error> try_from(std::string_view bytes)
    {
        auto valid = validate_utf8(bytes);
        if (valid.is_error())
            return valid.release_error();
        return Utf8View(bytes, Validated {});
    }

    [[nodiscard]] static ErrorOr<Utf8View, Utf8Error> try_from(std::span<u8 const> bytes)
    {
        return try_from(std::string_view(reinterpret_cast<char const*>(bytes.data()), bytes.size()));
    }

    [[nodiscard]] constexpr std::string_view bytes() const { return m_bytes; }
    [[nodiscard]] constexpr usize byte_length() const { return m_bytes.size(); }
    [[nodiscard]] constexpr bool is_empty() const { return m_bytes.empty(); }

    [[nodiscard]] constexpr CodePointIterator begin() const { return { m_bytes, 0 }; }
    [[nodiscard]] constexpr CodePointIterator end() const { return { m_bytes, m_bytes.size() }; }

    [[nodiscard]] constexpr usize code_point_count() const
    {
        usize count = 0;
        for (char byte : m_bytes) {
            if ((static_cast<u8>(byte) & 0xC0) != 0x80)
                ++count;
        }
        return count;
    }

    [[nodiscard]] constexpr bool is_code_point_boundary(usize offset) const
    {
        if (offset >= m_bytes.size())
            return offset == m_bytes.size();
        return (static_cast<u8>(m_bytes[offset]) & 0xC0) != 0x80;
    }

    /* The bytes from `offset`, `length` long; both ends must fall between code points. */
    [[nodiscard]] ErrorOr<Utf8View> try_substring(usize offset, usize length) const
    {
        if (offset > m_bytes.size() || length > m_bytes.size() - offset)
            return Error(ErrorCode::InvalidArgument, "substring lies outside the text");
        if (!is_code_point_boundary(offset) || !is_code_point_boundary(offset + length))
            return Error(ErrorCode::InvalidArgument, "substring would split a code point");
        return Utf8View(m_bytes.substr(offset, length), Validated {});
    }

    [[nodiscard]] constexpr bool starts_with(Utf8View prefix) const { return m_bytes.starts_with(prefix.m_bytes); }
    [[nodiscard]] constexpr bool operator==(Utf8View const& other) const { return m_bytes == other.m_bytes; }

private:
    struct Validated { };
    constexpr Utf8View(std::string_view bytes, Validated)
        : m_bytes(bytes)
    {
    }

    /* Not constexpr: reaching it while evaluating a literal is the compile error. */
    static void invalid_utf8_in_literal();

    template<usize>
    friend class Utf8String;

    std::string_view m_bytes;
};

}
