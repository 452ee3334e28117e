/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as netd_link's configuration (netd/LinkConfiguration.h). A plan
 * comes only from a message that decodes; a DHCP plan carries no address, a static one a usable
 * address, a contiguous netmask and no gateway or one inside its subnet; a static IPv6 plan a /64
 * address that is neither multicast nor link-local, its gateway none or on the link; IPv6 DNS servers
 * from RDNSS or DHCPv6 only when the configuration spells one of the two.
 */

#include <algorithm>
#include <netd/LinkConfiguration.h>
#include <vectra/Configuration.h>
#include <vectra/Error.h>

using namespace vectra;

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    std::span<u8 const> bytes(data, size);
    netd::Ipv4Plan fallback;
    fallback.address = { 10, 0, 2, 15 };
    fallback.netmask = { 255, 255, 255, 0 };
    auto planned = netd::plan_from(bytes, fallback);
    if (planned.is_error())
        return 0;
    auto const& ipv6 = planned.value().ipv6;
    if (ipv6.method == netd::Ipv6Method::Static) {
        VERIFY(ipv6.prefix == 64 && ipv6.address[0] != 0xff && !(ipv6.address[0] == 0xfe && (ipv6.address[1] & 0xc0) == 0x80));
        bool gateway_on_link = ipv6.gateway == (std::array<u8, 16> {}) || (ipv6.gateway[0] == 0xfe && (ipv6.gateway[1] & 0xc0) == 0x80)
            || std::equal(ipv6.gateway.begin(), ipv6.gateway.begin() + 8, ipv6.address.begin());
        VERIFY(gateway_on_link && ipv6.gateway != ipv6.address);
    } else {
        VERIFY(ipv6.address == (std::array<u8, 16> {}) && ipv6.gateway == (std::array<u8, 16> {}));
    }
    auto plan = ErrorOr<netd::Ipv4Plan>(planned.value().ipv4);
    netd::LinkConfiguration configuration;
    VERIFY(!decode_configuration(bytes, configuration).is_error());
    /* IPv6 DNS servers only where the configuration names their source, and only its two spellings. */
    bool names_dns = configuration.ipv6.has_value() && configuration.ipv6->dns.has_value();
    VERIFY(names_dns == (ipv6.dns != netd::Ipv6DnsMethod::None));
    if (names_dns)
        VERIFY(configuration.ipv6->dns->bytes() == (ipv6.dns == netd::Ipv6DnsMethod::Rdnss ? "rdnss" : "dhcpv6"));
    if (plan.value().dhcp) {
        VERIFY(configuration.ipv4.has_value() && plan.value().address == (std::array<u8, 4> {}));
        return 0;
    }
    auto prefix = netd::prefix_of(plan.value().netmask);
    VERIFY(!prefix.is_error() && prefix.value() >= 1);
    VERIFY(plan.value().address != (std::array<u8, 4> {}));
    for (usize index = 0; index < 4; ++index)
        VERIFY(plan.value().gateway == (std::array<u8, 4> {})
            || (plan.value().gateway[index] & plan.value().netmask[index]) == (plan.value().address[index] & plan.value().netmask[index]));
    return 0;
}
