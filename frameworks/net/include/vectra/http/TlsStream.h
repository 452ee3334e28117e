/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ByteStream over a vectra.tls stream (core/tlsstream, docs/adr/0038-tlsd-and-the-tls-stream-protocol.md),
 * and a StreamListener over a tlsd listener that hands out up to as many streams as it holds (a
 * stream's slot is free again after its close()). Bytes travel a message's worth (inline_maximum)
 * at a time, or, given a transfer buffer (TlsTransfer), a send of more moves up to the buffer's
 * size (at most 64 KiB) at once with vectra.tls v2's send-buffer, which tlsd seals in full 16 KiB
 * records (when none fits, a send of no bytes with `wait` waits for room); what waits, waits in
 * tlsd (an inline `send` or `receive` with `wait`), bounded by the
 * caller's timeout. A receive or send whose timeout passed leaves the stream unusable until its
 * close(), as the interface says.
 */

#pragma once

#include <vectra/StandingCall.h>
#include <vectra/http/Stream.h>
#include <vectra/tlsstream/Transfer.h>

namespace vectra::http {

/*
 * Memory a session's streams lend tlsd with send-buffer: one buffer for them all, since a session's
 * calls go one at a time. make() takes it from `memory` (at most maximum_buffer_transfer bytes).
 */
struct TlsTransfer {
    MemCap memory;
    std::span<u8> bytes;
    [[nodiscard]] static ErrorOr<TlsTransfer> make(ReticleCap const& memory, usize size = tls_stream::maximum_buffer_transfer);
};

class TlsStream final : public ByteStream {
public:
    TlsStream() = default;
    /* `transfer`: lent for sends longer than a message (nullptr: every byte inline); it outlives the attachment. */
    void attach(tls_stream::Session& session, u32 stream, TlsTransfer const* transfer = nullptr)
    {
        m_session = &session;
        m_stream = stream;
        m_transfer = transfer;
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
    /* What tlsd took of `bytes`: through the transfer buffer (waiting for room with a send of no bytes), else inline, waiting for room. */
    ErrorOr<usize> send_some(std::span<u8 const> bytes, u64 deadline);

    tls_stream::Session* m_session { nullptr };
    TlsTransfer const* m_transfer { nullptr };
    u32 m_stream { 0 };
    bool m_failed { false };
};

class TlsListener final : public StreamListener {
public:
    TlsListener(tls_stream::Session& session, u32 listener, std::span<TlsStream> streams, TlsTransfer const* transfer = nullptr)
        : m_session(session)
        , m_listener(listener)
        , m_streams(streams)
        , m_transfer(transfer)
    {
    }

    ErrorOr<ByteStream*> try_accept() override;
    /* On tlsd's readiness watch (vectra.tls v4), left waiting as the session's standing call. */
    ErrorOr<bool> wait_for_event(std::optional<u64> deadline, SignalBit timer) override;

private:
    tls_stream::Session& m_session;
    session::StandingCall<tls_stream::Protocol, tls_stream::Watch> m_watch;
    u32 m_listener { 0 };
    std::span<TlsStream> m_streams;
    TlsTransfer const* m_transfer { nullptr };
};

}
