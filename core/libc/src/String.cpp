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

char* copy_text(char* destination, char const* source, usize count)
{
    usize index = 0;
    for (; index < count && source[index] != '\0'; ++index)
        destination[index] = source[index];
    for (; index < count; ++index)
        destination[index] = '\0';
    return destination;
}

int absolute(int value) { return value < 0 ? static_cast<int>(0u - static_cast<unsigned>(value)) : value; }

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
