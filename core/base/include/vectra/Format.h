/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

/*
 * Include {fmt} only through this header: images have no exceptions, so a format error (a
 * format string that does not match its arguments at run time) is a panic naming it.
 */
#include <vectra/Panic.h>
#ifndef FMT_THROW
#    define FMT_THROW(exception) ::vectra::panic("{fmt} format error", __FILE__, __LINE__)
#endif
#include <fmt/format.h>
#include <string_view>
#include <vectra/FixedString.h>

namespace vectra {

/*
 * Formats into a fixed-capacity string with {fmt}; never allocates. Output that does not fit
 * is truncated and the result says so.
 */
template<usize Capacity, typename... Arguments>
bool format_into(FixedString<Capacity>& output, fmt::format_string<Arguments...> format, Arguments&&... arguments)
{
    char buffer[Capacity];
    usize room = Capacity - output.length();
    auto result = fmt::format_to_n(buffer, room, format, std::forward<Arguments>(arguments)...);
    usize written = result.size < room ? result.size : room;
    output.append(std::string_view(buffer, written));
    return result.size <= room;
}

}
