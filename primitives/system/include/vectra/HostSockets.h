/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The host's own sockets as a capability (hosted only; ADR 0024, amendment "the host backend"):
 * the types a Task holding a host-sockets DeviceCap and the kernel share. The calls are in
 * vectra/System.h (system::host_socket_*); the kernel side is vectra/kernel/HostSockets.h.
 *
 * A socket is named by its index in the capability's own table (at most
 * maximum_host_sockets at once). Every operation is non-blocking: what cannot go on now is
 * HostSocketStatus::WouldBlock, with no side effect. Readiness: host_socket_ready asks now;
 * system::host_sockets_interrupt routes the capability's readiness line to a Signal bit, raised
 * whenever a socket of the table changes towards what a waiter wants (ADR 0024, amendment "netd
 * woken by the host").
 */

#pragma once

#include <vectra/Types.h>

namespace vectra {

/* Host descriptors one host-sockets capability holds at once. */
inline constexpr u32 maximum_host_sockets = 16;

enum class HostSocketKind : u8 {
    TcpListen = 1,
    TcpConnect = 2,
    Udp = 3,
};

/* An IPv4 (family 4, bytes[0..3]) or IPv6 (family 6) address and a port, in host byte order. */
struct HostAddress {
    u8 family { 0 };
    u8 reserved { 0 };
    u16 port { 0 };
    u8 bytes[16] {};
};

/* Whether `address` is one a loopback-only capability may name (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104). */
[[nodiscard]] constexpr bool is_loopback(HostAddress const& address)
{
    if (address.family == 4)
        return address.bytes[0] == 127;
    if (address.family != 6)
        return false;
    for (usize index = 0; index < 10; ++index) {
        if (address.bytes[index] != 0)
            return false;
    }
    if (address.bytes[10] == 0xff && address.bytes[11] == 0xff)
        return address.bytes[12] == 127;
    if (address.bytes[10] != 0 || address.bytes[11] != 0 || address.bytes[12] != 0 || address.bytes[13] != 0
        || address.bytes[14] != 0)
        return false;
    return address.bytes[15] == 1;
}

/*
 * A forward of the hosted process (`--forward=FROM=TO`, ADR 0024 amendment 2026-12-06): a TCP
 * connect to `from` (an address outside loopback, with its port) goes to `to` (a loopback address
 * and port) instead — as QEMU's guestfwd carries a guest's connection to a fixed address to a host
 * port. `kind` Udp (`--forward=udp:FROM=TO`, ADR 0032 amendment "the UDP entry booted"): a
 * datagram a UDP socket sends to `from` goes to `to`, and a datagram from `to` arriving on a UDP
 * socket is reported as from `from`. A forward carries its kind only; nothing else reaches `from`.
 */
struct HostForward {
    HostAddress from;
    HostAddress to;
    HostSocketKind kind { HostSocketKind::TcpConnect }; /* TcpConnect or Udp */
};

/* The receive queue of a UDP host socket, in the host's accounting (SO_RCVBUF): datagrams past it are dropped by the host. */
inline constexpr u32 host_datagram_queue_bytes = 64 * 1024;

/* Forwards one host-sockets capability holds at most. */
inline constexpr u32 maximum_host_forwards = 8;

/* What the host said about an operation that the kernel let through. */
enum class HostSocketStatus : u8 {
    Done = 0,
    WouldBlock = 1,
    Refused = 2,
    Reset = 3,
    AddressInUse = 4,
    Unreachable = 5,
    TimedOut = 6,
    NotConnected = 7,
    AddressUnusable = 8,
    Failed = 9, /* any other host error */
};

enum class HostSocketOperation : u8 {
    Open = 1,     /* kind, address (local for listen and udp, remote for connect), backlog */
    Accept = 2,   /* a listener's waiting connection becomes a socket of the table; address: its peer */
    Send = 3,     /* bytes; address: a UDP destination */
    Receive = 4,  /* into bytes; address: a UDP source or the TCP peer */
    Shutdown = 5, /* extra: 1 receive, 2 send, 3 both */
    Close = 6,
    Ready = 7,    /* the readiness bits below, now */
    Local = 8,    /* address: the socket's local address */
};

/* host_socket_ready bits. */
inline constexpr u32 host_socket_readable = 1;
inline constexpr u32 host_socket_writable = 2;
inline constexpr u32 host_socket_hung_up = 4;

struct HostSocketResult {
    HostSocketStatus status { HostSocketStatus::Done };
    u32 value { 0 };  /* Open, Accept: the socket's index; Send, Receive: bytes moved; Ready: the bits */
    bool end { false }; /* Receive on TCP: the peer closed and every byte was read */
};

}
