/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The host's sockets (vectra/platform/HostSockets.h): non-blocking, close-on-exec descriptors
 * of the Linux process. The kernel has already checked the capability, the table and the
 * address; here errno becomes a HostSocketStatus.
 *
 * Readiness (ADR 0024, amendment "netd woken by the host"): one epoll instance watches every
 * descriptor the kernel adopted, edge-triggered (EPOLLET) — bytes or a datagram arriving, a
 * connection to accept, a hang-up or an error, and room to send while the kernel asks for it — and
 * a thread of its own waits on it and raises the host-sockets line (sockets_line) for each batch
 * of events. Edges, because a waiter tries before it waits: what it saw as would-block was
 * everything there was, so anything that arrives after is a new edge that raises the line; the
 * Signal bit the line sets stays raised until the waiter takes it, so a raise between its try and
 * its wait ends that wait at once. Adding or changing a watch reports what is ready already (the
 * host checks readiness on EPOLL_CTL_ADD/MOD), so a socket that became ready before it was
 * watched, or room that came before the kernel asked, raises the line too.
 */

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <atomic>
#include <mutex>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vectra/platform/HostSockets.h>
#include <vectra/platform/hosted/HostSockets.h>

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

/* The epoll instance and the thread waiting on it; made at the first watch (again in a forked child). */
struct Watcher {
    std::mutex lock;
    int epoll { -1 };
    pid_t owner { 0 };
    std::atomic<u64> raises { 0 };
};
Watcher s_watcher;

void* watch(void* argument)
{
    int epoll = int(reinterpret_cast<intptr_t>(argument));
    epoll_event events[16];
    for (;;) {
        /* Which descriptor changed does not matter: the holder tries every waiting request again. */
        if (::epoll_wait(epoll, events, 16, -1) <= 0)
            continue;
        s_watcher.raises.fetch_add(1, std::memory_order_relaxed);
        hosted::raise_sockets_line();
    }
    return nullptr;
}

int watching_epoll()
{
    std::lock_guard guard(s_watcher.lock);
    if (s_watcher.epoll >= 0 && s_watcher.owner == ::getpid())
        return s_watcher.epoll;
    if (s_watcher.epoll >= 0)
        ::close(s_watcher.epoll); /* a forked child's copy: its parent's thread waits on the instance */
    s_watcher.epoll = ::epoll_create1(EPOLL_CLOEXEC);
    s_watcher.owner = ::getpid();
    if (s_watcher.epoll < 0)
        return -1;
    /* The thread takes no signal: the CPUs' wake-ups and the software line are sent to their own threads. */
    sigset_t every;
    sigset_t previous;
    sigfillset(&every);
    pthread_sigmask(SIG_BLOCK, &every, &previous);
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    (void)pthread_create(&thread, &attributes, watch, reinterpret_cast<void*>(intptr_t(s_watcher.epoll)));
    pthread_attr_destroy(&attributes);
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return s_watcher.epoll;
}

}

bool host_sockets_present() { return true; }

void host_socket_watch(i32 descriptor, bool writable)
{
    int epoll = watching_epoll();
    if (epoll < 0)
        return;
    epoll_event event {};
    event.events = EPOLLIN | EPOLLRDHUP | EPOLLET | (writable ? EPOLLOUT : 0u); /* EPOLLERR and EPOLLHUP always */
    event.data.fd = descriptor;
    if (::epoll_ctl(epoll, EPOLL_CTL_MOD, descriptor, &event) != 0 && errno == ENOENT)
        (void)::epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event);
}

u32 host_sockets_line() { return hosted::sockets_line; }

u64 hosted::sockets_line_raises() { return s_watcher.raises.load(std::memory_order_relaxed); }

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
