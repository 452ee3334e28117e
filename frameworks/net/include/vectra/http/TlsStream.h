/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ByteStream over a vectra.tls stream (core/tlsstream, docs/adr/0038-tlsd-and-the-tls-stream-protocol.md),
 * and a StreamListener over a tlsd listener that hands out up to as many streams as it holds (a
 * stream's slot is free again after its close()). Bytes travel a message's worth (inline_maximum)
 * at a time; what waits, waits in tlsd (`wait`), bounded by the caller's timeout. A receive or send
 * whose timeout passed leaves the stream unusable until its close(), as the interface says.
 */

#pragma once

#include <vectra/http/Stream.h>
#include <vectra/tlsstream/Transfer.h>

namespace vectra::http {

class TlsStream final : public ByteStream {
public:
    TlsStream() = default;
    void attach(tls_stream::Session& session, u32 stream)
    {
        m_session = &session;
        m_stream = stream;
        m_failed = false;
    }
    [[nodiscard]] bool is_attached() const { return m_session != nullptr; }
    [[nodiscard]] u32 stream() const { return m_stream; }

    ErrorOr<Received> receive(std::span<u8> buffer, Duration timeout) override;
    ErrorOr<Received> try_receive(std::span<u8> buffer) override;
    ErrorOr<void> send(std::span<u8 const> bytes, Duration timeout) override;
    void close(Closing) override;

private:
    ErrorOr<Received> receive_waiting(std::span<u8> buffer, bool wait, Duration timeout);

    tls_stream::Session* m_session { nullptr };
    u32 m_stream { 0 };
    bool m_failed { false };
};

class TlsListener final : public StreamListener {
public:
    TlsListener(tls_stream::Session& session, u32 listener, std::span<TlsStream> streams)
        : m_session(session)
        , m_listener(listener)
        , m_streams(streams)
    {
    }

    ErrorOr<ByteStream*> try_accept() override;

private:
    tls_stream::Session& m_session;
    u32 m_listener { 0 };
    std::span<TlsStream> m_streams;
};

}
