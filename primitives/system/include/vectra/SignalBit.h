/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Types.h>

namespace vectra {

/* One of the 64 bits of a Task's Signal Mask. */
class SignalBit {
public:
    constexpr explicit SignalBit(u8 index)
        : m_index(index & 63)
    {
    }
    [[nodiscard]] constexpr u8 index() const { return m_index; }
    [[nodiscard]] constexpr u64 mask() const { return u64(1) << m_index; }

private:
    u8 m_index;
};

}
