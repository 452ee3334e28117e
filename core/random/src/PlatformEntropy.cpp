/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Entropy.h>
#include <vectra/ClockAndEntropy.h>

namespace vectra {

usize PlatformEntropy::gather(std::span<u8> buffer) { return system::entropy(buffer.data(), buffer.size()); }

}
