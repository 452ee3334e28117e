/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <netd/LinkConfiguration.h>
#include <vectra/Configuration.h>
#include <vectra/Try.h>
#include <vectra/net/Address.h>

namespace vectra::netd {

namespace {

ErrorOr<std::array<u8, 4>> quad(std::string_view text, char const* refusal)
{
    auto parsed = net::parse_ipv4(text, 1);
    if (parsed.is_error())
        return Error(ErrorCode::InvalidArgument, refusal);
    return std::array<u8, 4> { parsed.value().bytes[0], parsed.value().bytes[1], parsed.value().bytes[2], parsed.value().bytes[3] };
}

u32 word(std::array<u8, 4> const& bytes) { return (u32(bytes[0]) << 24) | (u32(bytes[1]) << 16) | (u32(bytes[2]) << 8) | u32(bytes[3]); }

std::array<u8, 4> bytes_of(u32 value) { return { u8(value >> 24), u8(value >> 16), u8(value >> 8), u8(value) }; }

ErrorOr<Ipv4Plan> checked(Ipv4Plan plan)
{
    u32 address = word(plan.address);
    u32 netmask = word(plan.netmask);
    u32 gateway = word(plan.gateway);
    if (address == 0 || (address >> 24) == 127 || (address >> 28) >= 14)
        return Error(ErrorCode::InvalidArgument, "the IPv4 address is not one an interface can hold");
    if (netmask != 0xffff'ffff && netmask != 0xffff'fffe && ((address & ~netmask) == 0 || (address | netmask) == 0xffff'ffff))
        return Error(ErrorCode::InvalidArgument, "the IPv4 address is its subnet's network or broadcast address");
    if (gateway != 0 && ((gateway & netmask) != (address & netmask) || gateway == address))
        return Error(ErrorCode::InvalidArgument, "the IPv4 gateway is not another address of the interface's subnet");
    return plan;
}

}

ErrorOr<u8> prefix_of(std::array<u8, 4> const& netmask)
{
    u32 mask = word(netmask);
    u8 ones = 0;
    while (ones < 32 && (mask & (0x8000'0000u >> ones)) != 0)
        ++ones;
    if (ones < 32 && (mask << ones) != 0)
        return Error(ErrorCode::InvalidArgument, "the IPv4 netmask's ones are not contiguous");
    return ones;
}

ErrorOr<Ipv4Plan> static_plan(std::string_view address, std::string_view netmask, std::string_view gateway)
{
    Ipv4Plan plan;
    plan.address = TRY(quad(address, "the IPv4 address is not a dotted quad"));
    plan.netmask = TRY(quad(netmask, "the IPv4 netmask is not a dotted quad"));
    plan.gateway = TRY(quad(gateway, "the IPv4 gateway is not a dotted quad"));
    TRY(prefix_of(plan.netmask));
    return checked(plan);
}

ErrorOr<Ipv4Plan> plan_from(LinkConfiguration const& configuration, Ipv4Plan const& fallback)
{
    if (!configuration.ipv4.has_value())
        return fallback;
    auto const& ipv4 = *configuration.ipv4;
    Ipv4Plan plan;
    if (ipv4.method.bytes() == "dhcp") {
        if (ipv4.address.has_value() || ipv4.prefix.has_value() || ipv4.gateway.has_value())
            return Error(ErrorCode::InvalidArgument, "IPv4 by DHCP takes no address, prefix or gateway");
        plan.dhcp = true;
        return plan;
    }
    if (ipv4.method.bytes() != "static")
        return Error(ErrorCode::InvalidArgument, "the IPv4 method is neither dhcp nor static");
    if (!ipv4.address.has_value() || !ipv4.prefix.has_value())
        return Error(ErrorCode::InvalidArgument, "a static IPv4 address needs its address and prefix");
    if (*ipv4.prefix == 0 || *ipv4.prefix > 32)
        return Error(ErrorCode::InvalidArgument, "the IPv4 prefix is not 1 to 32");
    plan.address = TRY(quad(ipv4.address->bytes(), "the IPv4 address is not a dotted quad"));
    plan.netmask = bytes_of(u32(0xffff'ffff'0000'0000ull >> *ipv4.prefix));
    if (ipv4.gateway.has_value())
        plan.gateway = TRY(quad(ipv4.gateway->bytes(), "the IPv4 gateway is not a dotted quad"));
    return checked(plan);
}

namespace {

ErrorOr<std::array<u8, 16>> ipv6_bytes(std::string_view text, char const* refusal)
{
    auto parsed = net::parse_ipv6(text, 1);
    if (parsed.is_error())
        return Error(ErrorCode::InvalidArgument, refusal);
    return parsed.value().bytes;
}

bool is_unspecified_or_loopback(std::array<u8, 16> const& bytes) { return net::is_ipv6_unspecified(bytes) || net::is_ipv6_loopback(bytes); }

bool same_subnet_of_64(std::array<u8, 16> const& left, std::array<u8, 16> const& right)
{
    for (usize index = 0; index < 8; ++index) {
        if (left[index] != right[index])
            return false;
    }
    return true;
}

}

static ErrorOr<Ipv6DnsMethod> dns_method_of(Ipv6Configuration const& ipv6)
{
    if (!ipv6.dns.has_value())
        return Ipv6DnsMethod::None;
    if (ipv6.dns->bytes() == "rdnss")
        return Ipv6DnsMethod::Rdnss;
    if (ipv6.dns->bytes() == "dhcpv6")
        return Ipv6DnsMethod::Dhcpv6;
    return Error(ErrorCode::InvalidArgument, "the IPv6 DNS servers' source is neither rdnss nor dhcpv6");
}

ErrorOr<Ipv6Plan> ipv6_plan_from(LinkConfiguration const& configuration)
{
    Ipv6Plan plan;
    if (!configuration.ipv6.has_value())
        return plan;
    auto const& ipv6 = *configuration.ipv6;
    plan.dns = TRY(dns_method_of(ipv6));
    if (ipv6.method.bytes() == "slaac") {
        if (ipv6.address.has_value() || ipv6.prefix.has_value() || ipv6.gateway.has_value())
            return Error(ErrorCode::InvalidArgument, "IPv6 by SLAAC takes no address, prefix or gateway");
        plan.method = Ipv6Method::Slaac;
        return plan;
    }
    if (ipv6.method.bytes() != "static")
        return Error(ErrorCode::InvalidArgument, "the IPv6 method is neither slaac nor static");
    if (!ipv6.address.has_value() || !ipv6.prefix.has_value())
        return Error(ErrorCode::InvalidArgument, "a static IPv6 address needs its address and prefix");
    /* lwIP 2.1 treats a static address's subnet as its /64 (ip6_addr_netcmp): another length would not mean what it says. */
    if (*ipv6.prefix != 64)
        return Error(ErrorCode::InvalidArgument, "the IPv6 prefix is not 64 (lwIP holds a static address's subnet as its /64)");
    plan.method = Ipv6Method::Static;
    plan.prefix = 64;
    plan.address = TRY(ipv6_bytes(ipv6.address->bytes(), "the IPv6 address is not in RFC 4291's text form"));
    if (is_unspecified_or_loopback(plan.address) || net::is_ipv6_multicast(plan.address))
        return Error(ErrorCode::InvalidArgument, "the IPv6 address is not one an interface can hold");
    if (net::is_ipv6_link_local(plan.address))
        return Error(ErrorCode::InvalidArgument, "the static IPv6 address is link-local (the link-local address is made from the MAC)");
    if (ipv6.gateway.has_value()) {
        plan.gateway = TRY(ipv6_bytes(ipv6.gateway->bytes(), "the IPv6 gateway is not in RFC 4291's text form"));
        bool on_link = net::is_ipv6_link_local(plan.gateway) || same_subnet_of_64(plan.gateway, plan.address);
        if (!on_link || plan.gateway == plan.address || is_unspecified_or_loopback(plan.gateway) || net::is_ipv6_multicast(plan.gateway))
            return Error(ErrorCode::InvalidArgument, "the IPv6 gateway is not another address of the link (link-local, or in the address's /64)");
    }
    return plan;
}

ErrorOr<LinkPlan> plan_from(std::span<u8 const> bytes, Ipv4Plan const& fallback)
{
    LinkConfiguration configuration;
    TRY(decode_configuration(bytes, configuration));
    LinkPlan plan;
    plan.ipv4 = TRY(plan_from(configuration, fallback));
    plan.ipv6 = TRY(ipv6_plan_from(configuration));
    return plan;
}

}
