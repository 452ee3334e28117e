/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hooks the lwIP port asks of the Task that links it (components/ports/lwip/README.md), and
 * the stack's start. lwIP's state is global C state with C callbacks and no context pointer, so
 * its random generator is reachable from static storage, as core/crypto's is for libsodium.
 */

#include <cstring>
#include <lwip/init.h>
#include <lwip/netif.h>
#include <lwip/priv/tcp_priv.h>
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

[[nodiscard]] u16 big_endian16(std::span<u8 const> bytes, usize at) { return u16((bytes[at] << 8) | bytes[at + 1]); }

[[nodiscard]] u32 big_endian32(std::span<u8 const> bytes, usize at)
{
    return (u32(bytes[at]) << 24) | (u32(bytes[at + 1]) << 16) | (u32(bytes[at + 2]) << 8) | u32(bytes[at + 3]);
}

/* The addresses and the TCP header of an IPv4 or IPv6 packet carrying TCP; nothing for anything else. */
struct TcpSegment {
    ip_addr_t source;
    ip_addr_t destination;
    std::span<u8 const> header;
};

constexpr usize ethernet_header_bytes = 14;
constexpr usize tcp_header_bytes = 20;
constexpr u8 tcp_protocol = 6;
constexpr u8 tcp_flag_syn = 0x02;
constexpr u8 tcp_flag_rst = 0x04;
constexpr u8 tcp_flag_ack = 0x10;

std::optional<TcpSegment> tcp_segment_of(std::span<u8 const> frame)
{
    if (frame.size() < ethernet_header_bytes)
        return std::nullopt;
    u16 type = big_endian16(frame, 12);
    auto packet = frame.subspan(ethernet_header_bytes);
    TcpSegment segment {};
    usize header_at = 0;
    if (type == 0x0800) {
        /* A fragment other than the first carries no TCP header where one would be. */
        if (packet.size() < 20 || (packet[0] >> 4) != 4 || packet[9] != tcp_protocol || (big_endian16(packet, 6) & 0x1fff) != 0)
            return std::nullopt;
        header_at = usize(packet[0] & 0x0f) * 4;
        if (header_at < 20)
            return std::nullopt;
        ip4_addr_t source, destination;
        std::memcpy(&source.addr, packet.data() + 12, 4);
        std::memcpy(&destination.addr, packet.data() + 16, 4);
        ip_addr_copy_from_ip4(segment.source, source);
        ip_addr_copy_from_ip4(segment.destination, destination);
    } else if (type == 0x86dd) {
        /* TCP straight after the fixed header; a packet with extension headers is left to lwIP. */
        if (packet.size() < 40 || (packet[0] >> 4) != 6 || packet[6] != tcp_protocol)
            return std::nullopt;
        header_at = 40;
        u32 source[4], destination[4]; /* each word in network order, as lwIP keeps them */
        std::memcpy(source, packet.data() + 8, 16);
        std::memcpy(destination, packet.data() + 24, 16);
        IP_ADDR6(&segment.source, source[0], source[1], source[2], source[3]);
        IP_ADDR6(&segment.destination, destination[0], destination[1], destination[2], destination[3]);
    } else {
        return std::nullopt;
    }
    if (packet.size() < header_at + tcp_header_bytes)
        return std::nullopt;
    segment.header = packet.subspan(header_at, tcp_header_bytes);
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
    auto segment = tcp_segment_of(frame);
    if (!segment)
        return false;
    auto header = segment->header;
    u8 flags = header[13];
    if ((flags & (tcp_flag_syn | tcp_flag_ack | tcp_flag_rst)) != tcp_flag_syn)
        return false;
    u16 source_port = big_endian16(header, 0);
    u16 destination_port = big_endian16(header, 2);
    u32 sequence = big_endian32(header, 4);
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
