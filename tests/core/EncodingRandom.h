/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Random sample values for the round-trip property tests (deterministic seeds).
 */

#pragma once

#include "EncodingSamples.h"
#include <random>
#include <vectra/Try.h>

namespace vectra::samples {

class SampleGenerator {
public:
    explicit SampleGenerator(u64 seed)
        : m_random(seed)
    {
    }

    template<typename Integer>
    Integer integer()
    {
        /* Mostly boundary-ish values: the encodings change form at powers of two. */
        u64 bits = m_random();
        switch (m_random() % 4) {
        case 0:
            bits &= 0xFF;
            break;
        case 1:
            bits &= 0xFFFF;
            break;
        case 2:
            bits = ~(bits & 0xFF);
            break;
        default:
            break;
        }
        return static_cast<Integer>(bits);
    }

    template<usize Capacity>
    Utf8String<Capacity> text()
    {
        Utf8String<Capacity> result;
        usize wanted = m_random() % (Capacity + 1);
        u32 const samples[]
            = { 'a', 'Z', ' ', '"', '\\', '\n', 0x01, 0x7F, 0xE9, 0x20AC, 0x1F600, 0xFFFD, 0x10FFFF, 0x2028 };
        while (result.byte_length() < wanted) {
            u32 code_point = m_random() % 3 == 0 ? samples[m_random() % std::size(samples)] : 'a' + m_random() % 26;
            if (result.try_append_code_point(code_point).is_error())
                break;
        }
        return result;
    }

    template<usize Capacity>
    FixedString<Capacity> utf8_fixed_string()
    {
        return MUST(FixedString<Capacity>::try_from(text<Capacity>().bytes()));
    }

    Point point() { return { integer<i32>(), integer<i32>() }; }

    Everything everything()
    {
        Everything value;
        value.flag = m_random() % 2;
        value.tiny = integer<u8>();
        value.small = integer<u16>();
        value.medium = integer<u32>();
        value.large = integer<u64>();
        value.signed_tiny = integer<i8>();
        value.signed_small = integer<i16>();
        value.signed_medium = integer<i32>();
        value.signed_large = integer<i64>();
        value.name = utf8_fixed_string<16>();
        value.title = text<32>();
        for (auto& element : value.triple)
            element = integer<u16>();
        usize count = m_random() % 5;
        for (usize index = 0; index < count; ++index)
            MUST(value.points.try_append(point()));
        if (m_random() % 2)
            value.maybe = integer<i32>();
        if (m_random() % 2)
            value.where = point();
        value.origin = point();
        return value;
    }

private:
    std::mt19937_64 m_random;
};

}
