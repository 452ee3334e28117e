/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vterm's windows on the screen (Display.h).
 */

#include <vectra/System.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/Try.h>
#include <vterm/Display.h>

namespace vectra::vterm {

namespace {
/* vectra.surface's key actions are vectra.input's: press 1, release 2, repeat 3. */
constexpr u8 key_pressed = 1;
constexpr u8 key_released = 2;
}

Display::Display(
    Server& server, ReticleCap const& memory, SurfaceClient surfaces, kit::FontClient fonts, ConsoleCap const* console)
    : m_server(server)
    , m_memory(memory)
    , m_console(console)
    , m_surfaces(std::move(surfaces))
    , m_fonts(std::move(fonts))
{
}

ErrorOr<void> Display::start()
{
    TRY(kit::FontdGlyphs::open(m_glyphs, m_fonts, "DejaVu Sans Mono", glyph_pixel_size));
    /* The printable ASCII in one request: what a shell shows first costs no round trip later. */
    char printable[95];
    for (usize index = 0; index < sizeof(printable); ++index)
        printable[index] = char(' ' + index);
    TRY(m_glyphs.prefetch(TRY(Utf8View::try_from(std::string_view(printable, sizeof(printable))))));
    auto measuring = TRY(Painter::try_create(m_glyphs));
    m_cell = measuring.cell();
    m_width = measuring.width_for(window_size);
    m_height = measuring.height_for(window_size);
    m_title_height = measuring.title_height();
    auto state = TRY(m_surfaces.call(surface::ReadState {}));
    m_screen_width = state.display_width;
    m_screen_height = state.display_height;
    for (auto& view : m_views) {
        usize bytes = usize(m_width) * m_height * 4;
        view.memory = TRY(system::create_memory(m_memory, (bytes + 4095) & ~usize(4095)));
        auto mapped = TRY(system::map_memory(view.memory));
        view.pixels = { reinterpret_cast<u32*>(mapped.data()), usize(m_width) * m_height };
        view.canvas = TRY(kit::Canvas::try_create(view.pixels, m_width, m_height, m_width));
    }
    return {};
}

std::span<u8 const> Display::title_of(usize window)
{
    auto set = m_server.title(window);
    return set.empty() ? m_server.terminal(window).title() : set;
}

ErrorOr<void> Display::show(usize window)
{
    auto& view = m_views[window];
    view.painter = TRY(Painter::try_create(m_glyphs));
    view.focused = false;
    view.generation = m_server.generation(window);
    view.place = { window_places[window][0], window_places[window][1] };
    view.gesture = Gesture();
    TRY(view.painter->draw_all(*view.canvas, m_server.terminal(window), title_of(window), false));
    auto created = TRY(m_surfaces.call_lending(
        surface::Create { view.place.x, view.place.y, m_width, m_height, m_width * 4 }, view.memory, RightRead));
    view.surface = created.surface;
    view.shown = true;
    if (m_console) {
        (void)print_line(*m_console, "vterm: window {} shown, {}", window + 1,
            m_server.session_of(window) ? "with a waiting program" : "waiting for a program");
    }
    /* The focus while nobody holds it; a window shown for a session leaves it where it is (the person moves it). */
    for (auto const& other : m_views) {
        if (&other != &view && other.shown && other.focused)
            return {};
    }
    return focus(window);
}

ErrorOr<void> Display::focus(usize window)
{
    auto& view = m_views[window];
    auto focused = m_surfaces.call(surface::Focus { view.surface });
    if (focused.is_error() && !focused.error().is(surface::SurfaceError::NotFocused))
        return focused.release_error();
    if (focused.is_error())
        return {};
    /* compositord tells of the change too; the title bars follow at once. */
    for (auto& other : m_views)
        other.focused = false;
    view.focused = true;
    TRY(m_surfaces.call(surface::Raise { view.surface }));
    return {};
}

void Display::hide(usize window)
{
    auto& view = m_views[window];
    if (!view.shown)
        return;
    (void)m_surfaces.call(surface::Destroy { view.surface }); /* compositord lets it go with the session anyway */
    view.shown = false;
    view.focused = false;
    view.painter.reset();
}

ErrorOr<void> Display::present()
{
    /* The surfaces follow the Server's windows: a window made anew starts over. */
    for (usize window = 0; window < maximum_windows; ++window) {
        auto& view = m_views[window];
        bool wanted = m_server.is_shown(window);
        if (view.shown && (!wanted || view.generation != m_server.generation(window)))
            hide(window);
        if (wanted && !view.shown) {
            auto shown = show(window);
            if (shown.is_error()) {
                /* A window that cannot be shown is no window: its session goes. */
                m_server.close_window(window);
                hide(window);
            }
        }
    }
    if (auto window = m_server.take_window_to_focus(); window && m_views[*window].shown)
        TRY(focus(*window));
    bool sent = false;
    for (usize window = 0; window < maximum_windows; ++window) {
        auto& view = m_views[window];
        if (!view.shown)
            continue;
        surface::Region damage;
        TRY(view.painter->draw_changes(
            *view.canvas, m_server.terminal(window), title_of(window), view.focused, damage));
        if (damage.is_empty())
            continue;
        surface::Damage message;
        message.surface = view.surface;
        auto rectangle = [](surface::Box const& box) {
            return surface::SurfaceRectangle { u32(box.left), u32(box.top), box.width(), box.height() };
        };
        if (damage.boxes().size() > surface::maximum_rectangles) {
            TRY(message.rectangles.try_append(rectangle(damage.bounds())));
        } else {
            for (auto const& box : damage.boxes())
                TRY(message.rectangles.try_append(rectangle(box)));
        }
        TRY(m_surfaces.call(message));
        m_stamps.drawn(window, endpoint::now_nanoseconds());
        sent = true;
    }
    if (sent) {
        TRY(m_surfaces.call(surface::Frame {}));
        ++m_frames;
        for (auto const& stamp : m_stamps.flushed(endpoint::now_nanoseconds())) {
            if (m_console)
                TRY(print_line(*m_console, "vterm: key {} in window {}: received {} drawn {} flushed {} ns",
                    stamp.key, stamp.window, stamp.received, *stamp.drawn, stamp.flushed));
        }
    }
    return {};
}

Display::View* Display::view_of_surface(u32 surface)
{
    for (auto& view : m_views)
        if (view.shown && view.surface == surface)
            return &view;
    return nullptr;
}

bool Display::has_input() const { return m_input.has_input(m_surfaces); }

WindowGeometry Display::geometry() const { return { m_width, m_height, m_title_height, m_cell.width, m_cell.height }; }

ErrorOr<void> Display::pointer(usize window, surface::SurfaceEvent const& event, Place at)
{
    auto& view = m_views[window];
    auto& model = m_server.terminal(window);
    auto step = view.gesture.pointer(
        event.x, event.y, event.buttons, at, geometry(), model.size(), m_screen_width, m_screen_height);
    switch (step.kind) {
    case GestureKind::Move:
        TRY(m_surfaces.call(surface::Move { view.surface, step.place.x, step.place.y }));
        view.place = step.place;
        ++m_moves;
        break;
    case GestureKind::Dropped:
        if (m_console)
            (void)print_line(*m_console, "vterm: window {} moved to ({}, {})", window + 1, step.place.x, step.place.y);
        break;
    case GestureKind::Select:
        m_server.select(window, model.view_position(step.anchor_row, step.anchor_column),
            model.view_position(step.row, step.column));
        break;
    case GestureKind::Deselect:
        m_server.clear_selection(window);
        break;
    case GestureKind::None:
        break;
    }
    return {};
}

ErrorOr<void> Display::take_input()
{
    surface::InputEvents events;
    if (TRY(m_input.take(m_surfaces, events)))
        TRY(route(events));
    return m_input.request(m_surfaces);
}

ErrorOr<void> Display::route(surface::InputEvents const& read)
{
    /* compositord placed this batch's pointer reports where the windows were when it was read: no
     * window moved since the read was sent (a move is answered before the next read goes out). */
    Place places[maximum_windows];
    for (usize window = 0; window < maximum_windows; ++window)
        places[window] = m_views[window].place;
    for (auto const& event : read.events) {
        auto* view = view_of_surface(event.surface);
        if (!view)
            continue;
        usize window = usize(view - m_views);
        if (event.kind == surface::event_kind::focus) {
            view->focused = event.action == surface::focus_action::gained;
        } else if (event.kind == surface::event_kind::pointer) {
            TRY(pointer(window, event, places[window]));
        } else if (event.kind == surface::event_kind::key && event.action != key_released) {
            if (event.action == key_pressed)
                m_stamps.received(window, endpoint::now_nanoseconds());
            terminal::KeyPress press { event.code, event.modifiers, event.characters.span() };
            if (m_server.key(window, press) != KeyOutcome::Nothing)
                ++m_keys;
            /* A chord may have closed the window: its later events find no view. */
            if (!m_server.is_shown(window))
                hide(window);
        }
    }
    return {};
}

}
