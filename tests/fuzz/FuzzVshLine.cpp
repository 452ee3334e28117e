/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as keys typed into vsh (apps/vsh). The first byte is the window's
 * width; the rest go through the line editor in batches (a refresh after each, as each read's
 * bytes are), and every entered line is split into words. The editor and the parser survive, and
 * their bounds hold: a line of at most 1024 bytes with the cursor inside it, a history of at most
 * 32 such lines, at most 64 words whose bytes come from the line, and a redraw that stays small.
 */

#include <vsh/LineEditor.h>
#include <vsh/Words.h>

using namespace vectra;
using namespace vectra::vsh;

namespace {

class Counter final : public Sink {
public:
    void write(std::span<u8 const> bytes) override { written += bytes.size(); }
    usize written { 0 };
};

Counter s_sink;
LineEditor s_editor(s_sink);
Words s_words;

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    if (size == 0)
        return 0;
    s_editor.set_columns(data[0]);
    s_editor.start("vsh:/$ ");
    for (usize index = 1; index < size; ++index) {
        auto event = s_editor.feed(data[index]);
        VERIFY(s_editor.line().size() <= maximum_line);
        VERIFY(s_editor.cursor() <= s_editor.line().size());
        if (event == EditorEvent::Line) {
            auto line = s_editor.line();
            auto parsed = parse_words(line, s_words);
            if (!parsed.is_error()) {
                VERIFY(s_words.count() <= maximum_words);
                usize bytes = 0;
                for (usize word = 0; word < s_words.count(); ++word)
                    bytes += s_words[word].size();
                VERIFY(bytes <= line.size());
            } else {
                VERIFY(s_words.count() == 0);
            }
        }
        if (event != EditorEvent::None)
            s_editor.start("vsh:/$ ");
        if (index % 256 == 0) {
            s_sink.written = 0;
            s_editor.refresh();
            /* One redraw: the prompt, the line and a few cursor movements. */
            VERIFY(s_sink.written <= 64 + maximum_line + 64);
        }
    }
    VERIFY(s_editor.history_count() <= history_lines);
    for (usize back = 0; back < s_editor.history_count(); ++back)
        VERIFY(!s_editor.history(back).empty() && s_editor.history(back).size() <= maximum_line);
    /* Any line at all, beyond the editor's bound too, through the parser. */
    auto parsed = parse_words({ reinterpret_cast<char const*>(data), size }, s_words);
    if (size > maximum_line)
        VERIFY(parsed.is_error() && parsed.error() == WordsError::LineTooLong);
    return 0;
}
