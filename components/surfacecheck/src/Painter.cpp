/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * surface-painter (image compositor): shows one surface of colour bands, sees it presented,
 * reports ready and keeps its session (so the surface stays) until the image powers off.
 */

#include <surfacecheck/Patterns.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/footprints/surface_painter.h>

VECTRA_TASK_ENTRY(surface_painter);

namespace vectra::task_entries {

ErrorOr<i32> surface_painter(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::surface_painter));
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    auto client = TRY(surfacecheck::open_session(bundle, memory));
    auto bands = TRY(surfacecheck::show(client, memory, surfacecheck::bands_placement, surfacecheck::draw_bands));
    auto done = TRY(client.call(surface::Frame {}));
    TRY(print_line(console, "surface-painter: bands shown in frame {}, {} pixels composed", done.frame, done.composed_pixels));
    TRY(system::raise(ready));
    /* The surface lives with the session: hold both until the image powers off; nothing raises this bit. */
    constexpr SignalBit never_bit { 40 };
    system::wait(never_bit.mask());
    (void)bands;
    return 0;
}

}
