/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * CRC-32 as GPT (and zlib, Ethernet) computes it: reflected polynomial 0xEDB88320, initial value
 * and final XOR 0xFFFFFFFF. Feed it in pieces with `update`, read `value`.
 */

#pragma once

#include <span>
#include <vectra/Types.h>

namespace vectra::block {

class Crc32 {
public:
    void update(std::span<u8 const>);
    [[nodiscard]] u32 value() const { return ~m_state; }

private:
    u32 m_state { 0xFFFFFFFFu };
};

[[nodiscard]] u32 crc32(std::span<u8 const>);

}
