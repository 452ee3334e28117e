/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Types.h>

using vectra::usize;

extern "C" {

usize strlen(char const* text)
{
    usize length = 0;
    while (text[length] != '\0')
        ++length;
    return length;
}

usize strnlen(char const* text, usize limit)
{
    usize length = 0;
    while (length < limit && text[length] != '\0')
        ++length;
    return length;
}

int strcmp(char const* left, char const* right)
{
    while (*left != '\0' && *left == *right) {
        ++left;
        ++right;
    }
    return static_cast<unsigned char>(*left) - static_cast<unsigned char>(*right);
}

int strncmp(char const* left, char const* right, usize limit)
{
    for (usize index = 0; index < limit; ++index) {
        if (left[index] != right[index] || left[index] == '\0')
            return static_cast<unsigned char>(left[index]) - static_cast<unsigned char>(right[index]);
    }
    return 0;
}
}
