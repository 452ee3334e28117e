/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * displayd's Task: its footprint checked, the boot display opened (mode, framebuffer), then every
 * session of vectra.display served from core/display's loop. The first CONFIG_DISPLAYD_REPORT_PRESENTS
 * presents are reported on the console: the rectangle and the pixels presented so far.
 */

#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/config.h>
#include <vectra/display/DeviceBackend.h>
#include <vectra/footprints/displayd.h>

VECTRA_TASK_ENTRY(displayd);

namespace vectra::task_entries {

ErrorOr<i32> displayd(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::displayd)); /* generated from footprint.json */
    static ConsoleCap console;
    console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    auto backend = TRY(display::DeviceBackend::open(TRY(bundle.take<DisplayCap>("display"))));
    auto mode = backend.mode();
    TRY(print_line(console, "displayd: display {}x{} xrgb8888, stride {}, served to one client of up to {} sessions",
        mode.width, mode.height, mode.stride, display::maximum_sessions));
    display::ConsoleReport report { &console, "displayd", CONFIG_DISPLAYD_REPORT_PRESENTS };
    display::Settings settings { display::report_on_console, &report };
    TRY(display::run(memory, backend, std::move(requests), std::move(replies), settings, &ready));
    return 0;
}

}
