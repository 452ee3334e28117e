/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * notifyd's notifications on the screen (docs/adr/0048-notifyd.md §3, §4): each one a transient
 * surface of compositord (a session of its privileged listener), 320 pixels wide and as tall as
 * its lines, drawn into notifyd's own memory with DejaVu Sans from fontd (Text.h: its atlas mapped
 * read-only and blended into notifyd's pixels). Placement is the Board's: created where it says,
 * moved when the stack closes up, destroyed when a notification goes. Clicks come from the
 * surface session's `input`: a press on a notification withdraws it (compositord never gives a
 * transient surface the focus, so the focused client keeps it). One `input` read waits in
 * compositord at all times (surface::InputReader); its reply rings the surface session's reply bit,
 * which notifyd's loop waits on with its sessions (Loop.h): nothing is polled.
 */

#pragma once

#include <notifyd/Screen.h>
#include <notifyd/Text.h>
#include <vectra/Capability.h>
#include <vectra/Session.h>
#include <vectra/surface/InputReader.h>
#include <vectra/surface/Protocol.h>

namespace vectra::notifyd {

using SurfaceClient = surface::SurfaceClient;

/* The clients' Signal bits: clear of the session table's (0–2, 8 + n) and the loop's timer (6). */
inline constexpr ConnectionBits surface_bits { SignalBit(16), SignalBit(17), SignalBit(18) };
inline constexpr ConnectionBits font_bits { SignalBit(19), SignalBit(20), SignalBit(21) };
inline constexpr u32 glyph_pixel_size = 14;
/* How long one `input` read waits in compositord before it is answered empty and sent again. */
inline constexpr u32 input_read_wait_ms = 10'000;
inline constexpr u32 maximum_height = (1 + notify::maximum_body_lines) * line_height + 2 * padding;
inline constexpr u32 background = 0x2b3245;
inline constexpr u32 border = 0x7aa2e0;
inline constexpr u32 title_colour = 0xffffff;
inline constexpr u32 body_colour = 0xc8d0e0;

class Display final : public Screen {
public:
    Display(ReticleCap const& memory, SurfaceClient surfaces, FontClient fonts);

    /* DejaVu Sans opened at glyph_pixel_size (printable ASCII fetched at once), a buffer per Board slot, the screen's size read. */
    [[nodiscard]] ErrorOr<void> start();
    [[nodiscard]] u32 screen_width() const { return m_screen_width; }
    [[nodiscard]] Text const& text() const { return m_text; }

    [[nodiscard]] ErrorOr<void> draw(usize slot, notify::Post const&) override;
    [[nodiscard]] ErrorOr<void> show(Board const&) override;
    [[nodiscard]] ErrorOr<usize> take_clicks(Board&) override;
    [[nodiscard]] u64 input_mask() const override { return surface_bits.reply.mask(); }
    [[nodiscard]] bool has_input() const override { return m_input.has_input(m_surfaces); }

    [[nodiscard]] u64 frames() const { return m_frames; }
    [[nodiscard]] u64 clicks() const { return m_clicks; }

private:
    struct View {
        MemCap memory;
        std::span<u32> pixels;
        bool shown { false };
        u32 notification { 0 };
        u32 surface { 0 };
        i32 x { 0 };
        i32 y { 0 };
    };

    ReticleCap const& m_memory;
    SurfaceClient m_surfaces;
    surface::InputReader m_input { input_read_wait_ms };
    FontClient m_fonts;
    Text m_text;
    View m_views[notify::notifications_shown];
    u32 m_screen_width { 0 };
    u8 m_buttons { 0 };
    u64 m_frames { 0 };
    u64 m_clicks { 0 };
};

}
