/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <sodium/utils.h>
#include <vectra/crypto/Secret.h>

namespace vectra::crypto {

void secure_zero(void* memory, usize length) { sodium_memzero(memory, length); }

bool constant_time_equal(std::span<u8 const> left, std::span<u8 const> right)
{
    /* The length is public; only the contents are compared in constant time. */
    if (left.size() != right.size())
        return false;
    return sodium_memcmp(left.data(), right.data(), left.size()) == 0;
}

}
