/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hooks the lwIP port asks of the Task that links it (components/ports/lwip/README.md), and
 * the stack's start. lwIP's state is global C state with C callbacks and no context pointer, so
 * its random generator is reachable from static storage, as core/crypto's is for libsodium.
 */

#include <cstring>
#include <lwip/def.h>
#include <lwip/init.h>
#include <lwip/netif.h>
#include <lwip/priv/tcp_priv.h>
#include <lwip/prot/ethernet.h>
#include <lwip/prot/ip.h>
#include <lwip/prot/ip4.h>
#include <lwip/prot/ip6.h>
#include <lwip/prot/tcp.h>
#include <lwip/tcp.h>
#include <lwip/timeouts.h>
#include <lwip/udp.h>
#include <netd/LinkInterface.h>
#include <netd/LwipBackend.h>
#include <netd/Stack.h>
#include <new>
#include <optional>
#include <vectra/Panic.h>
#include <vectra/Random.h>
#include <vectra/SystemClock.h>

namespace vectra::netd {

namespace {

using Generator = Rng<Confidence::Standard>;
alignas(Generator) u8 s_generator_storage[sizeof(Generator)];
Generator* s_generator = nullptr;
LinkInterface* s_link = nullptr;
/* The link's IPv6 DNS servers, and the one source its configuration takes them from (none until a link says). */
Ipv6NameServers s_ipv6_name_servers;
Ipv6DnsSource s_ipv6_dns_source = Ipv6DnsSource::None;
/* What lwIP reads back through dns_getserver: a copy of each slot in lwIP's address type. */
ip_addr_t s_ipv6_name_server_copies[Ipv6NameServers::capacity];
/* queued_for_sending()'s running total, and whether an event lost bytes it could not count (then one walk recounts). */
usize s_queued = 0;
bool s_queued_uncounted = false;
/* While a turn runs its timers, sys_now() is the turn's instant (Stack::turn). */
u32 s_turn_now = 0;
bool s_turn_clock_held = false;

}

static_assert(lwip_heap_bytes == VECTRA_LWIP_HEAP_BYTES);

namespace {

usize timeouts_pending()
{
    usize count = 0;
    for (sys_timeo* timeout = *sys_timeouts_get_next_timeout(); timeout != nullptr; timeout = timeout->next)
        ++count;
    return count;
}

/*
 * A netd restarted by its supervisor runs in the same image, so lwIP's global state still names
 * what the ended instance made — its interfaces, PCBs and timeouts, all in a heap that went with
 * that instance's memory. Forget it all before lwip_init() makes the stack again.
 */
void forget_ended_instance()
{
    *sys_timeouts_get_next_timeout() = nullptr;
    netif_list = nullptr;
    netif_default = nullptr;
    tcp_bound_pcbs = nullptr;
    tcp_listen_pcbs.listen_pcbs = nullptr;
    tcp_active_pcbs = nullptr;
    tcp_tw_pcbs = nullptr;
    udp_pcbs = nullptr;
    s_link = nullptr; /* the ended instance's link interface; a netd_link Task attaches its new one */
    s_ipv6_name_servers.clear();
    s_ipv6_dns_source = Ipv6DnsSource::None;
    s_queued = 0;     /* its connections went with its heap */
    s_queued_uncounted = false;
}

/*
 * lwIP runs its TCP timer only while connections exist, remembering that in a static flag the
 * restart cannot reach. Pretending a connection exists makes tcp_timer_needed() set the flag and
 * schedule the timer if it was clear (the timer clears it again when it finds none); if nothing was
 * scheduled the flag was left set by the ended instance, and the TCP timer runs from now on as a
 * cyclic one instead (every TCP_TMR_INTERVAL, which it does anyway while connections exist).
 */
void restart_tcp_timer()
{
    usize before = timeouts_pending();
    static u8 stand_in;
    tcp_active_pcbs = reinterpret_cast<tcp_pcb*>(&stand_in);
    tcp_timer_needed();
    tcp_active_pcbs = nullptr;
    if (timeouts_pending() == before)
        sys_timeout(lwip_cyclic_timers[0].interval_ms, lwip_cyclic_timer, const_cast<struct lwip_cyclic_timer*>(&lwip_cyclic_timers[0]));
}

}

ErrorOr<void> Stack::start(std::span<u8> heap, EntropySource& entropy)
{
    if (heap.size() < lwip_heap_bytes || reinterpret_cast<uptr>(heap.data()) % 8 != 0)
        return Error(ErrorCode::InvalidArgument, "lwIP's heap is smaller than VECTRA_LWIP_HEAP_BYTES or misaligned");
    bool restarted = s_generator != nullptr;
    if (restarted)
        forget_ended_instance();
    s_generator = new (s_generator_storage) Generator(Generator::create(entropy));
    vectra_lwip_heap = heap.data();
    lwip_init(); /* the interfaces: with LWIP_HAVE_LOOPIF, the loopback interface, 127.0.0.1 and ::1 */
    if (restarted)
        restart_tcp_timer();
    Backend::install(LwipBackend::the());
    return {};
}

u32 Stack::turn() { return turn(monotonic_now().nanoseconds_since_boot()); }

u32 Stack::turn(u64 now)
{
    if (s_link != nullptr)
        s_link->poll();
    netif_poll_all();
    /* One instant per turn: the due timers and the time to the next one are measured from it. */
    s_turn_now = u32(now / 1000000);
    s_turn_clock_held = true;
    sys_check_timeouts();
    (void)end_time_wait_past(time_wait_limit);
    u32 sleep = sys_timeouts_sleeptime();
    s_turn_clock_held = false;
    return sleep;
}

bool Stack::looped_back_waiting()
{
    for (netif* interface = netif_list; interface != nullptr; interface = interface->next) {
        if (interface->loop_first != nullptr)
            return true;
    }
    return false;
}

/*
 * lwIP puts each connection entering TIME_WAIT at the head of tcp_tw_pcbs, so the list runs from
 * the newest to the oldest. One still held by a netd socket (closed by the peer after a half close
 * here) has that socket as its argument and is left alone: freeing it would leave the socket a
 * dangling PCB. Ending a TIME_WAIT PCB sends nothing (tcp_abandon frees it).
 */
usize Stack::end_time_wait_past(usize limit)
{
    usize kept = 0, ended = 0;
    for (tcp_pcb* pcb = tcp_tw_pcbs; pcb != nullptr;) {
        tcp_pcb* next = pcb->next;
        if (kept < limit || pcb->callback_arg != nullptr) {
            ++kept;
        } else {
            tcp_abort(pcb); /* unlinks and frees it */
            ++ended;
        }
        pcb = next;
    }
    return ended;
}

void Stack::output_unsent()
{
    for (tcp_pcb* pcb = tcp_active_pcbs; pcb != nullptr; pcb = pcb->next) {
        if (pcb->unsent != nullptr)
            (void)tcp_output(pcb);
    }
}

usize Stack::queued_by_walk()
{
    usize queued = 0;
    for (tcp_pcb* pcb = tcp_active_pcbs; pcb != nullptr; pcb = pcb->next) {
        if (tcp_sndbuf(pcb) < TCP_SND_BUF)
            queued += TCP_SND_BUF - tcp_sndbuf(pcb);
    }
    return queued;
}

usize Stack::queued_for_sending()
{
    if (s_queued_uncounted) {
        s_queued = queued_by_walk();
        s_queued_uncounted = false;
    }
    return s_queued;
}

void Stack::queued_written(usize bytes) { s_queued += bytes; }

void Stack::queued_acknowledged(usize bytes)
{
    /* Not below zero: acknowledgements after an uncounted loss would already be in the recount. */
    s_queued = bytes < s_queued ? s_queued - bytes : 0;
}

void Stack::queued_dropped(usize bytes) { queued_acknowledged(bytes); }

void Stack::queued_lost() { s_queued_uncounted = true; }

namespace {

/* The addresses and the TCP header of an IPv4 or IPv6 packet carrying TCP, read through lwIP's own wire declarations. */
struct TcpSegment {
    ip_addr_t source;
    ip_addr_t destination;
    tcp_hdr header;
};

static_assert(sizeof(eth_hdr) == SIZEOF_ETH_HDR && SIZEOF_ETH_HDR == 14, "frames from the link carry no padding before their Ethernet header");

/* A copy of the `T` at `at` in `bytes`, or nothing when the bytes end first. */
template<typename T>
[[nodiscard]] std::optional<T> read_at(std::span<u8 const> bytes, usize at)
{
    if (bytes.size() < at || bytes.size() - at < sizeof(T))
        return std::nullopt;
    T value;
    std::memcpy(&value, bytes.data() + at, sizeof(T));
    return value;
}

std::optional<TcpSegment> tcp_segment_of(std::span<u8 const> frame)
{
    auto ethernet = read_at<eth_hdr>(frame, 0);
    if (!ethernet)
        return std::nullopt;
    TcpSegment segment {};
    usize header_at = sizeof(eth_hdr);
    if (ethernet->type == PP_HTONS(ETHTYPE_IP)) {
        auto ip = read_at<ip_hdr>(frame, header_at);
        /* A fragment other than the first carries no TCP header where one would be. */
        if (!ip || IPH_V(&*ip) != 4 || IPH_PROTO(&*ip) != IP_PROTO_TCP || (lwip_ntohs(IPH_OFFSET(&*ip)) & IP_OFFMASK) != 0
            || IPH_HL_BYTES(&*ip) < IP_HLEN)
            return std::nullopt;
        ip4_addr_t source, destination;
        ip4_addr_copy(source, ip->src);
        ip4_addr_copy(destination, ip->dest);
        ip_addr_copy_from_ip4(segment.source, source);
        ip_addr_copy_from_ip4(segment.destination, destination);
        header_at += IPH_HL_BYTES(&*ip);
    } else if (ethernet->type == PP_HTONS(ETHTYPE_IPV6)) {
        /* TCP straight after the fixed header; a packet with extension headers is left to lwIP. */
        auto ip = read_at<ip6_hdr>(frame, header_at);
        if (!ip || IP6H_V(&*ip) != 6 || IP6H_NEXTH(&*ip) != IP6_NEXTH_TCP)
            return std::nullopt;
        ip_addr_copy_from_ip6_packed(segment.source, ip->src);
        ip_addr_copy_from_ip6_packed(segment.destination, ip->dest);
        header_at += IP6_HLEN;
    } else {
        return std::nullopt;
    }
    auto header = read_at<tcp_hdr>(frame, header_at);
    if (!header)
        return std::nullopt;
    segment.header = *header;
    return segment;
}

/* The same address, zones aside (a TIME_WAIT PCB's link-local address carries its interface's zone). */
[[nodiscard]] bool same_address(ip_addr_t const& pcb_address, ip_addr_t const& seen)
{
    if (IP_IS_V4_VAL(pcb_address) != IP_IS_V4_VAL(seen))
        return false;
    if (IP_IS_V4_VAL(seen))
        return ip4_addr_cmp(ip_2_ip4(&pcb_address), ip_2_ip4(&seen));
    return ip6_addr_cmp_zoneless(ip_2_ip6(&pcb_address), ip_2_ip6(&seen));
}

}

bool Stack::reopen_time_wait(std::span<u8 const> frame)
{
    if (tcp_tw_pcbs == nullptr)
        return false; /* the common case: nothing to look for, the frame not read */
    auto segment = tcp_segment_of(frame);
    if (!segment)
        return false;
    auto const& header = segment->header;
    if ((TCPH_FLAGS(&header) & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN)
        return false;
    u16 source_port = lwip_ntohs(header.src);
    u16 destination_port = lwip_ntohs(header.dest);
    u32 sequence = lwip_ntohl(header.seqno);
    for (tcp_pcb* pcb = tcp_tw_pcbs; pcb != nullptr; pcb = pcb->next) {
        if (pcb->local_port != destination_port || pcb->remote_port != source_port
            || !same_address(pcb->local_ip, segment->destination) || !same_address(pcb->remote_ip, segment->source))
            continue;
        /* Held by a socket (closed by the peer after a half close here): its socket still names it. */
        if (pcb->callback_arg != nullptr || !TCP_SEQ_GT(sequence, pcb->rcv_nxt))
            return false;
        tcp_abort(pcb); /* a TIME_WAIT PCB is freed without a segment sent */
        return true;
    }
    return false;
}

usize Stack::time_wait_count()
{
    usize count = 0;
    for (tcp_pcb* pcb = tcp_tw_pcbs; pcb != nullptr; pcb = pcb->next)
        ++count;
    return count;
}

void Stack::attach(LinkInterface& link) { s_link = &link; }

LinkInterface const* Stack::link() { return s_link; }

LinkAddressing Stack::addressing() { return s_link != nullptr ? s_link->addressing() : LinkAddressing::Fixed; }

Ipv6NameServers& Stack::ipv6_name_servers() { return s_ipv6_name_servers; }

void Stack::take_ipv6_name_servers_from(Ipv6DnsSource source) { s_ipv6_dns_source = source; }

Ipv6DnsSource Stack::ipv6_name_servers_source() { return s_ipv6_dns_source; }

u64 Stack::wait_mask() { return s_link != nullptr ? LinkInterface::reply_bit.mask() : 0; }

}

extern "C" {

unsigned char* vectra_lwip_heap = nullptr;

u32_t sys_now(void)
{
    if (vectra::netd::s_turn_clock_held)
        return vectra::netd::s_turn_now;
    return u32_t(vectra::monotonic_now().nanoseconds_since_boot() / 1000000);
}

uint32_t vectra_lwip_random(void)
{
    if (vectra::netd::s_generator == nullptr)
        PANIC("lwIP asked for random bits before netd started its stack");
    return vectra::netd::s_generator->next_u32();
}

void vectra_lwip_assert(char const* message, char const* file, int line) { vectra::panic(message, file, line); }

ip6_addr_t const* vectra_lwip_ipv6_gateway(struct netif* netif, ip6_addr_t const*)
{
    return vectra::netd::s_link != nullptr ? vectra::netd::s_link->ipv6_gateway(netif) : nullptr;
}

/* nd6.c's RDNSS hand-off (LWIP_DNS 0: its dns_setserver is this hook): taken only when the link's configuration asks for RDNSS. */
void vectra_lwip_dns_server(unsigned char index, ip_addr_t const* server)
{
    using namespace vectra::netd;
    if (s_ipv6_dns_source != Ipv6DnsSource::Rdnss)
        return;
    if (server == nullptr || !IP_IS_V6(server)) {
        s_ipv6_name_servers.set(index, {});
        return;
    }
    Ipv6Bytes bytes;
    memcpy(bytes.data(), ip_2_ip6(server)->addr, bytes.size());
    s_ipv6_name_servers.set(index, bytes);
}

ip_addr_t const* vectra_lwip_dns_server_at(unsigned char index)
{
    using namespace vectra::netd;
    if (index >= Ipv6NameServers::capacity)
        return IP6_ADDR_ANY;
    ip_addr_t& copy = s_ipv6_name_server_copies[index];
    ip_addr_set_zero_ip6(&copy);
    if (auto server = s_ipv6_name_servers.at(index); server.has_value())
        memcpy(ip_2_ip6(&copy)->addr, server->data(), server->size());
    return &copy;
}

void vectra_lwip_dhcp_option(struct netif*, unsigned char message_type, unsigned char option, unsigned char length, struct pbuf* packet,
    unsigned short offset)
{
    if (vectra::netd::s_link != nullptr)
        vectra::netd::s_link->take_dhcp_option(message_type, option, length, packet, offset);
}
}
