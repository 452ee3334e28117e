/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Service.h>
#include <vectra/Try.h>

namespace vectra {

ErrorOr<void> check_footprint(Bundle const& bundle, std::span<SlotRequirement const> footprint)
{
    Bundle::SlotDescription slots[Bundle::capacity];
    usize count = TRY(bundle.describe(slots));
    for (auto const& requirement : footprint) {
        Bundle::SlotDescription const* found = nullptr;
        for (usize index = 0; index < count; ++index) {
            if (slots[index].name == requirement.name)
                found = &slots[index];
        }
        if (!found)
            return Error(ErrorCode::NotFound, "the Bundle lacks a slot the footprint requires");
        if (found->capability_class != requirement.capability_class)
            return Error(ErrorCode::WrongClass, "a Bundle slot holds another class than the footprint declares");
        /* RightMove is not the component's to declare: the composition decides whether a capability
           may leave its holder (the manifest compiler grants it, or not: ADR 0006, amendment). */
        if ((found->rights & ~RightMove) != (requirement.rights & ~RightMove))
            return Error(ErrorCode::MissingRight, "a Bundle slot's rights differ from the footprint's");
    }
    for (usize index = 0; index < count; ++index) {
        auto const& slot = slots[index];
        bool declared = false;
        for (auto const& requirement : footprint)
            declared = declared || slot.name == requirement.name;
        if (!declared)
            return Error(ErrorCode::InvalidArgument, "the Bundle grants a slot the footprint does not declare");
    }
    return {};
}

}
