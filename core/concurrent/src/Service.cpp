/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Service.h>

namespace vectra {

ErrorOr<void> check_footprint(Bundle const& bundle, std::span<SlotRequirement const> footprint)
{
    for (auto const& requirement : footprint) {
        Bundle::Slot const* found = nullptr;
        for (usize index = 0; index < Bundle::capacity; ++index) {
            auto const& slot = bundle.slots()[index];
            if (slot.present && slot.name == requirement.name)
                found = &slot;
        }
        if (!found)
            return Error(ErrorCode::NotFound, "the Bundle lacks a slot the footprint requires");
        if (found->capability_class != requirement.capability_class)
            return Error(ErrorCode::WrongClass, "a Bundle slot holds another class than the footprint declares");
        if (found->rights != requirement.rights)
            return Error(ErrorCode::MissingRight, "a Bundle slot's rights differ from the footprint's");
    }
    for (usize index = 0; index < Bundle::capacity; ++index) {
        auto const& slot = bundle.slots()[index];
        if (!slot.present)
            continue;
        bool declared = false;
        for (auto const& requirement : footprint)
            declared = declared || slot.name == requirement.name;
        if (!declared)
            return Error(ErrorCode::InvalidArgument, "the Bundle grants a slot the footprint does not declare");
    }
    return {};
}

}
