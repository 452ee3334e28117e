/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's routed input read without polling (docs/adr/0044-vterm.md, third amendment): one
 * `input` read waits in compositord at all times on a client's vectra.surface session; its reply
 * rings the session's reply bit, which the client's loop waits on with everything else, and a
 * call that meets that reply on its way keeps it (session::StandingCall) for the loop to take.
 * What vterm and notifyd share.
 */

#pragma once

#include <vectra/Session.h>
#include <vectra/StandingCall.h>
#include <vectra/surface/Protocol.h>

namespace vectra::surface {

using SurfaceClient = session::SessionClient<Protocol>;

class InputReader {
public:
    /* Each read waits in compositord at most `wait_ms`, then is answered empty and sent again. */
    explicit InputReader(u32 wait_ms)
        : m_wait_ms(wait_ms)
    {
    }

    /* Sends a read unless one is waiting already; with the session ended nothing (the next call
     * opens it again, and the next request sends the read then). */
    [[nodiscard]] ErrorOr<void> request(SurfaceClient& client) { return m_read.send(client, ReadInput { m_wait_ms }); }
    /* Whether the waiting read's reply is here although its bit may have been taken. */
    [[nodiscard]] bool has_input(SurfaceClient const& client) const { return m_read.has_arrived(client); }
    /* The waiting read's events into `events` when its reply is here (true), its status checked;
     * false while it still waits. Never waits itself. */
    [[nodiscard]] ErrorOr<bool> take(SurfaceClient&, InputEvents& events);

private:
    u32 m_wait_ms { 0 };
    session::StandingCall<Protocol, ReadInput> m_read;
};

}
