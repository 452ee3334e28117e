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
 */

#pragma once

#include <array>
#include <optional>
#include <span>
#include <vectra/Error.h>
#include <vectra/Utf8String.h>
#include <vectra/encoding/Describe.h>

namespace vectra::netd {

/* The configuration netd_link.footprint.json declares (held to it by a static_assert in LinkMain.cpp). */
struct Ipv4Configuration {
    Utf8String<6> method;
    std::optional<Utf8String<15>> address;
    std::optional<u8> prefix;
    std::optional<Utf8String<15>> gateway;

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("method", &Ipv4Configuration::method), vectra::field("address", &Ipv4Configuration::address),
            vectra::field("prefix", &Ipv4Configuration::prefix), vectra::field("gateway", &Ipv4Configuration::gateway));
    }
};

struct LinkConfiguration {
    static constexpr u16 version = 1;
    std::optional<Ipv4Configuration> ipv4;

    static constexpr auto fields() { return vectra::fields(vectra::field("ipv4", &LinkConfiguration::ipv4)); }
};

/* What the link interface does for IPv4: ask DHCP, or take address, netmask and gateway (all zero: none). */
struct Ipv4Plan {
    bool dhcp { false };
    std::array<u8, 4> address {};
    std::array<u8, 4> netmask {};
    std::array<u8, 4> gateway {};
};

/* The static plan of three dotted quads (Kconfig's CONFIG_NETD_LINK_ADDRESS/NETMASK/GATEWAY). */
[[nodiscard]] ErrorOr<Ipv4Plan> static_plan(std::string_view address, std::string_view netmask, std::string_view gateway);
/* The plan a decoded configuration asks for; `fallback` when it has no "ipv4". */
[[nodiscard]] ErrorOr<Ipv4Plan> plan_from(LinkConfiguration const&, Ipv4Plan const& fallback);
/* Decodes the configuration's bytes (the `config` slot's message) and plans from them. */
[[nodiscard]] ErrorOr<Ipv4Plan> plan_from(std::span<u8 const> bytes, Ipv4Plan const& fallback);
/* The prefix length of a netmask, or an error when its ones are not contiguous. */
[[nodiscard]] ErrorOr<u8> prefix_of(std::array<u8, 4> const& netmask);

}
