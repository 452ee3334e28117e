/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's Ethernet interface over vectra.link (netd/LinkInterface.h).
 */

#include <bit>
#include <cstring>
#include <lwip/dhcp.h>
#include <lwip/etharp.h>
#include <lwip/ethip6.h>
#include <lwip/ip4_addr.h>
#include <lwip/pbuf.h>
#include <lwip/sys.h>
#include <lwip/timeouts.h>
#include <lwip/priv/nd6_priv.h>
#include <netd/Dhcpv6.h>
#include <netd/LinkInterface.h>
#include <netd/Stack.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/net/Address.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::netd {

namespace {

using P = net::link::Protocol;

template<typename Request>
constexpr u16 number_of = static_cast<u16>(protocol::index_of<P, Request>() + 1);

void status_changed(netif* interface) { static_cast<LinkInterface*>(interface->state)->addresses_changed(); }

err_t link_output(netif* interface, pbuf* packet) { return static_cast<LinkInterface*>(interface->state)->transmit(packet); }

err_t interface_init(netif* interface)
{
    auto* link = static_cast<LinkInterface*>(interface->state);
    interface->name[0] = 'e';
    interface->name[1] = 'n';
    interface->linkoutput = link_output;
    interface->output = etharp_output;
    interface->output_ip6 = ethip6_output;
    interface->mtu = link->info().mtu;
    interface->hwaddr_len = 6;
    for (usize index = 0; index < 6; ++index)
        interface->hwaddr[index] = link->info().mac[index];
    interface->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
    return ERR_OK;
}

/* An lwIP IPv6 address as RFC 5952's text (lwIP's own ip6addr_ntoa_r writes upper case and compresses less). */
struct Ipv6Text {
    char characters[net::ipv6_text_maximum];
    usize length { 0 };
    explicit Ipv6Text(ip6_addr_t const& address)
    {
        std::array<u8, 16> bytes;
        memcpy(bytes.data(), address.addr, 16);
        length = net::format_ipv6(bytes, characters);
    }
    [[nodiscard]] std::string_view view() const { return { characters, length }; }
};

void dhcpv6_received(void* argument, udp_pcb*, pbuf* packet, ip_addr_t const*, u16_t)
{
    static_cast<LinkInterface*>(argument)->take_dhcpv6(packet);
    pbuf_free(packet);
}

void dhcpv6_due(void* argument) { static_cast<LinkInterface*>(argument)->send_dhcpv6_request(); }

constexpr u32 dhcpv6_first_timeout_ms = 1000;
constexpr u32 dhcpv6_longest_timeout_ms = 120'000;

ip4_addr_t lwip_address(std::array<u8, 4> const& bytes)
{
    ip4_addr_t address {};
    IP4_ADDR(&address, bytes[0], bytes[1], bytes[2], bytes[3]);
    return address;
}

}

ErrorOr<void> LinkInterface::bind()
{
    m_requests = TRY(endpoint::bind_sender(m_requests_cap, net::link::schema_id, space_bit));
    m_replies = TRY(endpoint::bind_receiver(m_replies_cap, net::link::schema_id, reply_bit));
    return {};
}

ErrorOr<void> LinkInterface::start(RingCap requests, RingCap replies, ReticleCap const& memory,
    LinkPlan const& link_plan, u64 timeout_nanoseconds)
{
    auto const& plan = link_plan.ipv4;
    auto address = lwip_address(plan.address);
    auto netmask = lwip_address(plan.netmask);
    auto gateway = lwip_address(plan.gateway);
    m_requests_cap = std::move(requests);
    m_replies_cap = std::move(replies);
    TRY(bind());

    /* info, answered before anything else is sent: the driver's limits and the link's address. */
    u8 bytes[protocol::payload_capacity<P>];
    u32 call_id = m_next_call_id++;
    usize length = TRY(protocol::encode_request<P>(net::link::Info {}, call_id, bytes));
    TRY(m_requests->try_send(std::span<u8 const>(bytes, length)));
    u64 deadline = endpoint::now_nanoseconds() + timeout_nanoseconds;
    for (;;) {
        auto received = endpoint::receive(*m_replies, bytes);
        if (!received.is_error()) {
            std::span<u8 const> reply(bytes, received.value().length);
            auto envelope = TRY(protocol::read_envelope(reply));
            if (envelope.call_id != call_id || envelope.status != protocol::status_success)
                return Error(ErrorCode::MalformedMessage, "the link driver did not answer info");
            TRY(protocol::decode_body(reply, m_info));
            break;
        }
        if (received.error().code() != ErrorCode::Empty)
            return received.release_error();
        if (!(endpoint::wait_until(reply_bit.mask(), deadline, timeout_bit) & reply_bit.mask()))
            return Error(ErrorCode::TimedOut, "the link driver did not answer info");
    }
    if (m_info.frame_maximum > slot_bytes || m_info.receive_limit < receive_slots || m_info.transmit_limit < transmit_slots)
        return Error(ErrorCode::Unsupported, "the link's frames or limits do not fit netd's slots");

    m_frames = TRY(system::create_memory(memory, usize(receive_slots + transmit_slots) * slot_bytes));
    m_frame_bytes = TRY(system::map_memory(m_frames)).data();
    TRY(lend_and_post());

    if (netif_add(&m_netif, &address, &netmask, &gateway, this, interface_init, netif_input) == nullptr)
        return Error(ErrorCode::OutOfMemory, "lwIP refused the link's interface");
    netif_set_status_callback(&m_netif, status_changed); /* lwIP calls it when an address is set or changes state */
    netif_create_ip6_linklocal_address(&m_netif, 1);
    m_ipv6_method = link_plan.ipv6.method;
    if (m_ipv6_method == Ipv6Method::Slaac)
        netif_set_ip6_autoconfig_enabled(&m_netif, 1);
    if (m_ipv6_method == Ipv6Method::Static) {
        ip6_addr_t static_address {};
        memcpy(&static_address.addr, link_plan.ipv6.address.data(), 16);
        if (netif_add_ip6_address(&m_netif, &static_address, nullptr) != ERR_OK)
            return Error(ErrorCode::OutOfMemory, "lwIP has no room for the static IPv6 address");
        if (link_plan.ipv6.gateway != std::array<u8, 16> {}) {
            memcpy(&m_ipv6_gateway.addr, link_plan.ipv6.gateway.data(), 16);
            ip6_addr_assign_zone(&m_ipv6_gateway, IP6_UNICAST, &m_netif);
            m_has_ipv6_gateway = true;
        }
    }
    m_ipv6_dns = link_plan.ipv6.dns;
    if (m_ipv6_dns == Ipv6DnsMethod::Rdnss)
        Stack::take_ipv6_name_servers_from(Ipv6DnsSource::Rdnss);
    if (m_ipv6_dns == Ipv6DnsMethod::Dhcpv6) {
        Stack::take_ipv6_name_servers_from(Ipv6DnsSource::Dhcpv6);
        m_dhcpv6 = udp_new_ip_type(IPADDR_TYPE_V6);
        if (m_dhcpv6 == nullptr || udp_bind(m_dhcpv6, IP6_ADDR_ANY, dhcpv6::client_port) != ERR_OK)
            return Error(ErrorCode::OutOfMemory, "lwIP has no room for DHCPv6's client socket");
        udp_bind_netif(m_dhcpv6, &m_netif);
        udp_recv(m_dhcpv6, dhcpv6_received, this);
    }
    netif_set_default(&m_netif);
    netif_set_up(&m_netif);
    if (m_info.up)
        netif_set_link_up(&m_netif);
    if (plan.dhcp) {
        if (dhcp_start(&m_netif) != ERR_OK)
            return Error(ErrorCode::OutOfMemory, "lwIP could not start DHCP on the link");
        m_dhcp = true;
    }
    return {};
}

ErrorOr<void> LinkInterface::lend_and_post()
{
    /* The session's frame memory, lent once; the Ring keeps order, so the buffers may follow at once. */
    u8 bytes[protocol::payload_capacity<P>];
    u32 call_id = m_next_call_id++;
    usize length = TRY(protocol::encode_request<P>(net::link::Lend {}, call_id, bytes));
    TRY(endpoint::send_copy(*m_requests, std::span<u8 const>(bytes, length), m_frames, RightRead | RightWrite));
    m_lend_call_id = call_id;
    for (u16 slot = 0; slot < receive_slots; ++slot)
        TRY(post_receive(slot));
    return {};
}

ErrorOr<void> LinkInterface::post_receive(u16 slot)
{
    u8 bytes[protocol::payload_capacity<P>];
    u32 call_id = m_next_call_id++;
    usize length = TRY(protocol::encode_request<P>(net::link::PostReceive { u64(slot) * slot_bytes, slot_bytes }, call_id, bytes));
    /* The driver's limit is at least receive_slots + transmit_slots outstanding, plus the lend: the Ring has room. */
    TRY(m_requests->try_send(std::span<u8 const>(bytes, length)));
    m_outstanding[slot] = call_id;
    return {};
}

err_t LinkInterface::transmit(pbuf* packet)
{
    if (!m_requests) {
        ++m_frames_dropped; /* the driver is restarting */
        return ERR_IF;
    }
    if (packet->tot_len > m_info.frame_maximum || packet->tot_len < net::link::ethernet_header_bytes) {
        ++m_frames_dropped;
        return ERR_VAL;
    }
    for (u16 slot = receive_slots; slot < receive_slots + transmit_slots; ++slot) {
        if (m_outstanding[slot] != 0)
            continue;
        pbuf_copy_partial(packet, m_frame_bytes + usize(slot) * slot_bytes, packet->tot_len, 0);
        u8 bytes[protocol::payload_capacity<P>];
        u32 call_id = m_next_call_id++;
        auto length = protocol::encode_request<P>(net::link::Transmit { u64(slot) * slot_bytes, packet->tot_len }, call_id, bytes);
        if (length.is_error() || m_requests->try_send(std::span<u8 const>(bytes, length.value())).is_error()) {
            ++m_frames_dropped; /* a restarted driver: poll() notices and binds again */
            return ERR_IF;
        }
        m_outstanding[slot] = call_id;
        ++m_frames_sent;
        return ERR_OK;
    }
    ++m_frames_dropped;
    m_transmit_refused = true; /* output again once a transmit is answered (resume_output) */
    return ERR_MEM;
}

/*
 * A TCP segment refused for want of a transmit slot stays on its connection's unsent queue, and
 * lwIP outputs it again only on the connection's next acknowledgement or retransmission timeout.
 * With every earlier segment already acknowledged, no acknowledgement comes: the connection
 * would stand still until its timeout (at least half a second, then slow start from one
 * segment). So once a slot is free again, every connection with unsent segments outputs now.
 */
void LinkInterface::resume_output()
{
    if (!m_transmit_refused)
        return;
    m_transmit_refused = false;
    Stack::output_unsent();
}

void LinkInterface::take_reply(std::span<u8 const> reply)
{
    auto envelope = protocol::read_envelope(reply);
    if (envelope.is_error() || !envelope.value().is_reply)
        return;
    if (envelope.value().call_id == m_lend_call_id && m_lend_call_id != 0) {
        m_lend_call_id = 0;
        if (envelope.value().status != protocol::status_success && m_console != nullptr)
            (void)print_line(*m_console, "netd: the link driver refused its frame memory (status {})", envelope.value().status);
        return;
    }
    u16 slot = 0;
    while (slot < receive_slots + transmit_slots && m_outstanding[slot] != envelope.value().call_id)
        ++slot;
    if (slot == receive_slots + transmit_slots || envelope.value().call_id == 0)
        return; /* an answer to nothing netd has outstanding */
    m_outstanding[slot] = 0;
    if (slot >= receive_slots) {
        resume_output(); /* a transmit answered: its slot is free again */
        return;
    }
    net::link::Landed landed {};
    bool frame = envelope.value().status == protocol::status_success && envelope.value().message == number_of<net::link::PostReceive>
        && !protocol::decode_body(reply, landed).is_error() && landed.length <= slot_bytes;
    if (frame) {
        std::span<u8 const> bytes(m_frame_bytes + usize(slot) * slot_bytes, usize(landed.length));
        (void)Stack::reopen_time_wait(bytes); /* before lwIP: a new SYN on a TIME_WAIT pair reaches the listener */
        pbuf* packet = pbuf_alloc(PBUF_RAW, u16(landed.length), PBUF_POOL);
        if (packet != nullptr) {
            pbuf_take(packet, bytes.data(), u16(landed.length));
            if (m_netif.input(packet, &m_netif) != ERR_OK)
                pbuf_free(packet);
            ++m_frames_received;
        } else {
            ++m_frames_dropped;
        }
    }
    /* Posted again with the others the same poll took (post_taken); a refused buffer (the driver lost the lent region) stays idle. */
    if (envelope.value().status == protocol::status_success && m_to_post_count < receive_slots)
        m_to_post[m_to_post_count++] = slot;
}

void LinkInterface::driver_restarted()
{
    ++m_driver_restarts;
    netif_set_link_down(&m_netif);
    for (auto& outstanding : m_outstanding)
        outstanding = 0;
    m_lend_call_id = 0;
    m_to_post_count = 0;
    m_requests.reset();
    m_replies.reset();
    m_rejoin = true;
}

bool LinkInterface::rejoin()
{
    if (bind().is_error())
        return false;
    if (lend_and_post().is_error()) {
        driver_restarted();
        return false;
    }
    m_rejoin = false;
    netif_set_link_up(&m_netif);
    if (m_console != nullptr)
        (void)print_line(*m_console, "netd: the link driver restarted ({} so far); {} receive buffers posted again",
            m_driver_restarts, receive_slots);
    return true;
}

void LinkInterface::poll()
{
    take_replies();
    report_ipv6_name_servers();
}

void LinkInterface::addresses_changed()
{
    report_lease();
    report_ipv6();
    start_dhcpv6();
}

void LinkInterface::start_dhcpv6()
{
    if (m_dhcpv6 == nullptr || m_dhcpv6_started)
        return;
    /* Address slot 0 is the link-local one (netif_create_ip6_linklocal_address): DHCPv6's source. */
    if (!ip6_addr_ispreferred(netif_ip6_addr_state(&m_netif, 0)))
        return;
    m_dhcpv6_started = true;
    m_dhcpv6_first_try_ms = sys_now();
    m_dhcpv6_timeout_ms = dhcpv6_first_timeout_ms;
    send_dhcpv6_request();
}

void LinkInterface::send_dhcpv6_request()
{
    if (m_dhcpv6_answered)
        return;
    /* A new transaction each try: a Reply is taken only for the one in flight. */
    m_dhcpv6_id = dhcpv6::transaction_id_of(LWIP_RAND());
    auto message = dhcpv6::information_request_for(m_dhcpv6_id, m_info.mac, (sys_now() - m_dhcpv6_first_try_ms) / 10);
    if (pbuf* packet = pbuf_alloc(PBUF_TRANSPORT, u16_t(message.size()), PBUF_RAM); packet != nullptr) {
        pbuf_take(packet, message.data(), u16_t(message.size()));
        ip_addr_t servers {}; /* All_DHCP_Relay_Agents_and_Servers, ff02::1:2 */
        IP_ADDR6(&servers, PP_HTONL(0xff02'0000u), 0, 0, PP_HTONL(0x0001'0002u));
        ip6_addr_assign_zone(ip_2_ip6(&servers), IP6_MULTICAST, &m_netif);
        (void)udp_sendto_if(m_dhcpv6, packet, &servers, dhcpv6::server_port, &m_netif); /* lost: the next try */
        pbuf_free(packet);
    }
    sys_timeout(m_dhcpv6_timeout_ms, dhcpv6_due, this);
    m_dhcpv6_timeout_ms = m_dhcpv6_timeout_ms * 2 > dhcpv6_longest_timeout_ms ? dhcpv6_longest_timeout_ms : m_dhcpv6_timeout_ms * 2;
}

void LinkInterface::take_dhcpv6(pbuf* packet)
{
    /*
     * Any source port: RFC 8415 has servers listen on 547 but asks nothing of a Reply's source port,
     * and libslirp 4.7 sends its Reply from 8962 (547 byte-swapped: its port is not put in network
     * order). What ties a Reply to the request is the transaction id, new for every try.
     */
    u8 bytes[1500];
    if (m_dhcpv6_answered || packet->tot_len > sizeof(bytes)) {
        ++m_dhcpv6_refused;
        return;
    }
    u16 length = pbuf_copy_partial(packet, bytes, packet->tot_len, 0);
    auto reply = dhcpv6::parse_reply(std::span<u8 const>(bytes, length), m_dhcpv6_id);
    if (reply.is_error()) {
        ++m_dhcpv6_refused; /* the request keeps waiting for its Reply */
        return;
    }
    m_dhcpv6_answered = true;
    sys_untimeout(dhcpv6_due, this);
    auto const& servers = reply.value().servers;
    Stack::ipv6_name_servers().replace(std::span<Ipv6Bytes const>(servers.begin(), servers.size()));
    report_ipv6_name_servers();
}

void LinkInterface::report_ipv6_name_servers()
{
    if (m_ipv6_dns == Ipv6DnsMethod::None)
        return;
    auto servers = Stack::ipv6_name_servers().servers();
    bool same = servers.size() == m_reported_ipv6_name_servers.size();
    for (usize index = 0; same && index < servers.size(); ++index)
        same = servers[index] == m_reported_ipv6_name_servers[index];
    if (same)
        return;
    m_reported_ipv6_name_servers = servers;
    if (m_console == nullptr)
        return;
    char const* source = m_ipv6_dns == Ipv6DnsMethod::Rdnss ? "RDNSS" : "DHCPv6";
    if (servers.size() == 0)
        (void)print_line(*m_console, "netd: no IPv6 DNS server by {}", source);
    for (auto const& server : servers) {
        ip6_addr_t address {};
        memcpy(address.addr, server.data(), 16);
        (void)print_line(*m_console, "netd: IPv6 DNS server {} by {}", Ipv6Text(address).view(), source);
    }
}

void LinkInterface::report_ipv6()
{
    for (s8_t index = 0; index < LWIP_IPV6_NUM_ADDRESSES; ++index) {
        if (!ip6_addr_ispreferred(netif_ip6_addr_state(&m_netif, index)))
            continue;
        ip6_addr_t const* address = netif_ip6_addr(&m_netif, index);
        if (ip6_addr_cmp_zoneless(address, &m_reported_ipv6[index]))
            continue;
        ip6_addr_copy(m_reported_ipv6[index], *address);
        if (m_console == nullptr)
            continue;
        Ipv6Text text(*address);
        if (ip6_addr_islinklocal(address)) {
            (void)print_line(*m_console, "netd: IPv6 {} (link-local)", text.view());
        } else if (netif_ip6_addr_isstatic(&m_netif, index)) {
            if (m_has_ipv6_gateway)
                (void)print_line(*m_console, "netd: IPv6 {}/64 (static) via {}", text.view(), Ipv6Text(m_ipv6_gateway).view());
            else
                (void)print_line(*m_console, "netd: IPv6 {}/64 (static), no gateway", text.view());
        } else {
            /* An address lwIP's autoconfiguration made from an advertised /64 prefix; the router that advertised itself. */
            ip6_addr_t const* router_address = nullptr;
            for (usize router = 0; router < LWIP_ND6_NUM_ROUTERS && router_address == nullptr; ++router) {
                auto const* neighbor = default_router_list[router].neighbor_entry;
                if (neighbor != nullptr && neighbor->netif == &m_netif)
                    router_address = &neighbor->next_hop_address;
            }
            if (router_address != nullptr)
                (void)print_line(*m_console, "netd: IPv6 {}/64 by SLAAC, router {}", text.view(), Ipv6Text(*router_address).view());
            else
                (void)print_line(*m_console, "netd: IPv6 {}/64 by SLAAC, no router", text.view());
        }
    }
}

ip6_addr_t const* LinkInterface::ipv6_gateway(netif const* interface) const
{
    if (interface != &m_netif || !m_has_ipv6_gateway)
        return nullptr;
    return &m_ipv6_gateway;
}

LinkAddressing LinkInterface::addressing() const
{
    if (!m_dhcp)
        return LinkAddressing::Fixed;
    return dhcp_supplied_address(&m_netif) ? LinkAddressing::DhcpBound : LinkAddressing::DhcpPending;
}

void LinkInterface::take_dhcp_option(u8 message_type, u8 option, u8 length, pbuf* packet, u16 offset)
{
    if (option != LeaseNameServers::option)
        return; /* the only option netd keeps: nothing else is copied */
    u8 value[255];
    if (pbuf_copy_partial(packet, value, length, offset) != length)
        return; /* lwIP checked the option lies inside the packet; a short copy is not taken */
    m_name_servers.take(message_type, option, std::span<u8 const>(value, length));
}

void LinkInterface::report_lease()
{
    if (!m_dhcp || !dhcp_supplied_address(&m_netif))
        return;
    u32 address = ip4_addr_get_u32(netif_ip4_addr(&m_netif));
    if (address == m_reported_lease_address)
        return;
    m_reported_lease_address = address;
    if (m_console == nullptr)
        return;
    char address_text[IP4ADDR_STRLEN_MAX];
    char gateway_text[IP4ADDR_STRLEN_MAX];
    ip4addr_ntoa_r(netif_ip4_addr(&m_netif), address_text, sizeof(address_text));
    ip4addr_ntoa_r(netif_ip4_gw(&m_netif), gateway_text, sizeof(gateway_text));
    /* QEMU's and any sane server's netmask is contiguous: its ones are the prefix. */
    auto prefix = std::popcount(ip4_addr_get_u32(netif_ip4_netmask(&m_netif)));
    /* The servers first: the lease's line is what a reader (the harness's host client) waits for. */
    for (auto const& server : m_name_servers.servers()) {
        (void)print_line(*m_console, "netd: the DHCP lease names DNS server {}.{}.{}.{}", server[0], server[1], server[2], server[3]);
    }
    (void)print_line(*m_console, "netd: DHCP lease {}/{} via {} for {} s", address_text, prefix,
        gateway_text, netif_dhcp_data(&m_netif)->offered_t0_lease);
}

void LinkInterface::take_replies()
{
    if (m_rejoin && !rejoin())
        return;
    if (!m_replies)
        return;
    /* At most what one kernel call can carry (its 2048-byte buffer holds 17 records at this protocol's
       largest payload): a burst returning fewer than asked then means the Ring was empty — a larger
       ask, cut by the kernel, would leave replies behind with no doorbell to come for them. */
    constexpr usize burst_limit = 16;
    for (;;) {
        /* Replies in one kernel call; the buffers they free posted again in one more. */
        auto burst = m_replies->receive_burst(burst_limit, [&](std::span<u8 const> reply) { take_reply(reply); });
        post_taken();
        if (burst.is_error()) {
            if (burst.error().is(ErrorCode::PeerRestarted))
                driver_restarted();
            return;
        }
        if (burst.value() == burst_limit)
            continue;
        if (burst.value() != 0)
            return;
        /* None taken: the Ring is empty, or a slot carries a capability (no reply should): taken alone, the capability dropped. */
        u8 bytes[protocol::payload_capacity<P>];
        auto received = endpoint::receive(*m_replies, bytes);
        if (received.is_error()) {
            if (received.error().is(ErrorCode::PeerRestarted))
                driver_restarted();
            return;
        }
        if (received.value().has_capability)
            endpoint::discard(received.value().capability);
        take_reply(std::span<u8 const>(bytes, received.value().length));
        post_taken();
    }
}

void LinkInterface::post_taken()
{
    if (m_to_post_count == 0)
        return;
    u8 bytes[receive_slots][protocol::payload_capacity<P>];
    std::span<u8 const> messages[receive_slots];
    u16 slots[receive_slots];
    u32 call_ids[receive_slots];
    usize count = 0;
    for (usize index = 0; index < m_to_post_count; ++index) {
        u16 slot = m_to_post[index];
        u32 call_id = m_next_call_id++;
        auto length = protocol::encode_request<P>(net::link::PostReceive { u64(slot) * slot_bytes, slot_bytes }, call_id, bytes[count]);
        if (length.is_error())
            continue;
        messages[count] = std::span<u8 const>(bytes[count], length.value());
        slots[count] = slot;
        call_ids[count++] = call_id;
    }
    m_to_post_count = 0;
    if (!m_requests)
        return;
    /* The driver's limit is at least receive_slots + transmit_slots outstanding: the Ring has room.
       Not sent: a restarted driver (the next poll binds again and posts every buffer). */
    auto sent = m_requests->try_send_burst(std::span<std::span<u8 const> const>(messages, count));
    for (usize index = 0; !sent.is_error() && index < sent.value(); ++index)
        m_outstanding[slots[index]] = call_ids[index];
}

}
