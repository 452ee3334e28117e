/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vctl's Task entry: vsh with vctl's commands (Commands.h) — its footprint checked, its
 * capabilities taken, initd's control connection shown to stay put and bound, then vsh::run
 * with the commands added.
 */

#include <vctl/Commands.h>
#include <vectra/Ring.h>
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/footprints/vctl.h>
#include <vectra/snapshot/KernelTaskList.h>
#include <vsh/Run.h>

VECTRA_TASK_ENTRY(vctl);

namespace vectra::task_entries {

namespace {

/*
 * The control connection is the authority the manifest gives this Task alone, so the compiler
 * grants its ends without RightMove (ADR 0006, amendment): try to hand the request end on to
 * vfsd, moved and copied along vfsd's listener Ring, and say what the kernel answered. Image
 * admin's oracle expects both refused; the end stays here and is bound below.
 */
ErrorOr<void> try_to_hand_on(ConsoleCap const& console, RingCap const& vfsd_listener, RingCap& control_end)
{
    auto sender = TRY(RingSender::bind(vfsd_listener, session::schema_id, SignalBit(1)));
    u8 const message[] = { 0 };
    auto moved = sender.try_send_with(message, std::move(control_end));
    auto copied = sender.try_send_copy(message, control_end, RightSend);
    sender.unbind();
    TRY(print_line(console, "vctl: handing control_requests to vfsd: move {}, copy {}",
        moved.is_error() ? moved.error().name() : "done", copied.is_error() ? copied.error().name() : "done"));
    if (control_end.is_empty())
        return Error(ErrorCode::InvalidArgument, "the control connection's end left this Task");
    return {};
}

}

ErrorOr<i32> vctl(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::vctl)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto connections = TRY(vsh::take_connections(bundle));
    auto tasks = TRY(tasks::KernelTaskList::create(TRY(bundle.take<DeviceCap>("snapshot")), memory));
    auto control_requests = TRY(bundle.take<RingCap>("control_requests"));
    TRY(try_to_hand_on(console, connections.files_requests, control_requests));
    auto control = TRY(Client<control::Protocol>::bind(std::move(control_requests),
        TRY(bundle.take<RingCap>("control_replies"))));
    vctl::Commands commands(control, &tasks);
    return vsh::run(&console, memory, std::move(connections), &tasks, &commands);
}

}
