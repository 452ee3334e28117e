/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/FixedString.h>
#include <vectra/io/Stream.h>
#include <vectra/log/Record.h>

namespace vectra::log {

inline constexpr usize text_line_capacity = 512;
using TextLine = FixedString<text_line_capacity>;

/*
 * Formats a record as exactly one line (with its newline):
 *
 *     [    12.000345] INFO    vfsd: listening slots=8 schema="vectra.vfs"
 *
 * The time (seconds since boot) appears when the record has one. Text that could forge a line
 * or confuse a reader is escaped: control characters as \n, \t, \xNN, quotes and backslashes in
 * quoted values, and bytes of invalid UTF-8 as \xNN. A line that does not fit ends with
 * " [truncated]" (never cutting an escape or a code point). Returns whether it fitted.
 */
bool format_text_line(Record const&, TextLine&);

/* Writes each record as one text line to any Write (the console through TextTargetWriter, say). */
template<io::Write Output>
class TextSink {
public:
    explicit TextSink(Output& output)
        : m_output(output)
    {
    }

    [[nodiscard]] ErrorOr<void> write(Record const& record)
    {
        TextLine line;
        format_text_line(record, line);
        return io::write_all(m_output, line.view());
    }

private:
    Output& m_output;
};

}
