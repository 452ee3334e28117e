/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <array>
#include <vectra/Types.h>

namespace vectra {

/*
 * Bytes from a lower-case hexadecimal literal, at compile time: `hex<4>("deadbeef")`. A literal
 * of the wrong length does not compile.
 */
template<usize N>
consteval std::array<u8, N> hex(char const (&text)[2 * N + 1])
{
    auto nibble = [](char character) -> u8 {
        return static_cast<u8>(character <= '9' ? character - '0' : character - 'a' + 10);
    };
    std::array<u8, N> bytes {};
    for (usize index = 0; index < N; ++index)
        bytes[index] = static_cast<u8>(nibble(text[2 * index]) << 4 | nibble(text[2 * index + 1]));
    return bytes;
}

}
