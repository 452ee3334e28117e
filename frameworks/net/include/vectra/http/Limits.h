/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The bounds every HTTP message is read within. A message over one of them is refused with its
 * own error (Error.h), never read further: the head is held whole in a buffer of head_bytes, so
 * nothing about a message grows with what a peer sends.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::http {

inline constexpr usize maximum_header_count = 100; /* the most any Limits may allow: the Head's fixed table */

struct Limits {
    usize request_line_bytes { 4096 }; /* the request or status line, CRLF included (over: 414) */
    usize head_bytes { 8192 };         /* the whole head: start line, field lines, the empty line (over: 431) */
    usize header_count { 64 };         /* field lines (over: 431); at most maximum_header_count */
    u64 body_bytes { 1024 * 1024 };    /* decoded body bytes (over: 413) */
    usize chunk_line_bytes { 256 };    /* one chunk size line with its extensions */
    usize trailer_bytes { 4096 };      /* all trailer field lines of a chunked body */
};

}
