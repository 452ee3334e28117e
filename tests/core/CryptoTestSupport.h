/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Hex helpers for the crypto and random tests (host only: they allocate).
 */

#pragma once

#include <array>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>
#include <vectra/Types.h>

namespace vectra::test {

inline std::vector<u8> from_hex(std::string_view hex)
{
    auto nibble = [](char character) -> u8 {
        if (character >= '0' && character <= '9')
            return static_cast<u8>(character - '0');
        if (character >= 'a' && character <= 'f')
            return static_cast<u8>(character - 'a' + 10);
        throw std::invalid_argument("not a hex digit");
    };
    std::vector<u8> bytes;
    for (usize index = 0; index + 1 < hex.size(); index += 2)
        bytes.push_back(static_cast<u8>(nibble(hex[index]) << 4 | nibble(hex[index + 1])));
    return bytes;
}

template<usize N>
std::array<u8, N> array_from_hex(std::string_view hex)
{
    auto bytes = from_hex(hex);
    if (bytes.size() != N)
        throw std::invalid_argument("wrong length");
    std::array<u8, N> result {};
    for (usize index = 0; index < N; ++index)
        result[index] = bytes[index];
    return result;
}

inline std::string to_hex(std::span<u8 const> bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string text;
    for (u8 byte : bytes) {
        text += digits[byte >> 4];
        text += digits[byte & 0xf];
    }
    return text;
}

inline std::span<u8 const> text_bytes(std::string_view text)
{
    return { reinterpret_cast<u8 const*>(text.data()), text.size() };
}

}
