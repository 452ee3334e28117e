/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * How the kernel's create-then-name calls (Calls.cpp, PciDevices.cpp) name what they build.
 * Every such call checks the space has room first, so the mint cannot fail on a full space;
 * should it fail anyway, the unnamed object is abandoned, which returns its count to the
 * Reticle it came from. Nothing half-built survives a refusal.
 */

#pragma once

#include <vectra/kernel/Capability.h>

namespace vectra::kernel {

inline ErrorOr<void> ensure_room(CapabilitySpace& space)
{
    if (space.is_full())
        return Error(ErrorCode::Full, "capability space is full");
    return {};
}

template<CapabilityClass Class>
ErrorOr<Handle<Class>> name_new_object(CapabilitySpace& space, typename ObjectOf<Class>::Type* object, Rights rights,
    u64 detail = 0)
{
    auto handle = space.mint<Class>(object, rights, detail);
    if (handle.is_error())
        object->abandon();
    return handle;
}

}
