/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Try.h>
#include <vectra/protocol/Dispatch.h>
#include <vectra/surface/InputReader.h>

namespace vectra::surface {

bool InputReader::waiting(Connection const* connection) const
{
    return connection && m_call != 0 && connection->expected_later() == m_call;
}

bool InputReader::has_input(SurfaceClient const& client) const
{
    auto const* connection = client.connection();
    return waiting(connection) && connection->has_later();
}

ErrorOr<void> InputReader::request(SurfaceClient& client)
{
    auto* connection = client.connection();
    if (!connection || waiting(connection))
        return {};
    u32 call_id = m_next_call++;
    if (m_next_call == 0)
        m_next_call = call_base;
    u8 request[protocol::payload_capacity<Protocol>];
    usize length = TRY(protocol::encode_request<Protocol>(ReadInput { m_wait_ms }, call_id, request));
    TRY(connection->send(std::span<u8 const>(request, length), deadline_after(SurfaceClient::default_timeout)));
    connection->expect_later(call_id, m_reply);
    m_call = call_id;
    return {};
}

ErrorOr<bool> InputReader::take(SurfaceClient& client, InputEvents& events)
{
    auto* connection = client.connection();
    if (!waiting(connection))
        return false;
    auto length = TRY(connection->receive_later());
    if (!length)
        return false;
    m_call = 0;
    std::span<u8 const> reply(m_reply, *length);
    auto envelope = TRY(protocol::read_envelope(reply));
    if (envelope.status != protocol::status_success)
        return protocol::error_of_status(envelope.status, domain);
    auto decoded = protocol::decode_body(reply, events);
    if (decoded.is_error())
        return Error(decoded.error());
    return true;
}

}
