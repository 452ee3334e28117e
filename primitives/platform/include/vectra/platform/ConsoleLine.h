/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <string_view>
#include <vectra/Format.h>
#include <vectra/platform/Platform.h>

/*
 * Kernel-side printing, for boot, panic, fault and executor reports only: one line straight to
 * the platform console. Tasks print through a console capability (vectra/kernel/Console.h).
 */
namespace vectra::platform {

inline void console_line(std::string_view text)
{
    console_write(text.data(), text.size());
    console_write("\n", 1);
}

template<typename... Arguments>
void console_format(fmt::format_string<Arguments...> format, Arguments&&... arguments)
{
    FixedString<256> line;
    format_into(line, format, std::forward<Arguments>(arguments)...);
    console_line(line.view());
}

}
