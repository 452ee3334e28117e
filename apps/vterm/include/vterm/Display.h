/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vterm's windows on the screen (docs/adr/0044-vterm.md §6): each window a compositord surface
 * over pixels of vterm's own memory, drawn by a Painter with DejaVu Sans Mono from fontd's atlas
 * (kit_fontd's FontdGlyphs); only the damaged runs are drawn and sent. A surface is shown for each
 * window the Server shows, and goes with it. The keys compositord routes to vterm's surfaces
 * (`input` on its vectra.surface session, ADR 0047) go into their window's model (vterm's chords
 * among them); focus changes redraw the title bars; the pointer drags a window by its title bar
 * and selects in its cells (Gesture.h). The first window takes the focus while nobody holds it; a
 * window the person opens takes it. One `input` read waits in compositord at all times; its reply
 * rings the surface session's reply bit, which vterm's loop waits on with its sessions (Loop.h),
 * and a call that meets that reply on its way keeps it (Connection::expect_later) for the loop to
 * take.
 */

#pragma once

#include <optional>
#include <vectra/Session.h>
#include <vectra/kit/FontdGlyphs.h>
#include <vectra/surface/InputReader.h>
#include <vectra/surface/Protocol.h>
#include <vterm/Gesture.h>
#include <vterm/KeyStamps.h>
#include <vterm/Loop.h>
#include <vterm/Painter.h>

namespace vectra::vterm {

using SurfaceClient = surface::SurfaceClient;

/* The clients' signal bits: clear of the session table's (0–2, 8 + n) and the loop's timer (6). */
inline constexpr ConnectionBits surface_bits { SignalBit(16), SignalBit(17), SignalBit(18) };
inline constexpr ConnectionBits font_bits { SignalBit(19), SignalBit(20), SignalBit(21) };
static_assert(session::clear_of_table(surface_bits, maximum_sessions) && session::clear_of_table(font_bits, maximum_sessions),
    "vterm's client bits share its session table's");
static_assert(((session::bits_of(surface_bits) | session::bits_of(font_bits)) & timer_bit.mask()) == 0
        && (session::bits_of(surface_bits) & session::bits_of(font_bits)) == 0,
    "vterm's client bits share its timer's or each other's");
/* How long each `input` read waits in compositord before it is answered empty and sent again. */
inline constexpr u32 input_read_wait_ms = 10'000;
inline constexpr u32 glyph_pixel_size = 16;
inline constexpr i32 window_places[maximum_windows][2] = { { 32, 32 }, { 192, 256 } };

class Display final : public Screen {
public:
    /* `console` (optional) hears of each window shown, each window the person moved and the key stamps. */
    Display(Server&, ReticleCap const& memory, SurfaceClient surfaces, kit::FontClient fonts,
        ConsoleCap const* console = nullptr);

    /* Opens the face, measures a cell, learns the screen's size and makes each window's pixels. */
    [[nodiscard]] ErrorOr<void> start();
    [[nodiscard]] CellMetrics cell() const { return m_cell; }
    [[nodiscard]] u32 window_width() const { return m_width; }
    [[nodiscard]] u32 window_height() const { return m_height; }

    ErrorOr<void> present() override;
    ErrorOr<void> take_input() override;
    u64 input_mask() const override { return surface_bits.reply.mask(); }
    bool has_input() const override;

    /* Prints key-to-photon stamps on the console for the first `limit` keys (KeyStamps.h; 0: none). */
    void stamp_keys(u64 limit) { m_stamps = KeyStamps(limit); }

    [[nodiscard]] u64 keys() const { return m_keys; }
    [[nodiscard]] u64 frames() const { return m_frames; }
    [[nodiscard]] u64 moves() const { return m_moves; }
    [[nodiscard]] kit::FontdGlyphs const& glyphs() const { return m_glyphs; }

private:
    struct View {
        MemCap memory;
        std::span<u32> pixels;
        std::optional<kit::Canvas> canvas;
        std::optional<Painter> painter;
        u32 surface { 0 };
        u64 generation { 0 };
        Place place;
        Gesture gesture;
        bool shown { false };
        bool focused { false };
    };

    [[nodiscard]] std::span<u8 const> title_of(usize window);
    /* The events of one `input` read: keys (and vterm's chords), focus, the pointer's drags and selections. */
    [[nodiscard]] ErrorOr<void> route(surface::InputEvents const&);
    [[nodiscard]] View* view_of_surface(u32 surface);
    [[nodiscard]] ErrorOr<void> show(usize window);
    void hide(usize window);
    [[nodiscard]] ErrorOr<void> focus(usize window);
    [[nodiscard]] WindowGeometry geometry() const;
    [[nodiscard]] ErrorOr<void> pointer(usize window, surface::SurfaceEvent const&, Place at);

    Server& m_server;
    ReticleCap const& m_memory;
    ConsoleCap const* m_console { nullptr };
    SurfaceClient m_surfaces;
    kit::FontClient m_fonts;
    kit::FontdGlyphs m_glyphs;
    CellMetrics m_cell;
    u32 m_width { 0 };
    u32 m_height { 0 };
    u32 m_title_height { 0 };
    u32 m_screen_width { 0 };
    u32 m_screen_height { 0 };
    View m_views[maximum_windows];
    u64 m_keys { 0 };
    u64 m_frames { 0 };
    u64 m_moves { 0 };
    /* The `input` read waiting in compositord. */
    surface::InputReader m_input { input_read_wait_ms };
    KeyStamps m_stamps;
};

}
