/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <array>
#include <vectra/block/Crc32.h>

namespace vectra::block {

namespace {

constexpr std::array<u32, 256> make_table()
{
    std::array<u32, 256> table {};
    for (u32 index = 0; index < 256; ++index) {
        u32 value = index;
        for (int bit = 0; bit < 8; ++bit)
            value = (value & 1) ? (value >> 1) ^ 0xEDB88320u : value >> 1;
        table[index] = value;
    }
    return table;
}

constexpr auto table = make_table();

}

void Crc32::update(std::span<u8 const> bytes)
{
    u32 state = m_state;
    for (u8 byte : bytes)
        state = table[(state ^ byte) & 0xFF] ^ (state >> 8);
    m_state = state;
}

u32 crc32(std::span<u8 const> bytes)
{
    Crc32 crc;
    crc.update(bytes);
    return crc.value();
}

}
