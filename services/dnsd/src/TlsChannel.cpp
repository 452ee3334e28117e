/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <cstring>
#include <dnsd/TlsChannel.h>
#include <vectra/Try.h>

namespace vectra::dnsd {

ErrorOr<TlsChannel> TlsChannel::create(tls_stream::Session& session, TlsServer const& server, std::span<u8> storage)
{
    TRY(tls_stream::check_server_name(server.name));
    return TlsChannel(session, server, TRY(dns::StreamFrames::create(storage)));
}

ErrorOr<void> TlsChannel::open()
{
    m_frames.reset();
    i64 milliseconds = m_server.connect_timeout.milliseconds();
    u32 deadline_ms = milliseconds < 1 ? 1 : milliseconds > tls_stream::maximum_deadline_ms ? tls_stream::maximum_deadline_ms : u32(milliseconds);
    auto opened = TRY(m_session->call(tls_stream::Connect { m_server.address, m_server.name, deadline_ms }));
    m_stream = opened.stream;
    ++m_connections_opened;
    auto established = m_session->call(tls_stream::Establish { opened.stream, true },
        m_server.connect_timeout + Duration::from_seconds(1));
    if (established.is_error()) {
        close();
        return established.release_error();
    }
    return {};
}

ErrorOr<void> TlsChannel::send(std::span<u8 const> framed)
{
    if (!m_stream)
        TRY(open());
    for (usize sent = 0; sent < framed.size();) {
        tls_stream::Send send;
        send.stream = *m_stream;
        usize piece = framed.size() - sent < tls_stream::inline_maximum ? framed.size() - sent : tls_stream::inline_maximum;
        for (usize index = 0; index < piece; ++index)
            MUST(send.data.try_append(framed[sent + index]));
        auto taken = m_session->call(send, m_server.connect_timeout);
        if (taken.is_error()) {
            close();
            return taken.release_error();
        }
        if (taken.value().length == 0 || taken.value().length > piece) {
            close();
            return Error(ErrorCode::MalformedMessage, "tlsd took no bytes, or more than were sent");
        }
        sent += taken.value().length;
    }
    return {};
}

ErrorOr<std::optional<std::span<u8 const>>> TlsChannel::next()
{
    if (!m_stream)
        return std::optional<std::span<u8 const>> {};
    for (;;) {
        auto whole = m_frames.next();
        if (whole.is_error()) {
            close();
            return whole.release_error();
        }
        if (whole.value())
            return whole.release_value();
        auto space = m_frames.space();
        usize maximum = space.size() < tls_stream::inline_maximum ? space.size() : tls_stream::inline_maximum;
        auto got = m_session->call(tls_stream::Receive { *m_stream, u32(maximum), false });
        if (got.is_error()) {
            if (got.error().is(tls_stream::TlsError::WouldBlock))
                return std::optional<std::span<u8 const>> {};
            close();
            return got.release_error();
        }
        auto data = got.value().data.span();
        if (data.size() > maximum) {
            close();
            return Error(ErrorCode::MalformedMessage, "tlsd returned more bytes than were asked for");
        }
        std::memcpy(space.data(), data.data(), data.size());
        m_frames.received(data.size());
        if (got.value().end && data.empty()) {
            close();
            return Error(tls_stream::TlsError::Reset, "the server closed the connection");
        }
    }
}

void TlsChannel::close()
{
    if (m_stream)
        (void)m_session->call(tls_stream::Close { *m_stream });
    m_stream.reset();
}

}
