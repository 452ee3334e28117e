/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vctl_probing: vctl as image admin's check runs it. The control connection is the authority the
 * manifest gives this Task alone, so the compiler grants its ends without RightMove (ADR 0006 and
 * ADR 0045, amendments): before binding it, this entry tries to hand its request end on to vfsd —
 * an open-session of vectra.session, encoded as any opener's, carrying the end moved, then a copy
 * of it — along vfsd's listener Ring, says what the kernel answered, and goes on as vctl only when
 * the end is still here. vctl itself (Main.cpp) makes no such attempt.
 */

#include "Holdings.h"
#include <vectra/Ring.h>
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/control/Protocol.h>
#include <vectra/footprints/vctl_probing.h>
#include <vectra/protocol/Envelope.h>

VECTRA_TASK_ENTRY(vctl_probing);

namespace vectra::task_entries {

namespace {

ErrorOr<void> try_to_hand_on(ConsoleCap const& console, RingCap const& vfsd_listener, RingCap& control_end)
{
    u8 message[protocol::payload_capacity<session::Protocol>];
    usize length = TRY(protocol::encode_request<session::Protocol>(session::OpenSession { control::schema_id }, 1, message));
    auto request = std::span<u8 const>(message, length);
    auto sender = TRY(RingSender::bind(vfsd_listener, session::schema_id, SignalBit(1)));
    auto moved = sender.try_send_with(request, std::move(control_end));
    auto copied = sender.try_send_copy(request, control_end, RightSend);
    sender.unbind();
    TRY(print_line(console, "vctl_probing: handing control_requests to vfsd: move {}, copy {}",
        moved.is_error() ? moved.error().name() : "done", copied.is_error() ? copied.error().name() : "done"));
    if (control_end.is_empty())
        return Error(ErrorCode::InvalidArgument, "the control connection's end left this Task");
    if (!moved.is_error() || !copied.is_error())
        return Error(ErrorCode::InvalidArgument, "the control connection's end was handed on");
    return {};
}

}

ErrorOr<i32> vctl_probing(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::vctl_probing)); /* generated from probing.footprint.json */
    auto holdings = TRY(vctl::take_holdings(bundle));
    TRY(try_to_hand_on(holdings.console, holdings.connections.files_requests, holdings.control_requests));
    return vctl::run(std::move(holdings));
}

}
