/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Moving a known number of bytes over a vectra.tls stream from a client's session, a message's
 * worth (inline_maximum) at a time: send_generated() sends byte i = next(i); receive_checked()
 * receives and compares each against expected(i), then, when asked, the end of the stream. Used
 * by checks that compare what arrived with what was sent (components/tlscheck, services.tlsd).
 */

#pragma once

#include <vectra/Session.h>
#include <vectra/Try.h>
#include <vectra/tlsstream/Protocol.h>

namespace vectra::tls_stream {

using Session = session::SessionClient<Protocol>;

template<typename Generator>
[[nodiscard]] ErrorOr<void> send_generated(Session& client, u32 stream, usize bytes, Generator next, Duration timeout)
{
    for (usize sent = 0; sent < bytes;) {
        Send send;
        send.stream = stream;
        usize piece = bytes - sent < inline_maximum ? bytes - sent : inline_maximum;
        for (usize index = 0; index < piece; ++index)
            MUST(send.data.try_append(next(sent + index)));
        auto taken = TRY(client.call(send, timeout)).length;
        if (taken == 0 || taken > piece)
            return Error(ErrorCode::MalformedMessage, "tlsd took no bytes, or more than were sent");
        sent += taken;
    }
    return {};
}

/* The number of receives it took; PeerClosed when the stream ended early. */
template<typename Expected>
[[nodiscard]] ErrorOr<usize> receive_checked(
    Session& client, u32 stream, usize bytes, Expected expected, bool expect_end, Duration timeout)
{
    usize received = 0;
    usize receives = 0;
    while (received < bytes) {
        auto got = TRY(client.call(Receive { stream, u32(inline_maximum), true }, timeout));
        ++receives;
        if (got.end)
            return Error(ErrorCode::PeerClosed, "the stream ended early");
        if (got.data.size() > bytes - received)
            return Error(ErrorCode::MalformedMessage, "more bytes than were sent");
        for (usize index = 0; index < got.data.size(); ++index) {
            if (got.data.span()[index] != expected(received + index))
                return Error(ErrorCode::MalformedMessage, "the bytes received differ from the bytes sent");
        }
        received += got.data.size();
    }
    if (expect_end) {
        auto last = TRY(client.call(Receive { stream, 16, true }, timeout));
        if (!last.end || last.data.size() != 0)
            return Error(ErrorCode::MalformedMessage, "more bytes than were sent, or no end");
    }
    return receives;
}

}
