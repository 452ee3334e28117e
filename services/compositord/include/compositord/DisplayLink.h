/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's end of vectra.display (docs/adr/0042-vectra-display.md): one session with the
 * display's server (displayd, or the virtio-gpu driver), the framebuffer it lent mapped writable,
 * and present of each damaged box. When a present is `mode-changed` (a new mode, the old memory
 * revoked) the link asks for the mode and the framebuffer again and the caller recomposes the
 * whole screen.
 */

#pragma once

#include <vectra/Display.h>
#include <vectra/Session.h>
#include <vectra/display/Protocol.h>
#include <vectra/surface/Compose.h>

namespace vectra::compositord {

/* compositord's Signal bits for its display session (0–2 and 8+ are its listener's, 7 its frame timer). */
inline constexpr ConnectionBits display_bits { SignalBit(3), SignalBit(4), SignalBit(5) };

enum class Presented : u8 {
    Shown,
    ModeChanged, /* acquire() again, then compose the whole screen */
};

class DisplayLink {
public:
    using Client = session::SessionClient<display::Protocol>;

    /* Opens a session through the display's listener; `pool` holds it (session::pool_size of vectra.display). */
    [[nodiscard]] static ErrorOr<DisplayLink> open(RingCap listen_requests, RingCap listen_replies, ReticleCap pool);

    /* Asks the mode (XRGB8888 only) and the framebuffer, maps it writable: the target to compose into. */
    [[nodiscard]] ErrorOr<surface::Target> acquire();
    /* Shows `rectangle` of the current target. */
    [[nodiscard]] ErrorOr<Presented> present(Rectangle const&);

    [[nodiscard]] u32 generation() const { return m_generation; }
    [[nodiscard]] Client& client() { return m_client; }

    DisplayLink(DisplayLink&&) = default;

private:
    explicit DisplayLink(Client client)
        : m_client(std::move(client))
    {
    }

    Client m_client;
    MemCap m_framebuffer;
    u32 m_generation { 0 };
};

}
