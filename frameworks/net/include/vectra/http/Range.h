/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Range requests (RFC 9110 §14): which bytes of a representation of `size` bytes a GET asks for.
 * One range of the unit `bytes` is served: `bytes=F-L` (L past the end means the end), `bytes=F-`,
 * `bytes=-N` (the last N bytes, the whole when N is larger). The answer is the whole
 * representation (200) when the request has no Range field, another unit, a malformed field, more
 * than one range (no multipart/byteranges: a server may ignore Range, §14.2, and a list of ranges
 * is how a client asks for many small pieces of one large file), or an If-Range field the server's
 * validator does not match (§13.1.5: a server without validators matches none, so any If-Range
 * then means the whole). A range that starts at or past the end, or a suffix of 0 bytes (every
 * range of an empty representation) is unsatisfiable: 416 with a Content-Range of "bytes *" and
 * "/size" (an asterisk for the range). Numbers of any length are read (a value past 2^64 − 1
 * saturates: a first byte that far is past the end, a last byte that far is the end). Only GET
 * has range handling (§14.2): the caller asks for a range only for GET.
 */

#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vectra/Types.h>

namespace vectra::http {

enum class RangeAnswer : u8 {
    Whole,         /* 200: the representation, every byte */
    Partial,       /* 206: the bytes [first, first + length) */
    Unsatisfiable, /* 416: no byte of the representation is asked for */
};

struct SelectedRange {
    RangeAnswer answer { RangeAnswer::Whole };
    u64 first { 0 };
    u64 length { 0 }; /* Partial: at least 1, first + length <= size */
};

/* `range`: the request's Range field value, if any. `validator_holds`: false when the request has
   an If-Range field the representation's current validator does not match (then the Range is
   ignored); a caller without validators passes whether the request has no If-Range field. */
[[nodiscard]] SelectedRange select_range(std::optional<std::string_view> range, bool validator_holds, u64 size);

/* The longest Content-Range value: "bytes " + three 20-digit numbers and their separators. */
inline constexpr usize content_range_capacity = 6 + 20 + 1 + 20 + 1 + 20;

/* The Content-Range value of an answer in `buffer`: "bytes F-L/size" (Partial) or "bytes *" then
   "/size" (Unsatisfiable); empty for Whole. */
[[nodiscard]] std::string_view content_range(SelectedRange const&, u64 size, std::span<char, content_range_capacity> buffer);

}
