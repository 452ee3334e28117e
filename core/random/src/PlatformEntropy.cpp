/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Entropy.h>
#include <vectra/platform/Platform.h>

namespace vectra {

usize PlatformEntropy::gather(std::span<u8> buffer)
{
    usize gathered = platform::entropy(buffer.data(), buffer.size());
    return gathered < buffer.size() ? gathered : buffer.size();
}

}
