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

char* find_last_character(char const* text, int character)
{
    char const wanted = static_cast<char>(character);
    char const* found = nullptr;
    for (;; ++text) {
        if (*text == wanted)
            found = text;
        if (*text == '\0')
            return const_cast<char*>(found);
    }
}

usize span_without(char const* text, char const* rejected)
{
    usize length = 0;
    for (; text[length] != '\0'; ++length) {
        for (char const* candidate = rejected; *candidate != '\0'; ++candidate) {
            if (*candidate == text[length])
                return length;
        }
    }
    return length;
}

char* find_text(char const* text, char const* wanted)
{
    for (;; ++text) {
        usize matched = 0;
        while (wanted[matched] != '\0' && text[matched] == wanted[matched])
            ++matched;
        if (wanted[matched] == '\0')
            return const_cast<char*>(text);
        if (*text == '\0')
            return nullptr;
    }
}

}
