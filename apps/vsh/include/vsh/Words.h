/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A command line split into words, as a POSIX shell quotes them: blanks separate words; 'single
 * quotes' keep every byte; "double quotes" keep every byte but \" and \\, which stand for " and \;
 * outside quotes a backslash keeps the next byte whatever it is. No expansion, no redirection.
 * Bounded: a line of at most maximum_line bytes and at most maximum_words words; anything else
 * is a distinct error.
 */

#pragma once

#include <string_view>
#include <vectra/Error.h>
#include <vsh/LineEditor.h>

namespace vectra::vsh {

inline constexpr usize maximum_words = 64;

enum class WordsError : u8 {
    LineTooLong = 1,
    UnterminatedQuote = 2,
    TrailingBackslash = 3,
    TooManyWords = 4,
};

[[nodiscard]] char const* describe(WordsError);

class Words {
public:
    [[nodiscard]] usize count() const { return m_count; }
    [[nodiscard]] std::string_view operator[](usize index) const { return { m_bytes + m_starts[index], m_lengths[index] }; }

private:
    friend ErrorOr<void, WordsError> parse_words(std::string_view, Words&);
    char m_bytes[maximum_line];
    usize m_starts[maximum_words];
    usize m_lengths[maximum_words];
    usize m_count { 0 };
};

/* `line` into `words` (emptied first); on an error `words` holds nothing. */
[[nodiscard]] ErrorOr<void, WordsError> parse_words(std::string_view line, Words& words);

}
