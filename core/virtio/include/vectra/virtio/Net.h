/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio network device (virtio 1.2, 5.1) as far as a driver without offloads needs it: the
 * features it asks for, the device configuration (MAC address, link status) read and checked,
 * and the header every frame carries on both queues. With VIRTIO_F_VERSION_1 the header is
 * always 12 bytes (num_buffers included) and may lie in a descriptor of its own.
 */

#pragma once

#include <array>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra::virtio::net {

inline constexpr u64 feature_mac = 1ull << 5;
inline constexpr u64 feature_status = 1ull << 16;

/* No checksum, segmentation or merged-buffer offloads: the device hands whole, checksummed frames. */
inline constexpr u64 wanted_features = feature_mac | feature_status;

inline constexpr u16 receive_queue = 0;
inline constexpr u16 transmit_queue = 1;

/* The header before each frame (virtio 1.2, 5.1.6); all zero on transmit without offloads. */
struct Header {
    u8 flags;
    u8 gso_type;
    u16 header_length;
    u16 gso_size;
    u16 checksum_start;
    u16 checksum_offset;
    u16 buffers;
};
static_assert(sizeof(Header) == 12);
inline constexpr u32 header_bytes = sizeof(Header);

/* Without VIRTIO_NET_F_MTU the device's MTU is Ethernet's. */
inline constexpr u16 default_mtu = 1500;

struct Configuration {
    std::array<u8, 6> mac {};
    bool link_up { true }; /* without VIRTIO_NET_F_STATUS the link is taken as up */

    /*
     * Reads the device configuration (at least 8 bytes) under the accepted `features`. A device
     * that did not accept VIRTIO_NET_F_MAC, or offers a multicast or all-zero address, is refused
     * (Unsupported, MalformedMessage): this driver does not invent an address.
     */
    [[nodiscard]] static ErrorOr<Configuration> read(u8 const volatile* device_configuration, usize length, u64 features);
};

}
