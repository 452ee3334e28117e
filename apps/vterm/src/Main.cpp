/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vterm's Task (docs/adr/0044-vterm.md): its footprint checked, then vectra.tty's sessions served
 * from its loop (Loop.h), each in a window of 80 x 24 cells. Windows are not drawn yet: this Task
 * is the terminal a program talks to, and what a person would see lives in each window's model.
 */

#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/footprints/vterm.h>
#include <vterm/Loop.h>

VECTRA_TASK_ENTRY(vterm);

namespace vectra::task_entries {

ErrorOr<i32> vterm(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::vterm)); /* generated from vterm.footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    TRY(print_line(console, "vterm: up to {} windows of {}x{} cells, {} lines of scrollback each (libvterm 0.1.4)",
        ::vectra::vterm::maximum_windows, ::vectra::vterm::window_size.columns, ::vectra::vterm::window_size.rows,
        ::vectra::vterm::window_limits.scrollback_lines));
    TRY(::vectra::vterm::run(memory, std::move(requests), std::move(replies), &ready));
    return 0;
}

}
