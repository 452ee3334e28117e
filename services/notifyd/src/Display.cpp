/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * notifyd's notifications as transient surfaces of compositord (Display.h).
 */

#include <notifyd/Display.h>
#include <vectra/System.h>
#include <vectra/Try.h>

namespace vectra::notifyd {

namespace {

constexpr u32 buffer_bytes = (width * maximum_height * 4 + 4095) & ~u32(4095);

}

Display::Display(ReticleCap const& memory, SurfaceClient surfaces, FontClient fonts)
    : m_memory(memory)
    , m_surfaces(std::move(surfaces))
    , m_fonts(std::move(fonts))
{
}

ErrorOr<void> Display::start()
{
    TRY(Text::open(m_text, m_fonts, "DejaVu Sans", glyph_pixel_size));
    /* Printable ASCII and the ellipsis: most notifications then cost no round trip to fontd. */
    u8 printable[95 + 3];
    for (usize index = 0; index < 95; ++index)
        printable[index] = u8(' ' + index);
    printable[95] = 0xe2, printable[96] = 0x80, printable[97] = 0xa6;
    TRY(m_text.prefetch(printable));
    for (auto& view : m_views) {
        view.memory = TRY(system::create_memory(m_memory, buffer_bytes));
        auto mapped = TRY(system::map_memory(view.memory));
        view.pixels = { reinterpret_cast<u32*>(mapped.data()), usize(width) * maximum_height };
    }
    auto state = TRY(m_surfaces.call(surface::ReadState {}));
    m_screen_width = state.display_width;
    return {};
}

ErrorOr<void> Display::draw(usize slot, notify::Post const& request)
{
    auto& view = m_views[slot];
    u32 lines = TRY(check_text(request.title.span(), request.body.span()));
    auto box = surface::Box::of(0, 0, width, lines * line_height + 2 * padding);
    Pixels whole { view.pixels, width, surface::Box::of(0, 0, width, maximum_height) };
    whole.fill(whole.clip, background);
    /* A one-pixel border along the inside of the notification's box. */
    whole.fill(surface::Box::of(0, 0, width, 1), border);
    whole.fill(surface::Box::of(0, box.bottom - 1, width, 1), border);
    whole.fill(surface::Box::of(0, 0, 1, box.height()), border);
    whole.fill(surface::Box::of(i32(width) - 1, 0, 1, box.height()), border);
    Pixels inside { view.pixels, width, surface::Box::of(i32(padding), 0, width - 2 * padding, box.height()) };
    i32 first_baseline = i32(padding) + (i32(line_height) - m_text.line_height()) / 2 + m_text.ascender();
    TRY(m_text.draw(inside, i32(padding), first_baseline, request.title.span(), title_colour, false));
    /* The body's lines, at most maximum_body_lines; a body with more ends its last shown line with an ellipsis. */
    auto body = request.body.span();
    usize start = 0;
    for (u32 line = 0; line < notify::maximum_body_lines && start < body.size(); ++line) {
        usize end = start;
        while (end < body.size() && body[end] != '\n')
            ++end;
        bool more = end < body.size() && line + 1 == notify::maximum_body_lines;
        TRY(m_text.draw(inside, i32(padding), first_baseline + i32((line + 1) * line_height), body.subspan(start, end - start),
            body_colour, more));
        start = end + 1;
    }
    return {};
}

ErrorOr<void> Display::show(Board const& board)
{
    bool changed = false;
    /* Gone first (their places are free again), then made and moved. */
    for (usize slot = 0; slot < notify::notifications_shown; ++slot) {
        auto& view = m_views[slot];
        auto const& wanted = board.slot(slot);
        if (!view.shown || (wanted.used && wanted.id == view.notification))
            continue;
        auto destroyed = m_surfaces.call(surface::Destroy { view.surface });
        if (destroyed.is_error() && !destroyed.error().is(surface::SurfaceError::UnknownSurface))
            return destroyed.release_error();
        view.shown = false;
        changed = true;
    }
    for (usize slot = 0; slot < notify::notifications_shown; ++slot) {
        auto& view = m_views[slot];
        auto const& wanted = board.slot(slot);
        if (!wanted.used)
            continue;
        if (!view.shown) {
            surface::Create create { wanted.x, wanted.y, width, wanted.height, width * 4 };
            create.transient = 1;
            view.surface = TRY(m_surfaces.call_lending(create, view.memory, RightRead)).surface;
            view.shown = true;
            view.notification = wanted.id;
            view.x = wanted.x;
            view.y = wanted.y;
            changed = true;
        } else if (view.x != wanted.x || view.y != wanted.y) {
            TRY(m_surfaces.call(surface::Move { view.surface, wanted.x, wanted.y }));
            view.x = wanted.x;
            view.y = wanted.y;
            changed = true;
        }
    }
    if (changed) {
        TRY(m_surfaces.call(surface::Frame {}));
        ++m_frames;
    }
    return {};
}

ErrorOr<usize> Display::take_clicks(Board& board)
{
    surface::InputEvents read;
    bool arrived = TRY(m_input.take(m_surfaces, read));
    TRY(m_input.request(m_surfaces));
    if (!arrived)
        return 0;
    usize withdrawn = 0;
    for (auto const& event : read.events) {
        if (event.kind != surface::event_kind::pointer)
            continue;
        bool pressed = (event.buttons & 1) != 0 && (m_buttons & 1) == 0;
        m_buttons = event.buttons;
        if (!pressed)
            continue;
        for (usize slot = 0; slot < notify::notifications_shown; ++slot) {
            auto const& view = m_views[slot];
            auto const& shown = board.slot(slot);
            if (!view.shown || view.surface != event.surface || !shown.used || shown.id != view.notification)
                continue;
            if (!board.withdraw(shown.session, shown.id).is_error()) {
                ++withdrawn;
                ++m_clicks;
            }
            break;
        }
    }
    return withdrawn;
}

}
