/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's service loop: waiting requests, `busy`, and the Ring-space rule (Server.h).
 */

#include <netd/Server.h>
#include <new>
#include <vectra/System.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::netd {

namespace {

using net::Protocol;

template<typename Request>
constexpr u16 number_of = static_cast<u16>(protocol::index_of<Protocol, Request>() + 1);

template<typename Request>
std::optional<WaitIntent> intent_of(std::span<u8 const> request, Direction direction)
{
    Request decoded {};
    if (protocol::decode_body(request, decoded).is_error() || !decoded.wait)
        return std::nullopt;
    return WaitIntent { decoded.socket, direction };
}

/* A lingering close (v6) waits holding both directions of its socket; any other close is answered at once. */
std::optional<WaitIntent> close_intent(std::span<u8 const> request)
{
    net::Close decoded {};
    if (protocol::decode_body(request, decoded).is_error() || !decoded.linger || decoded.reset)
        return std::nullopt;
    return WaitIntent { decoded.socket, Direction::Both };
}

std::optional<WaitIntent> watch_intent(std::span<u8 const> request)
{
    net::Watch decoded {};
    if (protocol::decode_body(request, decoded).is_error() || !decoded.wait)
        return std::nullopt;
    return WaitIntent { 0, Direction::Session };
}

void remove_capability(ReceivedCapability const& capability)
{
    (void)system::remove(capability.handle, capability.capability_class);
}

/*
 * While a session is held back by the Ring-space rule, the loop looks again this often: the kernel
 * raises a replies Ring's space bit only when a full Ring gets room, not when one slot frees.
 */
constexpr u64 held_back_poll_nanoseconds = 10'000'000;

/* The table's Signal bits (the defaults; named here because the loop reads the bits a wait took). */
constexpr session::TableBits table_bits {};

SignalBit doorbell(usize index) { return SignalBit(u8(table_bits.first_session + index)); }

}

u16 reply_status(std::span<u8 const> reply)
{
    auto envelope = protocol::read_envelope(reply);
    return envelope.is_error() ? u16(protocol::status_general | u16(ErrorCode::MalformedMessage))
                               : envelope.value().status;
}

std::optional<WaitIntent> wait_intent(std::span<u8 const> request)
{
    auto envelope = protocol::read_envelope(request);
    if (envelope.is_error() || envelope.value().is_reply || envelope.value().status != 0)
        return std::nullopt;
    switch (envelope.value().message) {
    case number_of<net::TcpAccept>:
        return intent_of<net::TcpAccept>(request, Direction::In);
    case number_of<net::Receive>:
        return intent_of<net::Receive>(request, Direction::In);
    case number_of<net::Send>:
        return intent_of<net::Send>(request, Direction::Out);
    case number_of<net::SendReceive>:
        return intent_of<net::SendReceive>(request, Direction::Both);
    case number_of<net::Close>:
        return close_intent(request);
    case number_of<net::Watch>:
        return watch_intent(request);
    default:
        return std::nullopt;
    }
}

bool WaitingRequests::holds(u32 socket, Direction direction) const
{
    for (auto const& request : m_requests) {
        /* A watch holds the session's one watch, no direction of a socket. */
        bool of_sockets = request.direction != Direction::Session && direction != Direction::Session;
        bool overlaps = request.direction == direction || (of_sockets && (request.direction == Direction::Both || direction == Direction::Both));
        if (request.used && request.socket == socket && overlaps)
            return true;
    }
    return false;
}

void WaitingRequests::keep(WaitIntent intent, std::span<u8 const> request, std::optional<ReceivedCapability> capability)
{
    VERIFY(request.size() <= request_bytes);
    for (auto& entry : m_requests) {
        if (entry.used)
            continue;
        entry.used = true;
        entry.socket = intent.socket;
        entry.direction = intent.direction;
        entry.length = request.size();
        entry.capability = capability;
        __builtin_memcpy(entry.bytes, request.data(), request.size());
        ++m_count;
        return;
    }
    VERIFY_NOT_REACHED(); /* the Ring-space rule keeps count() below waiting_per_session */
}

void WaitingRequests::drop(usize index)
{
    auto& entry = m_requests[index];
    if (!entry.used)
        return;
    if (entry.capability)
        remove_capability(*entry.capability);
    entry.capability.reset();
    entry.used = false;
    --m_count;
}

void WaitingRequests::clear()
{
    for (usize index = 0; index < waiting_per_session; ++index)
        drop(index);
}

Server::Server(Backend& backend)
    : m_backend(backend)
{
    for (usize index = 0; index < maximum_sessions; ++index)
        new (m_sessions[index]) Session(index, m_backend);
}

Server::~Server()
{
    for (usize index = 0; index < maximum_sessions; ++index) {
        m_waiting[index].clear();
        session(index).~Session();
    }
}

void Server::opened(usize index)
{
    m_reply_room[index] = 0;
    m_opened_since |= u64(1) << index; /* looked at in the next pass whatever its doorbell said */
    m_waiting[index].clear();
    session(index).opened();
}

void Server::closed(usize index)
{
    m_reply_room[index] = 0;
    m_waiting[index].clear();
    session(index).closed();
}

usize Server::dispatch(usize index, std::span<u8 const> request, std::optional<ReceivedCapability> const& capability,
    bool keep, bool retrying)
{
    protocol::MessageCapabilities capabilities;
    capabilities.received = capability;
    session(index).keep_lent_capabilities(keep);
    session(index).retrying(retrying);
    usize length = protocol::dispatch<Protocol>(session(index), request, m_reply, capabilities);
    session(index).keep_lent_capabilities(false);
    session(index).retrying(false);
    if (capabilities.received && !keep)
        remove_capability(*capabilities.received); /* a message that carries none: netd keeps nothing */
    return length;
}

void Server::reply(usize index, usize length)
{
    if (reply_status(std::span<u8 const>(m_reply, length)) != protocol::status_success)
        ++session(index).counters().refused; /* the `counters` message's "requests answered with an error" */
    if (m_reply_room[index] > 0)
        --m_reply_room[index];
    m_table.send_reply(index, std::span<u8 const>(m_reply, length));
}

void Server::handle(usize index, std::span<u8 const> request, std::optional<ReceivedCapability> capability)
{
    /*
     * Whether the request may wait is read before the dispatch only when it matters there: with
     * requests of the session waiting (a second one on a socket's direction is busy) or a capability
     * (kept through the dispatch). Otherwise only a would-block reply asks, and most requests are
     * answered at once: their body is decoded once, by the dispatch.
     */
    bool ask_first = capability.has_value() || m_waiting[index].count() > 0;
    std::optional<WaitIntent> intent = ask_first ? wait_intent(request) : std::nullopt;
    if (intent && m_waiting[index].holds(intent->socket, intent->direction)) {
        auto envelope = protocol::read_envelope(request).release_value();
        if (capability)
            remove_capability(*capability);
        reply(index,
            protocol::encode_status_reply(m_reply, envelope.message, envelope.call_id, u16(net::SocketError::Busy)));
        return;
    }
    /* A request that may wait keeps its capability through the dispatch: the loop removes it once answered. */
    usize length = dispatch(index, request, capability, intent.has_value(), false);
    if (reply_status({ m_reply, length }) == u16(net::SocketError::WouldBlock)) {
        if (!ask_first)
            intent = wait_intent(request);
        if (intent) {
            m_waiting[index].keep(*intent, request, capability);
            return;
        }
    }
    if (intent && capability)
        remove_capability(*capability);
    reply(index, length);
}

Server::Taken Server::take_requests(usize index)
{
    auto& slot = m_table.slot(index);
    Taken result;
    for (usize taken = 0; taken < m_table.limits().requests_per_turn; ++taken) {
        if (slot.state != session::Table::State::Open && slot.state != session::Table::State::Opening)
            return result;
        /* Every reply netd owes this session must fit its replies Ring: asked of the kernel only when the count kept seems short. */
        usize owed = m_waiting[index].count() + 1;
        if (m_reply_room[index] < owed)
            m_reply_room[index] = slot.outbox->free_slots();
        if (m_reply_room[index] < owed) {
            result.held_back = m_waiting[index].count() > 0 && !slot.inbox->is_empty();
            return result;
        }
        auto received = slot.inbox->try_receive(m_request);
        if (received.is_error()) {
            if (received.error().code() != ErrorCode::Empty)
                m_table.free(index); /* closed, dead, or a slot this protocol never carries */
            return result;
        }
        std::optional<ReceivedCapability> capability;
        if (received.value().has_capability)
            capability = received.value().capability;
        handle(index, std::span<u8 const>(m_request, received.value().length), capability);
        result.took = true;
    }
    /* The quota ended the turn: if the Ring still holds requests its doorbell will not ring for them, so look again. */
    result.more = !slot.inbox->is_empty();
    return result;
}

bool Server::retry_waiting(usize index)
{
    auto& waiting = m_waiting[index];
    bool answered = false;
    for (usize entry = 0; entry < waiting_per_session && waiting.count() > 0; ++entry) {
        auto& request = waiting.at(entry);
        if (!request.used)
            continue;
        usize length = dispatch(index, std::span<u8 const>(request.bytes, request.length), request.capability, true, true);
        if (reply_status({ m_reply, length }) == u16(net::SocketError::WouldBlock))
            continue;
        waiting.drop(entry);
        reply(index, length); /* may end the session: its waiting requests are cleared with it */
        answered = true;
    }
    return answered;
}

void Server::raise_from_backend(u64 taken)
{
    if (!m_backend.raised_everywhere(taken))
        return;
    for (usize index = 0; index < maximum_sessions; ++index)
        session(index).raise();
}

ErrorOr<void> Server::serve(RingCap listen_requests, RingCap listen_replies)
{
    auto* table = TRY(session::Table::listen(m_table, std::move(listen_requests), std::move(listen_replies),
        session::geometry_of<Protocol>(), session::Limits { maximum_sessions, 1 }, table_bits));
    table->on_change(
        this, [](void* server, usize index) { static_cast<Server*>(server)->opened(index); },
        [](void* server, usize index) { static_cast<Server*>(server)->closed(index); });
    u64 taken = ~u64(0); /* the first pass looks at everything */
    for (;;) {
        if (taken & (table_bits.listener.mask() | table_bits.listener_space.mask()))
            TRY(table->serve_listener());
        table->retry_reclaims();
        bool served = false;
        bool held_back = false;
        bool more = false;
        /* The reply-space bit is shared: any session held back by a full Ring may have room now. */
        bool every_session = taken & table_bits.reply_space.mask();
        u64 look_again = 0;
        for (usize index = 0; index < table->capacity(); ++index) {
            u64 session_bit = u64(1) << index;
            if (!every_session && !(taken & doorbell(index).mask()) && !(m_look_again & session_bit))
                continue; /* nothing arrived: a request into an empty Ring rings the doorbell */
            auto result = take_requests(index);
            served |= result.took;
            held_back |= result.held_back;
            more |= result.more;
            if (result.more || result.held_back)
                look_again |= session_bit;
        }
        m_look_again = look_again | m_opened_since;
        m_opened_since = 0;
        /* One clock read a pass: the stack's due timers, and the wait's deadline if the pass ends in one. */
        u64 now = endpoint::now_nanoseconds();
        u64 next_timer = u64(m_backend.turn(now)) * 1'000'000;
        /*
         * An answered request may make another one answerable (what it freed, what it closed):
         * the waiting requests are tried again until a round answers none. Before each round the
         * backend says whether something it cannot place happened (the last round's receives
         * freed heap a refused send waits for): then every session's watch is answered too.
         */
        for (bool answered = true; answered;) {
            raise_from_backend(taken);
            answered = false;
            for (usize index = 0; index < table->capacity(); ++index)
                answered |= retry_waiting(index);
            served |= answered;
        }
        u64 mask = table->wait_mask() | timer_bit.mask() | m_backend.wait_mask();
        if (more || m_opened_since != 0 || m_look_again & ~look_again || (served && m_backend.work_queued())) {
            /*
             * Another pass at once: for a session with requests left (a held-back one waits for
             * room: the reply-space bit, or the poll below), one just opened, or for what this pass gave
             * the stack to do (packets its sends looped back). It takes the bits raised meanwhile
             * without waiting; anything else this pass made possible is already done (the
             * requests it answered, the waiting ones tried again until none moved), and the wait
             * ends at once for what was raised since, or at the stack's next timer.
             */
            taken = system::take_pending(mask);
            continue;
        }
        if (held_back && next_timer > held_back_poll_nanoseconds)
            next_timer = held_back_poll_nanoseconds;
        taken = endpoint::wait_until(mask, now + next_timer, timer_bit);
    }
}

}
