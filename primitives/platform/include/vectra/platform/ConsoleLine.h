/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <atomic>
#include <string_view>
#include <vectra/Format.h>
#include <vectra/platform/Platform.h>

/*
 * Kernel-side printing, for boot, panic, fault and executor reports only: one line straight to
 * the platform console. Tasks print through a console capability (vectra/kernel/Console.h).
 */
namespace vectra::platform {

/*
 * One writer on the console at a time, so lines from different CPUs never interleave: the
 * executor's reports run on the switch path, which holds no big kernel lock (ADR 0026 §15),
 * beside Tasks' console writes on other CPUs. A leaf lock: nothing is taken while it is held.
 * The CPU that holds it (a fault or an interrupt while it prints) writes without it, and a
 * writer that waited `console_wait_rounds` rounds (a holder stopped by a panic) writes anyway:
 * output that may interleave, never a console that hangs.
 */
inline constexpr u32 console_wait_rounds = 1u << 22;
inline std::atomic<u32> g_console_writer { 0 }; /* the holder's CPU index + 1; 0: free */

class ConsoleWriter {
public:
    ConsoleWriter()
    {
        u32 self = current_processor() + 1;
        if (g_console_writer.load(std::memory_order_relaxed) == self)
            return; /* this CPU holds it already */
        for (u32 round = 0; round < console_wait_rounds; ++round) {
            u32 expected = 0;
            if (g_console_writer.compare_exchange_weak(expected, self, std::memory_order_acquire, std::memory_order_relaxed)) {
                m_holds = true;
                return;
            }
            spin_pause(round);
        }
    }
    ~ConsoleWriter()
    {
        if (m_holds)
            g_console_writer.store(0, std::memory_order_release);
    }
    ConsoleWriter(ConsoleWriter const&) = delete;
    ConsoleWriter& operator=(ConsoleWriter const&) = delete;

private:
    bool m_holds { false };
};

inline void console_line(std::string_view text)
{
    ConsoleWriter writer;
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
