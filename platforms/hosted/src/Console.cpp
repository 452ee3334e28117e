/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <errno.h>
#include <unistd.h>
#include <vectra/platform/Platform.h>

namespace vectra::platform {

void console_write(char const* bytes, usize length)
{
    while (length > 0) {
        ssize_t written = ::write(STDOUT_FILENO, bytes, length);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        bytes += written;
        length -= static_cast<usize>(written);
    }
}

}
