/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's vectra.input session and focus connection (InputLink.h).
 */

#include <compositord/InputLink.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>

namespace vectra::compositord {

namespace {

constexpr u16 read_number = static_cast<u16>(protocol::index_of<input::Protocol, input::Read>() + 1);
constexpr Duration link_timeout = Duration::from_seconds(5);

}

ErrorOr<InputLink> InputLink::open(
    RingCap listen_requests, RingCap listen_replies, ReticleCap pool, RingCap focus_requests, RingCap focus_replies)
{
    auto session = TRY(session::SessionClient<input::Protocol>::open(
        std::move(listen_requests), std::move(listen_replies), std::move(pool), input_bits));
    auto focus = TRY(Client<input::focus::Protocol>::bind(std::move(focus_requests), std::move(focus_replies), input_focus_bits));
    InputLink link(std::move(session), std::move(focus));
    TRY(link.reconnect());
    return link;
}

ErrorOr<void> InputLink::reconnect()
{
    m_outstanding_call = 0;
    auto identity = m_session.call(input::Identify {}, link_timeout);
    if (identity.is_error()) /* a session that ended was opened again by the failed call: ask the new one */
        identity = m_session.call(input::Identify {}, link_timeout);
    m_client_id = TRY(identity).client;
    TRY(m_focus.call(input::focus::SetFocus { m_client_id }, link_timeout));
    return {};
}

ErrorOr<void> InputLink::request()
{
    if (m_outstanding_call != 0)
        return {};
    auto* connection = m_session.connection();
    if (!connection)
        return Error(ErrorCode::PeerClosed, "the input session is closed");
    u8 buffer[protocol::payload_capacity<input::Protocol>];
    u32 call_id = m_next_call++;
    if (m_next_call == 0)
        m_next_call = 1;
    usize length = TRY(protocol::encode_request<input::Protocol>(input::Read { input_read_wait_ms }, call_id, buffer));
    TRY(connection->send(std::span<u8 const>(buffer, length), deadline_after(link_timeout)));
    m_outstanding_call = call_id;
    return {};
}

ErrorOr<std::optional<input::ReadEvents>> InputLink::take()
{
    auto* connection = m_session.connection();
    if (!connection || m_outstanding_call == 0)
        return std::optional<input::ReadEvents> {};
    u8 buffer[protocol::payload_capacity<input::Protocol>];
    for (;;) {
        auto received = connection->try_receive(buffer);
        if (received.is_error()) {
            if (received.error().is(ErrorCode::Empty))
                return std::optional<input::ReadEvents> {};
            return received.release_error();
        }
        if (received.value().has_capability)
            endpoint::discard(received.value().capability);
        std::span<u8 const> reply(buffer, received.value().length);
        auto envelope = TRY(protocol::read_envelope(reply));
        if (!envelope.is_reply || envelope.message != read_number || envelope.call_id != m_outstanding_call)
            continue; /* an answer to an abandoned call */
        m_outstanding_call = 0;
        if (envelope.status != protocol::status_success)
            return protocol::error_of_status(envelope.status, input::domain);
        input::ReadEvents events;
        auto decoded = protocol::decode_body(reply, events);
        if (decoded.is_error())
            return Error(decoded.error());
        return std::optional<input::ReadEvents> { events };
    }
}

}
