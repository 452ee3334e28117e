/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.display over the kernel's display DeviceCap (DeviceBackend.h).
 */

#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/display/DeviceBackend.h>

namespace vectra::display {

ErrorOr<DeviceBackend> DeviceBackend::open(DisplayCap display)
{
    auto mode = TRY(system::display_mode(display));
    if (mode.format != PixelFormat::Xrgb8888)
        return Error(ErrorCode::InvalidArgument, "the display is not XRGB8888");
    auto framebuffer = TRY(system::display_memory(display, true));
    auto described = TRY(system::describe(framebuffer));
    if ((described.rights & (RightGrant | RightRevoke)) != (RightGrant | RightRevoke))
        return Error(ErrorCode::MissingRight, "the display's DeviceCap lacks grant: its framebuffer cannot be lent");
    return DeviceBackend(std::move(display), mode, std::move(framebuffer));
}

ErrorOr<void> DeviceBackend::present(Rectangle const& rectangle) { return system::present(m_display, rectangle); }

}
