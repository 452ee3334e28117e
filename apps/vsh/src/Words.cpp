/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Splitting a command line into words (Words.h).
 */

#include <vsh/Words.h>

namespace vectra::vsh {

char const* describe(WordsError error)
{
    switch (error) {
    case WordsError::LineTooLong:
        return "the line is longer than 1024 bytes";
    case WordsError::UnterminatedQuote:
        return "a quote is not closed";
    case WordsError::TrailingBackslash:
        return "the line ends with a backslash";
    case WordsError::TooManyWords:
        return "the line has more than 64 words";
    }
    return "unknown error";
}

ErrorOr<void, WordsError> parse_words(std::string_view line, Words& words)
{
    words.m_count = 0;
    if (line.size() > maximum_line)
        return WordsError::LineTooLong;
    enum class Quote : u8 {
        None,
        Single,
        Double,
    };
    Quote quote = Quote::None;
    bool in_word = false;
    usize written = 0; /* words never take more bytes than the line: every output byte consumes one */
    auto open_word = [&]() -> ErrorOr<void, WordsError> {
        if (in_word)
            return {};
        if (words.m_count == maximum_words) {
            words.m_count = 0;
            return WordsError::TooManyWords;
        }
        words.m_starts[words.m_count] = written;
        words.m_lengths[words.m_count] = 0;
        ++words.m_count;
        in_word = true;
        return {};
    };
    auto put = [&](char byte) {
        words.m_bytes[written++] = byte;
        ++words.m_lengths[words.m_count - 1];
    };
    for (usize index = 0; index < line.size(); ++index) {
        char byte = line[index];
        switch (quote) {
        case Quote::Single:
            if (byte == '\'')
                quote = Quote::None;
            else
                put(byte);
            continue;
        case Quote::Double:
            if (byte == '"') {
                quote = Quote::None;
            } else if (byte == '\\' && index + 1 < line.size() && (line[index + 1] == '"' || line[index + 1] == '\\')) {
                put(line[++index]);
            } else {
                put(byte);
            }
            continue;
        case Quote::None:
            break;
        }
        if (byte == ' ' || byte == '\t') {
            in_word = false;
            continue;
        }
        if (auto opened = open_word(); opened.is_error())
            return opened.error();
        if (byte == '\'') {
            quote = Quote::Single;
        } else if (byte == '"') {
            quote = Quote::Double;
        } else if (byte == '\\') {
            if (index + 1 == line.size()) {
                words.m_count = 0;
                return WordsError::TrailingBackslash;
            }
            put(line[++index]);
        } else {
            put(byte);
        }
    }
    if (quote != Quote::None) {
        words.m_count = 0;
        return WordsError::UnterminatedQuote;
    }
    return {};
}

}
