/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's Task: its footprint checked, a vectra.display session opened, then every session of
 * vectra.surface served from one loop (Server.h); compositord_desktop also routes inputd's events
 * (docs/adr/0047-input-routing.md); compositord_transient also serves a privileged listener whose
 * sessions (notifyd's) may create transient surfaces (docs/adr/0048-notifyd.md §4). The first CONFIG_COMPOSITORD_REPORT_FRAMES
 * frames that composed anything are reported on the console: how many pixels each composed.
 */

#include <compositord/Server.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/config.h>
#include <vectra/footprints/compositord.h>
#include <vectra/footprints/compositord_desktop.h>
#include <vectra/footprints/compositord_transient.h>

VECTRA_TASK_ENTRY(compositord);
VECTRA_TASK_ENTRY(compositord_desktop);
VECTRA_TASK_ENTRY(compositord_transient);

namespace vectra::task_entries {

namespace {

struct Reporter {
    ConsoleCap* console { nullptr };
    u64 reported { 0 };
};

void report(void* context, compositord::FrameReport const& frame)
{
    auto& reporter = *static_cast<Reporter*>(context);
    if (reporter.reported >= CONFIG_COMPOSITORD_REPORT_FRAMES)
        return;
    ++reporter.reported;
    (void)print_line(*reporter.console, "compositord: frame {} composed {} pixels in {} rectangles ({} from surfaces, {} surfaces)",
        frame.number, frame.composed_pixels, frame.boxes, frame.copied_pixels, frame.surfaces);
    if (frame.surfaces_ended > 0)
        (void)print_line(*reporter.console, "compositord: frame {} ended {} surfaces whose MemCap was revoked", frame.number,
            frame.surfaces_ended);
}

enum class Routing : u8 {
    None,
    Input,              /* inputd's session and focus connection in the Bundle */
    InputAndTransients, /* and the privileged listener (transient_requests/transient_replies) */
};

/* compositord's Task, routing inputd's events and serving the privileged listener as `routing` says. */
ErrorOr<i32> serve_compositord(Bundle& bundle, Routing routing)
{
    bool routes_input = routing != Routing::None;
    static ConsoleCap console;
    console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    /* The display is a vectra.display session (displayd, or the virtio-gpu driver), held from its own pool. */
    auto pool = TRY(system::carve(memory, session::pool_size<display::Protocol>()));
    auto screen = TRY(compositord::DisplayLink::open(
        TRY(bundle.take<RingCap>("display_requests")), TRY(bundle.take<RingCap>("display_replies")), std::move(pool)));
    auto mode = TRY(screen.client().call(display::ReadMode {}));
    TRY(print_line(console, "compositord: display {}x{} (a vectra.display session), up to {} sessions, {} surfaces, a frame at most every {} us",
        mode.width, mode.height, compositord::client_sessions, compositord::maximum_surfaces,
        CONFIG_COMPOSITORD_FRAME_INTERVAL_US));
    std::optional<compositord::InputLink> input;
    if (routes_input) {
        auto input_pool = TRY(system::carve(memory, session::pool_size<input::Protocol>()));
        input.emplace(TRY(compositord::InputLink::open(TRY(bundle.take<RingCap>("input_requests")),
            TRY(bundle.take<RingCap>("input_replies")), std::move(input_pool), TRY(bundle.take<RingCap>("focus_requests")),
            TRY(bundle.take<RingCap>("focus_replies")))));
        TRY(print_line(console, "compositord: routing input: inputd's client {} holds its focus; keys to the focused surface, the pointer to the surface under it, Alt+Tab cycles the focus",
            input->client_id()));
    }
    static Reporter reporter;
    reporter = Reporter { &console, 0 };
    compositord::Settings settings;
    settings.frame_interval_ns = u64(CONFIG_COMPOSITORD_FRAME_INTERVAL_US) * 1000;
    settings.report = report;
    settings.context = &reporter;
    std::optional<compositord::PrivilegedListener> privileged;
    if (routing == Routing::InputAndTransients) {
        privileged.emplace(compositord::PrivilegedListener {
            TRY(bundle.take<RingCap>("transient_requests")), TRY(bundle.take<RingCap>("transient_replies")) });
        TRY(print_line(console, "compositord: transient surfaces: up to {} privileged sessions on the second listener; never focused, above the others",
            compositord::privileged_sessions));
    }
    TRY(compositord::run(memory, screen, std::move(requests), std::move(replies), settings, &ready,
        input ? &*input : nullptr, privileged ? &*privileged : nullptr));
    return 0;
}

}

ErrorOr<i32> compositord(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::compositord)); /* generated from footprint.json */
    return serve_compositord(bundle, Routing::None);
}

ErrorOr<i32> compositord_desktop(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::compositord_desktop)); /* generated from desktop.footprint.json */
    return serve_compositord(bundle, Routing::Input);
}

ErrorOr<i32> compositord_transient(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::compositord_transient)); /* generated from transient.footprint.json */
    return serve_compositord(bundle, Routing::InputAndTransients);
}

}
