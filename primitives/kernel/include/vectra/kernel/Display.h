/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The display device (docs/adr/0014-display-as-a-capability.md): one framebuffer the platform
 * shows, named by a DeviceCap. Its holder asks for the mode (RightRead), for the framebuffer as
 * a MemCap derived from that DeviceCap entry (read; write too with RightWrite) — so revoking the
 * DeviceCap revokes every framebuffer MemCap made through it — and presents damage (RightWrite).
 */

#pragma once

#include <vectra/Display.h>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/MemoryObject.h>

namespace vectra {

class DisplayDevice final : public Device {
public:
    /* `framebuffer`: mode.size() bytes, page-aligned, retyped for the display and never reused. */
    DisplayDevice(KernelObject* origin, u8* framebuffer, DisplayMode const& mode)
        : Device(Kind::Display, origin)
        , m_mode(mode)
        , m_framebuffer(*this, framebuffer, mode.size())
    {
    }

    [[nodiscard]] DisplayMode const& mode() const { return m_mode; }
    [[nodiscard]] MemoryObject& framebuffer() { return m_framebuffer; }
    /* Presents so far and the last damage (what host tests observe). */
    [[nodiscard]] u64 presents() const { return m_presents; }
    [[nodiscard]] Rectangle last_damage() const { return m_last_damage; }

    /* `damage` lies within the mode (checked by the caller). */
    void present(Rectangle const& damage);

private:
    DisplayMode m_mode;
    MemoryObject m_framebuffer;
    u64 m_presents { 0 };
    Rectangle m_last_damage {};
};

/* The mode (RightRead on a display DeviceCap). */
[[nodiscard]] ErrorOr<DisplayMode> display_mode(CapabilitySpace const&, DisplayCap const&);
/* A MemCap for the framebuffer, derived from `display` (RightRead; `writable` needs RightWrite). */
[[nodiscard]] ErrorOr<MemCap> display_memory(CapabilitySpace&, DisplayCap const&, bool writable);
/* Show `damage` (RightWrite; non-empty and on the screen, else InvalidArgument). */
[[nodiscard]] ErrorOr<void> display_present(CapabilitySpace const&, DisplayCap const&, Rectangle const&);

}

namespace vectra::kernel {

/*
 * The boot display, retyped from `root` and started by the platform (CONFIG_DISPLAY), or
 * nullptr without CONFIG_DISPLAY (src/BootDisplay.cpp, src/NoBootDisplay.cpp).
 */
[[nodiscard]] ErrorOr<DisplayDevice*> create_boot_display(Reticle& root);
/* Hands damage to the platform (nothing without CONFIG_DISPLAY). */
void present_boot_display(Rectangle const&);

}
