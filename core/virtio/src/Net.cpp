/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio network device's configuration (vectra/virtio/Net.h).
 */

#include <vectra/virtio/Net.h>

namespace vectra::virtio::net {

namespace {

/* Where a field lies in the device configuration (virtio 1.2, 5.1.4). */
constexpr usize mac_offset = 0;
constexpr usize status_offset = 6;
constexpr usize configuration_bytes = 8;
constexpr u16 status_link_up = 1;

}

ErrorOr<Configuration> Configuration::read(u8 const volatile* device_configuration, usize length, u64 features)
{
    if (!(features & feature_mac))
        return Error(ErrorCode::Unsupported, "the device offers no MAC address");
    if (device_configuration == nullptr || length < configuration_bytes)
        return Error(ErrorCode::MalformedMessage, "the device configuration is shorter than a MAC address and status");
    Configuration configuration;
    bool zero = true;
    for (usize index = 0; index < configuration.mac.size(); ++index) {
        configuration.mac[index] = device_configuration[mac_offset + index];
        zero &= configuration.mac[index] == 0;
    }
    if (zero || (configuration.mac[0] & 1) != 0)
        return Error(ErrorCode::MalformedMessage, "the device's MAC address is zero or a multicast address");
    if (features & feature_status) {
        u16 status = u16(device_configuration[status_offset] | (device_configuration[status_offset + 1] << 8));
        configuration.link_up = (status & status_link_up) != 0;
    }
    return configuration;
}

}
