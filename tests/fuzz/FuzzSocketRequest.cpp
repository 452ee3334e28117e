/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a vectra.socket request to netd's session handler
 * (services/netd Session) over the real lwIP stack and its loopback interface, a connection among
 * the session's sockets. Besides the dispatch check every protocol gets (DispatchFuzzer.h): a
 * refused request leaves the session's sockets as they were, the bytes the session's sockets hold
 * are exactly what its budget counts and never more than its bound, and a session's end releases
 * every socket it made.
 */

#include "../services/NetdTestStack.h"
#include "DispatchFuzzer.h"
#include <lwip/pbuf.h>
#include <netd/LwipBackend.h>
#include <netd/Session.h>
#include <netd/Stack.h>
#include <vectra/net/Address.h>

using namespace vectra;

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    MUST(test::start_netd_stack());
    /*
     * A session with sockets already open, so requests can name real ids (session 0, generation 1):
     * slot 0 a UDP socket, 1 a listener, 2 and 3 the two ends of a connection through it (send,
     * receive and send-receive reach the stack).
     */
    netd::Session session(0);
    MUST(session.handle(net::UdpBind { net::ipv4(127, 0, 0, 1, 0) }));
    auto listener = MUST(session.handle(net::TcpListen { net::ipv4(127, 0, 0, 1, 0), 2 }));
    MUST(session.handle(net::TcpConnect { net::ipv4(127, 0, 0, 1, listener.local.port), {} }));
    for (int turn = 0; turn < 4; ++turn)
        (void)netd::Stack::turn();
    MUST(session.handle(net::TcpAccept { listener.socket, false }));
    usize before = session.socket_count();
    auto outcome = test::fuzz_dispatch<net::Protocol>(session, std::span<u8 const>(data, size));
    if (outcome.refused)
        VERIFY(session.socket_count() == before);
    for (int turn = 0; turn < 4; ++turn)
        (void)netd::Stack::turn();
    VERIFY(test::held_bytes(session) == session.buffered());
    VERIFY(session.buffered() <= netd::maximum_buffered);
    session.closed();
    VERIFY(session.socket_count() == 0 && session.pending_count() == 0 && session.buffered() == 0);
    (void)netd::Stack::turn();
    return 0;
}
