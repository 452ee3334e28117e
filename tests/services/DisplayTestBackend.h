/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A display backend for tests of core/display's loop where the kernel's display cannot do what is
 * tested: a mode change. Its framebuffer is a MemCap of the serving Task's own memory (read, write,
 * grant, revoke, as the virtio-gpu driver's is); a rise of `resize_bit` grows the mode by 16 × 8
 * pixels with new memory, and the old MemCap is removed (so every copy lent from it goes), as the
 * driver does on a display event. Presents outside the mode are a bug of the server: VERIFY.
 */

#pragma once

#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/display/Server.h>

namespace vectra::test {

inline constexpr SignalBit resize_bit { 20 };

class ResizingBackend final : public display::Backend {
public:
    ResizingBackend(ReticleCap const& memory, DisplayMode mode)
        : m_memory(memory)
        , m_mode(mode)
    {
    }

    [[nodiscard]] ErrorOr<void> allocate()
    {
        auto next = TRY(system::create_memory(m_memory, m_mode.size()));
        if (!m_framebuffer.is_empty())
            TRY(system::remove(std::move(m_framebuffer)));
        m_framebuffer = std::move(next);
        return {};
    }

    [[nodiscard]] DisplayMode mode() const override { return m_mode; }
    [[nodiscard]] MemCap const& framebuffer() const override { return m_framebuffer; }
    [[nodiscard]] ErrorOr<void> present(Rectangle const& rectangle) override
    {
        VERIFY(rectangle.lies_within(m_mode));
        ++m_presents;
        return {};
    }
    [[nodiscard]] u64 wait_mask() const override { return resize_bit.mask(); }
    [[nodiscard]] ErrorOr<display::ModeEvent> serve_event(u64) override
    {
        m_mode.width += 16;
        m_mode.height += 8;
        m_mode.stride = m_mode.width * 4;
        TRY(allocate());
        return display::ModeEvent::Changed;
    }

    [[nodiscard]] u64 presents() const { return m_presents; }

private:
    ReticleCap const& m_memory;
    DisplayMode m_mode;
    MemCap m_framebuffer;
    u64 m_presents { 0 };
};

}
