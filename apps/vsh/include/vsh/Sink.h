/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Where vsh's output goes: the terminal's window (Terminal.h sends it through vectra.tty's `write`),
 * or, in tests and the fuzz target, memory. Text is UTF-8 and xterm control sequences; the shell
 * writes "\r\n" itself (the terminal has no line discipline).
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Format.h>
#include <vectra/Types.h>

namespace vectra::vsh {

class Sink {
public:
    virtual void write(std::span<u8 const>) = 0;

    void text(std::string_view text) { write({ reinterpret_cast<u8 const*>(text.data()), text.size() }); }
    /* Formatted text of at most 256 bytes (longer is cut: format_into says so). */
    template<typename... Arguments>
    void format(fmt::format_string<Arguments...> format, Arguments&&... arguments)
    {
        FixedString<256> line;
        (void)format_into(line, format, std::forward<Arguments>(arguments)...);
        text(line.view());
    }

protected:
    ~Sink() = default;
};

}
