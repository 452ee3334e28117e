/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/input/DeviceProtocol.h>

namespace vectra::input::device {

ErrorOr<void> check(Describe const& description)
{
    if (description.kind == 0 || (description.kind & ~kind::all) != 0)
        return Error(DeviceError::UnknownKind, "kind is keyboard (1), pointer (2) or both (3)");
    if ((description.kind & kind::pointer)
        && (description.x_maximum <= description.x_minimum || description.y_maximum <= description.y_minimum))
        return Error(DeviceError::InvalidRange, "a pointer axis's maximum is not above its minimum");
    return {};
}

}
