/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A request left waiting in a service while the client's other calls go on — a readiness watch
 * (vectra.tls's `watch`) or a read that waits for input (vectra.surface's `input`). It is sent
 * once; its reply rings the session's reply bit, which the client's loop waits on with everything
 * else, and a call of the same session that meets the reply on its way keeps it
 * (Connection::expect_later) for take(). One standing call per session at a time.
 */

#pragma once

#include <optional>
#include <vectra/Session.h>
#include <vectra/Try.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::session {

template<typename P, typename Request>
class StandingCall {
public:
    using Reply = protocol::ReplyOf<P, Request>;

    /* Sends `request` unless the standing one still waits; with the session ended nothing (the next
     * call opens it again, and the next send() sends the request then). */
    [[nodiscard]] ErrorOr<void> send(SessionClient<P>& client, Request const& request)
    {
        auto* connection = client.connection();
        if (!connection || waiting(connection))
            return {};
        u32 call_id = m_next_call++;
        if (m_next_call == 0)
            m_next_call = call_base;
        u8 bytes[protocol::payload_capacity<P>];
        usize length = TRY(protocol::encode_request<P>(request, call_id, bytes));
        TRY(connection->send(std::span<u8 const>(bytes, length), deadline_after(SessionClient<P>::default_timeout)));
        connection->expect_later(call_id, m_reply);
        m_call = call_id;
        return {};
    }

    /* Whether the standing request waits in the service (its reply not taken yet). */
    [[nodiscard]] bool is_waiting(SessionClient<P> const& client) const { return waiting(client.connection()); }
    /* Whether its reply is here, kept by a call, although the reply bit may have been taken. */
    [[nodiscard]] bool has_arrived(SessionClient<P> const& client) const
    {
        auto const* connection = client.connection();
        return waiting(connection) && connection->has_later();
    }

    /* The reply once it is here (its status checked: a refusal is the error), nothing while the
     * request still waits or none was sent. Never waits; once returned, the next send() sends again. */
    [[nodiscard]] ErrorOr<std::optional<Reply>> take(SessionClient<P>& client)
    {
        auto* connection = client.connection();
        if (!waiting(connection))
            return std::optional<Reply> {};
        auto length = TRY(connection->receive_later());
        if (!length)
            return std::optional<Reply> {};
        m_call = 0;
        std::span<u8 const> reply(m_reply, *length);
        auto envelope = TRY(protocol::read_envelope(reply));
        if (envelope.status != protocol::status_success)
            return protocol::error_of_status(envelope.status, error_domain(typename P::Errors {}));
        Reply decoded {};
        auto result = protocol::decode_body(reply, decoded);
        if (result.is_error())
            return Error(result.error());
        return std::optional<Reply> { decoded };
    }

private:
    [[nodiscard]] bool waiting(Connection const* connection) const
    {
        return connection && m_call != 0 && connection->expected_later() == m_call;
    }

    static constexpr u32 call_base = 0x8000'0000; /* apart from the session client's own call ids, which count from 1 */

    u32 m_call { 0 };
    u32 m_next_call { call_base };
    u8 m_reply[protocol::payload_capacity<P>];
};

}
