/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <cstring>
#include <netd/HostBackend.h>
#include <vectra/System.h>
#include <vectra/net/Address.h>

namespace vectra::netd {

using net::SocketError;

namespace {

Error socket_error(SocketError code, char const* message) { return Error(code, message); }

SocketError error_of(HostSocketStatus status)
{
    switch (status) {
    case HostSocketStatus::WouldBlock:
        return SocketError::WouldBlock;
    case HostSocketStatus::Refused:
        return SocketError::Refused;
    case HostSocketStatus::AddressInUse:
        return SocketError::AddressInUse;
    case HostSocketStatus::Unreachable:
        return SocketError::Unreachable;
    case HostSocketStatus::TimedOut:
        return SocketError::TimedOut;
    case HostSocketStatus::NotConnected:
        return SocketError::NotConnected;
    case HostSocketStatus::AddressUnusable:
        return SocketError::AddressUnusable;
    case HostSocketStatus::Done:
    case HostSocketStatus::Reset:
    case HostSocketStatus::Failed:
        break;
    }
    return SocketError::Reset;
}

/*
 * What the kernel refused, as the protocol says it: an address outside the capability's reach is
 * `address-unusable` as a local address, `unreachable` as a destination; every host socket of the
 * capability in use is `limit-reached`; anything else names a socket netd no longer holds.
 */
Error kernel_error(Error const& error, bool remote)
{
    if (error.code() == ErrorCode::Full)
        return socket_error(SocketError::LimitReached, "every host socket netd may hold is in use");
    if (error.code() == ErrorCode::MissingRight)
        return remote ? socket_error(SocketError::Unreachable, "the host backend reaches loopback addresses only")
                      : socket_error(SocketError::AddressUnusable, "the host backend binds loopback addresses only");
    return socket_error(SocketError::Reset, "the host socket is gone");
}

HostAddress to_host(net::Address const& address)
{
    HostAddress result;
    result.port = address.port;
    if (address.family == u8(net::Family::Unspecified)) {
        result.family = 4; /* loopback only: "any address" is 127.0.0.1 */
        result.bytes[0] = 127;
        result.bytes[3] = 1;
        return result;
    }
    result.family = address.family;
    std::memcpy(result.bytes, address.bytes.data(), address.family == u8(net::Family::Ipv6) ? 16 : 4);
    return result;
}

net::Address from_host(HostAddress const& address)
{
    net::Address result = net::unspecified(address.port);
    if (address.family == 4 || address.family == 6) {
        result.family = address.family;
        std::memcpy(result.bytes.data(), address.bytes, address.family == 6 ? 16 : 4);
    }
    return result;
}

/* A status other than Done as an error; a connection's end is remembered, so later calls report it too. */
Error failed(HostSocket& state, HostSocketStatus status)
{
    auto code = error_of(status);
    if (code != SocketError::WouldBlock && code != SocketError::NotConnected) {
        state.failed = true;
        state.failure = code;
    }
    if (code == SocketError::NotConnected && state.failed)
        code = state.failure;
    return socket_error(code, "the host refused the operation");
}

}

HostBackend::HostBackend(DeviceCap sockets, IrqCap ready)
    : m_sockets(std::move(sockets))
    , m_ready(std::move(ready))
{
    /*
     * A restarted netd: the capability's object outlives the ended instance (initd holds it), and
     * so would the host sockets that instance left open. netd is the object's only user: close
     * every index, so the new instance starts with all of them (ADR 0024, host backend amendment).
     */
    for (u32 index = 0; index < maximum_host_sockets; ++index)
        (void)system::host_socket_close(m_sockets, index);
}

ErrorOr<net::Opened> HostBackend::opened(Socket& socket, u32 index)
{
    auto& state = HostBackend::state(socket);
    state.index = index;
    state.open = true;
    ++m_open;
    net::Opened result;
    auto local = system::host_socket_local(m_sockets, index);
    if (!local.is_error())
        result.local = from_host(local.value());
    return result;
}

ErrorOr<net::Opened> HostBackend::listen(Socket& socket, net::Address const& local, u16 backlog)
{
    auto result = system::host_socket_open(m_sockets, HostSocketKind::TcpListen, to_host(local), backlog);
    if (result.is_error())
        return kernel_error(result.error(), false);
    if (result.value().status != HostSocketStatus::Done)
        return socket_error(error_of(result.value().status), "the host refused the listener");
    return opened(socket, result.value().value);
}

ErrorOr<net::Opened> HostBackend::connect(Socket& socket, net::Address const& local, net::Address const& remote)
{
    if (local.family != u8(net::Family::Unspecified) || local.port != 0)
        return socket_error(SocketError::AddressUnusable, "the host backend chooses a connection's local address");
    auto result = system::host_socket_open(m_sockets, HostSocketKind::TcpConnect, to_host(remote));
    if (result.is_error())
        return kernel_error(result.error(), true);
    if (result.value().status != HostSocketStatus::Done)
        return socket_error(error_of(result.value().status), "the host refused the connection");
    auto made = TRY(opened(socket, result.value().value));
    made.remote = remote;
    return made;
}

ErrorOr<net::Opened> HostBackend::bind(Socket& socket, net::Address const& local)
{
    auto result = system::host_socket_open(m_sockets, HostSocketKind::Udp, to_host(local));
    if (result.is_error())
        return kernel_error(result.error(), false);
    if (result.value().status != HostSocketStatus::Done)
        return socket_error(error_of(result.value().status), "the host refused the socket");
    return opened(socket, result.value().value);
}

ErrorOr<net::Opened> HostBackend::accept(Socket& listener, Socket& into)
{
    HostAddress remote;
    auto result = system::host_socket_accept(m_sockets, state(listener).index, remote);
    if (result.is_error())
        return kernel_error(result.error(), false);
    if (result.value().status != HostSocketStatus::Done)
        return socket_error(error_of(result.value().status), "no connection is waiting");
    auto made = TRY(opened(into, result.value().value));
    made.remote = from_host(remote);
    return made;
}

net::Opened HostBackend::claimed(Socket&)
{
    return {}; /* never called: the host backend leaves no connection unclaimed in the table */
}

ErrorOr<usize> HostBackend::send(Socket& socket, std::span<u8 const> bytes, net::Address const* to)
{
    auto& state = HostBackend::state(socket);
    if (state.failed)
        return socket_error(state.failure, "the connection ended");
    HostAddress destination;
    if (to != nullptr)
        destination = to_host(*to);
    auto result = system::host_socket_send(m_sockets, state.index, bytes, to != nullptr ? &destination : nullptr);
    if (result.is_error())
        return kernel_error(result.error(), true);
    if (result.value().status != HostSocketStatus::Done)
        return failed(state, result.value().status);
    return usize(result.value().value);
}

ErrorOr<Receipt> HostBackend::receive(Socket& socket, std::span<u8> into)
{
    auto& state = HostBackend::state(socket);
    if (state.failed)
        return socket_error(state.failure, "the connection ended");
    bool datagram = socket.kind == Socket::Kind::Datagram;
    if (!datagram && into.empty())
        return socket_error(SocketError::WouldBlock, "a receive of 0 bytes on a connection moves nothing");
    HostAddress from;
    auto result = system::host_socket_receive(m_sockets, state.index, into, from);
    if (result.is_error())
        return kernel_error(result.error(), false);
    if (result.value().status != HostSocketStatus::Done)
        return failed(state, result.value().status);
    Receipt receipt;
    usize length = result.value().value;
    receipt.length = length < into.size() ? length : into.size();
    receipt.truncated = datagram && length > into.size();
    receipt.end = result.value().end;
    receipt.from = from_host(from);
    socket.session->counters().bytes_received += receipt.length;
    return receipt;
}

void HostBackend::shutdown(Socket& socket, bool receive, bool send)
{
    u8 how = u8((receive ? u8(net::ShutdownHow::Receive) : 0) | (send ? u8(net::ShutdownHow::Send) : 0));
    (void)system::host_socket_shutdown(m_sockets, state(socket).index, how); /* not connected yet: nothing to shut */
}

void HostBackend::release(Socket& socket, bool)
{
    auto& state = HostBackend::state(socket);
    if (!state.open)
        return;
    (void)system::host_socket_close(m_sockets, state.index);
    state.open = false;
    --m_open;
}

bool HostBackend::raised_everywhere(u64 taken)
{
    /* One readiness line for every socket: which one it was for, and so whose session, is unknown. */
    return taken & ready_bit.mask();
}

u32 HostBackend::turn(u64)
{
    /* No timer of its own: a waiting request is dispatched again when ready_bit (or anything else) ends the wait. */
    return 0xffff'ffffu;
}

}
