/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's lwIP backend: the one lwIP stack of the netd Task (lwIP's state is global C state, so
 * there is one per Task that links it). start() hands lwIP its heap (memory of the Task's own, see
 * components/ports/lwip) and a random generator, and brings up the loopback interface (127.0.0.1,
 * ::1); turn() runs what is due: frames from an attached link (LinkInterface.h), looped-back
 * packets and lwIP's timers.
 */

#pragma once

#include <netd/Ipv6NameServers.h>
#include <netd/Lease.h>
#include <span>
#include <vectra/Entropy.h>
#include <vectra/Error.h>
#include <vectra/config.h>

namespace vectra::netd {

class LinkInterface;

/* lwIP's heap (components/ports/lwip: VECTRA_LWIP_HEAP_BYTES), without its headers. */
inline constexpr usize lwip_heap_bytes = usize(CONFIG_PORT_LWIP_HEAP_KIB) * 1024 + 64;
/*
 * Bytes every TCP connection together may hold queued to send (unacknowledged or unsent) before a
 * connection past its assured bytes waits: half of lwIP's heap (128 KiB of the default 256). So
 * the bytes queued past each connection's assured ones never exceed it. A send buffer is
 * PORT_LWIP_TCP_SEND_SEGMENTS segments per connection, and enough connections sending at once
 * would fill the heap with them: then no received frame gets a pbuf, not even the
 * acknowledgements that would free them. Past this bound a send waits — but every connection may
 * always queue `send_assured` bytes, what lwIP's send buffer held before it grew (8 segments):
 * one connection's flood never holds another below that.
 */
inline constexpr usize send_queue_limit = usize(CONFIG_PORT_LWIP_HEAP_KIB) * 1024 / 2;
inline constexpr usize send_assured = 8 * 1460;
/*
 * Of a connection's free send buffer (`room`), what it may queue now, having `queued_here` queued
 * itself and every connection together `queued_everywhere`: its `send_assured` bytes, and past
 * them only what keeps the total within send_queue_limit.
 */
[[nodiscard]] constexpr usize sending_room(usize room, usize queued_here, usize queued_everywhere)
{
    usize assured = queued_here < send_assured ? send_assured - queued_here : 0;
    usize shared = queued_everywhere < send_queue_limit ? send_queue_limit - queued_everywhere : 0;
    usize allowed = assured > shared ? assured : shared;
    return room < allowed ? room : allowed;
}
/* Connections closed by this side that the stack keeps in TIME_WAIT at most (Kconfig NETD_TIME_WAIT_CONNECTIONS). */
inline constexpr usize time_wait_limit = CONFIG_NETD_TIME_WAIT_CONNECTIONS;

class Stack {
public:
    /*
     * `heap`: at least lwip_heap_bytes, 8-byte aligned, the stack's from now on. Once per netd
     * instance: a restarted netd's call first drops everything the ended instance left in lwIP's
     * global state (its heap went with it). The one place interfaces come up (the loopback now).
     */
    [[nodiscard]] static ErrorOr<void> start(std::span<u8> heap, EntropySource&);
    /* Delivers looped-back packets, runs lwIP's due timers and bounds TIME_WAIT (end_time_wait_past);
       returns how many ms until the next timer. */
    static u32 turn();
    /* As turn(), with the clock already read: `now` in ns since boot, lwIP's timers due by then run. */
    static u32 turn(u64 now);
    /* Whether an interface holds looped-back packets the next turn() takes in (sent since the last one). */
    [[nodiscard]] static bool looped_back_waiting();
    /* Every TCP connection with unsent segments outputs what its windows allow (a link's transmit slot is free again). */
    static void output_unsent();
    /*
     * Bytes every TCP connection holds queued to send, sent or not, not yet acknowledged: a running
     * total, never a walk per send. The backend reports what changes it — bytes written, bytes
     * acknowledged (lwIP's sent callback, kept on a connection after netd released it), bytes
     * dropped with a connection it aborts — and queued_lost() when a connection may have gone with
     * bytes still queued and lwIP does not say how many (a reset or timeout's error callback; an
     * orderly close of a connection with bytes queued, which lwIP may turn into a reset): the next
     * call then recounts with one walk (queued_by_walk). Connections in TIME_WAIT hold none.
     */
    [[nodiscard]] static usize queued_for_sending();
    [[nodiscard]] static usize queued_by_walk();
    static void queued_written(usize bytes);
    static void queued_acknowledged(usize bytes);
    static void queued_dropped(usize bytes);
    static void queued_lost();
    /* Ends the oldest TIME_WAIT connections past `limit` that no netd socket holds (their lwIP
       argument cleared when netd released them); how many it ended. */
    static usize end_time_wait_past(usize limit);
    [[nodiscard]] static usize time_wait_count();
    /*
     * A received Ethernet frame, before lwIP sees it: when it is a TCP SYN (no ACK) for the address
     * pair of a connection in TIME_WAIT that no netd socket holds, and its sequence number lies
     * past what that connection received (RFC 1122 §4.2.2.13, as Linux and the BSDs do), the
     * TIME_WAIT connection ends, so the SYN reaches the listener — lwIP alone answers such a SYN
     * with an acknowledgement of the old connection for 2 MSL, and a client reusing its port (QEMU's
     * user network passes the host client's port on; clients behind NAT do too) waits for minutes.
     * Whether it ended one. Anything else, malformed or not, is left to lwIP.
     */
    static bool reopen_time_wait(std::span<u8 const> frame);
    /* The link interface turn() polls first (ADR 0029), and the Signal bits its replies raise. */
    static void attach(LinkInterface&);
    /* The link interface attached, or null (loopback only). */
    [[nodiscard]] static LinkInterface const* link();
    /* Whether the link waits for a DHCP lease (Fixed: no link, or a static address). */
    [[nodiscard]] static LinkAddressing addressing();
    [[nodiscard]] static u64 wait_mask();
    /* The link's IPv6 DNS servers (RDNSS through lwIP's hand-off, or DHCPv6 through the link's client). */
    [[nodiscard]] static Ipv6NameServers& ipv6_name_servers();
    /* Which source the servers are taken from (the link's configuration; None: no IPv6 server is taken). */
    static void take_ipv6_name_servers_from(Ipv6DnsSource);
    [[nodiscard]] static Ipv6DnsSource ipv6_name_servers_source();
};

}
