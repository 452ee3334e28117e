/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * settings: a display settings panel drawn with VectraKit (frameworks/kit) on a surface of
 * compositord, its text in DejaVu Sans from fontd's read-only atlas. The panel's widget tree lives
 * in memory this Task made for it; every change is drawn only where it damaged the panel, and
 * only those rectangles are sent to compositord. The accessibility tree goes to the console (the
 * debug channel, one JSON node a line) when the panel first shows and after the session's
 * input. The input is the panel's own event type; until compositord delivers a focused surface's
 * keys and pointer (ADR 0047), the session plays a fixed script of them (Tab, typing, list keys,
 * a click on Apply), as the screen oracle expects.
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

VECTRA_TASK_ENTRY(settings);

namespace vectra::task_entries {

namespace {

using namespace settings;

constexpr u64 hold_milliseconds = 2000;
constexpr SignalBit hold_bit { 20 };

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

/* Draws the panel's damage into the surface and sends it to compositord; answers the frame that showed it. */
ErrorOr<surface::FrameDone> present(Panel& panel, SurfaceClient& client, u32 surface_id, u64& damaged_pixels)
{
    TRY(panel.relayout());
    auto damage = panel.tree().take_damage();
    damaged_pixels = damage.area();
    if (damage.is_empty())
        return client.call(surface::Frame {});
    TRY(panel.draw(damage));
    surface::Damage message;
    message.surface = surface_id;
    if (damage.boxes().size() > surface::maximum_rectangles) {
        TRY(message.rectangles.try_append(surface_rectangle(damage.bounds())));
    } else {
        for (auto const& box : damage.boxes())
            TRY(message.rectangles.try_append(surface_rectangle(box)));
    }
    TRY(client.call(message));
    return client.call(surface::Frame {});
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

    for (auto const& step : script) {
        auto event = TRY(panel.event_for(step));
        auto message = TRY(panel.tree().dispatch(event));
        TRY(panel.react(message));
        u64 damaged = 0;
        auto done = TRY(present(panel, surfaces, created.surface, damaged));
        TRY(print_line(console, "settings: {}: {} pixels damaged, frame {} composed {}", step.what, damaged, done.frame,
            done.composed_pixels));
    }
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
