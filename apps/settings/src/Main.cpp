/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * settings: a display settings panel drawn with VectraKit (frameworks/kit) on a surface of
 * compositord, its text in DejaVu Sans from fontd's read-only atlas. The panel's widget tree lives
 * in memory this Task made for it; every change is drawn only where it damaged the panel, and
 * only those rectangles are sent to compositord. The accessibility tree goes to the console (the
 * debug channel, one JSON node a line) when the panel first shows and after each batch of input.
 *
 * Input is what compositord routes to the panel's surface (vectra.surface `input`, ADR 0047): the
 * panel takes the focus nobody holds, then reads its session's events, translated by VectraKit's
 * InputTranslator, into the tree; each event's damage is printed with what it meant, and each
 * batch is drawn and sent as one damage and one frame. The read waits in compositord (up to
 * `read_wait_ms`), and the session client waits for its reply on the replies Ring's doorbell —
 * one signal wait, no polling. The panel's work ends when Apply applied a resolution; with no
 * input for `idle_limit_ms` it gives up (an error).
 */

#include <new>
#include <settings/Panel.h>
#include <vectra/Process.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/footprints/settings.h>
#include <vectra/kit/Accessibility.h>
#include <vectra/kit/Input.h>

VECTRA_TASK_ENTRY(settings);

namespace vectra::task_entries {

namespace {

using namespace settings;

constexpr u64 hold_milliseconds = 2000;
constexpr SignalBit hold_bit { 20 };
constexpr u32 read_wait_ms = 10'000;
constexpr u64 idle_limit_ms = 120'000;

ErrorOr<void> print_accessibility(ConsoleCap const& console, kit::Tree const& tree)
{
    return kit::for_each_accessible_node(tree, [&](kit::AccessibleNode const& node) -> ErrorOr<void> {
        char line[512];
        constexpr std::string_view prefix = "settings: a11y ";
        __builtin_memcpy(line, prefix.data(), prefix.size());
        usize length
            = TRY(kit::encode_node_json(node, std::span<char>(line + prefix.size(), sizeof(line) - prefix.size() - 1)));
        line[prefix.size() + length] = '\n';
        return system::console_write(console, std::string_view(line, prefix.size() + length + 1));
    });
}

struct Shown {
    u64 sent_pixels { 0 }; /* the damage sent: the region's boxes, or their bounds when more than 16 */
    surface::FrameDone frame;
};

/* Draws `damage` into the surface and sends it to compositord; answers what was sent and the frame that showed it. */
ErrorOr<Shown> present(Panel& panel, SurfaceClient& client, u32 surface_id, kit::Region const& damage)
{
    TRY(panel.draw(damage));
    Shown shown;
    surface::Damage message;
    message.surface = surface_id;
    if (damage.boxes().size() > surface::maximum_rectangles) {
        TRY(message.rectangles.try_append(surface_rectangle(damage.bounds())));
        shown.sent_pixels = damage.bounds().area();
    } else {
        for (auto const& box : damage.boxes())
            TRY(message.rectangles.try_append(surface_rectangle(box)));
        shown.sent_pixels = damage.area();
    }
    TRY(client.call(message));
    shown.frame = TRY(client.call(surface::Frame {}));
    return shown;
}

/* An event or a message, for the console: "key Tab", "text '2'", "press at (575, 444)", "row 3 selected". */
using Described = FixedString<48>;

Described describe(kit::Event const& event)
{
    static constexpr char const* key_names[] = { "None", "Tab", "Enter", "Space", "Backspace", "Delete", "Left",
        "Right", "Up", "Down", "Home", "End", "PageUp", "PageDown" };
    Described described;
    switch (event.kind) {
    case kit::EventKind::PointerDown:
        format_into(described, "press at ({}, {})", event.x, event.y);
        break;
    case kit::EventKind::PointerUp:
        format_into(described, "release at ({}, {})", event.x, event.y);
        break;
    case kit::EventKind::Scroll:
        format_into(described, "wheel {} at ({}, {})", event.delta, event.x, event.y);
        break;
    case kit::EventKind::Key:
        format_into(described, "key {}{}", event.modifiers == kit::Modifiers::Shift ? "Shift+" : "",
            key_names[u8(event.key) < sizeof(key_names) / sizeof(key_names[0]) ? u8(event.key) : 0]);
        break;
    case kit::EventKind::Text: {
        kit::Text character;
        if (character.try_append_code_point(event.code_point).is_error())
            format_into(described, "text U+{:04X}", event.code_point);
        else
            format_into(described, "text '{}'", character.bytes());
        break;
    }
    case kit::EventKind::FocusIn:
        described.append("focus in");
        break;
    case kit::EventKind::FocusOut:
        described.append("focus out");
        break;
    }
    return described;
}

Described describe(kit::Message const& message)
{
    Described described;
    switch (message.kind) {
    case kit::MessageKind::None:
        described.append("nothing");
        break;
    case kit::MessageKind::Activated:
        format_into(described, "widget {} activated", message.widget.index);
        break;
    case kit::MessageKind::TextChanged:
        described.append("text changed");
        break;
    case kit::MessageKind::Submitted:
        described.append("submitted");
        break;
    case kit::MessageKind::SelectionChanged:
        format_into(described, "row {} selected", message.row);
        break;
    case kit::MessageKind::FocusChanged:
        format_into(described, "focus to widget {}", message.widget.index);
        break;
    case kit::MessageKind::Scrolled:
        format_into(described, "scrolled to row {}", message.row);
        break;
    }
    return described;
}

/* Reads the session's input into the panel until a resolution is applied; draws and shows each batch. */
ErrorOr<void> take_input(ConsoleCap const& console, Panel& panel, SurfaceClient& surfaces, u32 surface_id)
{
    auto translator = kit::InputTranslator::for_surface();
    /* The focus nobody holds (a click would give it too); keys reach only the focused surface. */
    auto focus = surfaces.call(surface::Focus { surface_id });
    if (focus.is_error() && !focus.error().is(surface::SurfaceError::NotFocused))
        return focus.release_error();
    translator.set_focused(!focus.is_error());
    TRY(print_line(console, "settings: reading input from compositord ({})",
        translator.focused() ? "the panel holds the focus" : "another surface holds the focus"));
    u64 idle_ms = 0;
    while (!panel.applied()) {
        auto read = TRY(surfaces.call(surface::ReadInput { read_wait_ms }, Duration::from_milliseconds(read_wait_ms + 5000)));
        if (read.events.size() == 0 && read.dropped == 0) {
            idle_ms += read_wait_ms;
            if (idle_ms >= idle_limit_ms)
                return Error(ErrorCode::TimedOut, "no input came to the panel");
            continue;
        }
        idle_ms = 0;
        kit::Region batch;
        usize pointer_reports = 0;
        for (auto const& routed : read.events) {
            if (routed.surface != surface_id)
                continue;
            if (routed.kind == surface::event_kind::pointer)
                ++pointer_reports;
            kit::Event events[kit::InputTranslator::maximum_events];
            usize count = translator.translate(routed, events);
            for (usize index = 0; index < count; ++index) {
                auto what = describe(events[index]);
                auto message = panel.tree().dispatch(events[index]);
                if (message.is_error()) {
                    /* A refusal (a full text field, say) changes nothing; the panel goes on. */
                    TRY(print_line(console, "settings: {}: refused ({})", what.view(), message.error().name()));
                    continue;
                }
                TRY(panel.react(message.value()));
                TRY(panel.relayout());
                auto damage = panel.tree().take_damage();
                TRY(print_line(console, "settings: {}: {}, {} pixels damaged", what.view(),
                    describe(message.value()).view(), damage.area()));
                batch.add(damage);
            }
        }
        if (batch.is_empty()) {
            TRY(print_line(console, "settings: input: {} events ({} pointer, {} dropped), nothing to draw",
                read.events.size(), pointer_reports, read.dropped));
            continue;
        }
        auto shown = TRY(present(panel, surfaces, surface_id, batch));
        TRY(print_line(console,
            "settings: input: {} events ({} pointer, {} dropped), {} pixels damaged, {} sent, frame {} composed {}",
            read.events.size(), pointer_reports, read.dropped, batch.area(), shown.sent_pixels, shown.frame.frame,
            shown.frame.composed_pixels));
        TRY(print_accessibility(console, panel.tree()));
    }
    return {};
}

ErrorOr<ExitStatus> run(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::settings));
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto fonts = TRY(open_font_session(bundle, memory));
    auto surfaces = TRY(open_surface_session(bundle, memory));

    /* The widget tree's columns, in memory of this Task's own. */
    auto tree_memory = TRY(system::create_memory(memory, align_up(sizeof(TreeMemory), 4096)));
    auto tree_bytes = TRY(system::map_memory(tree_memory));
    auto* storage = new (tree_bytes.data()) TreeMemory();

    kit::FontdGlyphs glyphs;
    TRY(kit::FontdGlyphs::open(glyphs, fonts, "DejaVu Sans", text_pixel_size));
    auto pixels_memory = TRY(system::create_memory(memory, usize(panel_width) * panel_height * 4));
    auto pixels = TRY(system::map_memory(pixels_memory));
    Panel panel(*storage, glyphs, pixels);
    TRY(panel.build());
    TRY(print_line(console, "settings: {} widgets in a tree of {}, {} glyphs from fontd in {} requests",
        panel.tree().size(), panel.tree().capacity(), glyphs.rasterised(), glyphs.requests()));

    u64 started = monotonic_now().nanoseconds_since_boot();
    TRY(panel.relayout());
    auto first = panel.tree().take_damage();
    TRY(panel.draw(first));
    u64 drawn_us = (monotonic_now().nanoseconds_since_boot() - started) / 1000;
    auto created = TRY(surfaces.call_lending(
        surface::Create { panel_x, panel_y, panel_width, panel_height, panel_width * 4 }, pixels_memory, RightRead));
    auto shown = TRY(surfaces.call(surface::Frame {}));
    TRY(print_line(console,
        "settings: panel {}x{} at ({}, {}) laid out and drawn in {} us, shown in frame {} ({} pixels composed)",
        panel_width, panel_height, panel_x, panel_y, drawn_us, shown.frame, shown.composed_pixels));
    TRY(print_accessibility(console, panel.tree()));

    TRY(take_input(console, panel, surfaces, created.surface));
    TRY(print_line(console, "settings: status '{}'", TRY(panel.tree().text(panel.status())).bytes()));
    TRY(print_accessibility(console, panel.tree()));
    TRY(print_line(
        console, "settings: {} glyphs from fontd in {} requests in all", glyphs.rasterised(), glyphs.requests()));

    TRY(print_line(console, "settings: holding the frame {} ms for a screenshot", hold_milliseconds));
    auto timer = TRY(system::create_timer(memory, hold_bit));
    TRY(system::arm_timer(timer, monotonic_now().nanoseconds_since_boot() + hold_milliseconds * 1'000'000));
    system::wait(hold_bit.mask());
    TRY(print_line(console, "settings: passed"));
    return ExitStatus::Success;
}

}

ErrorOr<i32> settings(Bundle& bundle) { return task_main<run>(bundle); }

}
