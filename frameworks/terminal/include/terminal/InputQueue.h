/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The bytes a person typed into a window that the program has not read yet: at most
 * `tty::pending_input` (1024). Beyond that the oldest are kept and the newest dropped, and counted,
 * until the next read takes them (vectra.tty's promise).
 */

#pragma once

#include <span>
#include <vectra/Types.h>
#include <vectra/tty/Protocol.h>

namespace vectra::terminal {

class InputQueue {
public:
    static constexpr usize capacity = tty::pending_input;

    /* Appends what fits; counts the rest as dropped. Answers how many bytes were kept. */
    usize push(std::span<u8 const> bytes);
    /* Moves up to `into.size()` bytes out, oldest first; answers how many. */
    usize take(std::span<u8> into);
    /* The count of bytes dropped since the last call, which clears it. */
    u32 take_dropped();

    [[nodiscard]] usize size() const { return m_size; }
    [[nodiscard]] bool is_empty() const { return m_size == 0; }
    [[nodiscard]] u32 dropped() const { return m_dropped; }

private:
    u8 m_bytes[capacity] {};
    usize m_head { 0 };
    usize m_size { 0 };
    u32 m_dropped { 0 };
};

}
