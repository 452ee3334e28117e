/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/rt's mem* functions, compiled here under other names (the host test links glibc's): every
 * length from 0 to 300 and past a few blocks, every alignment of source and destination within 16
 * bytes, against a byte-by-byte reference, with canaries on both sides of the destination; the
 * buffers are exactly as large as the copy, so AddressSanitizer fails a load or store outside them
 * (the small and tail paths move overlapping words: none may reach past either end).
 */

#include <catch2/catch.hpp>
#include <cstring>
#include <memory>
#include <vector>
#include <vectra/Types.h>

#define memcpy rt_memcpy
#define memmove rt_memmove
#define memset rt_memset
#define memcmp rt_memcmp
#define memchr rt_memchr
#include "../../core/rt/src/memory.cpp"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr

using namespace vectra;

namespace {

/* A heap block of exactly `count` bytes at `offset` into a 16-byte aligned allocation, so ASan's bounds are the copy's. */
struct Exact {
    std::unique_ptr<u8[]> storage;
    u8* bytes;
    Exact(usize offset, usize count)
        : storage(new u8[offset + count])
        , bytes(storage.get() + offset)
    {
    }
};

}

TEST_CASE("rt memcpy: every length and alignment copies exactly its bytes, and nothing around them", "[rt]")
{
    std::vector<usize> lengths;
    for (usize length = 0; length <= 300; ++length)
        lengths.push_back(length);
    for (usize length : { 511, 512, 513, 1023, 1460, 1514, 4095, 4096, 4097, 65535, 65536 })
        lengths.push_back(length);
    for (usize length : lengths) {
        for (usize source_offset = 0; source_offset < 16; source_offset += length > 300 ? 5 : 1) {
            for (usize destination_offset = 0; destination_offset < 16; destination_offset += length > 300 ? 7 : 3) {
                Exact source(source_offset, length);
                for (usize index = 0; index < length; ++index)
                    source.bytes[index] = u8(index * 131 + length * 7 + 1);
                /* The destination with a canary byte before and after it, inside one allocation. */
                Exact destination(destination_offset, length + 2);
                std::memset(destination.storage.get(), 0xA5, destination_offset + length + 2);
                u8* to = destination.bytes + 1;
                void* returned = rt_memcpy(to, source.bytes, length);
                INFO("length " << length << ", source offset " << source_offset << ", destination offset " << destination_offset);
                REQUIRE(returned == to);
                REQUIRE(destination.bytes[0] == 0xA5);
                REQUIRE(to[length] == 0xA5);
                usize wrong = 0;
                for (usize index = 0; index < length; ++index)
                    wrong += to[index] != source.bytes[index];
                REQUIRE(wrong == 0);
            }
        }
    }
}

TEST_CASE("rt memcpy: the last bytes of a source ending at its allocation's end are read, never past", "[rt]")
{
    /* Each length copied from and to blocks that end exactly where the copy does. */
    for (usize length = 1; length <= 200; ++length) {
        Exact source(0, length);
        Exact destination(0, length);
        for (usize index = 0; index < length; ++index)
            source.bytes[index] = u8(255 - index);
        rt_memcpy(destination.bytes, source.bytes, length);
        REQUIRE(std::memcmp(destination.bytes, source.bytes, length) == 0);
    }
}

TEST_CASE("rt memmove, memset, memcmp, memchr agree with the C library", "[rt]")
{
    for (usize length = 0; length < 80; ++length) {
        for (usize shift = 0; shift < 9; ++shift) {
            std::vector<u8> ours(length + 16), reference(length + 16);
            for (usize index = 0; index < ours.size(); ++index)
                ours[index] = reference[index] = u8(index * 37);
            rt_memmove(ours.data() + shift, ours.data() + 4, length);
            std::memmove(reference.data() + shift, reference.data() + 4, length);
            REQUIRE(ours == reference);
            rt_memset(ours.data() + shift, int(length), length);
            std::memset(reference.data() + shift, int(length), length);
            REQUIRE(ours == reference);
            auto sign = [](int value) { return (value > 0) - (value < 0); };
            REQUIRE(sign(rt_memcmp(ours.data(), reference.data() + 1, length)) == sign(std::memcmp(ours.data(), reference.data() + 1, length)));
            REQUIRE(rt_memchr(ours.data(), 37, length) == std::memchr(ours.data(), 37, length));
        }
    }
}
