/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <settings/Panel.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>

namespace vectra::settings {

namespace {

constexpr Utf8View resolutions[] = {
    "640 × 480",
    "800 × 600",
    "1024 × 768",
    "1280 × 720",
    "1280 × 1024",
    "1600 × 900",
    "1920 × 1080",
    "2560 × 1440",
};

constexpr std::string_view default_name = "Living room";

}

u32 Resolutions::row_count() const { return sizeof(resolutions) / sizeof(resolutions[0]); }
Utf8View Resolutions::row_text(u32 row) const { return resolutions[row]; }

Panel::Panel(TreeMemory& memory, kit::FontdGlyphs& glyphs, std::span<u8> pixels)
    : m_tree(memory.columns())
    , m_glyphs(glyphs)
    , m_pixels(pixels)
{
}

ErrorOr<void> Panel::build()
{
    using kit::Align;
    using kit::Kind;
    auto& tree = m_tree;
    auto root = TRY(tree.add({}, Kind::Column));
    TRY(tree.set_name(root, "Display settings"));
    TRY(tree.set_layout(root, { 20, 12 }));
    TRY(tree.add(root, Kind::Label, "Display settings"));

    auto name_row = TRY(tree.add(root, Kind::Row));
    TRY(tree.set_layout(name_row, { 0, 10, 0, 0, 0, Align::Fill }));
    auto name_label = TRY(tree.add(name_row, Kind::Label, "Device name"));
    TRY(tree.set_layout(name_label, { 2, 0, 0, 110, 0, Align::Center }));
    m_name = TRY(tree.add(name_row, Kind::TextField, default_name));
    TRY(tree.set_name(m_name, "Device name"));
    TRY(tree.set_layout(m_name, { 4, 0, 1, 120, 0, Align::Fill }));

    TRY(tree.add(root, Kind::Label, "Resolution"));
    m_list = TRY(tree.add(root, Kind::List));
    TRY(tree.set_name(m_list, "Resolution"));
    TRY(tree.set_layout(m_list, { 1, 0, 1, 120, 0, Align::Fill }));
    TRY(tree.set_list_model(m_list, &m_resolutions));

    auto buttons = TRY(tree.add(root, Kind::Row));
    TRY(tree.set_layout(buttons, { 0, 10, 0, 0, 0, Align::Fill }));
    m_status = TRY(tree.add(buttons, Kind::Label, "Not applied yet"));
    TRY(tree.set_layout(m_status, { 2, 0, 1, 0, 0, Align::Center }));
    m_reset = TRY(tree.add(buttons, Kind::Button, "Reset"));
    TRY(tree.set_layout(m_reset, { 6, 0, 0, 90, 32 }));
    TRY(tree.set_disabled(m_reset, true));
    m_apply = TRY(tree.add(buttons, Kind::Button, "Apply"));
    TRY(tree.set_layout(m_apply, { 6, 0, 0, 90, 32 }));

    /* Every glyph the panel can show, asked of fontd in a few runs rather than one at a time. */
    TRY(m_glyphs.prefetch("Display settingsDevice nameResolutionNot applied yetResetApply×0123456789 "));
    TRY(m_glyphs.prefetch("Applied to Living room Defaults restored"));
    return {};
}

ErrorOr<void> Panel::relayout()
{
    if (m_tree.needs_layout())
        TRY(m_tree.layout(m_glyphs, kit::Box::of(0, 0, panel_width, panel_height)));
    return {};
}

ErrorOr<void> Panel::draw(kit::Region const& region)
{
    auto* words = reinterpret_cast<u32*>(m_pixels.data());
    auto canvas = TRY(
        kit::Canvas::try_create(std::span<u32>(words, m_pixels.size() / 4), panel_width, panel_height, panel_width));
    return m_tree.draw(canvas, m_glyphs, region);
}

ErrorOr<void> Panel::react(kit::Message const& message)
{
    if (message.kind != kit::MessageKind::Activated)
        return {};
    if (message.widget == m_apply) {
        auto list = TRY(m_tree.list(m_list));
        if (list.selected == kit::no_row)
            return m_tree.set_text(m_status, "Pick a resolution");
        /* "Applied <resolution> to <name>", cut at the label's capacity, whole code points only. */
        kit::Text text;
        bool room = true;
        auto append = [&](Utf8View part) {
            for (u32 code_point : part)
                room = room && !text.try_append_code_point(code_point).is_error();
        };
        append("Applied ");
        append(m_resolutions.row_text(list.selected));
        append(" to ");
        append(TRY(m_tree.text(m_name)));
        TRY(m_tree.set_text(m_status, text.bytes()));
        m_applied = true;
        return m_tree.set_disabled(m_reset, false);
    }
    if (message.widget == m_reset) {
        TRY(m_tree.set_text(m_name, default_name));
        TRY(m_tree.set_text(m_status, "Defaults restored"));
        return m_tree.set_disabled(m_reset, true);
    }
    return {};
}

surface::SurfaceRectangle surface_rectangle(kit::Box const& box)
{
    return { u32(box.left), u32(box.top), box.width(), box.height() };
}

ErrorOr<kit::FontClient> open_font_session(Bundle& bundle, ReticleCap const& memory)
{
    auto requests = TRY(bundle.take<RingCap>("font-requests"));
    auto replies = TRY(bundle.take<RingCap>("font-replies"));
    auto pool = TRY(endpoint::carve(memory, session::pool_size<font::Protocol>()));
    return kit::FontClient::open(std::move(requests), std::move(replies), std::move(pool));
}

ErrorOr<SurfaceClient> open_surface_session(Bundle& bundle, ReticleCap const& memory)
{
    auto requests = TRY(bundle.take<RingCap>("surface-requests"));
    auto replies = TRY(bundle.take<RingCap>("surface-replies"));
    auto pool = TRY(endpoint::carve(memory, session::pool_size<surface::Protocol>()));
    return SurfaceClient::open(std::move(requests), std::move(replies), std::move(pool));
}

}
