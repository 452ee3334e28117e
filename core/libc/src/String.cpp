/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/libc/Libc.h>

namespace vectra::libc {

char* find_character(char const* text, int character)
{
    char const wanted = static_cast<char>(character);
    for (;; ++text) {
        if (*text == wanted)
            return const_cast<char*>(text);
        if (*text == '\0')
            return nullptr;
    }
}

}
