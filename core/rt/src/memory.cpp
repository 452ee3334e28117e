/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Types.h>

using vectra::u16;
using vectra::u32;
using vectra::u64;
using vectra::u8;
using vectra::usize;

namespace {

/* A fixed-size load or store the compiler makes one move (with -fno-builtin only the __builtin_ form is folded). */
template<typename T>
inline T load(u8 const* from)
{
    T value;
    __builtin_memcpy(&value, from, sizeof(T));
    return value;
}

template<typename T>
inline void store(u8* to, T value)
{
    __builtin_memcpy(to, &value, sizeof(T));
}

/* 1 to 16 bytes in at most four moves: two of the largest size that fits, overlapping in the middle. */
inline void copy_small(u8* to, u8 const* from, usize count)
{
    if (count >= 8) {
        u64 head = load<u64>(from);
        u64 tail = load<u64>(from + count - 8);
        store(to, head);
        store(to + count - 8, tail);
    } else if (count >= 4) {
        u32 head = load<u32>(from);
        u32 tail = load<u32>(from + count - 4);
        store(to, head);
        store(to + count - 4, tail);
    } else if (count >= 2) {
        u16 head = load<u16>(from);
        u16 tail = load<u16>(from + count - 2);
        store(to, head);
        store(to + count - 2, tail);
    } else if (count == 1) {
        to[0] = from[0];
    }
}

/* The last 32 bytes of a copy of at least 32, in four moves: they may overlap what the blocks moved. */
inline void copy_last_32(u8* to, u8 const* from, usize count)
{
    u64 a = load<u64>(from + count - 32);
    u64 b = load<u64>(from + count - 24);
    u64 c = load<u64>(from + count - 16);
    u64 d = load<u64>(from + count - 8);
    store(to + count - 32, a);
    store(to + count - 24, b);
    store(to + count - 16, c);
    store(to + count - 8, d);
}

}

extern "C" {

/*
 * Most calls are small (a message's fields, a header): up to 32 bytes take a few moves and no loop.
 * A larger copy moves whole 32-byte blocks in a loop the compiler vectorizes (the regions may not
 * overlap: `__restrict`), then the last 32 bytes, overlapping the last block.
 */
void* memcpy(void* __restrict destination, void const* __restrict source, usize count)
{
    auto* to = static_cast<u8*>(destination);
    auto const* from = static_cast<u8 const*>(source);
    if (count <= 16) {
        copy_small(to, from, count);
        return destination;
    }
    if (count <= 32) {
        u64 a = load<u64>(from);
        u64 b = load<u64>(from + 8);
        u64 c = load<u64>(from + count - 16);
        u64 d = load<u64>(from + count - 8);
        store(to, a);
        store(to + 8, b);
        store(to + count - 16, c);
        store(to + count - 8, d);
        return destination;
    }
    usize blocks = count & ~usize(31);
    for (usize index = 0; index < blocks; ++index)
        to[index] = from[index];
    if (blocks != count)
        copy_last_32(to, from, count);
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
