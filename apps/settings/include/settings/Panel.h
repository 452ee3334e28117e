/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The settings panel: its widgets (a device name field, a resolution list, Apply and Reset) and
 * what the application does with their messages.
 */

#pragma once

#include <span>
#include <vectra/Bundle.h>
#include <vectra/Session.h>
#include <vectra/kit/Canvas.h>
#include <vectra/kit/FontdGlyphs.h>
#include <vectra/kit/Tree.h>
#include <vectra/surface/Protocol.h>

namespace vectra::settings {

using SurfaceClient = session::SessionClient<surface::Protocol>;
using TreeMemory = kit::TreeStorage<32>;

/* Where the panel shows on the display, and its size (the screen oracle's regions depend on these). */
inline constexpr i32 panel_x = 192;
inline constexpr i32 panel_y = 144;
inline constexpr u32 panel_width = 640;
inline constexpr u32 panel_height = 480;
inline constexpr u32 text_pixel_size = 16;

class Resolutions final : public kit::ListModel {
public:
    [[nodiscard]] u32 row_count() const override;
    [[nodiscard]] Utf8View row_text(u32 row) const override;
};

class Panel {
public:
    Panel(TreeMemory&, kit::FontdGlyphs&, std::span<u8> pixels);

    [[nodiscard]] ErrorOr<void> build();
    /* Lays the panel out again when a change needs it. */
    [[nodiscard]] ErrorOr<void> relayout();
    [[nodiscard]] ErrorOr<void> draw(kit::Region const&);
    /* What the application does with a message from its widgets. */
    [[nodiscard]] ErrorOr<void> react(kit::Message const&);

    [[nodiscard]] kit::Tree& tree() { return m_tree; }
    [[nodiscard]] kit::WidgetId status() const { return m_status; }
    /* Whether Apply applied a resolution (the panel's work is done). */
    [[nodiscard]] bool applied() const { return m_applied; }

private:
    kit::Tree m_tree;
    kit::FontdGlyphs& m_glyphs;
    std::span<u8> m_pixels;
    Resolutions m_resolutions;
    kit::WidgetId m_name, m_list, m_status, m_reset, m_apply;
    bool m_applied { false };
};

[[nodiscard]] surface::SurfaceRectangle surface_rectangle(kit::Box const&);
[[nodiscard]] ErrorOr<kit::FontClient> open_font_session(Bundle&, ReticleCap const& memory);
[[nodiscard]] ErrorOr<SurfaceClient> open_surface_session(Bundle&, ReticleCap const& memory);

}
