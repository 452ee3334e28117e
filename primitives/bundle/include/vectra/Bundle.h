/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <string_view>
#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/FixedString.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * A Bundle is the typed, named handle table a parent builds for a child at spawn: the child's
 * entire authority. The child takes each slot once, by name and class; there are no implicit
 * slots and no slot with a hidden meaning.
 */
class Bundle {
public:
    static constexpr usize capacity = 16;
    static constexpr usize name_capacity = 31;
    using Name = FixedString<name_capacity>;

    struct Slot {
        Name name;
        CapabilityReference reference;
        bool present { false };
    };

    Bundle() = default;
    Bundle(Bundle const&) = delete;
    Bundle& operator=(Bundle const&) = delete;

    /* Parent side: place a capability under a unique name. */
    [[nodiscard]] ErrorOr<void> try_put(std::string_view name, CapabilityReference reference);

    template<typename TypedCapability>
    [[nodiscard]] ErrorOr<void> try_put(std::string_view name, TypedCapability capability)
    {
        return try_put(name, capability.release_reference());
    }

    /* Child side: take the slot `name`, which must hold a capability of the requested class. */
    template<typename TypedCapability>
    [[nodiscard]] ErrorOr<TypedCapability> take(std::string_view name)
    {
        auto reference = take_reference(name, TypedCapability::capability_class);
        if (reference.is_error())
            return reference.release_error();
        auto const& value = reference.value();
        return TypedCapability(static_cast<typename TypedCapability::ObjectType*>(value.object), value.rights, value.detail);
    }

    [[nodiscard]] ErrorOr<CapabilityReference> take_reference(std::string_view name, CapabilityClass expected);

    [[nodiscard]] usize count() const;
    [[nodiscard]] Slot const* slots() const { return m_slots; }

private:
    Slot m_slots[capacity] {};
};

}
