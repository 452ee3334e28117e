/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The text copied from one terminal window to paste into another: at most `capacity` bytes of
 * UTF-8 (a longer selection is cut at a character boundary). One per vterm Task, shared by its windows.
 */

#pragma once

#include <span>
#include <terminal/Terminal.h>

namespace vectra::terminal {

class Clipboard {
public:
    static constexpr usize capacity = 4096;

    /* Copies the terminal's selection (nothing when it has none); answers the bytes kept. */
    usize copy_from(Terminal const&);
    /* Types the text into the terminal as a paste; false when the clipboard is empty. */
    bool paste_into(Terminal&) const;

    [[nodiscard]] std::span<u8 const> text() const { return { m_text, m_size }; }

private:
    u8 m_text[capacity] {};
    usize m_size { 0 };
};

}
