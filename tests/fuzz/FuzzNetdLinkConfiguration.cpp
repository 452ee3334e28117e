/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as netd_link's configuration (netd/LinkConfiguration.h). A plan
 * comes only from a message that decodes; a DHCP plan carries no address, a static one a usable
 * address, a contiguous netmask and no gateway or one inside its subnet.
 */

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
    auto plan = netd::plan_from(bytes, fallback);
    if (plan.is_error())
        return 0;
    netd::LinkConfiguration configuration;
    VERIFY(!decode_configuration(bytes, configuration).is_error());
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
