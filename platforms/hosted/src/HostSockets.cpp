/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The host's sockets (vectra/platform/HostSockets.h): non-blocking, close-on-exec descriptors
 * of the Linux process. The kernel has already checked the capability, the table and the
 * address; here errno becomes a HostSocketStatus.
 */

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vectra/platform/HostSockets.h>

namespace vectra::platform {

namespace {

HostSocketStatus status_of(int error)
{
    switch (error) {
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case EINPROGRESS:
    case EALREADY:
    case EINTR:
        return HostSocketStatus::WouldBlock;
    case ECONNREFUSED:
        return HostSocketStatus::Refused;
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED:
        return HostSocketStatus::Reset;
    case EADDRINUSE:
        return HostSocketStatus::AddressInUse;
    case ENETUNREACH:
    case EHOSTUNREACH:
        return HostSocketStatus::Unreachable;
    case ETIMEDOUT:
        return HostSocketStatus::TimedOut;
    case ENOTCONN:
        return HostSocketStatus::NotConnected;
    case EADDRNOTAVAIL:
    case EAFNOSUPPORT:
    case EINVAL:
        return HostSocketStatus::AddressUnusable;
    default:
        return HostSocketStatus::Failed;
    }
}

socklen_t to_host(HostAddress const& address, sockaddr_storage& storage)
{
    std::memset(&storage, 0, sizeof(storage));
    if (address.family == 6) {
        auto& six = reinterpret_cast<sockaddr_in6&>(storage);
        six.sin6_family = AF_INET6;
        six.sin6_port = htons(address.port);
        std::memcpy(&six.sin6_addr, address.bytes, 16);
        return sizeof(sockaddr_in6);
    }
    auto& four = reinterpret_cast<sockaddr_in&>(storage);
    four.sin_family = AF_INET;
    four.sin_port = htons(address.port);
    std::memcpy(&four.sin_addr, address.bytes, 4);
    return sizeof(sockaddr_in);
}

HostAddress from_host(sockaddr_storage const& storage)
{
    HostAddress address;
    if (storage.ss_family == AF_INET6) {
        auto const& six = reinterpret_cast<sockaddr_in6 const&>(storage);
        address.family = 6;
        address.port = ntohs(six.sin6_port);
        std::memcpy(address.bytes, &six.sin6_addr, 16);
    } else if (storage.ss_family == AF_INET) {
        auto const& four = reinterpret_cast<sockaddr_in const&>(storage);
        address.family = 4;
        address.port = ntohs(four.sin_port);
        std::memcpy(address.bytes, &four.sin_addr, 4);
    }
    return address;
}

}

bool host_sockets_present() { return true; }

ErrorOr<i32> host_socket_open(HostSocketKind kind, HostAddress const& address, u16 backlog, HostSocketStatus& status)
{
    int domain = address.family == 6 ? AF_INET6 : AF_INET;
    int type = (kind == HostSocketKind::Udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC;
    int descriptor = ::socket(domain, type, 0);
    if (descriptor < 0) {
        status = status_of(errno);
        return Error(ErrorCode::Full, "the host gave no socket");
    }
    sockaddr_storage storage;
    socklen_t length = to_host(address, storage);
    int result = 0;
    if (kind == HostSocketKind::TcpConnect) {
        int one = 1;
        (void)::setsockopt(descriptor, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        result = ::connect(descriptor, reinterpret_cast<sockaddr*>(&storage), length);
        if (result != 0 && errno == EINPROGRESS)
            result = 0;
    } else {
        if (kind == HostSocketKind::Udp) {
            /* The socket's queue is bounded (the host doubles the value for its bookkeeping): a flood is dropped there. */
            int queue = int(host_datagram_queue_bytes);
            (void)::setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &queue, sizeof(queue));
        }
        if (kind == HostSocketKind::TcpListen) {
            int one = 1;
            (void)::setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        }
        result = ::bind(descriptor, reinterpret_cast<sockaddr*>(&storage), length);
        if (result == 0 && kind == HostSocketKind::TcpListen)
            result = ::listen(descriptor, backlog);
    }
    if (result != 0) {
        status = status_of(errno);
        ::close(descriptor);
        return Error(ErrorCode::InvalidArgument, "the host refused the socket");
    }
    status = HostSocketStatus::Done;
    return descriptor;
}

i32 host_socket_accept(i32 listener, HostAddress& remote, HostSocketStatus& status)
{
    sockaddr_storage storage {};
    socklen_t length = sizeof(storage);
    int descriptor = ::accept4(listener, reinterpret_cast<sockaddr*>(&storage), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (descriptor < 0) {
        status = errno == EINVAL ? HostSocketStatus::NotConnected : status_of(errno);
        return -1;
    }
    int one = 1;
    (void)::setsockopt(descriptor, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    remote = from_host(storage);
    status = HostSocketStatus::Done;
    return descriptor;
}

HostSocketResult host_socket_send(i32 descriptor, std::span<u8 const> bytes, HostAddress const* to)
{
    ssize_t sent;
    if (to != nullptr) {
        sockaddr_storage storage;
        socklen_t length = to_host(*to, storage);
        sent = ::sendto(descriptor, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
            reinterpret_cast<sockaddr*>(&storage), length);
    } else {
        sent = ::send(descriptor, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    if (sent < 0)
        return { status_of(errno), 0, false };
    return { HostSocketStatus::Done, u32(sent), false };
}

HostSocketResult host_socket_receive(i32 descriptor, std::span<u8> bytes, HostAddress& from)
{
    sockaddr_storage storage {};
    socklen_t length = sizeof(storage);
    int type = 0;
    socklen_t type_length = sizeof(type);
    (void)::getsockopt(descriptor, SOL_SOCKET, SO_TYPE, &type, &type_length);
    ssize_t received = ::recvfrom(descriptor, bytes.data(), bytes.size(), MSG_DONTWAIT | (type == SOCK_DGRAM ? MSG_TRUNC : 0),
        reinterpret_cast<sockaddr*>(&storage), &length);
    if (received < 0)
        return { status_of(errno), 0, false };
    if (type != SOCK_DGRAM) {
        length = sizeof(storage);
        (void)::getpeername(descriptor, reinterpret_cast<sockaddr*>(&storage), &length);
    }
    from = from_host(storage);
    /* UDP: `value` is the datagram's whole length (MSG_TRUNC), so a caller sees truncation. */
    return { HostSocketStatus::Done, u32(received), type != SOCK_DGRAM && received == 0 && !bytes.empty() };
}

HostSocketStatus host_socket_shutdown(i32 descriptor, u8 how)
{
    int host_how = how == 1 ? SHUT_RD : (how == 2 ? SHUT_WR : SHUT_RDWR);
    if (::shutdown(descriptor, host_how) != 0)
        return status_of(errno);
    return HostSocketStatus::Done;
}

u32 host_socket_ready(i32 descriptor)
{
    pollfd entry { descriptor, POLLIN | POLLOUT, 0 };
    if (::poll(&entry, 1, 0) <= 0)
        return 0;
    u32 bits = 0;
    if (entry.revents & POLLIN)
        bits |= host_socket_readable;
    if (entry.revents & POLLOUT)
        bits |= host_socket_writable;
    if (entry.revents & (POLLHUP | POLLERR))
        bits |= host_socket_hung_up;
    return bits;
}

HostSocketStatus host_socket_local(i32 descriptor, HostAddress& local)
{
    sockaddr_storage storage {};
    socklen_t length = sizeof(storage);
    if (::getsockname(descriptor, reinterpret_cast<sockaddr*>(&storage), &length) != 0)
        return status_of(errno);
    local = from_host(storage);
    return HostSocketStatus::Done;
}

void host_socket_close(i32 descriptor) { ::close(descriptor); }

}
