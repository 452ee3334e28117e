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
 *   servers, option 6), its `length` value bytes at `offset` in `packet`, of a reply of `message_type`.
 */

#ifndef VECTRA_LWIP_ARCH_HOOKS_H
#define VECTRA_LWIP_ARCH_HOOKS_H

#include <lwip/ip6_addr.h>

#ifdef __cplusplus
extern "C" {
#endif

struct netif;
struct pbuf;

#if LWIP_IPV6
ip6_addr_t const* vectra_lwip_ipv6_gateway(struct netif* netif, ip6_addr_t const* destination);
#endif
void vectra_lwip_dhcp_option(struct netif* netif, unsigned char message_type, unsigned char option, unsigned char length,
    struct pbuf* packet, unsigned short offset);

#ifdef __cplusplus
}
#endif

#endif
