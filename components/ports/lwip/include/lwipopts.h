/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * How lwIP is built for Vectra, the only place it is configured (docs/adr/0024): the raw API in one
 * Task (NO_SYS, no threads, no locking), IPv4 with DHCP, IPv6, TCP, UDP, Ethernet framing. Memory:
 * no C-library allocator (MEM_LIBC_MALLOC=0) and no static pools (MEMP_MEM_MALLOC=1: every pool
 * object comes from lwIP's heap), and the heap is not a static array either: LWIP_RAM_HEAP_POINTER
 * is `vectra_lwip_heap`, which the linking Task points at VECTRA_LWIP_HEAP_BYTES of its own memory
 * (a carve of its Reticle) before lwip_init(). `sys_now` is the Task's monotonic clock in ms.
 */

#ifndef VECTRA_LWIPOPTS_H
#define VECTRA_LWIPOPTS_H

#include <vectra/config.h>

#ifdef __cplusplus
extern "C" {
#endif
/* The heap lwIP runs on (VECTRA_LWIP_HEAP_BYTES, 8-byte aligned), set by the linking Task before lwip_init(). */
extern unsigned char* vectra_lwip_heap;
#ifdef __cplusplus
}
#endif

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_TIMERS 1
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_STATS 0

#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8
#define MEM_SIZE (CONFIG_PORT_LWIP_HEAP_KIB * 1024)
#define LWIP_RAM_HEAP_POINTER vectra_lwip_heap
/* MEM_SIZE plus lwIP's two heap-end records (struct mem, aligned: 16 bytes each), rounded up. */
#define VECTRA_LWIP_HEAP_BYTES (MEM_SIZE + 64)

#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_DHCP 1
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0 /* dnsd resolves names (issue 12) */
/*
 * IPv6 DNS servers from routers' advertisements (RDNSS, RFC 8106): nd6.c parses the option and
 * hands each server to dns_setserver, which with LWIP_DNS 0 is netd's hook (arch/vectra_hooks.h),
 * at most DNS_MAX_SERVERS of an advertisement (vectra.socket's maximum_name_servers).
 */
#define DNS_MAX_SERVERS 3
#define LWIP_ND6_RDNSS_MAX_DNS_SERVERS 3
#define LWIP_IPV6_MLD 1
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_IPV6_DHCP6 0
#define LWIP_IPV6_FRAG 1
#define LWIP_IPV6_REASS 1
/* On 64-bit, lwIP's fragment bookkeeping does not fit inside the IPv6 header it overlays. */
#define IPV6_FRAG_COPYHEADER 1
#define IP_REASSEMBLY 1
#define IP_FRAG 1

/*
 * The Internet checksum, ours (src/Checksum.c): eight bytes per load instead of lwIP's two, and
 * summed while tcp_write copies the bytes into a segment (LWIP_CHECKSUM_ON_COPY: each segment
 * keeps its data's sum, so tcp_output_segment sums only the header and a retransmission reuses it).
 */
#ifdef __cplusplus
extern "C" {
#endif
unsigned short vectra_lwip_checksum(void const* data, int length);
unsigned short vectra_lwip_checksum_copy(void* destination, void const* source, unsigned short length);
#ifdef __cplusplus
}
#endif
#define LWIP_CHKSUM vectra_lwip_checksum
#define LWIP_CHECKSUM_ON_COPY 1
#define LWIP_CHKSUM_COPY(destination, source, length) vectra_lwip_checksum_copy((destination), (source), (length))

#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define TCP_MSS 1460
/* Kconfig (PORT_LWIP_TCP_WINDOW_SEGMENTS, PORT_LWIP_TCP_SEND_SEGMENTS): at most 44 segments each, no window scaling. */
#define TCP_WND (CONFIG_PORT_LWIP_TCP_WINDOW_SEGMENTS * TCP_MSS)
#define TCP_SND_BUF (CONFIG_PORT_LWIP_TCP_SEND_SEGMENTS * TCP_MSS)
#define TCP_SND_QUEUELEN ((4 * (TCP_SND_BUF) + (TCP_MSS - 1)) / (TCP_MSS))
#define TCP_LISTEN_BACKLOG 1
#define LWIP_TCP_KEEPALIVE 1
#define TCP_QUEUE_OOSEQ 1

#define MEMP_NUM_TCP_PCB 64
#define MEMP_NUM_TCP_PCB_LISTEN 16
#define MEMP_NUM_UDP_PCB 32
#define MEMP_NUM_TCP_SEG 256
#define MEMP_NUM_PBUF 64
#define PBUF_POOL_SIZE 64
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 4)

/* A loopback interface (127.0.0.1, ::1), its packets delivered by netif_poll_all() in the Task's loop. */
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_LOOPBACK_MAX_PBUFS 64
#define LWIP_SINGLE_NETIF 0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1

/* Hooks the linking Task defines (arch/vectra_hooks.h): a static IPv6 gateway, and DHCP's DNS servers. */
#define LWIP_HOOK_FILENAME "arch/vectra_hooks.h"
#define LWIP_HOOK_ND6_GET_GW(netif, destination) vectra_lwip_ipv6_gateway((netif), (destination))
#define LWIP_HOOK_DHCP_PARSE_OPTION(netif, dhcp, state, message, message_type, option, length, packet, offset) \
    vectra_lwip_dhcp_option((netif), (message_type), (option), (length), (packet), (offset))

/*
 * The timeout list's head (sys_timeouts_get_next_timeout) and lwip_cyclic_timer reachable: netd,
 * restarted by its supervisor in the same image, drops what the ended instance left in lwIP's
 * global state before lwip_init() (services/netd/src/Stack.cpp). Nothing else in 2.1.3 changes.
 */
#define LWIP_TESTMODE 1

#endif
