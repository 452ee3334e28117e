/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/System.h>
#include <vectra/platform/Platform.h>

namespace vectra::system {

u64 monotonic_nanoseconds() { return platform::monotonic_nanoseconds(); }

usize entropy(u8* buffer, usize size)
{
    usize gathered = platform::entropy(buffer, size);
    return gathered < size ? gathered : size;
}

}
