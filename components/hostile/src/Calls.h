/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The kernel-call gate these Tasks use: one CallFrame, trapped from a protection domain or
 * handed over by a function call otherwise. (The component-facing vectra/System.h provides the
 * same for every component; this test component keeps its own few calls.)
 */

#pragma once

#include <string_view>
#include <vectra/CapabilityClass.h>
#include <vectra/Error.h>
#include <vectra/Try.h>
#include <vectra/FixedString.h>
#include <vectra/Format.h>
#include <vectra/kernel/CallFrame.h>
#include <vectra/platform/Domain.h>

namespace vectra::hostile {

using kernel::Call;
using kernel::CallFrame;

inline CallFrame call(Call number, u64 argument0 = 0, u64 argument1 = 0, u64 argument2 = 0)
{
    CallFrame frame;
    frame.number = u64(number);
    frame.arguments[0] = argument0;
    frame.arguments[1] = argument1;
    frame.arguments[2] = argument2;
    if (platform::in_domain())
        platform::trap_call(frame);
    else
        kernel::system_call(frame);
    return frame;
}

inline ErrorOr<u64> result_of(CallFrame const& frame)
{
    if (frame.error != 0)
        return Error(ErrorCode(frame.error), frame.message);
    return frame.results[0];
}

inline ErrorOr<u64> take(std::string_view name, CapabilityClass capability_class)
{
    return result_of(call(Call::BundleTake, reinterpret_cast<uptr>(name.data()), name.size(), u64(capability_class)));
}

inline ErrorOr<void> write(u64 console, std::string_view text)
{
    TRY(result_of(call(Call::ConsoleWrite, console, reinterpret_cast<uptr>(text.data()), text.size())));
    return {};
}

template<typename... Arguments>
ErrorOr<void> say(u64 console, fmt::format_string<Arguments...> format, Arguments&&... arguments)
{
    FixedString<200> line;
    format_into(line, format, std::forward<Arguments>(arguments)...);
    line.append("\n");
    return write(console, line.view());
}

}
