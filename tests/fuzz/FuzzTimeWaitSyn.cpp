/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a received frame handed to netd::Stack::reopen_time_wait, with
 * one connection in TIME_WAIT (10.0.2.15:80, its peer 10.0.2.2:45123, received up to 0x80000000).
 * Nothing is read past the frame (AddressSanitizer), and the pair ends exactly when the frame is,
 * read here on its own, an IPv4 TCP segment (not a later fragment) from the peer to the pair's
 * port with SYN set, ACK and RST clear, and a sequence number past what the pair received.
 */

#include "../services/NetdTestStack.h"
#include <lwip/priv/tcp_priv.h>
#include <lwip/tcp.h>
#include <vectra/Error.h>

using namespace vectra;

namespace {

constexpr u32 received_up_to = 0x80000000u;
constexpr u16 pair_port = 80;
constexpr u16 peer_port = 45123;

tcp_pcb* place_pair()
{
    tcp_pcb* pcb = tcp_new();
    VERIFY(pcb != nullptr);
    IP_ADDR4(&pcb->local_ip, 10, 0, 2, 15);
    IP_ADDR4(&pcb->remote_ip, 10, 0, 2, 2);
    pcb->local_port = pair_port;
    pcb->remote_port = peer_port;
    pcb->rcv_nxt = received_up_to;
    pcb->state = TIME_WAIT;
    TCP_REG(&tcp_tw_pcbs, pcb);
    return pcb;
}

bool still_waiting(tcp_pcb const* pair)
{
    for (tcp_pcb* pcb = tcp_tw_pcbs; pcb != nullptr; pcb = pcb->next) {
        if (pcb == pair)
            return true;
    }
    return false;
}

/* The rule, read from the bytes without netd's parser. */
bool opens_the_pair(u8 const* frame, usize size)
{
    if (size < 14 + 20 || frame[12] != 0x08 || frame[13] != 0x00)
        return false;
    u8 const* ip = frame + 14;
    usize ip_bytes = usize(ip[0] & 0x0f) * 4;
    if ((ip[0] >> 4) != 4 || ip_bytes < 20 || ip[9] != 6 || ((ip[6] & 0x1f) | ip[7]) != 0 || size < 14 + ip_bytes + 20)
        return false;
    u8 const source[4] = { 10, 0, 2, 2 }, destination[4] = { 10, 0, 2, 15 };
    if (__builtin_memcmp(ip + 12, source, 4) != 0 || __builtin_memcmp(ip + 16, destination, 4) != 0)
        return false;
    u8 const* tcp = ip + ip_bytes;
    if (((tcp[0] << 8) | tcp[1]) != peer_port || ((tcp[2] << 8) | tcp[3]) != pair_port || (tcp[13] & 0x16) != 0x02)
        return false;
    u32 sequence = (u32(tcp[4]) << 24) | (u32(tcp[5]) << 16) | (u32(tcp[6]) << 8) | u32(tcp[7]);
    return i32(sequence - received_up_to) > 0;
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    VERIFY(!test::start_netd_stack().is_error());
    static tcp_pcb* pair = place_pair();
    bool ended = netd::Stack::reopen_time_wait(std::span<u8 const>(data, size));
    VERIFY(ended == opens_the_pair(data, size));
    VERIFY(still_waiting(pair) == !ended);
    if (ended)
        pair = place_pair(); /* the ended one was freed */
    return 0;
}
