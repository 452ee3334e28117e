/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio 1.x modern PCI transport's registers (virtio 1.2, 4.1.4.3 and 3.1): device reset,
 * status, feature negotiation, queue set-up and notification, over the common configuration
 * and notification regions the driver mapped (vectra/virtio/PciCapabilities.h says where; its
 * DeviceMemory capabilities map them). Every value the device reports is checked before use.
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra::virtio {

inline constexpr u64 feature_indirect_descriptors = 1ull << 28;
inline constexpr u64 feature_event_index = 1ull << 29;
inline constexpr u64 feature_version_1 = 1ull << 32;
/* An MSI-X vector register holding this signals nothing (virtio 1.2, 4.1.4.3). */
inline constexpr u16 no_vector = 0xffff;

class ModernTransport {
public:
    /* `common`: at least 0x38 bytes; `notify`: the notification region, `notify_length` bytes. */
    [[nodiscard]] static ErrorOr<ModernTransport> create(u8 volatile* common, usize common_length, u8 volatile* notify,
        usize notify_length, u32 notify_offset_multiplier);

    /* Reset the device and wait (bounded) until it reads back reset. */
    [[nodiscard]] ErrorOr<void> reset();
    /*
     * Reset, acknowledge, and accept the features of `wanted` the device offers, which must
     * include VIRTIO_F_VERSION_1; FEATURES_OK is set and checked. Returns the accepted features.
     */
    [[nodiscard]] ErrorOr<u64> negotiate(u64 wanted);
    /* The largest size queue `index` may have (0: no such queue: NotFound). */
    [[nodiscard]] ErrorOr<u16> maximum_queue_size(u16 index);
    /*
     * Which MSI-X table entry the device signals configuration changes on (no_vector: none).
     * The device reads back no_vector when it cannot use the entry: Unsupported.
     */
    [[nodiscard]] ErrorOr<void> set_config_vector(u16 entry);
    /* The MSI-X table entry queue `index` signals used buffers on; before set_up_queue enables it. */
    [[nodiscard]] ErrorOr<void> set_queue_vector(u16 index, u16 entry);
    /* Give queue `index` its size and the device addresses of its three parts, and enable it. */
    [[nodiscard]] ErrorOr<void> set_up_queue(u16 index, u16 size, u64 descriptors, u64 driver_area, u64 device_area);
    /* DRIVER_OK: the device may use the queues. */
    void driver_ok();
    /* Tell the device queue `index` has new buffers. */
    void notify(u16 index);
    [[nodiscard]] u8 status() const;

private:
    ModernTransport() = default;

    u8 volatile* m_common { nullptr };
    u8 volatile* m_notify { nullptr };
    usize m_notify_length { 0 };
    u32 m_multiplier { 0 };
    u16 m_notify_offsets[8] {}; /* per queue, read at set-up */
};

}
