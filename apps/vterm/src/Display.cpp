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

Display::Display(Server& server, ReticleCap const& memory, SurfaceClient surfaces, kit::FontClient fonts)
    : m_server(server)
    , m_memory(memory)
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

ErrorOr<void> Display::opened(usize window)
{
    auto& view = m_views[window];
    view.painter = TRY(Painter::try_create(m_glyphs));
    view.focused = false;
    TRY(view.painter->draw_all(*view.canvas, m_server.terminal(window), title_of(window), false));
    auto created = TRY(m_surfaces.call_lending(
        surface::Create { window_places[window][0], window_places[window][1], m_width, m_height, m_width * 4 },
        view.memory, RightRead));
    view.surface = created.surface;
    view.shown = true;
    /* The focus while nobody holds it; a window opened later leaves it where it is (the person moves it). */
    for (auto const& other : m_views) {
        if (other.shown && other.focused)
            return {};
    }
    auto focus = m_surfaces.call(surface::Focus { view.surface });
    if (focus.is_error() && !focus.error().is(surface::SurfaceError::NotFocused))
        return focus.release_error();
    view.focused = !focus.is_error();
    return {};
}

void Display::closed(usize window)
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
    bool sent = false;
    for (usize window = 0; window < maximum_windows; ++window) {
        auto& view = m_views[window];
        if (!view.shown || !m_server.is_open(window))
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
            TRY(print_line(*m_console, "vterm: key {} in window {}: received {} drawn {} flushed {} ns", stamp.key,
                stamp.window, stamp.received, *stamp.drawn, stamp.flushed));
        }
    }
    return {};
}

void Display::stamp_keys(ConsoleCap const& console, u64 limit)
{
    m_console = &console;
    m_stamps = KeyStamps(limit);
}

Display::View* Display::view_of_surface(u32 surface)
{
    for (auto& view : m_views)
        if (view.shown && view.surface == surface)
            return &view;
    return nullptr;
}

bool Display::has_input() const
{
    auto const* connection = m_surfaces.connection();
    return connection && m_input_call != 0 && connection->expected_later() == m_input_call && connection->has_later();
}

ErrorOr<void> Display::request_input()
{
    auto* connection = m_surfaces.connection();
    if (!connection)
        return {}; /* the session ended: the next call opens it again, and the read is sent then */
    if (m_input_call != 0 && connection->expected_later() == m_input_call)
        return {};
    u32 call_id = m_next_input_call++;
    if (m_next_input_call == 0)
        m_next_input_call = input_call_base;
    u8 request[protocol::payload_capacity<surface::Protocol>];
    usize length
        = TRY(protocol::encode_request<surface::Protocol>(surface::ReadInput { input_read_wait_ms }, call_id, request));
    TRY(connection->send(std::span<u8 const>(request, length), deadline_after(SurfaceClient::default_timeout)));
    connection->expect_later(call_id, m_input_reply);
    m_input_call = call_id;
    return {};
}

ErrorOr<void> Display::take_input()
{
    auto* connection = m_surfaces.connection();
    if (connection && m_input_call != 0 && connection->expected_later() == m_input_call) {
        auto length = TRY(connection->receive_later());
        if (length) {
            m_input_call = 0;
            std::span<u8 const> reply(m_input_reply, *length);
            auto envelope = TRY(protocol::read_envelope(reply));
            if (envelope.status != protocol::status_success)
                return protocol::error_of_status(envelope.status, surface::domain);
            surface::InputEvents events;
            auto decoded = protocol::decode_body(reply, events);
            if (decoded.is_error())
                return Error(decoded.error());
            route(events);
        }
    }
    return request_input();
}

void Display::route(surface::InputEvents const& read)
{
    for (auto const& event : read.events) {
        auto* view = view_of_surface(event.surface);
        if (!view)
            continue;
        usize window = usize(view - m_views);
        if (event.kind == surface::event_kind::focus) {
            view->focused = event.action == surface::focus_action::gained;
        } else if (event.kind == surface::event_kind::key && event.action != key_released) {
            if (event.action == key_pressed)
                m_stamps.received(window, endpoint::now_nanoseconds());
            terminal::KeyPress press { event.code, event.modifiers, event.characters.span() };
            if (m_server.key(window, press))
                ++m_keys;
        }
    }
}

}
