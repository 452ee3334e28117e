/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Types.h>

using vectra::u8;
using vectra::usize;

extern "C" {

void* memcpy(void* destination, void const* source, usize count)
{
    auto* to = static_cast<u8*>(destination);
    auto const* from = static_cast<u8 const*>(source);
    for (usize index = 0; index < count; ++index)
        to[index] = from[index];
    return destination;
}

void* memmove(void* destination, void const* source, usize count)
{
    auto* to = static_cast<u8*>(destination);
    auto const* from = static_cast<u8 const*>(source);
    if (to == from || count == 0)
        return destination;
    if (to < from) {
        for (usize index = 0; index < count; ++index)
            to[index] = from[index];
    } else {
        for (usize index = count; index > 0; --index)
            to[index - 1] = from[index - 1];
    }
    return destination;
}

void* memset(void* destination, int value, usize count)
{
    auto* to = static_cast<u8*>(destination);
    for (usize index = 0; index < count; ++index)
        to[index] = static_cast<u8>(value);
    return destination;
}

int memcmp(void const* left, void const* right, usize count)
{
    auto const* a = static_cast<u8 const*>(left);
    auto const* b = static_cast<u8 const*>(right);
    for (usize index = 0; index < count; ++index) {
        if (a[index] != b[index])
            return a[index] < b[index] ? -1 : 1;
    }
    return 0;
}

void* memchr(void const* haystack, int needle, usize count)
{
    auto const* bytes = static_cast<u8 const*>(haystack);
    for (usize index = 0; index < count; ++index) {
        if (bytes[index] == static_cast<u8>(needle))
            return const_cast<u8*>(bytes + index);
    }
    return nullptr;
}
}
