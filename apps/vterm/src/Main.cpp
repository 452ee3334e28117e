/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vterm's Task (docs/adr/0044-vterm.md): its footprint checked, its sessions of fontd and
 * compositord opened and its windows' pixels made (Display.h), then vectra.tty's sessions served
 * from its loop (Loop.h), each in a window of 80 x 24 cells shown as a surface, with the keys and
 * the pointer compositord routes to it. CONFIG_VTERM_WINDOWS_AT_START windows wait for the first
 * sessions; later ones wait for the person's Ctrl+Shift+Enter.
 */

#include <new>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/config.h>
#include <vectra/Try.h>
#include <vectra/config.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/footprints/vterm.h>
#include <vterm/Display.h>
#include <vterm/Loop.h>

VECTRA_TASK_ENTRY(vterm);

namespace vectra::task_entries {

namespace {

template<typename Client, typename Protocol>
ErrorOr<Client> open_client(
    Bundle& bundle, ReticleCap const& memory, char const* requests_slot, char const* replies_slot, ConnectionBits bits)
{
    auto requests = TRY(bundle.take<RingCap>(requests_slot));
    auto replies = TRY(bundle.take<RingCap>(replies_slot));
    auto pool = TRY(endpoint::carve(memory, session::pool_size<Protocol>()));
    return Client::open(std::move(requests), std::move(replies), std::move(pool), bits);
}

}

ErrorOr<i32> vterm(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::vterm)); /* generated from vterm.footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    auto fonts = TRY((open_client<kit::FontClient, font::Protocol>(
        bundle, memory, "font-requests", "font-replies", ::vectra::vterm::font_bits)));
    auto surfaces = TRY((open_client<::vectra::vterm::SurfaceClient, surface::Protocol>(
        bundle, memory, "surface-requests", "surface-replies", ::vectra::vterm::surface_bits)));

    /* The server lives in the loop; the display needs it, and the loop is told of the display after. */
    auto* loop = TRY(::vectra::vterm::place_loop(memory, nullptr, CONFIG_VTERM_WINDOWS_AT_START));
    auto display_memory = TRY(endpoint::memory(memory, sizeof(::vectra::vterm::Display) + 16));
    auto address = reinterpret_cast<uptr>(display_memory.data());
    auto* display = new (display_memory.data() + (((address + 15) & ~uptr(15)) - address))::vectra::vterm::Display(
        loop->server(), memory, std::move(surfaces), std::move(fonts), &console);
    TRY(display->start());
    display->stamp_keys(CONFIG_VTERM_KEY_STAMPS);
    loop->show_on(display);
    TRY(print_line(console,
        "vterm: up to {} windows of {}x{} cells, {} lines of scrollback each (libvterm 0.1.4); cells {}x{} px in "
        "DejaVu Sans Mono {} px, windows {}x{}",
        ::vectra::vterm::maximum_windows, ::vectra::vterm::window_size.columns, ::vectra::vterm::window_size.rows,
        ::vectra::vterm::window_limits.scrollback_lines, display->cell().width, display->cell().height,
        ::vectra::vterm::glyph_pixel_size, display->window_width(), display->window_height()));
    TRY(endpoint::raise(ready));
    TRY(loop->serve(std::move(requests), std::move(replies)));
    return 0;
}

}
