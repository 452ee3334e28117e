/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A domain name as DNS carries it (RFC 1035 §3.1): length-prefixed labels ending with the root's
 * empty label, kept uncompressed in a fixed buffer. The limits hold for every Name there is:
 * labels of 1 to 63 bytes, at most 255 bytes in all (length bytes and the root's zero counted).
 * Names compare ASCII-case-insensitively (RFC 4343); other bytes compare exactly.
 */

#pragma once

#include <array>
#include <span>
#include <string_view>
#include <vectra/Error.h>
#include <vectra/FixedString.h>

namespace vectra::dns {

inline constexpr usize maximum_name_bytes = 255;
inline constexpr usize maximum_label_bytes = 63;
/* The longest presentation form of a name: 255 wire bytes make at most 253 characters. */
inline constexpr usize maximum_name_text = 253;

class Name {
public:
    /* The root name ("."). */
    Name();

    /*
     * A host name in presentation form: "www.example.com" or "www.example.com." (the root is
     * "."). Labels hold letters, digits, '-' and '_' only; empty labels, a label over 63 bytes
     * and a name over 255 wire bytes are refused (`invalid-argument`, `name-too-long`).
     */
    [[nodiscard]] static ErrorOr<Name> from_text(std::string_view);

    /* Adds one label before the root; refused (and the name left unchanged) past the limits. */
    [[nodiscard]] ErrorOr<void> append_label(std::span<u8 const> label);

    /* The wire form, root label included (1 to 255 bytes). */
    [[nodiscard]] std::span<u8 const> wire() const { return { m_bytes.data(), m_length }; }
    [[nodiscard]] usize label_count() const;
    [[nodiscard]] bool is_root() const { return m_length == 1; }

    /* Equal ignoring ASCII case. */
    [[nodiscard]] bool equals(Name const&) const;
    /* This name is `zone` or lies below it (label-wise, ignoring ASCII case). */
    [[nodiscard]] bool is_at_or_below(Name const& zone) const;

    /* Presentation form without the trailing dot ("." for the root); bytes other than letters, digits, '-' and '_' read as '?'. */
    [[nodiscard]] FixedString<maximum_name_text> text() const;

private:
    std::array<u8, maximum_name_bytes> m_bytes {};
    usize m_length { 1 };
};

}
