/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * abs, fabs and floorf (HarfBuzz's rounding and buffer comparison), without the compiler's
 * builtins: freestanding code calls them as functions.
 */

#include <vectra/libc/Libc.h>

namespace vectra::libc {

int absolute_value(int value)
{
    /* abs(INT_MIN) is undefined in C; glibc answers INT_MIN, as two's complement wraps. */
    return value < 0 ? int(0u - unsigned(value)) : value;
}

double absolute_value(double value)
{
    /* Clears the sign bit: -0.0 and negative NaNs too, as fabs does. */
    return __builtin_bit_cast(double, __builtin_bit_cast(u64, value) & ~(u64(1) << 63));
}

float floor_of(float value)
{
    u32 bits = __builtin_bit_cast(u32, value);
    int exponent = int((bits >> 23) & 0xff) - 127;
    if (exponent >= 23)
        return value; /* already whole, or infinite, or NaN */
    if (exponent < 0) {
        /* |value| < 1: 0 keeps its sign; a negative fraction is -1. */
        if ((bits & 0x7fffffffu) == 0)
            return value;
        return (bits >> 31) ? -1.0f : 0.0f;
    }
    u32 fraction_mask = 0x007fffffu >> exponent;
    if ((bits & fraction_mask) == 0)
        return value;
    if (bits >> 31)
        bits += 0x00800000u >> exponent; /* a negative number with a fraction rounds away from zero */
    bits &= ~fraction_mask;
    return __builtin_bit_cast(float, bits);
}

char* copy_text_padded(char* destination, char const* source, usize count)
{
    usize index = 0;
    for (; index < count && source[index] != '\0'; ++index)
        destination[index] = source[index];
    for (; index < count; ++index)
        destination[index] = '\0';
    return destination;
}

}
