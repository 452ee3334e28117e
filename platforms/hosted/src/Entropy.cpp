/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Entropy on the hosted platform: the kernel's CSPRNG through getrandom(2), never a file. A
 * non-blocking call: before the host's pool is initialised (early boot of the host) it reports
 * 0 bytes instead of waiting, and core/random refuses High randomness until it gets enough.
 */

#include <errno.h>
#include <sys/random.h>
#include <vectra/platform/Platform.h>

namespace vectra::platform {

usize entropy(u8* buffer, usize length)
{
    usize gathered = 0;
    while (gathered < length) {
        ssize_t result = getrandom(buffer + gathered, length - gathered, GRND_NONBLOCK);
        if (result < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (result == 0)
            break;
        gathered += static_cast<usize>(result);
    }
    return gathered;
}

}
