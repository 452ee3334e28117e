/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd_link's IPv4 plan from its configuration (netd/LinkConfiguration.h): the manifest
 * compiler's bytes (tests/tools/test_manifest.py) decoded into DHCP or a static address, the
 * Kconfig fallback, and each refusal of a configuration the compiler's types let through.
 */

#include <catch2/catch.hpp>
#include <cstring>
#include <netd/LinkConfiguration.h>
#include <vectra/Configuration.h>

using namespace vectra;

namespace {

using Quad = std::array<u8, 4>;
using Sixteen = std::array<u8, 16>;

netd::Ipv4Plan fallback() { return netd::static_plan("192.168.1.20", "255.255.255.0", "192.168.1.1").release_value(); }

/* One family's record from its fields' texts. */
template<usize AddressBytes>
netd::AddressConfiguration<AddressBytes> record(std::string_view method, std::optional<std::string_view> address, std::optional<u8> prefix,
    std::optional<std::string_view> gateway)
{
    netd::AddressConfiguration<AddressBytes> family;
    family.method = Utf8String<6>::try_from(method).release_value();
    if (address)
        family.address = Utf8String<AddressBytes>::try_from(*address).release_value();
    family.prefix = prefix;
    if (gateway)
        family.gateway = Utf8String<AddressBytes>::try_from(*gateway).release_value();
    return family;
}

netd::LinkConfiguration configured(std::string_view method, std::optional<std::string_view> address, std::optional<u8> prefix,
    std::optional<std::string_view> gateway)
{
    netd::LinkConfiguration configuration;
    configuration.ipv4 = record<15>(method, address, prefix, gateway);
    return configuration;
}

netd::LinkConfiguration configured6(std::string_view method, std::optional<std::string_view> address, std::optional<u8> prefix,
    std::optional<std::string_view> gateway, std::optional<std::string_view> dns = {})
{
    auto family = record<39>(method, address, prefix, gateway);
    netd::LinkConfiguration configuration;
    configuration.ipv6 = netd::Ipv6Configuration { family.method, family.address, family.prefix, family.gateway, {} };
    if (dns)
        configuration.ipv6->dns = Utf8String<6>::try_from(*dns).release_value();
    return configuration;
}

std::string_view refusal6(netd::LinkConfiguration const& configuration)
{
    auto plan = netd::ipv6_plan_from(configuration);
    REQUIRE(plan.is_error());
    REQUIRE(plan.error().is(ErrorCode::InvalidArgument));
    return plan.error().message();
}

std::string_view refusal(netd::LinkConfiguration const& configuration)
{
    auto plan = netd::plan_from(configuration, fallback());
    REQUIRE(plan.is_error());
    REQUIRE(plan.error().is(ErrorCode::InvalidArgument));
    return plan.error().message();
}

}

TEST_CASE("netd_link's configuration: the compiler's bytes for dhcp, static and none", "[netd]")
{
    /* {"ipv4": {"method": "dhcp"}} */
    u8 const dhcp[] = { 0x03, 0x00, 0x0d, 0x00, 0x00, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 'd', 'h', 'c', 'p', 0x00, 0x00, 0x00, 0x00 };
    auto planned = netd::plan_from(std::span<u8 const>(dhcp), fallback());
    REQUIRE(!planned.is_error());
    REQUIRE(planned.value().ipv4.dhcp);
    REQUIRE(planned.value().ipv4.address == Quad {});
    REQUIRE(planned.value().ipv6.method == netd::Ipv6Method::LinkLocalOnly);

    /* {"ipv4": {"method": "static", "address": "10.0.2.15", "prefix": 24, "gateway": "10.0.2.2"}} */
    u8 const fixed[] = { 0x03, 0x00, 0x29, 0x00, 0x00, 0x00, 0x01, 0x06, 0x00, 0x00, 0x00, 's', 't', 'a', 't', 'i', 'c', 0x01, 0x09,
        0x00, 0x00, 0x00, '1', '0', '.', '0', '.', '2', '.', '1', '5', 0x01, 24, 0x01, 0x08, 0x00, 0x00, 0x00, '1', '0', '.', '0', '.',
        '2', '.', '2', 0x00 };
    planned = netd::plan_from(std::span<u8 const>(fixed), fallback());
    REQUIRE(!planned.is_error());
    auto plan = planned.value().ipv4;
    REQUIRE(!plan.dhcp);
    REQUIRE(plan.address == Quad { 10, 0, 2, 15 });
    REQUIRE(plan.netmask == Quad { 255, 255, 255, 0 });
    REQUIRE(plan.gateway == Quad { 10, 0, 2, 2 });

    /* {}: Kconfig's static address, IPv6 link-local only. */
    u8 const none[] = { 0x03, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00 };
    planned = netd::plan_from(std::span<u8 const>(none), fallback());
    REQUIRE(!planned.is_error());
    REQUIRE(!planned.value().ipv4.dhcp);
    REQUIRE(planned.value().ipv4.address == Quad { 192, 168, 1, 20 });
    REQUIRE(planned.value().ipv6.method == netd::Ipv6Method::LinkLocalOnly);

    /* {"ipv6": {"method": "slaac"}} */
    u8 const slaac[] = { 0x03, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x01, 0x05, 0x00, 0x00, 0x00, 's', 'l', 'a', 'a', 'c', 0x00, 0x00, 0x00, 0x00 };
    planned = netd::plan_from(std::span<u8 const>(slaac), fallback());
    REQUIRE(!planned.is_error());
    REQUIRE(planned.value().ipv6.method == netd::Ipv6Method::Slaac);
    REQUIRE(planned.value().ipv4.address == Quad { 192, 168, 1, 20 });

    /* {"ipv6": {"method": "static", "address": "fd00::15", "prefix": 64, "gateway": "fe80::2"}} */
    u8 const fixed6[] = { 0x03, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x01, 0x06, 0x00, 0x00, 0x00, 's', 't', 'a', 't', 'i', 'c', 0x01, 0x08,
        0x00, 0x00, 0x00, 'f', 'd', '0', '0', ':', ':', '1', '5', 0x01, 64, 0x01, 0x07, 0x00, 0x00, 0x00, 'f', 'e', '8', '0', ':', ':', '2', 0x00 };
    planned = netd::plan_from(std::span<u8 const>(fixed6), fallback());
    REQUIRE(!planned.is_error());
    REQUIRE(planned.value().ipv6.method == netd::Ipv6Method::Static);
    REQUIRE(planned.value().ipv6.dns == netd::Ipv6DnsMethod::None);
    REQUIRE(planned.value().ipv6.prefix == 64);
    REQUIRE(planned.value().ipv6.address == Sixteen { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15 });
    REQUIRE(planned.value().ipv6.gateway == Sixteen { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 });
    for (usize length = 0; length < sizeof(fixed6); ++length)
        REQUIRE(netd::plan_from(std::span<u8 const>(fixed6, length), fallback()).error().is(ErrorCode::MalformedMessage));

    /* Version 3: {"ipv6": {"method": "slaac", "dns": "dhcpv6"}} and {"ipv6": {"method": "slaac", "dns": "rdnss"}} */
    u8 const dhcpv6[] = { 0x03, 0x00, 0x19, 0x00, 0x00, 0x00, 0x00, 0x01, 0x05, 0x00, 0x00, 0x00, 's', 'l', 'a', 'a', 'c', 0x00, 0x00, 0x00,
        0x01, 0x06, 0x00, 0x00, 0x00, 'd', 'h', 'c', 'p', 'v', '6' };
    planned = netd::plan_from(std::span<u8 const>(dhcpv6), fallback());
    REQUIRE(!planned.is_error());
    REQUIRE(planned.value().ipv6.method == netd::Ipv6Method::Slaac);
    REQUIRE(planned.value().ipv6.dns == netd::Ipv6DnsMethod::Dhcpv6);
    u8 const rdnss[] = { 0x03, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0x01, 0x05, 0x00, 0x00, 0x00, 's', 'l', 'a', 'a', 'c', 0x00, 0x00, 0x00,
        0x01, 0x05, 0x00, 0x00, 0x00, 'r', 'd', 'n', 's', 's' };
    planned = netd::plan_from(std::span<u8 const>(rdnss), fallback());
    REQUIRE(!planned.is_error());
    REQUIRE(planned.value().ipv6.dns == netd::Ipv6DnsMethod::Rdnss);
    /* Version 2's bytes (no "dns") are not version 3's: refused by the decoder, never half read. */
    u8 const version_two_slaac[] = { 0x02, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x01, 0x05, 0x00, 0x00, 0x00, 's', 'l', 'a', 'a', 'c', 0x00, 0x00, 0x00 };
    REQUIRE(netd::plan_from(std::span<u8 const>(version_two_slaac), fallback()).is_error());

    /* Cut short anywhere, or a string longer than declared: the decoder's error, never a plan. */
    for (usize length = 0; length < sizeof(fixed); ++length)
        REQUIRE(netd::plan_from(std::span<u8 const>(fixed, length), fallback()).error().is(ErrorCode::MalformedMessage));
    u8 long_method[sizeof(fixed)];
    memcpy(long_method, fixed, sizeof(fixed));
    long_method[7] = 7;
    REQUIRE(netd::plan_from(std::span<u8 const>(long_method), fallback()).is_error());
}

TEST_CASE("netd_link's configuration: prefixes become netmasks, a gateway is optional", "[netd]")
{
    auto plan = netd::plan_from(configured("static", "172.16.5.4", 12, std::nullopt), fallback()).release_value();
    REQUIRE(plan.netmask == Quad { 255, 240, 0, 0 });
    REQUIRE(plan.gateway == Quad {});
    plan = netd::plan_from(configured("static", "10.9.8.7", 32, std::nullopt), fallback()).release_value();
    REQUIRE(plan.netmask == Quad { 255, 255, 255, 255 });
    plan = netd::plan_from(configured("static", "10.9.8.7", 31, "10.9.8.6"), fallback()).release_value();
    REQUIRE(plan.netmask == Quad { 255, 255, 255, 254 });
    REQUIRE(netd::prefix_of(Quad { 255, 255, 255, 0 }).value() == 24);
    REQUIRE(netd::prefix_of(Quad { 0, 0, 0, 0 }).value() == 0);
    REQUIRE(netd::prefix_of(Quad { 255, 255, 255, 255 }).value() == 32);
    REQUIRE(netd::prefix_of(Quad { 255, 0, 255, 0 }).is_error());
}

TEST_CASE("netd_link refuses IPv4 settings the compiler's types let through, each with its own message", "[netd][attack]")
{
    CHECK(refusal(configured("dhcp", "10.0.2.15", std::nullopt, std::nullopt)) == "IPv4 by DHCP takes no address, prefix or gateway");
    CHECK(refusal(configured("dhcp", std::nullopt, 24, std::nullopt)) == "IPv4 by DHCP takes no address, prefix or gateway");
    CHECK(refusal(configured("dhcp", std::nullopt, std::nullopt, "10.0.2.2")) == "IPv4 by DHCP takes no address, prefix or gateway");
    CHECK(refusal(configured("bootp", std::nullopt, std::nullopt, std::nullopt)) == "the IPv4 method is neither dhcp nor static");
    CHECK(refusal(configured("static", std::nullopt, 24, std::nullopt)) == "a static IPv4 address needs its address and prefix");
    CHECK(refusal(configured("static", "10.0.2.15", std::nullopt, std::nullopt)) == "a static IPv4 address needs its address and prefix");
    CHECK(refusal(configured("static", "10.0.2.15", 0, std::nullopt)) == "the IPv4 prefix is not 1 to 32");
    CHECK(refusal(configured("static", "10.0.2.15", 33, std::nullopt)) == "the IPv4 prefix is not 1 to 32");
    CHECK(refusal(configured("static", "10.0.2.256", 24, std::nullopt)) == "the IPv4 address is not a dotted quad");
    CHECK(refusal(configured("static", "10.0.02.15", 24, std::nullopt)) == "the IPv4 address is not a dotted quad");
    CHECK(refusal(configured("static", "10.0.2.15", 24, "router")) == "the IPv4 gateway is not a dotted quad");
    for (auto address : { "0.0.0.0", "127.0.0.1", "224.0.0.1", "255.255.255.255" })
        CHECK(refusal(configured("static", address, 8, std::nullopt)) == "the IPv4 address is not one an interface can hold");
    CHECK(refusal(configured("static", "10.0.2.0", 24, std::nullopt)) == "the IPv4 address is its subnet's network or broadcast address");
    CHECK(refusal(configured("static", "10.0.2.255", 24, std::nullopt)) == "the IPv4 address is its subnet's network or broadcast address");
    CHECK(refusal(configured("static", "10.0.2.15", 24, "10.0.3.1")) == "the IPv4 gateway is not another address of the interface's subnet");
    CHECK(refusal(configured("static", "10.0.2.15", 24, "10.0.2.15")) == "the IPv4 gateway is not another address of the interface's subnet");
}

TEST_CASE("netd_link's Kconfig fallback is checked as a static configuration is", "[netd][attack]")
{
    REQUIRE(!netd::static_plan("10.0.2.15", "255.255.255.0", "10.0.2.2").is_error());
    REQUIRE(netd::static_plan("10.0.2", "255.255.255.0", "10.0.2.2").error().message() == std::string_view("the IPv4 address is not a dotted quad"));
    REQUIRE(netd::static_plan("10.0.2.15", "255.0.255.0", "10.0.2.2").error().message()
        == std::string_view("the IPv4 netmask's ones are not contiguous"));
    REQUIRE(netd::static_plan("10.0.2.15", "255.255.255.0", "").error().message() == std::string_view("the IPv4 gateway is not a dotted quad"));
}

TEST_CASE("netd_link's IPv6: a static address without a gateway, and one through a gateway in its /64", "[netd]")
{
    auto plan = netd::ipv6_plan_from(configured6("static", "2001:db8:1:2::7", 64, std::nullopt)).release_value();
    REQUIRE(plan.method == netd::Ipv6Method::Static);
    REQUIRE(plan.gateway == Sixteen {});
    plan = netd::ipv6_plan_from(configured6("static", "2001:db8:1:2::7", 64, "2001:db8:1:2::1")).release_value();
    REQUIRE(plan.gateway == Sixteen { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1 });
    REQUIRE(netd::ipv6_plan_from(netd::LinkConfiguration {}).value().method == netd::Ipv6Method::LinkLocalOnly);
}

TEST_CASE("netd_link refuses IPv6 settings the compiler's types let through, each with its own message", "[netd][attack]")
{
    CHECK(refusal6(configured6("slaac", "fd00::15", std::nullopt, std::nullopt)) == "IPv6 by SLAAC takes no address, prefix or gateway");
    CHECK(refusal6(configured6("slaac", std::nullopt, 64, std::nullopt)) == "IPv6 by SLAAC takes no address, prefix or gateway");
    CHECK(refusal6(configured6("slaac", std::nullopt, std::nullopt, "fe80::2")) == "IPv6 by SLAAC takes no address, prefix or gateway");
    CHECK(refusal6(configured6("dhcp", std::nullopt, std::nullopt, std::nullopt)) == "the IPv6 method is neither slaac nor static");
    CHECK(refusal6(configured6("static", std::nullopt, 64, std::nullopt)) == "a static IPv6 address needs its address and prefix");
    CHECK(refusal6(configured6("static", "fd00::15", std::nullopt, std::nullopt)) == "a static IPv6 address needs its address and prefix");
    for (u8 prefix : { 0, 1, 48, 63, 65, 128, 255 })
        CHECK(refusal6(configured6("static", "fd00::15", prefix, std::nullopt))
            == "the IPv6 prefix is not 64 (lwIP holds a static address's subnet as its /64)");
    CHECK(refusal6(configured6("static", "fd00::1::5", 64, std::nullopt)) == "the IPv6 address is not in RFC 4291's text form");
    CHECK(refusal6(configured6("static", "10.0.2.15", 64, std::nullopt)) == "the IPv6 address is not in RFC 4291's text form");
    for (auto address : { "::", "::1", "ff02::1", "ff05::2" })
        CHECK(refusal6(configured6("static", address, 64, std::nullopt)) == "the IPv6 address is not one an interface can hold");
    for (auto address : { "fe80::15", "febf::1" })
        CHECK(refusal6(configured6("static", address, 64, std::nullopt))
            == "the static IPv6 address is link-local (the link-local address is made from the MAC)");
    CHECK(refusal6(configured6("static", "fd00::15", 64, "router")) == "the IPv6 gateway is not in RFC 4291's text form");
    for (auto gateway : { "fd00:0:0:1::1", "2001:db8::1", "fd00::15", "::", "::1", "ff02::2" })
        CHECK(refusal6(configured6("static", "fd00::15", 64, gateway))
            == "the IPv6 gateway is not another address of the link (link-local, or in the address's /64)");
    for (auto dns : { "dhcp", "RDNSS", "", "slaac" })
        CHECK(refusal6(configured6("slaac", std::nullopt, std::nullopt, std::nullopt, dns))
            == "the IPv6 DNS servers' source is neither rdnss nor dhcpv6");
    CHECK(refusal6(configured6("static", "fd00::15", 64, std::nullopt, "dhcp")) == "the IPv6 DNS servers' source is neither rdnss nor dhcpv6");
}

TEST_CASE("netd_link's IPv6 DNS servers come from RDNSS or DHCPv6 with either method, or from nowhere", "[netd]")
{
    REQUIRE(netd::ipv6_plan_from(configured6("slaac", std::nullopt, std::nullopt, std::nullopt)).value().dns == netd::Ipv6DnsMethod::None);
    REQUIRE(netd::ipv6_plan_from(configured6("slaac", std::nullopt, std::nullopt, std::nullopt, "rdnss")).value().dns
        == netd::Ipv6DnsMethod::Rdnss);
    auto fixed = netd::ipv6_plan_from(configured6("static", "fd00::15", 64, "fe80::2", "dhcpv6")).release_value();
    REQUIRE(fixed.method == netd::Ipv6Method::Static);
    REQUIRE(fixed.dns == netd::Ipv6DnsMethod::Dhcpv6);
    REQUIRE(netd::ipv6_plan_from(netd::LinkConfiguration {}).value().dns == netd::Ipv6DnsMethod::None);
}
