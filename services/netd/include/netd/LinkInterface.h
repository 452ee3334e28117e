/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's Ethernet interface over a NIC driver Task (vectra.link, core/net/Link.h; ADR 0029): an
 * lwIP netif whose frames go out as `transmit` requests and come in as answered `post-receive`
 * requests, beside the loopback interface. netd lends the driver one MemCap of frame slots once
 * per driver session (`lend`), and each request names a slot by its offset: the first
 * `receive_slots` stay posted as receive buffers (each re-posted once its frame is handed
 * to lwIP), the rest carry outgoing frames (one copy out of lwIP's pbufs; a slot is free again
 * when its transmit is answered). With every transmit slot in use, lwIP's output is ERR_MEM and
 * the frame is dropped; TCP keeps the segment unsent, and once a transmit is answered every
 * connection with unsent segments outputs again (resume_output: no waiting for a timeout).
 *
 * The link is polled from netd's loop (Stack::turn) and its replies Ring rings `reply_bit`, one more
 * bit in the loop's single wait (Stack::wait_mask). A poll takes the driver's replies in Ring
 * bursts (16 per kernel call, what one burst carries: a shorter burst means an empty Ring) and
 * posts the receive buffers they freed again in one burst. When the driver restarts (PeerRestarted), the
 * netif's link goes down, every transmit slot is free, and at each following poll the Rings are
 * bound again until that works, then the frame memory is lent and every receive buffer posted to
 * the new driver, and the link is up; sockets are kept (TCP retransmits across the gap).
 *
 * IPv6 (ADR 0029, amendment "IPv6 from the manifest"): the link-local address always, and per the
 * plan lwIP's stateless autoconfiguration from routers' advertisements (SLAAC) or one static address
 * with an optional gateway (lwIP's ND6 next-hop hook answers with it when no router advertised
 * itself). Each address is printed once it is preferred (after duplicate address detection).
 * With DHCP, the DNS servers of the bound lease (option 6) are kept (dns_servers()). IPv6 DNS servers
 * (ADR 0029, amendment "IPv6 DNS servers") come, as the plan says, from routers' advertisements (lwIP
 * parses RDNSS and hands the servers to Stack::ipv6_name_servers) or from a stateless DHCPv6
 * Information-request this interface sends once its link-local address is preferred, again after 1 s,
 * 2 s, … up to 120 s until a Reply is taken (netd/Dhcpv6.h); each new list is printed.
 */

#pragma once

#include <array>
#include <lwip/netif.h>
#include <lwip/udp.h>
#include <netd/Ipv6NameServers.h>
#include <netd/Lease.h>
#include <netd/LinkConfiguration.h>
#include <span>
#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/Ring.h>
#include <vectra/SignalBit.h>
#include <vectra/net/Link.h>

namespace vectra::netd {

class LinkInterface {
public:
    static constexpr u16 receive_slots = 16;
    static constexpr u16 transmit_slots = 16;
    static constexpr u32 slot_bytes = 2048;
    static constexpr SignalBit reply_bit { 4 };
    static constexpr SignalBit space_bit { 5 };
    static constexpr SignalBit timeout_bit { 6 };

    LinkInterface() = default;
    LinkInterface(LinkInterface const&) = delete;
    LinkInterface& operator=(LinkInterface const&) = delete;

    /*
     * Binds the driver's Rings, asks `info` (within `timeout_nanoseconds`), makes the frame slots
     * from `memory`, posts every receive buffer and adds the netif as the default interface, with
     * the plan's static address or with lwIP's DHCP client started (until it is bound the interface
     * has no address: a connection through it is `unreachable`). The lwIP stack must be running (Stack::start). Once per object.
     */
    [[nodiscard]] ErrorOr<void> start(RingCap requests, RingCap replies, ReticleCap const& memory, LinkPlan const&,
        u64 timeout_nanoseconds);

    /* Takes every reply the driver sent: received frames go to lwIP, answered transmits free their slot. */
    void poll();
    /* lwIP's status callback (an IPv4 or IPv6 address set or changing state): report_lease, report_ipv6. */
    void addresses_changed();
    /* With DHCP, prints the lease once per address it brings (at bind and renewal). */
    void report_lease();
    /* Prints each IPv6 address once it is preferred, again if it changes. */
    void report_ipv6();
    /* The static IPv6 gateway for an off-link destination through `interface`, or null (lwIP's ND6 hook). */
    [[nodiscard]] ip6_addr_t const* ipv6_gateway(netif const* interface) const;
    /* A DHCP option lwIP passed on (lwIP's DHCP hook): the DNS servers (option 6) of an ACK are kept. */
    void take_dhcp_option(u8 message_type, u8 option, u8 length, pbuf* packet, u16 offset);

    /* A datagram to DHCPv6's client port from any source port (lwIP's receive callback): a Reply to the request in flight names the IPv6 DNS servers. */
    void take_dhcpv6(pbuf* packet);
    /* The DHCPv6 Information-request is due (lwIP's timeout): sent again, with the next timeout. */
    void send_dhcpv6_request();
    /* DHCPv6 Replies refused (not a Reply, another transaction, malformed, a failure status). */
    [[nodiscard]] u64 dhcpv6_replies_refused() const { return m_dhcpv6_refused; }

    /* The DNS servers of the DHCP lease's last ACK (name_servers_of serves them only while it is bound). */
    [[nodiscard]] std::span<std::array<u8, 4> const> dns_servers() const { return m_name_servers.servers(); }
    /* Whether the interface waits for a DHCP lease. */
    [[nodiscard]] LinkAddressing addressing() const;
    /* Where a driver restart is reported (one line each), or nowhere. */
    void set_console(ConsoleCap const* console) { m_console = console; }

    [[nodiscard]] net::link::LinkInfo const& info() const { return m_info; }
    [[nodiscard]] netif& interface() { return m_netif; }
    [[nodiscard]] u64 frames_received() const { return m_frames_received; }
    [[nodiscard]] u64 frames_sent() const { return m_frames_sent; }
    [[nodiscard]] u64 frames_dropped() const { return m_frames_dropped; }
    [[nodiscard]] u64 driver_restarts() const { return m_driver_restarts; }

    /* lwIP's linkoutput (the netif's state is this object). */
    [[nodiscard]] err_t transmit(pbuf*);

private:
    [[nodiscard]] ErrorOr<void> bind();
    /* Lends the frame slots' MemCap to the driver (read and write), then posts every receive buffer. */
    [[nodiscard]] ErrorOr<void> lend_and_post();
    [[nodiscard]] ErrorOr<void> post_receive(u16 slot);
    /* The driver restarted: link down, and the Rings bound again at the next poll. */
    void driver_restarted();
    /* Binds the Rings again and posts every receive buffer; false while the new driver's Rings are not ready. */
    [[nodiscard]] bool rejoin();
    void take_reply(std::span<u8 const> reply);
    /* Posts again, in one burst, the receive buffers take_reply handed to lwIP. */
    void post_taken();
    /* After a transmit refused for want of a slot, once one is free: every TCP connection with unsent segments outputs. */
    void resume_output();
    void take_replies();
    /* Prints the link's IPv6 DNS servers when they differ from the last printed. */
    void report_ipv6_name_servers();
    /* Starts DHCPv6 once the link-local address is preferred (its source address). */
    void start_dhcpv6();

    RingCap m_requests_cap;
    RingCap m_replies_cap;
    std::optional<RingSender> m_requests;
    std::optional<RingReceiver> m_replies;
    MemCap m_frames;
    u8* m_frame_bytes { nullptr };
    net::link::LinkInfo m_info;
    netif m_netif {};
    u32 m_next_call_id { 1 };
    u32 m_lend_call_id { 0 }; /* the lend not answered yet (0: none) */
    /* Per slot: the call id of its outstanding request (0: none). */
    u32 m_outstanding[receive_slots + transmit_slots] {};
    /* Receive buffers whose frame went to lwIP this poll, to be posted again. */
    u16 m_to_post[receive_slots] {};
    usize m_to_post_count { 0 };
    u64 m_frames_received { 0 };
    u64 m_frames_sent { 0 };
    u64 m_frames_dropped { 0 };
    u64 m_driver_restarts { 0 };
    bool m_rejoin { false };
    bool m_transmit_refused { false }; /* a frame was refused for want of a transmit slot since the last resume_output */
    bool m_dhcp { false };
    u32 m_reported_lease_address { 0 };
    Ipv6Method m_ipv6_method { Ipv6Method::LinkLocalOnly };
    bool m_has_ipv6_gateway { false };
    ip6_addr_t m_ipv6_gateway {};
    /* Per IPv6 address slot: the address last printed as preferred (all zero: none). */
    ip6_addr_t m_reported_ipv6[LWIP_IPV6_NUM_ADDRESSES] {};
    LeaseNameServers m_name_servers;
    Ipv6DnsMethod m_ipv6_dns { Ipv6DnsMethod::None };
    udp_pcb* m_dhcpv6 { nullptr };
    bool m_dhcpv6_started { false };
    bool m_dhcpv6_answered { false };
    u32 m_dhcpv6_id { 0 };
    u32 m_dhcpv6_first_try_ms { 0 };
    u32 m_dhcpv6_timeout_ms { 0 };
    u64 m_dhcpv6_refused { 0 };
    BoundedVector<Ipv6Bytes, Ipv6NameServers::capacity> m_reported_ipv6_name_servers;
    ConsoleCap const* m_console { nullptr };
};

}
