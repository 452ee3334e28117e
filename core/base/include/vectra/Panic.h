/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

namespace vectra {

class Error;

/*
 * A panic ends the current Task (or, outside any Task, the image) with a report naming the
 * Task, the message and the source location. It never returns and never hangs silently.
 */
[[noreturn]] void panic(char const* message, char const* file, int line);
[[noreturn]] void panic_with_error(Error const& error, char const* expression, char const* file, int line);

}

#define VERIFY(condition)                                                          \
    do {                                                                           \
        if (!(condition)) [[unlikely]]                                             \
            ::vectra::panic("VERIFY(" #condition ") failed", __FILE__, __LINE__);   \
    } while (0)

#define VERIFY_NOT_REACHED() ::vectra::panic("reached unreachable code", __FILE__, __LINE__)

#define PANIC(message) ::vectra::panic(message, __FILE__, __LINE__)
