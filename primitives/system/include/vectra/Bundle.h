/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A Task's Bundle as the Task sees it: the named, typed capabilities its parent placed there,
 * taken by name, each once. The Bundle itself stays in the kernel; this is only a view that
 * asks the kernel (system::take) on the calling Task's behalf.
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/FixedString.h>

namespace vectra {

namespace system {
[[nodiscard]] ErrorOr<RawHandle> take(std::string_view name, CapabilityClass);
}

class Bundle {
public:
    static constexpr usize capacity = 16;
    static constexpr usize name_capacity = 31;
    using Name = FixedString<name_capacity>;

    /* One slot's shape: what a footprint check compares (system::bundle_slots). */
    struct SlotDescription {
        Name name;
        CapabilityClass capability_class { CapabilityClass::Task };
        Rights rights { 0 };
        bool taken { false };
    };

    /* Take the slot `name`, which must hold a capability of the requested class. */
    template<typename TypedHandle>
    [[nodiscard]] ErrorOr<TypedHandle> take(std::string_view name)
    {
        auto raw = system::take(name, TypedHandle::capability_class);
        if (raw.is_error())
            return raw.release_error();
        return TypedHandle(raw.value().space, raw.value().slot, raw.value().generation);
    }

    /* Every slot the parent filled, taken or not; returns how many were written. */
    [[nodiscard]] ErrorOr<usize> describe(std::span<SlotDescription> into) const;
};

}
