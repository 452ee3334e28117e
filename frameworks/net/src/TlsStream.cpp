/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <cstring>
#include <vectra/Connection.h>
#include <vectra/System.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/Try.h>
#include <vectra/http/TlsStream.h>

namespace vectra::http {

namespace {

using tls_stream::TlsError;

bool would_block(Error const& error) { return error.is(TlsError::WouldBlock); }

/* The time left until `deadline` (at least a nanosecond, so that a passed deadline still asks once without waiting long). */
Duration left_until(u64 deadline)
{
    u64 now = endpoint::now_nanoseconds();
    return Duration::from_nanoseconds(deadline > now ? i64(deadline - now) : 1);
}

}

ErrorOr<Received> TlsStream::receive_waiting(std::span<u8> buffer, bool wait, Duration timeout)
{
    if (!m_session || m_failed)
        return Error(TlsError::Reset, "the stream failed earlier");
    usize maximum = buffer.size() < tls_stream::inline_maximum ? buffer.size() : tls_stream::inline_maximum;
    auto got = m_session->call(tls_stream::Receive { m_stream, u32(maximum), wait }, timeout);
    if (got.is_error()) {
        if (!wait && would_block(got.error()))
            return Received {};
        m_failed = true;
        return got.release_error();
    }
    auto data = got.value().data.span();
    if (data.size() > maximum) {
        m_failed = true;
        return Error(ErrorCode::MalformedMessage, "tlsd returned more bytes than were asked for");
    }
    std::memcpy(buffer.data(), data.data(), data.size());
    return Received { data.size(), got.value().end };
}

ErrorOr<Received> TlsStream::receive(std::span<u8> buffer, Duration timeout)
{
    return receive_waiting(buffer, true, timeout);
}

ErrorOr<Received> TlsStream::try_receive(std::span<u8> buffer)
{
    return receive_waiting(buffer, false, tls_stream::Session::default_timeout);
}

ErrorOr<TlsTransfer> TlsTransfer::make(ReticleCap const& memory, usize size)
{
    if (size == 0 || size > tls_stream::maximum_buffer_transfer)
        return Error(ErrorCode::InvalidArgument, "a transfer buffer holds 1 byte to 64 KiB");
    auto object = TRY(system::create_memory(memory, (size + 4095) / 4096 * 4096));
    auto bytes = TRY(system::map_memory(object));
    return TlsTransfer { std::move(object), bytes.first(size) };
}

ErrorOr<usize> TlsStream::send_some(std::span<u8 const> bytes, u64 deadline)
{
    if (m_transfer && bytes.size() > tls_stream::inline_maximum) {
        usize length = bytes.size() < m_transfer->bytes.size() ? bytes.size() : m_transfer->bytes.size();
        std::memcpy(m_transfer->bytes.data(), bytes.data(), length);
        for (;;) {
            auto taken = m_session->call_lending(
                tls_stream::SendBuffer { m_stream, u32(length), 0 }, m_transfer->memory, RightRead, left_until(deadline));
            if (!taken.is_error()) {
                if (taken.value().length == 0 || taken.value().length > length)
                    return Error(ErrorCode::MalformedMessage, "tlsd took no bytes, or more than were lent");
                return usize(taken.value().length);
            }
            if (!would_block(taken.error()))
                return taken.release_error();
            /* No room for a whole record: a send of no bytes waits in tlsd until there is, then lend again. */
            tls_stream::Send room;
            room.stream = m_stream;
            TRY(m_session->call(room, left_until(deadline)));
        }
    }
    tls_stream::Send send;
    send.stream = m_stream;
    auto piece = bytes.first(bytes.size() < tls_stream::inline_maximum ? bytes.size() : tls_stream::inline_maximum);
    for (u8 byte : piece)
        MUST(send.data.try_append(byte));
    auto taken = TRY(m_session->call(send, left_until(deadline)));
    if (taken.length == 0 || taken.length > piece.size())
        return Error(ErrorCode::MalformedMessage, "tlsd took no bytes, or more than were sent");
    return usize(taken.length);
}

ErrorOr<void> TlsStream::send(std::span<u8 const> bytes, Duration timeout)
{
    if (!m_session || m_failed)
        return Error(TlsError::Reset, "the stream failed earlier");
    u64 deadline = deadline_after(timeout);
    for (usize sent = 0; sent < bytes.size();) {
        auto taken = send_some(bytes.subspan(sent), deadline);
        if (taken.is_error()) {
            m_failed = true;
            return taken.release_error();
        }
        sent += taken.value();
    }
    return {};
}

void TlsStream::close(Closing how)
{
    if (!m_session)
        return;
    if (how == Closing::Orderly && !m_failed)
        (void)m_session->call(tls_stream::Shutdown { m_stream });
    (void)m_session->call(tls_stream::Close { m_stream });
    m_session = nullptr;
}

ErrorOr<ByteStream*> TlsListener::try_accept()
{
    TlsStream* free = first_detached(m_streams);
    if (!free)
        return nullptr;
    auto accepted = m_session.call(tls_stream::Accept { m_listener, false });
    if (accepted.is_error()) {
        if (would_block(accepted.error()))
            return nullptr;
        return accepted.release_error();
    }
    free->attach(m_session, accepted.value().stream, m_transfer);
    return free;
}

ErrorOr<bool> TlsListener::wait_for_event(std::optional<u64> deadline, SignalBit timer)
{
    TRY(m_watch.send(m_session, tls_stream::Watch { true }));
    auto const* connection = m_session.connection();
    if (!connection)
        return Error(ErrorCode::PeerClosed, "the tlsd session ended: nothing to wait on until a call opens it again");
    /* A reply a call took left the bit raised with nothing to read: taken, so the wait ends only for what comes later. */
    u64 mask = connection->bits().reply.mask();
    (void)system::take_pending(mask);
    if (TRY(m_watch.take(m_session)))
        return true;
    (void)(deadline ? endpoint::wait_until(mask, *deadline, timer) : endpoint::wait(mask));
    return TRY(m_watch.take(m_session)).has_value(); /* its answer taken: the next wait sends a new watch */
}

}
