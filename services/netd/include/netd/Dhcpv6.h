/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Stateless DHCPv6's two messages (RFC 8415 §18.2.6, RFC 3646): the Information-request netd sends
 * for the link's DNS servers, and the Reply it takes them from. netd's own, not lwIP's dhcp6.c:
 * lwIP 2.1.3 asks a DHCPv6 server for DNS servers only with LWIP_DNS (its resolver) compiled in, and
 * its hook for options it does not keep does not compile (ADR 0029, amendment "IPv6 DNS servers").
 *
 * The reply is untrusted bytes from the link: it is taken only whole — message type Reply, the
 * request's transaction id, every option inside the message, the DNS servers' option a non-zero
 * multiple of 16 bytes and at most once, no Status Code other than Success — else refused with one
 * error each (the request keeps waiting for a good reply). Its servers are the first
 * Ipv6NameServers::capacity addresses, in order; which of them netd can use is the store's rule.
 */

#pragma once

#include <array>
#include <span>
#include <vectra/BoundedVector.h>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra::netd::dhcpv6 {

inline constexpr u16 client_port = 546;
inline constexpr u16 server_port = 547;
inline constexpr u8 reply = 7;
inline constexpr u8 information_request = 11;
inline constexpr u16 option_client_id = 1;
inline constexpr u16 option_request = 6;
inline constexpr u16 option_elapsed_time = 8;
inline constexpr u16 option_status_code = 13;
inline constexpr u16 option_dns_servers = 23;
/* The Information-request's bytes: header, Client Identifier (DUID-LL of the MAC), ORO (23), Elapsed Time. */
inline constexpr usize request_bytes = 4 + (4 + 10) + (4 + 2) + (4 + 2);
inline constexpr usize maximum_servers = 3;

/* A transaction id: 24 bits. */
[[nodiscard]] constexpr u32 transaction_id_of(u32 random) { return random & 0xff'ffff; }

/* The Information-request for transaction `id` from the link with `mac`, `elapsed_centiseconds` since the first try (capped at 0xffff). */
[[nodiscard]] std::array<u8, request_bytes> information_request_for(u32 id, std::array<u8, 6> const& mac, u32 elapsed_centiseconds);

struct ReplyServers {
    BoundedVector<std::array<u8, 16>, maximum_servers> servers; /* none: the reply names none */
    usize left_out { 0 };                                       /* servers past maximum_servers */
};

/* The DNS servers of a Reply to transaction `id`, or why it is refused. */
[[nodiscard]] ErrorOr<ReplyServers> parse_reply(std::span<u8 const> message, u32 id);

}
