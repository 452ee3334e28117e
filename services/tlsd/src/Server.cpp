/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tlsd's service loop: requests answered now or kept while would-block, connections pumped
 * without waiting on netd (Server.h).
 */

#include <new>
#include <tlsd/Server.h>
#include <vectra/Connection.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::tlsd {

namespace {

using tls_stream::Protocol;
using tls_stream::TlsError;

u16 status_of(std::span<u8 const> reply)
{
    auto envelope = protocol::read_envelope(reply);
    return envelope.is_error() ? u16(protocol::status_general | u16(ErrorCode::MalformedMessage)) : envelope.value().status;
}

u16 status_for(TlsError code) { return protocol::status_of<Protocol>(Error(code, ""), tls_stream::domain); }

}

Server::Server(Network& network, Contexts const& contexts)
    : m_network(network)
    , m_contexts(contexts)
{
    for (usize index = 0; index < maximum_sessions; ++index)
        new (m_sessions[index]) Session(*this, index);
}

Pending* Server::ready_for(usize session, u32 listener)
{
    for (auto& pending : m_pending) {
        if (pending.connection && pending.session == session && pending.listener == listener
            && pending.connection->state() == Connection::State::Established)
            return &pending;
    }
    return nullptr;
}

usize Server::pending_of(usize session, u32 listener) const
{
    usize count = 0;
    for (auto const& pending : m_pending)
        count += pending.connection && pending.session == session && pending.listener == listener ? 1 : 0;
    return count;
}

Pending* Server::free_pending()
{
    for (auto& pending : m_pending) {
        if (!pending.connection)
            return &pending;
    }
    return nullptr;
}

StagingBuffer Server::staging()
{
    for (usize index = 0; index < staging_count; ++index) {
        if (!m_staging_used[index]) {
            m_staging_used[index] = true;
            return StagingBuffer(m_staging[index], &m_staging_used[index]);
        }
    }
    return {};
}

void Server::drop_pending(usize session, std::optional<u32> listener)
{
    for (auto& pending : m_pending) {
        if (!pending.connection || pending.session != session || (listener && pending.listener != *listener))
            continue;
        pending.connection->close(m_network);
        pending.connection.reset();
    }
}

bool Server::pump_pending(u64 now)
{
    bool moved = false;
    for (auto& pending : m_pending) {
        if (!pending.connection)
            continue;
        /* Nothing is decrypted before accept: the accepting session's budget counts those bytes. */
        auto before = pending.connection->state();
        moved |= pending.connection->pump(m_network, 0, now);
        if (before != Connection::State::Established && pending.connection->state() == Connection::State::Established)
            session(pending.session).raise(pending.listener); /* ready for `accept` (v4's watch) */
        if (pending.connection->state() == Connection::State::Failed) {
            moved = true; /* its slot is free: the listener may take the next connection */
            ++m_handshakes_failed;
            ++session(pending.session).counters().handshakes_failed;
            pending.connection->close(m_network);
            pending.connection.reset();
        }
    }
    return moved;
}

bool Server::holds_connections()
{
    for (auto const& pending : m_pending) {
        if (pending.connection)
            return true;
    }
    for (usize index = 0; index < maximum_sessions; ++index) {
        if (session(index).stream_count() > 0)
            return true;
    }
    return false;
}

void Server::notice_events(u64 sockets)
{
    for (usize index = 0; index < maximum_sessions; ++index)
        session(index).notice_events(sockets);
    for (auto& pending : m_pending) {
        if (pending.connection && (sockets & net::watch_bit(pending.connection->socket().id)))
            pending.connection->notice_event();
    }
}

std::optional<u64> Server::next_deadline()
{
    std::optional<u64> earliest;
    for (usize index = 0; index < maximum_sessions; ++index)
        session(index).lower_to_deadline(earliest);
    for (auto const& pending : m_pending) {
        if (pending.connection)
            lower_to(earliest, pending.connection->deadline());
    }
    return earliest;
}

void Server::reply(usize index, usize length)
{
    m_table.send_reply(index, std::span<u8 const>(m_reply, length));
}

void Server::handle(usize index, std::span<u8 const> request, protocol::MessageCapabilities& capabilities)
{
    auto& handler = session(index);
    usize length = protocol::dispatch<Protocol>(handler, request, m_reply, capabilities);
    auto wish = handler.take_wish();
    u16 status = status_of(std::span<u8 const>(m_reply, length));
    if (status != protocol::status_success)
        ++handler.counters().refused;
    if (!wish || status != status_for(TlsError::WouldBlock)) {
        reply(index, length);
        return;
    }
    auto envelope = MUST(protocol::read_envelope(request));
    Waiting* free = nullptr;
    for (usize slot = 0; slot < maximum_waiting; ++slot) {
        auto& waiting = handler.waiting(slot);
        if (waiting.used && waiting.message == envelope.message && waiting.stream == *wish) {
            free = nullptr;
            break;
        }
        if (!waiting.used && !free)
            free = &waiting;
    }
    if (!free) {
        reply(index, protocol::encode_status_reply(m_reply, envelope.message, envelope.call_id, status_for(TlsError::Busy)));
        return;
    }
    free->used = true;
    free->call_id = envelope.call_id;
    free->message = envelope.message;
    free->stream = *wish;
    free->length = request.size();
    memcpy(free->request, request.data(), request.size());
}

bool Server::retry_waiting(usize index)
{
    auto& handler = session(index);
    bool answered = false;
    for (usize slot = 0; slot < maximum_waiting; ++slot) {
        auto& waiting = handler.waiting(slot);
        if (!waiting.used)
            continue;
        usize length = protocol::dispatch<Protocol>(handler, std::span<u8 const>(waiting.request, waiting.length), m_reply);
        auto wish = handler.take_wish();
        if (wish && status_of(std::span<u8 const>(m_reply, length)) == status_for(TlsError::WouldBlock))
            continue;
        waiting.used = false;
        reply(index, length);
        answered = true;
    }
    return answered;
}

void Server::closed(usize index) { session(index).clear(); }

bool Server::take_requests(usize index)
{
    /* Every reply tlsd owes this session must fit its replies Ring; tlsd takes bytes only. */
    /* Only send-buffer carries a capability (and removes it); whatever another message brought is discarded. */
    return m_table.take_request_handled(index, m_request, static_cast<u32>(session(index).waiting_count()),
        [&](std::span<u8 const> request, protocol::MessageCapabilities& capabilities) { handle(index, request, capabilities); });
}

bool Server::turn()
{
    ++m_turns;
    bool moved = false;
    for (usize index = 0; index < maximum_sessions; ++index)
        moved |= take_requests(index);
    u64 now = endpoint::now_nanoseconds();
    for (usize index = 0; index < maximum_sessions; ++index) {
        moved |= session(index).accept_connections(now);
        moved |= session(index).pump(now);
    }
    moved |= pump_pending(now);
    for (usize index = 0; index < maximum_sessions; ++index)
        moved |= retry_waiting(index);
    return moved;
}

ErrorOr<void> Server::serve(RingCap listen_requests, RingCap listen_replies)
{
    auto* table = TRY(session::Table::listen(m_table, std::move(listen_requests), std::move(listen_replies),
        session::geometry_of<Protocol>(), session::Limits { maximum_sessions, 1 }));
    table->on_change(
        this, [](void*, usize) {}, [](void* server, usize index) { static_cast<Server*>(server)->closed(index); });
    bool rescuing = false;
    for (;;) {
        TRY(table->serve_listener());
        table->retry_reclaims();
        /*
         * Watched before the turn: whatever happens to a socket after the turn tried it raises
         * netd's sticky bit, which answers this watch (at once if it was raised before netd took
         * it). So a turn that moved nothing may wait: nothing it missed goes unannounced.
         */
        /*
         * What netd named since the last look (answers a call of the last turn met, or that
         * arrived since): those sockets are asked again. Taken before the watch is sent: an
         * answer taken here ends the watch it answered, so the watch that follows is the one the
         * turn and the wait after it are covered by (taken after it, the loop could wait with no
         * watch in netd). Without a watch (netd's session being opened again) every socket is asked.
         */
        auto named = m_network.take_event();
        bool watching = !m_network.watch().is_error();
        notice_events(!watching || named.is_error() ? ~u64(0) : named.value());
        bool moved = turn();
        if (rescuing) {
            /*
             * The look: first a turn like any other (a request or an answer of netd's that came as
             * the timer ended explains what it moves), then every socket asked. Only what that
             * second turn moves is counted: a wake-up nothing brought (rescued_turns).
             */
            notice_events(~u64(0));
            if (!moved && turn()) {
                moved = true;
                ++m_rescued_turns;
            }
        }
        rescuing = false;
        if (moved)
            continue;
        auto event = m_network.take_event();
        if (!event.is_error() && event.value() != 0) {
            notice_events(event.value());
            continue; /* netd answered (or the session ended: the next turn hears how) */
        }
        watching &= !event.is_error();
        std::optional<u64> deadline = next_deadline();
        u64 now = endpoint::now_nanoseconds();
        if (!watching)
            lower_to(deadline, now + poll_interval_nanoseconds);
        /*
         * While it holds connections the loop also looks every `rescue_interval_nanoseconds`,
         * asking every socket: a bound on a wake-up the watch should have brought and did not
         * (one was seen in a guest benchmark row and not found, ADR 0038's amendment); such a
         * look that moves something is counted (rescued_turns).
         */
        bool holding = holds_connections();
        std::optional<u64> rescue;
        if (watching && holding && (!deadline || *deadline > now + rescue_interval_nanoseconds))
            rescue = now + rescue_interval_nanoseconds;
        lower_to(deadline, rescue);
        u64 mask = table->wait_mask() | m_network.event_mask();
        u64 bits = deadline ? endpoint::wait_until(mask | timer_bit.mask(), *deadline, timer_bit) : endpoint::wait(mask);
        rescuing = rescue && deadline == rescue && bits == timer_bit.mask();
    }
}

ErrorOr<void> run(ReticleCap const& memory, RingCap netd_requests, RingCap netd_replies, RingCap requests,
    RingCap replies, Contexts const& contexts, SignalCap const* ready)
{
    /* A record's worth of ciphertext a netd send: through a transfer buffer lent netd with each send. */
    auto client = TRY(net::SocketClient::open(
        std::move(netd_requests), std::move(netd_replies), memory, staged_bytes, netd_bits));
    NetdNetwork network(client);
    auto placed = TRY(endpoint::memory(memory, sizeof(Server)));
    auto* server = new (placed.data()) Server(network, contexts);
    if (ready)
        TRY(endpoint::raise(*ready));
    auto served = server->serve(std::move(requests), std::move(replies));
    for (usize index = 0; index < maximum_sessions; ++index)
        server->session(index).clear();
    server->~Server();
    return served;
}

}
