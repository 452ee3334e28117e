/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * One terminal window's conversation (Conversation.h).
 */

#include <vectra/System.h>
#include <vectra/Try.h>
#include <vsh/Conversation.h>

namespace vectra::vsh {

std::optional<Outcome> type(LineEditor& editor, Shell& shell, Sink& sink, std::span<u8 const> bytes)
{
    for (u8 byte : bytes) {
        switch (editor.feed(byte)) {
        case EditorEvent::None:
            continue;
        case EditorEvent::Line:
            if (auto outcome = shell.run_line(editor.line()); outcome.exit)
                return outcome;
            break;
        case EditorEvent::Abandoned:
            break;
        case EditorEvent::EndOfInput:
            sink.text("exit\r\n");
            return Outcome { true, 0 };
        case EditorEvent::TooLong:
            sink.format("vsh: {}\r\n", describe(WordsError::LineTooLong));
            break;
        }
        editor.start(shell.prompt().view());
    }
    editor.refresh();
    return std::nullopt;
}

ErrorOr<Outcome> converse(Terminal& terminal, LineEditor& editor, Shell& shell, ConsoleCap const* console)
{
    terminal.reset();
    auto size = TRY(terminal.size());
    editor.set_columns(size.columns);
    TRY(terminal.set_title("vsh"));
    terminal.text("vsh: a small shell on vfsd; help lists the commands\r\n");
    editor.start(shell.prompt().view());
    TRY(terminal.flush());
    for (;;) {
        auto input = TRY(terminal.read(read_wait_ms));
        editor.set_columns(input.columns);
        if (input.dropped > 0) {
            terminal.format("\r\nvsh: the terminal dropped {} typed bytes\r\n", input.dropped);
            editor.start(shell.prompt().view());
        }
        u64 lines_before = shell.lines_run();
        auto outcome = type(editor, shell, terminal, input.bytes.span());
        TRY(terminal.flush());
        if (console && shell.lines_run() != lines_before)
            (void)print_line(*console, "vsh: line {} answered", shell.lines_run());
        if (outcome)
            return *outcome;
    }
}

}
