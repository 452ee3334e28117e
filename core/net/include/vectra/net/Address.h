/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.socket addresses: making them, and the one check every server and client applies before
 * using one (docs/adr/0024-netd-and-the-socket-protocol.md). One address has one encoding: an IPv4
 * address leaves bytes 4–15 zero, an Unspecified one leaves every byte zero.
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Error.h>
#include <vectra/net/Protocol.h>

namespace vectra::net {

/* Where an address is used: a local one may be Unspecified and port 0; a remote one may be neither. */
enum class AddressRole : u8 {
    Local,
    Remote,
};

[[nodiscard]] Address ipv4(u8 a, u8 b, u8 c, u8 d, u16 port);
[[nodiscard]] Address ipv6(std::array<u8, 16> const& bytes, u16 port);
[[nodiscard]] Address unspecified(u16 port);
/* A dotted-quad IPv4 address (four parts 0–255 without leading zeros) with `port`; InvalidArgument otherwise. */
[[nodiscard]] ErrorOr<Address> parse_ipv4(std::string_view text, u16 port);
/*
 * An IPv6 address in RFC 4291 §2.2's forms 1 and 2 (eight groups of 1–4 hex digits, or fewer around
 * one "::" standing for at least one zero group) with `port`; InvalidArgument otherwise. Form 3 (a
 * dotted quad at the end) and zones (RFC 4007's "%") are refused, as the manifest compiler's "ipv6" format is.
 */
[[nodiscard]] ErrorOr<Address> parse_ipv6(std::string_view text, u16 port);

/* Room for any IPv6 address's text (eight groups of four and seven colons). */
inline constexpr usize ipv6_text_maximum = 39;
/*
 * An IPv6 address's text in RFC 5952's canonical form: lowercase, no leading zeros, the longest run
 * of two or more zero groups (the first of equal runs) as "::"; written into `text`, its length returned.
 */
usize format_ipv6(std::array<u8, 16> const& bytes, std::span<char, ipv6_text_maximum> text);

/*
 * IPv6 address kinds (RFC 4291 §2.5.2, §2.5.3, §2.5.6, §2.7), on the 16 bytes of an address. One
 * place for them: netd's static configuration and its IPv6 DNS servers (RDNSS, DHCPv6) apply them.
 */
using Ipv6Bytes = std::array<u8, 16>;
/* `::` (all zeros). */
[[nodiscard]] bool is_ipv6_unspecified(Ipv6Bytes const&);
/* `::1`. */
[[nodiscard]] bool is_ipv6_loopback(Ipv6Bytes const&);
/* ff00::/8. */
[[nodiscard]] bool is_ipv6_multicast(Ipv6Bytes const&);
/* fe80::/10: meaningful only with a zone, which core/net's addresses do not carry. */
[[nodiscard]] bool is_ipv6_link_local(Ipv6Bytes const&);

/* `address-unusable` unless the address is canonical and fits its role. */
[[nodiscard]] ErrorOr<void> check_address(Address const&, AddressRole);

[[nodiscard]] constexpr bool operator==(Address const& left, Address const& right)
{
    return left.family == right.family && left.bytes == right.bytes && left.port == right.port;
}

}
