/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * surface-input-first and surface-input-second (image compositor-input, ADR 0047): two clients of
 * compositord that read the input it routes on their vectra.surface sessions and print it.
 *
 *   - first shows a checkerboard, takes the focus nobody holds, prints the line typed to it, and
 *     after losing the focus (a click on second) counts the keys it still receives (none) until
 *     Alt+Tab gives the focus back; then it holds its surface for the screenshot.
 *   - second shows bands and never asks for the focus while it is free: it counts the keys it
 *     receives before the click (none), prints the click in its own pixels, the line typed to it
 *     and the loss of the focus to Alt+Tab; then, unfocused, its focus request is refused (and
 *     its cursor request, at any time), and it holds the frame.
 */

#include <surfacecheck/Patterns.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/footprints/surface_input_first.h>
#include <vectra/footprints/surface_input_second.h>
#include <vectra/input/Protocol.h>

VECTRA_TASK_ENTRY(surface_input_first);
VECTRA_TASK_ENTRY(surface_input_second);

namespace vectra::task_entries {

namespace {

using namespace surfacecheck;

inline constexpr Placement first_placement { 100, 120, 300, 200 };
inline constexpr Placement second_placement { 500, 300, 300, 200 };
constexpr u32 read_wait_ms = 1000;
constexpr int maximum_reads = 120; /* each waits up to a second: two minutes for the oracle's steps */
constexpr SignalBit hold_bit { 20 };

/* What a client has read so far, and the events of the last read it has not acted on. */
struct Reader {
    char const* name;
    ConsoleCap const& console;
    SurfaceClient& client;
    char line[64] {};
    usize length { 0 };
    u64 keys { 0 };       /* key presses and repeats received */
    int gained { 0 };
    int lost { 0 };
    bool line_done { false };
    int reads { 0 };
};

ErrorOr<void> read_once(Reader& reader)
{
    auto read = TRY(reader.client.call(surface::ReadInput { read_wait_ms }, Duration::from_seconds(15)));
    ++reader.reads;
    if (read.dropped > 0)
        TRY(print_line(reader.console, "{}: {} events dropped", reader.name, read.dropped));
    for (auto const& event : read.events) {
        switch (event.kind) {
        case surface::event_kind::key:
            if (event.action == input::key_action::release)
                break;
            ++reader.keys;
            if (event.characters.size() == 0)
                break;
            if (event.characters[0] == '\n') {
                TRY(print_line(reader.console, "{}: typed \"{}\"", reader.name, std::string_view(reader.line, reader.length)));
                reader.length = 0;
                reader.line_done = true;
            } else if (reader.length < sizeof(reader.line) && event.characters[0] < 0x80) {
                reader.line[reader.length++] = char(event.characters[0]);
            }
            break;
        case surface::event_kind::pointer:
            TRY(print_line(reader.console, "{}: pointer {} {} buttons {:#x} on surface {}", reader.name, event.x, event.y,
                event.buttons, event.surface));
            break;
        case surface::event_kind::focus:
            if (event.action == surface::focus_action::gained)
                ++reader.gained;
            else
                ++reader.lost;
            TRY(print_line(reader.console, "{}: focus {}", reader.name,
                event.action == surface::focus_action::gained ? "gained" : "lost"));
            break;
        default:
            break;
        }
    }
    return {};
}

/* Reads until `done` holds (or the reads run out: an error). */
template<typename Done>
ErrorOr<void> read_until(Reader& reader, Done&& done)
{
    for (int turn = 0; turn < maximum_reads && !done(); ++turn)
        TRY(read_once(reader));
    if (!done())
        return Error(ErrorCode::TimedOut, "the expected input did not come");
    return {};
}

/* A client's console, session and surface, its footprint checked. */
struct Opened {
    ConsoleCap console;
    SurfaceClient client;
    Shown shown;
};

ErrorOr<Opened> open_client(Bundle& bundle, std::span<SlotRequirement const> footprint, Placement const& placement,
    void (*draw)(std::span<u8>, Placement const&))
{
    TRY(check_footprint(bundle, footprint));
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto client = TRY(open_session(bundle, memory));
    auto shown = TRY(show(client, memory, placement, draw));
    return Opened { std::move(console), std::move(client), std::move(shown) };
}

void hold(u64 milliseconds)
{
    (void)endpoint::wait_until(hold_bit.mask(), endpoint::now_nanoseconds() + milliseconds * 1'000'000, hold_bit);
}

}

ErrorOr<i32> surface_input_first(Bundle& bundle)
{
    auto opened = TRY(open_client(bundle, footprints::surface_input_first, first_placement, draw_checker));
    auto& [console, client, shown] = opened;
    TRY(client.call(surface::Focus { shown.id }));
    Reader reader { "surface-input-first", console, client };
    TRY(read_until(reader, [&] { return reader.gained == 1; }));
    TRY(print_line(console, "surface-input-first: surface {} at (100, 120) holds the focus; type", shown.id));
    TRY(read_until(reader, [&] { return reader.line_done; }));
    TRY(read_until(reader, [&] { return reader.lost == 1; }));
    u64 keys_before = reader.keys;
    TRY(read_until(reader, [&] { return reader.gained == 2; }));
    /* Keys typed to second while first had no focus: none reached first (Alt is compositord's chord). */
    u64 while_unfocused = reader.keys - keys_before;
    TRY(print_line(console, "surface-input-first: {} keys while another surface held the focus; focus back by Alt+Tab",
        while_unfocused));
    if (while_unfocused > 1) /* the Alt of the chord is the focused session's: it reached second, not first */
        return Error(ErrorCode::InvalidArgument, "keys reached an unfocused client");
    hold(4000);
    TRY(print_line(console, "surface-input-first: passed"));
    return 0;
}

ErrorOr<i32> surface_input_second(Bundle& bundle)
{
    auto opened = TRY(open_client(bundle, footprints::surface_input_second, second_placement, draw_bands));
    auto& [console, client, shown] = opened;
    TRY(client.call(surface::Frame {}));
    auto cursor = client.call(surface::Cursor { 10, 10, 1 });
    bool cursor_refused = cursor.is_error() && cursor.error().is(surface::SurfaceError::PointerRouted);
    Reader reader { "surface-input-second", console, client };
    TRY(read_until(reader, [&] { return reader.gained == 1; }));
    u64 keys_before_click = reader.keys;
    TRY(read_until(reader, [&] { return reader.line_done; }));
    TRY(read_until(reader, [&] { return reader.lost == 1; }));
    /* Alt+Tab gave first the focus: asking for it back by request is refused. */
    auto taken = client.call(surface::Focus { shown.id });
    bool focus_refused = taken.is_error() && taken.error().is(surface::SurfaceError::NotFocused);
    hold(500); /* first prints its focus regained meanwhile */
    TRY(print_line(console, "surface-input-second: unfocused: focus by request {}, cursor by request {}, {} keys before the click",
        focus_refused ? "refused (not-focused)" : "NOT refused", cursor_refused ? "refused (pointer-routed)" : "NOT refused",
        keys_before_click));
    if (!focus_refused || !cursor_refused || keys_before_click != 0)
        return Error(ErrorCode::InvalidArgument, "an unfocused client took the focus, moved the cursor or received keys");
    TRY(client.call(surface::Frame {}));
    TRY(print_line(console, "surface-input-second: holding the frame 2000 ms for a screenshot"));
    hold(2000);
    TRY(print_line(console, "surface-input-second: passed"));
    return 0;
}

}
