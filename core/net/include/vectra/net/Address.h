/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.socket addresses: making them, and the one check every server and client applies before
 * using one (docs/adr/0024-netd-and-the-socket-protocol.md). One address has one encoding: an IPv4
 * address leaves bytes 4–15 zero, an Unspecified one leaves every byte zero.
 */

#pragma once

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

/* `address-unusable` unless the address is canonical and fits its role. */
[[nodiscard]] ErrorOr<void> check_address(Address const&, AddressRole);

[[nodiscard]] constexpr bool operator==(Address const& left, Address const& right)
{
    return left.family == right.family && left.bytes == right.bytes && left.port == right.port;
}

}
