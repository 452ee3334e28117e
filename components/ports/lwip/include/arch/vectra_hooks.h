/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * lwIP's hooks for Vectra (LWIP_HOOK_FILENAME in lwipopts.h; lwIP includes this file after its own
 * headers in the files that call hooks, so its types are known). Like the hooks of arch/cc.h they are
 * C functions the Task that links lwIP defines (netd, or a test):
 *
 * - vectra_lwip_ipv6_gateway: the next hop for an off-link IPv6 destination leaving `netif` when no
 *   router advertised itself (a static IPv6 gateway), or NULL (lwIP then selects an advertised router);
 * - vectra_lwip_dhcp_option: a DHCP option lwIP itself does not keep (with LWIP_DNS 0, the DNS
 *   servers, option 6), its `length` value bytes at `offset` in `packet`, of a reply of `message_type`;
 * - vectra_lwip_dns_server / vectra_lwip_dns_server_at: with LWIP_DNS 0 lwIP has no dns_setserver,
 *   yet nd6.c hands the DNS servers of a router advertisement's RDNSS option to it (index 0 first for
 *   each advertisement; NULL, or a lifetime of 0, removes one) and reads them back to remove one:
 *   both names are redirected here, to the Task's store of IPv6 DNS servers.
 */

#ifndef VECTRA_LWIP_ARCH_HOOKS_H
#define VECTRA_LWIP_ARCH_HOOKS_H

#include <lwip/ip_addr.h>

#ifdef __cplusplus
extern "C" {
#endif

struct netif;
struct pbuf;

#if LWIP_IPV6
ip6_addr_t const* vectra_lwip_ipv6_gateway(struct netif* netif, ip6_addr_t const* destination);
#endif
#if LWIP_IPV6 && LWIP_ND6_RDNSS_MAX_DNS_SERVERS && !LWIP_DNS
void vectra_lwip_dns_server(unsigned char index, ip_addr_t const* server);
ip_addr_t const* vectra_lwip_dns_server_at(unsigned char index);
#define dns_setserver(index, server) vectra_lwip_dns_server((index), (server))
#define dns_getserver(index) vectra_lwip_dns_server_at((index))
#endif
void vectra_lwip_dhcp_option(struct netif* netif, unsigned char message_type, unsigned char option, unsigned char length,
    struct pbuf* packet, unsigned short offset);

#ifdef __cplusplus
}
#endif

#endif
