/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The display calls (vectra/kernel/Display.h): look the DeviceCap up with the right each needs,
 * check it names the display, then act.
 */

#include <vectra/Try.h>
#include <vectra/kernel/Display.h>

namespace vectra {

namespace {

ErrorOr<DisplayDevice*> display_of(CapabilitySpace const& space, DisplayCap const& capability, Rights needed)
{
    /* What the capability names first: a console DeviceCap is the wrong device whatever its rights. */
    if (TRY(space.lookup(capability, 0))->kind() != Device::Kind::Display)
        return Error(ErrorCode::WrongClass, "the DeviceCap names a device that is not a display");
    return static_cast<DisplayDevice*>(TRY(space.lookup(capability, needed)));
}

}

void DisplayDevice::present(Rectangle const& damage)
{
    ++m_presents;
    m_last_damage = damage;
    kernel::present_boot_display(damage);
}

ErrorOr<DisplayMode> display_mode(CapabilitySpace const& space, DisplayCap const& display)
{
    return TRY(display_of(space, display, RightRead))->mode();
}

ErrorOr<MemCap> display_memory(CapabilitySpace& space, DisplayCap const& display, bool writable)
{
    Rights needed = writable ? RightRead | RightWrite : RightRead;
    DisplayDevice* device = TRY(display_of(space, display, needed));
    /* A holder allowed to hand the display on (RightGrant) may lend the framebuffer, and take back
       what it lent: the MemCap carries grant and revoke, which reach only copies made from it
       (displayd, docs/adr/0042-vectra-display.md), and move. */
    bool lends = (TRY(space.entry_of(display))->rights & RightGrant) != 0;
    Rights passed_on = lends ? RightGrant | RightRevoke | RightMove : 0;
    return space.mint_beneath<CapabilityClass::Device, CapabilityClass::Memory>(display, needed,
        &device->framebuffer(), needed | passed_on);
}

ErrorOr<void> display_present(CapabilitySpace const& space, DisplayCap const& display, Rectangle const& damage)
{
    DisplayDevice* device = TRY(display_of(space, display, RightWrite));
    if (!damage.lies_within(device->mode()))
        return Error(ErrorCode::InvalidArgument, "the damage rectangle is empty or reaches outside the display");
    device->present(damage);
    return {};
}

}
