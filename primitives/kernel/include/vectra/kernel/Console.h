/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <string_view>
#include <vectra/Capability.h>
#include <vectra/Format.h>
#include <vectra/platform/Platform.h>

namespace vectra {

/* The console device object. Tasks reach it only through a ConsoleCap (DeviceCap class). */
class ConsoleDevice {
public:
    void write(std::string_view text) { platform::console_write(text.data(), text.size()); }
};

/* Prints one formatted line through a console capability that carries the Write right. */
template<typename... Arguments>
ErrorOr<void> print_line(ConsoleCap const& console, fmt::format_string<Arguments...> format, Arguments&&... arguments)
{
    auto device = console.object_with(RightWrite);
    if (device.is_error())
        return device.release_error();
    FixedString<256> line;
    format_into(line, format, std::forward<Arguments>(arguments)...);
    line.append("\n");
    device.value()->write(line.view());
    return {};
}

}

namespace vectra::kernel {

/* Kernel-side printing, for boot, panic and fault reports only. */
void console_line(std::string_view text);

template<typename... Arguments>
void console_format(fmt::format_string<Arguments...> format, Arguments&&... arguments)
{
    FixedString<256> line;
    format_into(line, format, std::forward<Arguments>(arguments)...);
    console_line(line.view());
}

/* Runs the fini classes in reverse, prints the power-off line and ends the image. */
[[noreturn]] void power_off_with_report(platform::ExitStatus);

/* True when any interrupt line (besides the timer) is routed to a Task's signal bit. */
[[nodiscard]] bool interrupt_lines_bound();

}
