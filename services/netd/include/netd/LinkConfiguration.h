/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The link interface's IPv4 address from netd_link's configuration (ADR 0037: the boot manifest's
 * "config", declared in netd_link.footprint.json; ADR 0029, amendment 2026-12-06):
 * {"ipv4": {"method": "dhcp"}} asks lwIP's DHCP client, {"ipv4": {"method": "static", "address":
 * "10.0.2.15", "prefix": 24, "gateway": "10.0.2.2"}} sets one (the gateway optional); without
 * "ipv4" the static address from Kconfig is used. The manifest compiler checks the types, the
 * method's spelling and each dotted quad; netd checks them again and the rules between fields,
 * each refusal a distinct message.
 *
 * IPv6 (ADR 0029, amendment "IPv6 from the manifest"): the link-local address is always made;
 * {"ipv6": {"method": "slaac"}} adds addresses from routers' advertisements (lwIP's autoconfiguration),
 * {"ipv6": {"method": "static", "address": "fd00::15", "prefix": 64, "gateway": "fe80::2"}} one
 * address (the gateway optional); without "ipv6", link-local only. Either method may add "dns":
 * "rdnss" (the servers routers advertise, RFC 8106) or "dhcpv6" (a stateless DHCPv6 Information-request,
 * RFC 8415 §18.2.6); without it the link takes no IPv6 DNS servers (configuration version 3).
 */

#pragma once

#include <array>
#include <optional>
#include <span>
#include <vectra/Error.h>
#include <vectra/Utf8String.h>
#include <vectra/encoding/Describe.h>

namespace vectra::netd {

/*
 * One family's record of the configuration netd_link.footprint.json declares (held to it by a
 * static_assert in LinkMain.cpp): a method, and the static method's address, prefix and gateway,
 * each address text at most `AddressBytes` long (15: a dotted quad; 39: IPv6's longest text).
 */
template<usize AddressBytes>
struct AddressConfiguration {
    Utf8String<6> method;
    std::optional<Utf8String<AddressBytes>> address;
    std::optional<u8> prefix;
    std::optional<Utf8String<AddressBytes>> gateway;

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("method", &AddressConfiguration::method), vectra::field("address", &AddressConfiguration::address),
            vectra::field("prefix", &AddressConfiguration::prefix), vectra::field("gateway", &AddressConfiguration::gateway));
    }
};

using Ipv4Configuration = AddressConfiguration<15>;

/* IPv6's record: the same fields, and where the link's IPv6 DNS servers come from ("rdnss", "dhcpv6"; none: nowhere). */
struct Ipv6Configuration {
    Utf8String<6> method;
    std::optional<Utf8String<39>> address;
    std::optional<u8> prefix;
    std::optional<Utf8String<39>> gateway;
    std::optional<Utf8String<6>> dns;

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("method", &Ipv6Configuration::method), vectra::field("address", &Ipv6Configuration::address),
            vectra::field("prefix", &Ipv6Configuration::prefix), vectra::field("gateway", &Ipv6Configuration::gateway),
            vectra::field("dns", &Ipv6Configuration::dns));
    }
};

struct LinkConfiguration {
    static constexpr u16 version = 3;
    std::optional<Ipv4Configuration> ipv4;
    std::optional<Ipv6Configuration> ipv6;

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("ipv4", &LinkConfiguration::ipv4), vectra::field("ipv6", &LinkConfiguration::ipv6));
    }
};

/* What the link interface does for IPv4: ask DHCP, or take address, netmask and gateway (all zero: none). */
struct Ipv4Plan {
    bool dhcp { false };
    std::array<u8, 4> address {};
    std::array<u8, 4> netmask {};
    std::array<u8, 4> gateway {};
};

/* What the link interface does for IPv6 beside its link-local address. */
enum class Ipv6Method : u8 {
    LinkLocalOnly,
    Slaac,
    Static,
};

/* Where the link's IPv6 DNS servers come from (netd/Ipv6NameServers.h). */
enum class Ipv6DnsMethod : u8 {
    None,
    Rdnss,
    Dhcpv6,
};

struct Ipv6Plan {
    Ipv6Method method { Ipv6Method::LinkLocalOnly };
    Ipv6DnsMethod dns { Ipv6DnsMethod::None };
    std::array<u8, 16> address {}; /* Static only */
    u8 prefix { 0 };                /* Static only: 64 */
    std::array<u8, 16> gateway {};  /* Static only; all zero: none */
};

/* The static plan of three dotted quads (Kconfig's CONFIG_NETD_LINK_ADDRESS/NETMASK/GATEWAY). */
[[nodiscard]] ErrorOr<Ipv4Plan> static_plan(std::string_view address, std::string_view netmask, std::string_view gateway);
/* The plan a decoded configuration asks for; `fallback` when it has no "ipv4". */
[[nodiscard]] ErrorOr<Ipv4Plan> plan_from(LinkConfiguration const&, Ipv4Plan const& fallback);
/* The IPv6 plan a decoded configuration asks for; link-local only when it has no "ipv6". */
[[nodiscard]] ErrorOr<Ipv6Plan> ipv6_plan_from(LinkConfiguration const&);

/* Both families' plans. */
struct LinkPlan {
    Ipv4Plan ipv4;
    Ipv6Plan ipv6;
};
/* Decodes the configuration's bytes (the `config` slot's message) and plans from them. */
[[nodiscard]] ErrorOr<LinkPlan> plan_from(std::span<u8 const> bytes, Ipv4Plan const& fallback);
/* The prefix length of a netmask, or an error when its ones are not contiguous. */
[[nodiscard]] ErrorOr<u8> prefix_of(std::array<u8, 4> const& netmask);

}
