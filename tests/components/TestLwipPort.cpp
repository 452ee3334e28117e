/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The lwIP port (components/ports/lwip), built as images build it: two lwIP interfaces in one
 * process joined by an in-memory Ethernet link, driven by a clock the test advances. TCP over IPv4
 * and IPv6 (connect, accept, bytes both ways, a half close, a reset), UDP both families, a DHCP
 * client's discover on the wire, and memory: every pool object comes from the heap the Task handed
 * lwIP, and an exhausted heap is an error lwIP returns, not a crash. The port's own Internet checksum
 * (src/Checksum.c) against RFC 1071's plain sum, and the TCP checksum of every frame on the link
 * recomputed from its bytes (lwIP sums a segment's data while tcp_write copies it: writes of odd
 * lengths from odd addresses, a split segment and a retransmission).
 */

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <deque>
#include <vector>

#include <lwip/dhcp.h>
#include <lwip/etharp.h>
#include <lwip/ethip6.h>
#include <lwip/inet_chksum.h>
#include <lwip/init.h>
#include <lwip/memp.h>
#include <lwip/netif.h>
#include <lwip/priv/tcp_priv.h>
#include <lwip/tcp.h>
#include <lwip/timeouts.h>
#include <lwip/udp.h>
#include <netif/ethernet.h>
#include <vectra/Random.h>

using namespace vectra;

namespace {

alignas(16) unsigned char s_heap[VECTRA_LWIP_HEAP_BYTES];
u32 s_now_ms = 0;
Rng<Confidence::Sloppy> s_random(0x6c776970);

struct Link {
    std::deque<std::vector<u8>> to_a;
    std::deque<std::vector<u8>> to_b;
    std::vector<std::vector<u8>> seen; /* every frame, in order */
};

Link s_link;
netif s_a;
netif s_b;

/* RFC 1071's sum the plain way: big-endian 16-bit words from the first byte, a last odd byte as a word's high byte. */
u32 reference_sum(u8 const* bytes, usize length, u32 sum = 0)
{
    for (usize index = 0; index + 1 < length; index += 2)
        sum += u32(bytes[index]) << 8 | bytes[index + 1];
    if (length % 2 == 1)
        sum += u32(bytes[length - 1]) << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

struct TcpChecksums {
    usize frames { 0 };
    usize wrong { 0 };
    usize data_frames { 0 };
};
TcpChecksums s_tcp_checksums;

/* A TCP frame's checksum recomputed from its bytes (IPv4 or IPv6 pseudo-header, RFC 793 / RFC 8200 §8.1): the whole sum is ffff. */
void check_tcp_checksum(std::vector<u8> const& frame)
{
    if (frame.size() < 14)
        return;
    u16 type = u16(frame[12] << 8 | frame[13]);
    u8 const* ip = frame.data() + 14;
    usize ip_length = frame.size() - 14;
    u32 pseudo = 0;
    u8 const* segment = nullptr;
    usize segment_length = 0;
    if (type == 0x0800 && ip_length >= 20 && ip[9] == 6) {
        usize header = usize(ip[0] & 0xf) * 4;
        usize total = usize(ip[2] << 8 | ip[3]);
        segment = ip + header;
        segment_length = total - header;
        pseudo = reference_sum(ip + 12, 8, 6 + u32(segment_length));
    } else if (type == 0x86dd && ip_length >= 40 && ip[6] == 6) {
        segment = ip + 40;
        segment_length = usize(ip[4] << 8 | ip[5]);
        pseudo = reference_sum(ip + 8, 32, 6 + u32(segment_length));
    } else {
        return;
    }
    ++s_tcp_checksums.frames;
    if (segment_length > usize((segment[12] >> 4) * 4))
        ++s_tcp_checksums.data_frames;
    if (reference_sum(segment, segment_length, pseudo) != 0xffff)
        ++s_tcp_checksums.wrong;
}

/* Frames from interface A the link loses (counted down): a retransmission follows. */
usize s_lose_from_a = 0;

err_t transmit(netif* from, pbuf* packet)
{
    std::vector<u8> frame(packet->tot_len);
    pbuf_copy_partial(packet, frame.data(), packet->tot_len, 0);
    check_tcp_checksum(frame);
    s_link.seen.push_back(frame);
    if (from == &s_a && s_lose_from_a > 0) {
        --s_lose_from_a;
        return ERR_OK;
    }
    (from == &s_a ? s_link.to_b : s_link.to_a).push_back(std::move(frame));
    return ERR_OK;
}

err_t interface_init(netif* interface)
{
    interface->linkoutput = transmit;
    interface->output = etharp_output;
    interface->output_ip6 = ethip6_output;
    interface->mtu = 1500;
    interface->hwaddr_len = 6;
    interface->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
    return ERR_OK;
}

void deliver(std::deque<std::vector<u8>>& queue, netif& to)
{
    while (!queue.empty()) {
        auto frame = std::move(queue.front());
        queue.pop_front();
        pbuf* packet = pbuf_alloc(PBUF_RAW, u16_t(frame.size()), PBUF_POOL);
        REQUIRE(packet != nullptr);
        pbuf_take(packet, frame.data(), u16_t(frame.size()));
        if (to.input(packet, &to) != ERR_OK)
            pbuf_free(packet);
    }
}

/* Moves frames both ways and advances the clock by `milliseconds`, running lwIP's timers. */
void pump(u32 milliseconds = 0)
{
    for (int round = 0; round < 64 && (!s_link.to_a.empty() || !s_link.to_b.empty()); ++round) {
        deliver(s_link.to_a, s_a);
        deliver(s_link.to_b, s_b);
    }
    for (u32 step = 0; step < milliseconds; step += 10) {
        s_now_ms += 10;
        sys_check_timeouts();
        deliver(s_link.to_a, s_a);
        deliver(s_link.to_b, s_b);
    }
}

void add_interface(netif& interface, u8 last, u8 mac_last)
{
    ip4_addr_t address, mask, gateway;
    IP4_ADDR(&address, 10, 0, 0, last);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gateway, 10, 0, 0, 254);
    REQUIRE(netif_add(&interface, &address, &mask, &gateway, nullptr, interface_init, ethernet_input) != nullptr);
    u8 mac[6] = { 0x02, 0, 0, 0, 0, mac_last };
    std::memcpy(interface.hwaddr, mac, 6);
    ip6_addr_t ip6;
    IP6_ADDR(&ip6, PP_HTONL(0xfd000000), 0, 0, PP_HTONL(last));
    s8_t index = -1;
    REQUIRE(netif_add_ip6_address(&interface, &ip6, &index) == ERR_OK);
    netif_ip6_addr_set_state(&interface, index, IP6_ADDR_PREFERRED);
    netif_set_up(&interface);
    netif_set_link_up(&interface);
}

bool s_started = false;

void start_once()
{
    if (s_started)
        return;
    s_started = true;
    vectra_lwip_heap = s_heap;
    lwip_init();
    add_interface(s_a, 1, 0xa);
    add_interface(s_b, 2, 0xb);
}

/* One TCP endpoint's view: bytes received, whether the peer's FIN came, the error callback's code. */
struct Endpoint {
    tcp_pcb* pcb { nullptr };
    std::vector<u8> received;
    bool end { false };
    err_t error { ERR_OK };
    bool errored { false };
    bool connected { false };
};

err_t on_receive(void* argument, tcp_pcb* pcb, pbuf* packet, err_t)
{
    auto& endpoint = *static_cast<Endpoint*>(argument);
    if (packet == nullptr) {
        endpoint.end = true;
        return ERR_OK;
    }
    usize old = endpoint.received.size();
    endpoint.received.resize(old + packet->tot_len);
    pbuf_copy_partial(packet, endpoint.received.data() + old, packet->tot_len, 0);
    tcp_recved(pcb, packet->tot_len);
    pbuf_free(packet);
    return ERR_OK;
}

void on_error(void* argument, err_t error)
{
    auto& endpoint = *static_cast<Endpoint*>(argument);
    endpoint.error = error;
    endpoint.errored = true;
    endpoint.pcb = nullptr; /* lwIP freed it */
}

void watch(Endpoint& endpoint, tcp_pcb* pcb)
{
    endpoint.pcb = pcb;
    tcp_arg(pcb, &endpoint);
    tcp_recv(pcb, on_receive);
    tcp_err(pcb, on_error);
}

Endpoint s_accepted;

err_t on_accept(void*, tcp_pcb* pcb, err_t error)
{
    REQUIRE(error == ERR_OK);
    s_accepted = Endpoint {};
    watch(s_accepted, pcb);
    return ERR_OK;
}

err_t on_connected(void* argument, tcp_pcb*, err_t)
{
    static_cast<Endpoint*>(argument)->connected = true;
    return ERR_OK;
}

/* Sends all of `bytes` from one endpoint, pumping as the send buffer fills. */
void send_all(Endpoint& from, std::vector<u8> const& bytes)
{
    usize sent = 0;
    for (int rounds = 0; sent < bytes.size() && rounds < 10000; ++rounds) {
        u16 room = tcp_sndbuf(from.pcb);
        usize chunk = std::min<usize>(room, bytes.size() - sent);
        if (chunk > 0) {
            REQUIRE(tcp_write(from.pcb, bytes.data() + sent, u16_t(chunk), TCP_WRITE_FLAG_COPY) == ERR_OK);
            sent += chunk;
        }
        REQUIRE(tcp_output(from.pcb) == ERR_OK);
        pump(10);
    }
    REQUIRE(sent == bytes.size());
}

void tcp_exchange(ip_addr_t const& server_address, u16 port)
{
    tcp_pcb* listener = tcp_new_ip_type(IP_GET_TYPE(&server_address));
    REQUIRE(listener != nullptr);
    REQUIRE(tcp_bind(listener, &server_address, port) == ERR_OK);
    tcp_bind_netif(listener, &s_b);
    listener = tcp_listen_with_backlog(listener, 1);
    REQUIRE(listener != nullptr);
    tcp_accept(listener, on_accept);

    Endpoint client;
    tcp_pcb* pcb = tcp_new_ip_type(IP_GET_TYPE(&server_address));
    tcp_bind_netif(pcb, &s_a);
    watch(client, pcb);
    REQUIRE(tcp_connect(pcb, &server_address, port, on_connected) == ERR_OK);
    pump(100);
    REQUIRE(client.connected);
    REQUIRE(s_accepted.pcb != nullptr);

    std::vector<u8> bytes(100 * 1024);
    for (usize index = 0; index < bytes.size(); ++index)
        bytes[index] = u8(index * 31 + 7);
    send_all(client, bytes);
    pump(200);
    REQUIRE(s_accepted.received == bytes);

    std::vector<u8> reply(3000, 0x5a);
    send_all(s_accepted, reply);
    pump(100);
    REQUIRE(client.received == reply);

    /* Half close: the client's FIN reaches the server, which can still send. */
    REQUIRE(tcp_shutdown(client.pcb, 0, 1) == ERR_OK);
    pump(100);
    REQUIRE(s_accepted.end);
    std::vector<u8> after(10, 0x11);
    send_all(s_accepted, after);
    pump(100);
    REQUIRE(client.received.size() == reply.size() + after.size());

    /* A reset: the server aborts, the client's error callback hears ERR_RST. */
    tcp_abort(s_accepted.pcb);
    s_accepted.pcb = nullptr;
    pump(100);
    REQUIRE(client.errored);
    REQUIRE(client.error == ERR_RST);
    REQUIRE(tcp_close(listener) == ERR_OK);
    REQUIRE(s_tcp_checksums.data_frames > 0);
    REQUIRE(s_tcp_checksums.wrong == 0);
}

}

extern "C" {
unsigned char* vectra_lwip_heap = nullptr;
u32_t sys_now(void) { return s_now_ms; }
uint32_t vectra_lwip_random(void) { return s_random.next_u32(); }
void vectra_lwip_assert(char const* message, char const* file, int line)
{
    FAIL("lwIP assertion: " << message << " at " << file << ":" << line);
    __builtin_trap();
}
/* netd's hooks (arch/vectra_hooks.h); its own tests drive them: no static IPv6 gateway, DHCP's other options ignored. */
ip6_addr_t const* vectra_lwip_ipv6_gateway(struct netif*, ip6_addr_t const*) { return nullptr; }
void vectra_lwip_dhcp_option(struct netif*, unsigned char, unsigned char, unsigned char, struct pbuf*, unsigned short) { }
void vectra_lwip_dns_server(unsigned char, ip_addr_t const*) { }
ip_addr_t const* vectra_lwip_dns_server_at(unsigned char) { return IP6_ADDR_ANY; }
}

TEST_CASE("TCP over IPv4: connect, accept, 100 KiB one way, a reply, a half close, a reset", "[lwip]")
{
    start_once();
    ip_addr_t server;
    IP_ADDR4(&server, 10, 0, 0, 2);
    tcp_exchange(server, 7);
}

TEST_CASE("TCP over IPv6 the same way (neighbour discovery on the link)", "[lwip]")
{
    start_once();
    ip_addr_t server;
    IP_ADDR6(&server, PP_HTONL(0xfd000000), 0, 0, PP_HTONL(2));
    tcp_exchange(server, 8);
}

TEST_CASE("a connection to a port nobody listens on is refused", "[lwip]")
{
    start_once();
    ip_addr_t server;
    IP_ADDR4(&server, 10, 0, 0, 2);
    Endpoint client;
    tcp_pcb* pcb = tcp_new();
    tcp_bind_netif(pcb, &s_a);
    watch(client, pcb);
    REQUIRE(tcp_connect(pcb, &server, 9999, on_connected) == ERR_OK);
    pump(100);
    REQUIRE(!client.connected);
    REQUIRE(client.errored);
    REQUIRE(client.error == ERR_RST);
}

namespace {

struct Datagram {
    std::vector<u8> bytes;
    ip_addr_t from;
    u16 port { 0 };
};

void on_datagram(void* argument, udp_pcb*, pbuf* packet, ip_addr_t const* from, u16_t port)
{
    auto& list = *static_cast<std::vector<Datagram>*>(argument);
    Datagram datagram;
    datagram.bytes.resize(packet->tot_len);
    pbuf_copy_partial(packet, datagram.bytes.data(), packet->tot_len, 0);
    ip_addr_copy(datagram.from, *from);
    datagram.port = port;
    list.push_back(datagram);
    pbuf_free(packet);
}

}

TEST_CASE("UDP datagrams both families, with their source", "[lwip]")
{
    start_once();
    std::vector<Datagram> received;
    udp_pcb* server = udp_new_ip_type(IPADDR_TYPE_ANY);
    REQUIRE(udp_bind(server, IP_ANY_TYPE, 53) == ERR_OK);
    udp_bind_netif(server, &s_b);
    udp_recv(server, on_datagram, &received);
    udp_pcb* client = udp_new_ip_type(IPADDR_TYPE_ANY);
    REQUIRE(udp_bind(client, IP_ANY_TYPE, 5353) == ERR_OK);
    udp_bind_netif(client, &s_a);

    ip_addr_t to4, to6;
    IP_ADDR4(&to4, 10, 0, 0, 2);
    IP_ADDR6(&to6, PP_HTONL(0xfd000000), 0, 0, PP_HTONL(2));
    for (ip_addr_t const* to : { &to4, &to6 }) {
        pbuf* packet = pbuf_alloc(PBUF_TRANSPORT, 5, PBUF_RAM);
        pbuf_take(packet, "hello", 5);
        REQUIRE(udp_sendto(client, packet, to, 53) == ERR_OK);
        pbuf_free(packet);
        pump(50);
    }
    REQUIRE(received.size() == 2);
    ip_addr_t from4, from6;
    IP_ADDR4(&from4, 10, 0, 0, 1);
    IP_ADDR6(&from6, PP_HTONL(0xfd000000), 0, 0, PP_HTONL(1));
    REQUIRE(ip_addr_cmp(&received[0].from, &from4));
    REQUIRE(ip_addr_cmp(&received[1].from, &from6));
    for (auto const& datagram : received) {
        REQUIRE(datagram.port == 5353);
        REQUIRE(std::memcmp(datagram.bytes.data(), "hello", 5) == 0);
    }
    udp_remove(server);
    udp_remove(client);
}

TEST_CASE("a DHCP client puts a DISCOVER on the wire", "[lwip]")
{
    start_once();
    usize before = s_link.seen.size();
    REQUIRE(dhcp_start(&s_a) == ERR_OK);
    pump(100);
    bool discover = false;
    for (usize index = before; index < s_link.seen.size(); ++index) {
        auto const& frame = s_link.seen[index];
        /* Ethernet (14) + IPv4 (20) + UDP (8) + BOOTP to its options: 0x0800, UDP 68 -> 67, option 53 = 1. */
        if (frame.size() < 14 + 20 + 8 + 240 + 3 || frame[12] != 0x08 || frame[13] != 0x00 || frame[23] != 17)
            continue;
        if (frame[36] != 0 || frame[37] != 67)
            continue;
        u8 const* options = frame.data() + 14 + 20 + 8 + 240;
        if (options[0] == 53 && options[1] == 1 && options[2] == 1)
            discover = true;
    }
    REQUIRE(discover);
    dhcp_release_and_stop(&s_a);
    ip4_addr_t address, mask, gateway;
    IP4_ADDR(&address, 10, 0, 0, 1);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gateway, 10, 0, 0, 254);
    netif_set_addr(&s_a, &address, &mask, &gateway);
}

TEST_CASE("lwIP's pools come from the heap the Task handed it, and an exhausted heap is an error", "[lwip]")
{
    start_once();
    auto inside = [](void const* pointer) {
        auto address = reinterpret_cast<uintptr_t>(pointer);
        auto start = reinterpret_cast<uintptr_t>(s_heap);
        return address >= start && address < start + sizeof(s_heap);
    };
    void* from_heap = mem_malloc(100);
    REQUIRE(inside(from_heap));
    void* from_pool = memp_malloc(MEMP_TCP_PCB);
    REQUIRE(inside(from_pool));
    memp_free(MEMP_TCP_PCB, from_pool);
    mem_free(from_heap);

    std::vector<tcp_pcb*> made;
    for (int index = 0; index < 100000; ++index) {
        tcp_pcb* pcb = tcp_new();
        if (pcb == nullptr)
            break;
        REQUIRE(inside(pcb));
        made.push_back(pcb);
    }
    INFO(made.size() << " PCBs before the heap ran out");
    REQUIRE(made.size() > 16);
    REQUIRE(made.size() < 100000);
    for (auto* pcb : made)
        REQUIRE(tcp_close(pcb) == ERR_OK);
    REQUIRE(tcp_new() != nullptr);
}

TEST_CASE("the port's checksum (LWIP_CHKSUM) is RFC 1071's sum at every length and alignment", "[lwip]")
{
    /* RFC 1071 §3's example: the sum of 0001 f203 f4f5 f6f7 is ddf2. */
    u8 example[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
    REQUIRE(lwip_ntohs(LWIP_CHKSUM(example, sizeof(example))) == 0xddf2);
    /* An IPv4 header whose checksum field (b861) was zeroed: inet_chksum gives the field back in network order. */
    u8 header[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
    u16 field = inet_chksum(header, sizeof(header));
    u8 stored[2];
    std::memcpy(stored, &field, 2);
    REQUIRE(stored[0] == 0xb8);
    REQUIRE(stored[1] == 0x61);

    /* Random bytes: every length to past two segments, at every start within eight bytes. */
    std::vector<u8> bytes(2 * 1460 + 64 + 8);
    for (auto& byte : bytes)
        byte = u8(s_random.next_u32());
    for (usize start = 0; start < 8; ++start) {
        for (usize length = 0; length + start + 8 <= bytes.size(); ++length) {
            if (lwip_ntohs(LWIP_CHKSUM(bytes.data() + start, int(length))) != reference_sum(bytes.data() + start, length))
                FAIL("start " << start << ", length " << length);
        }
    }
    /* Every carry at once: 64 KiB of ones sum to ffff (never 0000), and zeros to 0000. */
    std::vector<u8> ones(65536 + 3, 0xff);
    for (usize length : { usize(65536), usize(65535), usize(65539), usize(1) })
        REQUIRE(lwip_ntohs(LWIP_CHKSUM(ones.data(), int(length))) == reference_sum(ones.data(), length));
    REQUIRE(LWIP_CHKSUM(ones.data(), 65536) == 0xffff);
    std::vector<u8> zeros(4096, 0);
    REQUIRE(LWIP_CHKSUM(zeros.data(), int(zeros.size())) == 0);
}

TEST_CASE("the checksum while copying (LWIP_CHKSUM_COPY) copies exactly the bytes and sums them, at every length and alignment", "[lwip]")
{
    std::vector<u8> source(1460 + 64 + 8);
    for (auto& byte : source)
        byte = u8(s_random.next_u32());
    std::vector<u8> destination(source.size() + 16);
    for (usize from = 0; from < 8; ++from) {
        for (usize to = 0; to < 8; ++to) {
            for (usize length = 0; length + from + 8 <= source.size(); ++length) {
                std::fill(destination.begin(), destination.end(), u8(0xa5));
                u16 sum = LWIP_CHKSUM_COPY(destination.data() + to, source.data() + from, u16_t(length));
                bool summed = lwip_ntohs(sum) == reference_sum(source.data() + from, length);
                bool copied = std::memcmp(destination.data() + to, source.data() + from, length) == 0;
                /* Not a byte before or after the copy is touched. */
                auto untouched = [](u8 byte) { return byte == 0xa5; };
                bool kept = std::all_of(destination.begin(), destination.begin() + long(to), untouched)
                    && std::all_of(destination.begin() + long(to + length), destination.end(), untouched);
                if (!summed || !copied || !kept)
                    FAIL("from " << from << ", to " << to << ", length " << length << ": summed " << summed << ", copied " << copied << ", outside kept " << kept);
            }
        }
    }
    std::vector<u8> ones(65535, 0xff);
    std::vector<u8> copy(65535);
    REQUIRE(LWIP_CHKSUM_COPY(copy.data(), ones.data(), u16_t(65535)) == lwip_htons(u16(reference_sum(ones.data(), 65535))));
}

TEST_CASE("TCP segments summed while copied: odd writes from odd addresses, a split and a retransmission carry right checksums", "[lwip]")
{
    start_once();
    s_tcp_checksums = {};
    ip_addr_t server;
    IP_ADDR4(&server, 10, 0, 0, 2);
    tcp_pcb* listener = tcp_new_ip_type(IPADDR_TYPE_V4);
    REQUIRE(tcp_bind(listener, &server, 11) == ERR_OK);
    tcp_bind_netif(listener, &s_b);
    listener = tcp_listen_with_backlog(listener, 1);
    REQUIRE(listener != nullptr);
    tcp_accept(listener, on_accept);
    Endpoint client;
    tcp_pcb* pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    tcp_bind_netif(pcb, &s_a);
    watch(client, pcb);
    REQUIRE(tcp_connect(pcb, &server, 11, on_connected) == ERR_OK);
    pump(100);
    REQUIRE(client.connected);

    std::vector<u8> source(64 * 1024);
    for (auto& byte : source)
        byte = u8(s_random.next_u32());
    std::vector<u8> expected;
    usize offset = 1;
    auto write = [&](usize length) {
        REQUIRE(tcp_write(pcb, source.data() + offset, u16_t(length), TCP_WRITE_FLAG_COPY) == ERR_OK);
        expected.insert(expected.end(), source.begin() + long(offset), source.begin() + long(offset + length));
        offset += length + 1; /* the next write starts at the other parity */
    };

    /* Writes of odd and even lengths queued before one output: they fill one segment's spare room
       (the first bytes of a write land in the last segment, after bytes summed at another parity) and run over into new ones. */
    for (usize length : { 1, 3, 2, 7, 1459, 1, 1461, 2920, 5, 333, 8, 9 })
        write(length);
    REQUIRE(pcb->unsent != nullptr);
    for (tcp_seg* segment = pcb->unsent; segment != nullptr; segment = segment->next)
        REQUIRE((segment->flags & TF_SEG_DATA_CHECKSUMMED) != 0);
    REQUIRE(tcp_output(pcb) == ERR_OK);
    pump(200);
    REQUIRE(s_accepted.received == expected);

    /* A queued segment split at an odd length: both halves are summed again. */
    write(1001);
    write(4);
    REQUIRE(tcp_split_unsent_seg(pcb, 333) == ERR_OK);
    REQUIRE(pcb->unsent->len == 333);
    REQUIRE(tcp_output(pcb) == ERR_OK);
    pump(200);
    REQUIRE(s_accepted.received == expected);

    /* An odd-length segment lost on the link and sent again by the retransmission timer with the sum it kept. */
    s_lose_from_a = 1;
    write(777);
    REQUIRE(tcp_output(pcb) == ERR_OK);
    pump(100);
    REQUIRE(s_accepted.received.size() < expected.size());
    pump(5000);
    REQUIRE(s_accepted.received == expected);

    INFO(s_tcp_checksums.frames << " TCP frames, " << s_tcp_checksums.data_frames << " with data");
    REQUIRE(s_tcp_checksums.data_frames >= 6);
    REQUIRE(s_tcp_checksums.wrong == 0);
    REQUIRE(tcp_close(pcb) == ERR_OK);
    tcp_abort(s_accepted.pcb);
    s_accepted.pcb = nullptr;
    pump(100);
    REQUIRE(tcp_close(listener) == ERR_OK);
}
