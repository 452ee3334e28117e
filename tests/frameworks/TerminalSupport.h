/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A Terminal on memory of its own, for the tests and the fuzz target.
 */

#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <terminal/Terminal.h>
#include <vectra/Utf8.h>

namespace vectra::terminal::testing {

struct OwnedTerminal {
    explicit OwnedTerminal(Size size, Limits limits = {})
        : memory(new (std::align_val_t(16)) u8[Terminal::memory_for(limits)])
        , terminal({ memory.get(), Terminal::memory_for(limits) }, limits)
    {
        auto started = terminal.start(size);
        if (started.is_error())
            throw std::runtime_error("terminal did not start");
    }

    struct Free {
        void operator()(u8* bytes) const { ::operator delete[](bytes, std::align_val_t(16)); }
    };
    std::unique_ptr<u8[], Free> memory;
    Terminal terminal;

    usize write(std::string_view text)
    {
        return terminal.write({ reinterpret_cast<u8 const*>(text.data()), text.size() });
    }

    /* Row `row` of the screen as UTF-8, blanks at its end left out. */
    std::string row_text(u16 row) const { return line_text(terminal.screen_line() + row); }

    std::string line_text(u64 line) const
    {
        std::string text;
        for (u16 column = 0; column < terminal.size().columns; ++column) {
            Cell cell = terminal.cell_at({ line, column });
            if (cell.width == 0)
                continue;
            if (cell.is_blank()) {
                text += ' ';
                continue;
            }
            for (u32 code_point : cell.code_points) {
                if (!code_point)
                    break;
                append_utf8(text, code_point);
            }
        }
        while (!text.empty() && text.back() == ' ')
            text.pop_back();
        return text;
    }

    std::string pending_input()
    {
        std::string text(terminal.input().size(), '\0');
        terminal.input().take({ reinterpret_cast<u8*>(text.data()), text.size() });
        return text;
    }

    static void append_utf8(std::string& text, u32 code_point)
    {
        char encoded[4];
        text.append(encoded, MUST(encode_utf8(code_point, encoded)));
    }
};

}
