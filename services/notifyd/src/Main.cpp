/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * notifyd's Task (docs/adr/0048-notifyd.md): its footprint checked, its sessions of fontd and of
 * compositord's privileged listener opened and its notifications' pixels made (Display.h), then
 * vectra.notify's sessions served from its loop (Loop.h).
 */

#include <notifyd/Display.h>
#include <notifyd/Loop.h>
#include <new>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/footprints/notifyd.h>

VECTRA_TASK_ENTRY(notifyd);

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

ErrorOr<i32> notifyd(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::notifyd)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    static ReticleCap memory;
    memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    auto fonts = TRY((open_client<notifyd::FontClient, font::Protocol>(
        bundle, memory, "font-requests", "font-replies", notifyd::font_bits)));
    auto surfaces = TRY((open_client<notifyd::SurfaceClient, surface::Protocol>(
        bundle, memory, "surface-requests", "surface-replies", notifyd::surface_bits)));
    auto placed = TRY(endpoint::memory(memory, sizeof(notifyd::Display) + 16));
    auto address = reinterpret_cast<uptr>(placed.data());
    auto* display = new (placed.data() + (((address + 15) & ~uptr(15)) - address))
        notifyd::Display(memory, std::move(surfaces), std::move(fonts));
    TRY(display->start());
    TRY(print_line(console,
        "notifyd: up to {} notifications ({} per session) {} px wide at the top right of {} px, DejaVu Sans {} px, "
        "transient surfaces of compositord",
        notify::notifications_shown, notify::notifications_per_session, notifyd::width, display->screen_width(),
        notifyd::glyph_pixel_size));
    TRY(notifyd::run(memory, display->screen_width(), display, std::move(requests), std::move(replies), &ready));
    return 0;
}

}
