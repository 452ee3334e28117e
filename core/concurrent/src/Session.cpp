/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Session.h>
#include <vectra/Try.h>

namespace vectra::session {

ErrorOr<Table*> Table::listen(Table& table, RingCap requests, RingCap replies, Geometry geometry, Limits limits, TableBits bits)
{
    if (limits.sessions == 0 || limits.sessions > maximum_sessions || limits.requests_per_turn == 0)
        return Error(ErrorCode::InvalidArgument, "a session table holds 1 to 56 sessions, each served at least once a turn");
    if (usize(bits.first_session) + limits.sessions > 64)
        return Error(ErrorCode::InvalidArgument, "every session's doorbell is one of the 64 Signal bits");
    table.m_listener = TRY(endpoint::bind_receiver(requests, schema_id, bits.listener));
    table.m_listener_outbox = TRY(endpoint::bind_sender(replies, schema_id, bits.listener_space));
    table.m_bits = bits;
    table.m_listen_requests = std::move(requests);
    table.m_listen_replies = std::move(replies);
    table.m_geometry = geometry;
    table.m_limits = limits;
    return &table;
}

usize Table::open_count() const
{
    usize count = 0;
    for (usize index = 0; index < m_limits.sessions; ++index)
        count += m_slots[index].state == State::Open || m_slots[index].state == State::Opening;
    return count;
}

u64 Table::wait_mask() const
{
    u64 mask = m_bits.listener.mask() | m_bits.reply_space.mask();
    for (usize index = 0; index < m_limits.sessions; ++index) {
        auto const& slot = m_slots[index];
        if (slot.state == State::Open || slot.state == State::Opening || (slot.state == State::Closing && slot.inbox))
            mask |= SignalBit(static_cast<u8>(m_bits.first_session + index)).mask();
    }
    return mask;
}

ErrorOr<void> Table::build(usize index, ReticleCap donation)
{
    auto& slot = m_slots[index];
    slot.donation = std::move(donation);
    auto requests = TRY(endpoint::create_ring(*slot.donation, m_geometry.slot_count, m_geometry.slot_size, m_geometry.schema_id));
    slot.requests = std::move(requests);
    auto replies = TRY(endpoint::create_ring(*slot.donation, m_geometry.slot_count, m_geometry.slot_size, m_geometry.schema_id));
    slot.replies = std::move(replies);
    /* The service reads through a receive-only copy, so deleting the client's original revokes it. */
    auto reading = TRY(endpoint::attenuate(*slot.requests, RightReceive));
    slot.handover = std::move(slot.requests); /* the original travels to the client with the reply */
    slot.requests = std::move(reading);
    slot.inbox = TRY(endpoint::bind_receiver(*slot.requests, m_geometry.schema_id, SignalBit(static_cast<u8>(m_bits.first_session + index))));
    slot.outbox = TRY(endpoint::bind_sender(*slot.replies, m_geometry.schema_id, m_bits.reply_space));
    return {};
}

ErrorOr<SessionOpened> Table::handle(OpenSession const& request, protocol::MessageCapabilities& capabilities)
{
    /* An open-session never attached is abandoned by the next one: the listener is taken in turns. */
    if (m_opening < m_limits.sessions)
        free(m_opening);
    m_opening = maximum_sessions;
    if (!capabilities.received)
        return Error(SessionError::DonationUnusable, "open-session must carry a Reticle");
    auto donation = endpoint::as_reticle(*capabilities.received);
    if (donation.is_error())
        return Error(SessionError::DonationUnusable, "open-session carried another class than a Reticle");
    capabilities.received.reset(); /* taken: from here on this handler keeps or removes it */
    if (request.schema_id != m_geometry.schema_id) {
        (void)endpoint::remove(donation.release_value());
        return Error(SessionError::WrongProtocol, "the service's sessions speak another protocol");
    }
    /* A session whose client let go since the loop's last pass is free again (its bit rang with this request's). */
    retry_reclaims();
    usize index = m_limits.sessions;
    for (usize candidate = 0; candidate < m_limits.sessions; ++candidate) {
        if (m_slots[candidate].state == State::Free) {
            index = candidate;
            break;
        }
    }
    if (index == m_limits.sessions) {
        (void)endpoint::remove(donation.release_value());
        return Error(SessionError::NoSessionLeft, "every session is in use");
    }
    auto& slot = m_slots[index];
    auto built = build(index, donation.release_value());
    if (built.is_error()) {
        slot.state = State::Opening;
        free(index);
        return Error(SessionError::DonationUnusable, "the donated Reticle cannot hold the session's Rings");
    }
    slot.state = State::Opening;
    slot.token = m_next_token++;
    m_opening = index;
    if (m_opened)
        m_opened(m_context, index);
    return SessionOpened { static_cast<u16>(index), slot.token };
}

ErrorOr<protocol::Done> Table::handle(AttachSession const& request, protocol::MessageCapabilities&)
{
    if (request.session != m_opening || m_opening >= m_limits.sessions || m_slots[m_opening].token != request.token)
        return Error(SessionError::NotOpening, "attach-session must follow its own open-session");
    return protocol::Done {};
}

ErrorOr<void> Table::serve_listener()
{
    u8 request[protocol::payload_capacity<Protocol>];
    u8 reply[protocol::payload_capacity<Protocol>];
    for (;;) {
        if (m_listener_outbox->is_full())
            return {}; /* an opener that does not read its replies only delays itself and later openers */
        auto received = endpoint::receive(*m_listener, request);
        if (received.is_error()) {
            if (received.error().code() == ErrorCode::Empty)
                return {};
            if (received.error().code() == ErrorCode::InvalidArgument || received.error().code() == ErrorCode::MalformedMessage)
                continue;
            return received.release_error();
        }
        protocol::MessageCapabilities capabilities;
        if (received.value().has_capability)
            capabilities.received = received.value().capability;
        usize length = protocol::dispatch<Protocol>(
            *this, std::span<u8 const>(request, received.value().length), reply, capabilities);
        /* A capability no handler took (a malformed request, an attach carrying one) is not kept. */
        if (capabilities.received)
            endpoint::discard(*capabilities.received);
        auto envelope = MUST(protocol::read_envelope(std::span<u8 const>(reply, length)));
        auto answer = std::span<u8 const>(reply, length);
        ErrorOr<void> sent;
        if (envelope.status != protocol::status_success) {
            sent = m_listener_outbox->try_send(answer);
        } else if (envelope.message == 1) {
            auto& slot = m_slots[m_opening];
            /* The client gets the original of the requests Ring; the service's copy derives from it. */
            sent = endpoint::send_moving(*m_listener_outbox, answer, std::move(*slot.handover));
            if (!sent.is_error())
                slot.handover.reset();
        } else {
            auto& slot = m_slots[m_opening];
            sent = endpoint::send_copy(*m_listener_outbox, answer, *slot.replies, RightReceive);
            if (!sent.is_error()) {
                slot.state = State::Open;
                m_opening = maximum_sessions;
            }
        }
        if (sent.is_error() && envelope.status == protocol::status_success && m_opening < m_limits.sessions) {
            free(m_opening);
            m_opening = maximum_sessions;
        }
        if (sent.is_error() && sent.error().code() != ErrorCode::Full)
            return sent;
    }
}

std::optional<ReceivedMessage> Table::take_request_carrying(usize index, std::span<u8> buffer, u32 replies_owed)
{
    auto& slot = m_slots[index];
    if (slot.state != State::Open && slot.state != State::Opening)
        return std::nullopt;
    if (slot.outbox->free_slots() < replies_owed + 1)
        return std::nullopt;
    auto received = slot.inbox->try_receive(buffer);
    if (received.is_error()) {
        if (received.error().code() != ErrorCode::Empty)
            free(index);
        return std::nullopt;
    }
    return received.value();
}

std::optional<usize> Table::take_request(usize index, std::span<u8> buffer, u32 replies_owed)
{
    auto received = take_request_carrying(index, buffer, replies_owed);
    if (!received)
        return std::nullopt;
    if (received->has_capability)
        endpoint::discard(received->capability);
    return received->length;
}

void Table::send_reply(usize index, std::span<u8 const> reply)
{
    auto& slot = m_slots[index];
    if (!slot.outbox || slot.outbox->try_send(reply).is_error())
        free(index);
}

void Table::send_reply(usize index, std::span<u8 const> reply, MemCap const& lent, Rights keep)
{
    auto& slot = m_slots[index];
    if (!slot.outbox || endpoint::send_copy(*slot.outbox, reply, lent, keep).is_error())
        free(index);
}

void Table::free(usize index)
{
    auto& slot = m_slots[index];
    if (slot.state == State::Free || slot.state == State::Closing)
        return;
    if (m_opening == index)
        m_opening = maximum_sessions;
    if (slot.outbox)
        slot.outbox->unbind();
    slot.outbox.reset();
    /* Deleting the replies original closes that Ring (the client's copy goes with it). */
    if (slot.replies)
        (void)endpoint::remove(std::move(*slot.replies));
    if (slot.handover)
        (void)endpoint::remove(std::move(*slot.handover));
    slot.replies.reset();
    slot.handover.reset();
    /* A client holding the requests Ring's original keeps the donation busy until it lets go. The
     * receive-only copy and its binding stay: deleting the original revokes them, and the binding's
     * revocation rings this session's doorbell bit, so the loop's wait covers the reclaim. */
    if (!slot.inbox || slot.inbox->check_bound().is_error())
        release_requests(slot);
    slot.state = State::Closing;
    if (m_freed)
        m_freed(m_context, index);
    retry_reclaims();
}

void Table::release_requests(Slot& slot)
{
    if (slot.inbox)
        slot.inbox->unbind();
    slot.inbox.reset();
    if (slot.requests)
        (void)endpoint::remove(std::move(*slot.requests));
    slot.requests.reset();
}

void Table::retry_reclaims()
{
    for (usize index = 0; index < m_limits.sessions; ++index) {
        auto& slot = m_slots[index];
        if (slot.state != State::Closing)
            continue;
        if (slot.inbox) {
            if (!slot.inbox->check_bound().is_error())
                continue; /* the client still holds the requests Ring: its letting go rings the session's bit */
            release_requests(slot);
        }
        if (slot.donation) {
            auto reclaimed = endpoint::reclaim(*slot.donation);
            if (reclaimed.is_error() && reclaimed.error().code() == ErrorCode::Busy)
                continue; /* a Ring of the session is still bound by a client that has not let go */
            (void)endpoint::remove(std::move(*slot.donation));
            slot.donation.reset();
        }
        slot.state = State::Free;
    }
}

ErrorOr<Connection> open(Connection& listener, ReticleCap const& memory, Geometry geometry, usize donation_size,
    ConnectionBits bits, u64 deadline_nanoseconds)
{
    /* Memory of sessions that ended is the caller's again once everything in it retired. */
    (void)endpoint::reclaim(memory);
    auto donation = TRY(endpoint::carve(memory, donation_size));
    for (;;) {
        auto bound = listener.rebind();
        if (!bound.is_error())
            break;
        if (bound.error().code() != ErrorCode::Busy || endpoint::now_nanoseconds() >= deadline_nanoseconds) {
            (void)endpoint::remove(std::move(donation));
            return bound.release_error();
        }
        endpoint::yield(); /* another client is opening its session */
    }
    Client<Protocol> client(std::move(listener));
    auto opened = [&]() -> ErrorOr<Connection> {
        auto opening = TRY(client.call_carrying(OpenSession { geometry.schema_id }, &donation, deadline_nanoseconds));
        if (!opening.capability)
            return Error(ErrorCode::MalformedMessage, "open-session's reply carried no Ring");
        auto requests = TRY(endpoint::as_ring(*opening.capability));
        auto attached = client.call_carrying(
            AttachSession { opening.reply.session, opening.reply.token }, nullptr, deadline_nanoseconds);
        if (attached.is_error() || !attached.value().capability) {
            (void)endpoint::remove(std::move(requests));
            if (attached.is_error())
                return attached.release_error();
            return Error(ErrorCode::MalformedMessage, "attach-session's reply carried no Ring");
        }
        auto replies = endpoint::as_ring(*attached.value().capability);
        if (replies.is_error()) {
            (void)endpoint::remove(std::move(requests));
            return replies.release_error();
        }
        return Connection::bind(std::move(requests), replies.release_value(), geometry.schema_id, bits);
    }();
    listener = std::move(client.connection());
    listener.unbind();
    if (opened.is_error() && !donation.is_empty())
        (void)endpoint::remove(std::move(donation));
    return opened;
}

}
