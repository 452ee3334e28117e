/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/kernel/Capability.h>
#include <vectra/kernel/SignalMask.h>

namespace vectra {

/* Raise the bit a SignalCap names in its target's mask; needs RightRaise. */
[[nodiscard]] inline ErrorOr<void> raise(CapabilitySpace const& space, SignalCap const& capability)
{
    auto mask = space.lookup(capability, RightRaise);
    if (mask.is_error())
        return mask.release_error();
    auto bit = space.detail(capability);
    if (bit.is_error())
        return bit.release_error();
    mask.value()->raise(SignalBit(static_cast<u8>(bit.value())));
    return {};
}

}
