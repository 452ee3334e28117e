/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * One session's requests of vectra.tls: decode → validate → invoke, every refusal its own error
 * (Server.h). Handlers never wait: what cannot be done yet is `would-block`, and the loop keeps a
 * request that asked to wait.
 */

#include <tlsd/Server.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/net/Address.h>

namespace vectra::tlsd {

using tls_stream::TlsError;

namespace {

constexpr usize maximum_backlog = maximum_pending;

Error stream_error(Error const& error)
{
    if (error.is(net::SocketError::LimitReached))
        return Error(TlsError::LimitReached, "the session holds as many streams as it may");
    return Error(TlsError::NoSuchStream, "the id names no stream of this session");
}

/* netd's refusals of a listen or connect, as vectra.tls says them. */
Error network_error(Error const& error)
{
    if (error.is(net::SocketError::AddressInUse))
        return Error(TlsError::AddressInUse, "the port is taken");
    if (error.is(net::SocketError::AddressUnusable))
        return Error(TlsError::AddressUnusable, "netd cannot use the address");
    if (error.is(net::SocketError::LimitReached))
        return Error(TlsError::LimitReached, "tlsd's netd session holds as many sockets as it may");
    return Error(TlsError::NetworkDown, "netd refused the socket");
}

ErrorOr<void> check_remote(net::Address const& remote)
{
    bool known = remote.family == u8(net::Family::Ipv4) || remote.family == u8(net::Family::Ipv6);
    if (!known || remote.port == 0)
        return Error(TlsError::AddressUnusable, "the remote needs an IPv4 or IPv6 address and a port");
    return {};
}

}

CarriedMemory::CarriedMemory(protocol::MessageCapabilities& capabilities)
    : m_received(std::exchange(capabilities.received, std::nullopt))
{
}

CarriedMemory::~CarriedMemory()
{
    if (m_received)
        endpoint::discard(*m_received);
}

ErrorOr<std::span<u8 const>> CarriedMemory::bytes(u64 offset, u32 length) const
{
    auto lent = endpoint::lent_memory(m_received, false);
    if (lent.is_error())
        return Error(TlsError::BufferUnusable, lent.error().message());
    usize size = lent.value().size;
    if (offset > size || length > size - offset)
        return Error(TlsError::BufferUnusable, "buffer_offset + length lies outside the MemCap");
    auto view = TRY(system::map_memory_read_only(lent.value().memory));
    return view.subspan(usize(offset), length);
}

ErrorOr<Stream*> Session::find(u32 id)
{
    auto found = m_streams.find(id);
    if (found.is_error())
        return stream_error(found.error());
    /* A closed stream lingers in its slot until its bytes are out: its id names nothing any more. */
    if (found.value()->connection && found.value()->connection->is_lingering())
        return Error(TlsError::NoSuchStream, "the id names no stream of this session");
    return found.value();
}

ErrorOr<Connection*> Session::connection(u32 id)
{
    auto* stream = TRY(find(id));
    if (!stream->connection)
        return Error(TlsError::WrongKind, "the stream is a listener");
    return &*stream->connection;
}

template<typename Result>
ErrorOr<Result> Session::would_block(u32 stream, bool wait, char const* what)
{
    if (wait)
        m_wish = stream;
    return Error(TlsError::WouldBlock, what);
}

usize Session::waiting_count() const
{
    usize count = 0;
    for (auto const& waiting : m_waiting)
        count += waiting.used ? 1 : 0;
    return count;
}

void Session::account()
{
    m_buffered = 0;
    m_streams.for_each([&](u32, Stream& stream) {
        if (stream.connection)
            m_buffered += stream.connection->buffered();
    });
}

ErrorOr<tls_stream::SessionLimits> Session::handle(tls_stream::Limits const&)
{
    return tls_stream::SessionLimits { u16(maximum_streams), u32(maximum_buffered), u16(maximum_waiting),
        u16(tls_stream::inline_maximum) };
}

ErrorOr<tls_stream::Opened> Session::handle(tls_stream::Connect const& request)
{
    TRY(tls_stream::check_server_name(request.server_name));
    TRY(check_remote(request.remote));
    if (m_streams.count() >= m_streams.limit())
        return Error(TlsError::LimitReached, "the session holds as many streams as it may");
    u32 milliseconds = request.deadline_ms == 0 ? default_deadline_ms : request.deadline_ms;
    if (milliseconds > tls_stream::maximum_deadline_ms)
        milliseconds = tls_stream::maximum_deadline_ms;
    auto& network = m_server.network();
    auto socket = network.start_connect(request.remote);
    if (socket.is_error())
        return network_error(socket.error());
    auto made = Connection::create(m_server.contexts().client(), Connection::Role::Client, socket.value(),
        &request.server_name, endpoint::now_nanoseconds() + u64(milliseconds) * 1'000'000, m_server.staging());
    if (made.is_error()) {
        (void)network.close(socket.value(), true);
        return made.release_error();
    }
    Stream stream;
    stream.connection.emplace(made.release_value());
    auto id = m_streams.add(std::move(stream));
    if (id.is_error()) {
        (void)network.close(socket.value(), true);
        return stream_error(id.error());
    }
    return tls_stream::Opened { id.value(), socket.value().local, socket.value().remote };
}

ErrorOr<tls_stream::Established> Session::handle(tls_stream::Establish const& request)
{
    auto* connection = TRY(this->connection(request.stream));
    switch (connection->state()) {
    case Connection::State::Established:
        return connection->established();
    case Connection::State::Failed:
        return connection->failure();
    case Connection::State::Handshaking:
        break;
    }
    return would_block<tls_stream::Established>(request.stream, request.wait, "the handshake is still running");
}

ErrorOr<tls_stream::Opened> Session::handle(tls_stream::Listen const& request)
{
    if (!m_server.contexts().server())
        return Error(TlsError::NoIdentity, "tlsd holds no server certificate and key");
    if (m_streams.count() >= m_streams.limit())
        return Error(TlsError::LimitReached, "the session holds as many streams as it may");
    usize backlog = request.backlog == 0 ? 1 : request.backlog;
    auto socket = m_server.network().listen(net::unspecified(request.port), u16(backlog < maximum_backlog ? backlog : maximum_backlog));
    if (socket.is_error())
        return network_error(socket.error());
    Stream stream;
    stream.listener = Listener { socket.value(), backlog < maximum_backlog ? backlog : maximum_backlog };
    auto id = m_streams.add(std::move(stream));
    if (id.is_error()) {
        (void)m_server.network().close(socket.value(), true);
        return stream_error(id.error());
    }
    return tls_stream::Opened { id.value(), socket.value().local, {} };
}

ErrorOr<tls_stream::Opened> Session::handle(tls_stream::Accept const& request)
{
    auto* stream = TRY(find(request.listener));
    if (!stream->listener)
        return Error(TlsError::WrongKind, "accept needs a listener");
    auto* pending = m_server.ready_for(m_index, request.listener);
    if (!pending)
        return would_block<tls_stream::Opened>(request.listener, request.wait, "no connection finished its handshake yet");
    if (m_streams.count() >= m_streams.limit()) {
        /* Closed streams still lingering free their slots within the linger bound: worth waiting for. */
        if (lingering_count() > 0)
            return would_block<tls_stream::Opened>(request.listener, request.wait, "closed streams still deliver their bytes");
        return Error(TlsError::LimitReached, "the session holds as many streams as it may");
    }
    Stream accepted;
    accepted.connection.emplace(std::move(*pending->connection));
    pending->connection.reset();
    auto socket = accepted.connection->socket();
    auto id = m_streams.add(std::move(accepted));
    if (id.is_error())
        return stream_error(id.error()); /* cannot happen: the count was checked */
    return tls_stream::Opened { id.value(), socket.local, socket.remote };
}

ErrorOr<tls_stream::Sent> Session::send_bytes(u32 stream, std::span<u8 const> bytes, bool wait)
{
    auto* connection = TRY(this->connection(stream));
    u64 records = connection->records();
    auto written = connection->write(m_server.network(), bytes);
    m_counters.records_sent += connection->records() - records;
    if (written.is_error()) {
        if (written.error().is(TlsError::WouldBlock))
            return would_block<tls_stream::Sent>(stream, wait, written.error().message());
        return written.release_error();
    }
    m_counters.bytes_sent += written.value();
    return tls_stream::Sent { u32(written.value()) };
}

ErrorOr<tls_stream::Sent> Session::handle(tls_stream::Send const& request)
{
    auto* connection = TRY(this->connection(request.stream));
    if (request.data.size() > 0)
        return send_bytes(request.stream, request.data.span(), request.wait);
    /* No bytes (v2): room for a whole record, the way to wait before a send-buffer. */
    if (!TRY(connection->has_room(m_server.network())))
        return would_block<tls_stream::Sent>(request.stream, request.wait, "no room for a whole record yet");
    return tls_stream::Sent { 0 };
}

ErrorOr<tls_stream::Sent> Session::handle(tls_stream::SendBuffer const& request, protocol::MessageCapabilities& capabilities)
{
    /* tlsd keeps nothing a request brought: its copy of the MemCap goes on every path, before the reply. */
    CarriedMemory carried(capabilities);
    if (request.length > tls_stream::maximum_buffer_transfer)
        return Error(ErrorCode::TooLarge, "one send-buffer moves at most 64 KiB");
    if (request.length == 0)
        return Error(ErrorCode::InvalidArgument, "a send needs at least one byte");
    auto bytes = TRY(carried.bytes(request.buffer_offset, request.length));
    /* Never kept waiting: a kept request would have to keep the MemCap across turns. */
    return send_bytes(request.stream, bytes, false);
}

ErrorOr<tls_stream::Received> Session::handle(tls_stream::Receive const& request)
{
    auto* connection = TRY(this->connection(request.stream));
    if (request.maximum == 0)
        return Error(ErrorCode::InvalidArgument, "a receive needs room for at least one byte");
    usize wanted = request.maximum < tls_stream::inline_maximum ? request.maximum : tls_stream::inline_maximum;
    tls_stream::Received received;
    if (connection->buffered() > 0) {
        u8 bytes[tls_stream::inline_maximum];
        usize length = connection->read(std::span<u8>(bytes, wanted));
        for (usize index = 0; index < length; ++index)
            MUST(received.data.try_append(bytes[index]));
        m_counters.bytes_received += length;
        account();
        return received;
    }
    if (connection->ended()) {
        received.end = true;
        return received;
    }
    if (connection->state() == Connection::State::Failed)
        return connection->failure();
    return would_block<tls_stream::Received>(request.stream, request.wait, "no bytes are waiting");
}

ErrorOr<protocol::Done> Session::handle(tls_stream::Shutdown const& request)
{
    auto* connection = TRY(this->connection(request.stream));
    if (connection->state() == Connection::State::Failed)
        return connection->failure();
    if (connection->state() == Connection::State::Handshaking)
        return Error(TlsError::WouldBlock, "the handshake is still running");
    connection->shutdown();
    return protocol::Done {};
}

ErrorOr<protocol::Done> Session::handle(tls_stream::Close const& request)
{
    auto* open = TRY(find(request.stream));
    if (open->connection && open->connection->start_linger(endpoint::now_nanoseconds() + linger_nanoseconds)) {
        account();
        return protocol::Done {};
    }
    auto removed = m_streams.remove(request.stream);
    if (removed.is_error())
        return stream_error(removed.error());
    auto& stream = removed.value();
    if (stream.connection)
        stream.connection->close(m_server.network());
    if (stream.listener) {
        (void)m_server.network().close(stream.listener->socket, true);
        m_server.drop_pending(m_index, request.stream);
    }
    account();
    return protocol::Done {};
}

usize Session::lingering_count()
{
    usize count = 0;
    m_streams.for_each([&](u32, Stream& stream) { count += stream.connection && stream.connection->is_lingering() ? 1 : 0; });
    return count;
}

void Session::notice_events(u64 sockets)
{
    m_streams.for_each([&](u32, Stream& stream) {
        if (stream.connection && (sockets & net::watch_bit(stream.connection->socket().id)))
            stream.connection->notice_event();
        if (stream.listener && (sockets & net::watch_bit(stream.listener->socket.id)))
            stream.listener->may_accept = true;
    });
}

void Session::lower_to_deadline(std::optional<u64>& earliest)
{
    m_streams.for_each([&](u32, Stream& stream) {
        if (stream.connection)
            lower_to(earliest, stream.connection->deadline());
    });
}

ErrorOr<tls_stream::Counters> Session::handle(tls_stream::ReadCounters const&)
{
    m_counters.streams = u16(m_streams.count() - lingering_count());
    m_counters.buffered = u32(m_buffered);
    m_counters.rescued_turns = m_server.rescued_turns();
    return m_counters;
}

ErrorOr<tls_stream::Watched> Session::handle(tls_stream::Watch const& request)
{
    if (!m_raised && request.wait)
        return would_block<tls_stream::Watched>(watch_key, true, "nothing happened to the session's streams yet");
    return tls_stream::Watched { std::exchange(m_raised, false), std::exchange(m_raised_streams, 0) };
}

bool Session::pump(u64 now)
{
    bool moved = false;
    u32 done[maximum_streams];
    usize done_count = 0;
    m_streams.for_each([&](u32 id, Stream& stream) {
        if (!stream.connection)
            return;
        if (stream.connection->is_lingering()) {
            auto outcome = stream.connection->linger(m_server.network(), now);
            if (outcome == Connection::Linger::Lingering)
                return;
            done[done_count++] = id;
            moved = true;
            return;
        }
        auto before = stream.connection->state();
        usize room = maximum_buffered > m_buffered ? maximum_buffered - m_buffered : 0;
        bool pumped = stream.connection->pump(m_server.network(), room, now);
        moved |= pumped;
        if (pumped || stream.connection->state() != before)
            raise(id); /* bytes in or out, an end, a handshake's outcome: the client's next try may move (v4's watch) */
        if (before == Connection::State::Handshaking && stream.connection->state() == Connection::State::Failed)
            ++m_counters.handshakes_failed;
        account();
    });
    for (usize index = 0; index < done_count; ++index)
        (void)m_streams.remove(done[index]);
    return moved;
}

bool Session::accept_connections(u64 now)
{
    bool moved = false;
    m_streams.for_each([&](u32 id, Stream& stream) {
        if (!stream.listener)
            return;
        while (stream.listener->may_accept && m_server.pending_of(m_index, id) < stream.listener->backlog) {
            Pending* free = m_server.free_pending();
            if (!free)
                return;
            auto socket = m_server.network().try_accept(stream.listener->socket);
            if (socket.is_error()) {
                if (socket.error().is(net::SocketError::WouldBlock))
                    stream.listener->may_accept = !m_server.network().tells_events(); /* until netd names the listener */
                return;
            }
            auto made = Connection::create(m_server.contexts().server(), Connection::Role::Server, socket.value(), nullptr,
                now + u64(default_deadline_ms) * 1'000'000, m_server.staging());
            if (made.is_error()) {
                (void)m_server.network().close(socket.value(), true);
                return;
            }
            free->session = m_index;
            free->listener = id;
            free->connection.emplace(made.release_value());
            moved = true;
        }
    });
    return moved;
}

void Session::clear()
{
    m_streams.clear([&](Stream& stream) {
        if (stream.connection)
            stream.connection->close(m_server.network());
        if (stream.listener)
            (void)m_server.network().close(stream.listener->socket, true);
    });
    m_server.drop_pending(m_index, std::nullopt);
    for (auto& waiting : m_waiting)
        waiting.used = false;
    m_counters = {};
    m_buffered = 0;
    m_wish.reset();
    m_raised = false;
    m_raised_streams = 0;
}

}
