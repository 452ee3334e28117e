/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * One vectra.socket session of netd (docs/adr/0024): a handler for every message of core/net's
 * declaration, the session's socket table, its byte budget and counters — the protocol's rules,
 * whichever backend carries the bytes (Backend.h: lwIP inside the Task, or the host's sockets).
 *
 * Every handler answers at once: an operation that cannot go on yet is `would-block`, with no side
 * effect, so the session loop can keep a request that asked to `wait` and dispatch it again after
 * the next event on its socket. A backend's events (lwIP's callbacks: bytes, a connection, a FIN, a
 * reset) only change a socket's state and the session's budget; they never reply.
 */

#pragma once

#include <netd/Backend.h>
#include <optional>
#include <vectra/config.h>
#include <vectra/net/SocketTable.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::netd {

inline constexpr usize maximum_sockets = CONFIG_NETD_SESSION_SOCKETS;
inline constexpr usize maximum_buffered = usize(CONFIG_NETD_SESSION_BUFFER_KIB) * 1024;
inline constexpr u16 maximum_backlog = CONFIG_NETD_MAXIMUM_BACKLOG;
/* Connections the stack accepted waiting for a tcp-accept, across one session's listeners (outside its sockets). */
inline constexpr usize maximum_pending = CONFIG_NETD_SESSION_PENDING;
/* Datagrams a UDP socket keeps unread; more are dropped and counted. */
inline constexpr usize datagram_queue = 16;
/* The largest UDP payload over IPv4 (65535 − 20 − 8). */
inline constexpr u32 maximum_datagram = 65507;

class Session;

struct Socket {
    enum class Kind : u8 {
        Listener,
        Connection,
        Datagram,
    };
    Kind kind { Kind::Connection };
    Session* session { nullptr };
    u32 id { 0 };
    bool shut_send { false };
    bool shut_receive { false };
    u16 backlog { 0 };                /* a listener: how many accepted connections may wait for tcp-accept */
    u16 pending { 0 };                /* a listener: how many wait now */
    u32 listener { 0 };               /* a pending connection: the listener it waits on */
    u64 arrival { 0 };                /* a pending connection: its place in the order of arrival */
    /*
     * A waiting send-receive's bytes the stack took while its receive waits: its next dispatch
     * (the loop's retry; Session::retrying) does not send them again, and answers with this count.
     */
    std::optional<u32> sent_ahead;
    BackendState state;               /* the backend's own (Backend.h) */
};

class Session {
public:
    /* Session `index` (0–63) over `backend` (by default the one the Task started). */
    explicit Session(usize index, Backend& backend = Backend::current());
    ~Session();
    Session(Session const&) = delete;
    Session& operator=(Session const&) = delete;

    /* The session loop's calls when a client's session starts and ends: every socket goes. */
    void opened();
    void closed();

    ErrorOr<net::SessionLimits> handle(net::Limits const&);
    ErrorOr<net::Opened> handle(net::TcpListen const&);
    ErrorOr<net::Opened> handle(net::TcpConnect const&);
    ErrorOr<net::Opened> handle(net::TcpAccept const&);
    ErrorOr<net::Opened> handle(net::UdpBind const&);
    ErrorOr<net::Sent> handle(net::Send const&, protocol::MessageCapabilities&);
    ErrorOr<net::Received> handle(net::Receive const&, protocol::MessageCapabilities&);
    ErrorOr<net::SentReceived> handle(net::SendReceive const&);
    ErrorOr<protocol::Done> handle(net::Shutdown const&);
    ErrorOr<protocol::Done> handle(net::Close const&);
    ErrorOr<net::Counters> handle(net::ReadCounters const&);
    ErrorOr<net::NameServers> handle(net::ReadNameServers const&);
    /* `would-block` with `wait` while nothing was raised; otherwise answered, the bit cleared. */
    ErrorOr<net::Watched> handle(net::Watch const&);

    /*
     * Readiness (ADR 0024, amendment "readiness events"): a backend's event on one of the
     * session's sockets raises the session's sticky bit; the answer to a `watch` clears it.
     */
    /* Something happened on socket `id` (its bit in the next watch's answer), or on one netd cannot name (every bit). */
    void raise(u32 id)
    {
        m_raised = true;
        m_raised_sockets |= net::watch_bit(id);
    }
    void raise()
    {
        m_raised = true;
        m_raised_sockets = ~u64(0);
    }
    [[nodiscard]] bool raised() const { return m_raised; }

    /*
     * While set, a handler leaves a carried capability in netd's space (still taking it out of
     * MessageCapabilities): the service loop keeps it for a request that waits and removes it
     * when it replies. Unset, the handler removes it on every path.
     */
    void keep_lent_capabilities(bool keep) { m_keep_lent = keep; }
    /*
     * While set, the request dispatched is one the loop kept waiting: a send-receive that already
     * sent (its socket's sent_ahead) goes on with its receive. Unset, a send-receive on a socket
     * whose send-receive waits for its answer is `busy` (and a send or a receive, retried or not).
     */
    void retrying(bool retrying) { m_retrying = retrying; }

    [[nodiscard]] usize socket_count() const { return m_sockets.count(); }
    [[nodiscard]] usize pending_count() const { return m_pending_count; }

    /*
     * A connection the stack accepted for `listener`: an entry outside the session's sockets (kind,
     * session and listener set, the backend's state empty) where it waits until a tcp-accept claims
     * it, or `limit-reached` — counted in connections_refused — when the listener's backlog or the
     * session's maximum_pending is full (the backend then resets the connection). The entry's address
     * holds until it is claimed or released.
     */
    [[nodiscard]] ErrorOr<Socket*> add_pending(Socket& listener);
    template<typename Callback>
    void for_each_pending(Callback each)
    {
        for (usize index = 0; index < maximum_pending; ++index) {
            if (m_pending_used[index])
                each(m_pending[index]);
        }
    }
    [[nodiscard]] usize buffered() const { return m_budget.used(); }

    /* A backend's events reach the session through these. */
    [[nodiscard]] net::SocketTable<Socket, maximum_sockets>& sockets() { return m_sockets; }
    [[nodiscard]] net::ByteBudget& budget() { return m_budget; }
    [[nodiscard]] net::Counters& counters() { return m_counters; }
    /* A socket leaves the table: what the backend holds for it, its buffered bytes and their budget go with it. */
    void release(Socket& socket, bool reset) { m_backend.release(socket, reset); }

private:
    /* A new entry of `kind` in the table, opened by `open`; dropped again if the backend refuses. */
    template<typename Opening>
    ErrorOr<net::Opened> open_socket(Socket::Kind, Opening open);

    /* The oldest pending connection of `listener`, or nullptr. */
    Socket* oldest_pending(u32 listener);
    /* Frees a pending entry (its listener's count goes down); `release`: the stack's part goes too (reset). */
    void drop_pending(Socket&, bool release);

    Backend& m_backend;

    net::SocketTable<Socket, maximum_sockets> m_sockets;
    net::ByteBudget m_budget { maximum_buffered };
    net::Counters m_counters;
    bool m_keep_lent { false };
    bool m_retrying { false };
    bool m_raised { false };
    u64 m_raised_sockets { 0 };

    Socket m_pending[maximum_pending];
    bool m_pending_used[maximum_pending] {};
    usize m_pending_count { 0 };
    u64 m_arrivals { 0 };
};

}
