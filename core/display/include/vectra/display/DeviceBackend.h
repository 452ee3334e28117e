/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.display over the kernel's display (ADR 0014): the DeviceCap's mode, its framebuffer as a
 * MemCap derived from the DeviceCap (read, write, and — the DeviceCap holding grant — grant and
 * revoke, so it can be lent and the copies taken back), and present through the kernel call (ramfb: nothing to do;
 * hosted: the SDL window copies the rectangle). The boot display's mode is fixed: no mode events.
 */

#pragma once

#include <vectra/display/Server.h>

namespace vectra::display {

class DeviceBackend final : public Backend {
public:
    /* `display` needs read, write and grant (the framebuffer MemCap then carries grant and revoke); XRGB8888 only. */
    [[nodiscard]] static ErrorOr<DeviceBackend> open(DisplayCap display);

    [[nodiscard]] DisplayMode mode() const override { return m_mode; }
    [[nodiscard]] MemCap const& framebuffer() const override { return m_framebuffer; }
    [[nodiscard]] ErrorOr<void> present(Rectangle const&) override;

    DeviceBackend(DeviceBackend&&) = default;

private:
    DeviceBackend(DisplayCap display, DisplayMode mode, MemCap framebuffer)
        : m_display(std::move(display))
        , m_mode(mode)
        , m_framebuffer(std::move(framebuffer))
    {
    }

    DisplayCap m_display;
    DisplayMode m_mode;
    MemCap m_framebuffer;
};

}
