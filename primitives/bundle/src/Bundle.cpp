/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Bundle.h>
#include <vectra/Try.h>

namespace vectra {

ErrorOr<void> Bundle::try_put(std::string_view name, CapabilityReference reference)
{
    if (name.empty())
        return Error(ErrorCode::InvalidArgument, "Bundle slot names are never empty");
    if (reference.object == nullptr)
        return Error(ErrorCode::StaleHandle, "cannot place an empty capability in a Bundle");
    Slot* free_slot = nullptr;
    for (auto& slot : m_slots) {
        if (slot.present && slot.name == name)
            return Error(ErrorCode::AlreadyExists, "Bundle already holds a slot of that name");
        if (!slot.present && !free_slot)
            free_slot = &slot;
    }
    if (!free_slot)
        return Error(ErrorCode::Full, "Bundle has no free slot");
    free_slot->name = TRY(Name::try_from(name));
    free_slot->reference = reference;
    free_slot->present = true;
    return {};
}

ErrorOr<CapabilityReference> Bundle::take_reference(std::string_view name, CapabilityClass expected)
{
    for (auto& slot : m_slots) {
        if (!slot.present || !(slot.name == name))
            continue;
        if (slot.reference.capability_class != expected)
            return Error(ErrorCode::WrongClass, "Bundle slot holds a capability of another class");
        slot.present = false;
        return slot.reference;
    }
    return Error(ErrorCode::NotFound, "Bundle has no slot of that name");
}

usize Bundle::count() const
{
    usize present = 0;
    for (auto const& slot : m_slots)
        present += slot.present ? 1 : 0;
    return present;
}

}
