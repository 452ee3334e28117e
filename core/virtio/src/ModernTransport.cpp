/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The modern PCI transport's registers (vectra/virtio/ModernTransport.h).
 */

#include <initializer_list>
#include <utility>
#include <vectra/Try.h>
#include <vectra/virtio/ModernTransport.h>
#include "Negotiation.h"

namespace vectra::virtio {

namespace {

/* struct virtio_pci_common_cfg (virtio 1.2, 4.1.4.3). */
enum Register : usize {
    DeviceFeatureSelect = 0x00,
    DeviceFeature = 0x04,
    DriverFeatureSelect = 0x08,
    DriverFeature = 0x0c,
    ConfigVector = 0x10,
    DeviceStatus = 0x14,
    QueueSelect = 0x16,
    QueueSize = 0x18,
    QueueVector = 0x1a,
    QueueEnable = 0x1c,
    QueueNotifyOffset = 0x1e,
    QueueDescriptors = 0x20,
    QueueDriver = 0x28,
    QueueDevice = 0x30,
    CommonLength = 0x38,
};

}

ErrorOr<ModernTransport> ModernTransport::create(u8 volatile* common, usize common_length, u8 volatile* notify,
    usize notify_length, u32 notify_offset_multiplier)
{
    if (!common || common_length < CommonLength || !notify || notify_length < 2)
        return Error(ErrorCode::InvalidArgument, "the common configuration or notification region is too small");
    ModernTransport transport;
    transport.m_common = common;
    transport.m_notify = notify;
    transport.m_notify_length = notify_length;
    transport.m_multiplier = notify_offset_multiplier;
    return transport;
}

template<typename T>
static T read(u8 volatile* base, usize offset)
{
    return *reinterpret_cast<T volatile*>(base + offset);
}

template<typename T>
static void write(u8 volatile* base, usize offset, T value)
{
    *reinterpret_cast<T volatile*>(base + offset) = value;
}

u8 ModernTransport::status() const { return read<u8>(m_common, DeviceStatus); }

ErrorOr<void> ModernTransport::reset()
{
    return reset_device([this](u8 value) { write<u8>(m_common, DeviceStatus, value); }, [this] { return status(); });
}

ErrorOr<u64> ModernTransport::negotiate(u64 wanted)
{
    TRY(reset());
    return negotiate_features(
        wanted, [this](u8 value) { write<u8>(m_common, DeviceStatus, value); }, [this] { return status(); },
        [this](u32 half) {
            write<u32>(m_common, DeviceFeatureSelect, half);
            return read<u32>(m_common, DeviceFeature);
        },
        [this](u32 half, u32 bits) {
            write<u32>(m_common, DriverFeatureSelect, half);
            write<u32>(m_common, DriverFeature, bits);
        });
}

ErrorOr<u16> ModernTransport::maximum_queue_size(u16 index)
{
    write<u16>(m_common, QueueSelect, index);
    u16 size = read<u16>(m_common, QueueSize);
    if (size == 0)
        return Error(ErrorCode::NotFound, "the device has no such queue");
    return size;
}

ErrorOr<void> ModernTransport::set_up_queue(u16 index, u16 size, u64 descriptors, u64 driver_area, u64 device_area)
{
    if (index >= sizeof(m_notify_offsets) / sizeof(m_notify_offsets[0]))
        return Error(ErrorCode::TooLarge, "the transport keeps notification offsets for 8 queues");
    u16 maximum = TRY(maximum_queue_size(index));
    if (size == 0 || size > maximum || (size & (size - 1)) != 0)
        return Error(ErrorCode::InvalidArgument, "the queue size is not a power of two the device allows");
    u16 offset = read<u16>(m_common, QueueNotifyOffset);
    if (u64(offset) * m_multiplier + 2 > m_notify_length)
        return Error(ErrorCode::MalformedMessage, "the device's notification offset lies outside its notify region");
    m_notify_offsets[index] = offset;
    write<u16>(m_common, QueueSize, size);
    /* 64-bit fields as two 32-bit writes, low half first (virtio 1.2, 4.1.3.1): every transport takes those. */
    for (auto [field, value] : { std::pair { QueueDescriptors, descriptors }, std::pair { QueueDriver, driver_area },
             std::pair { QueueDevice, device_area } }) {
        write<u32>(m_common, field, static_cast<u32>(value));
        write<u32>(m_common, field + 4, static_cast<u32>(value >> 32));
    }
    write<u16>(m_common, QueueEnable, 1);
    return {};
}

ErrorOr<void> ModernTransport::set_config_vector(u16 entry)
{
    write<u16>(m_common, ConfigVector, entry);
    if (read<u16>(m_common, ConfigVector) != entry)
        return Error(ErrorCode::Unsupported, "the device cannot signal configuration changes on that MSI-X entry");
    return {};
}

ErrorOr<void> ModernTransport::set_queue_vector(u16 index, u16 entry)
{
    TRY(maximum_queue_size(index)); /* selects the queue */
    write<u16>(m_common, QueueVector, entry);
    if (read<u16>(m_common, QueueVector) != entry)
        return Error(ErrorCode::Unsupported, "the device cannot signal the queue on that MSI-X entry");
    return {};
}

void ModernTransport::driver_ok() { write<u8>(m_common, DeviceStatus, static_cast<u8>(status() | DriverOk)); }

void ModernTransport::notify(u16 index)
{
    if (index >= sizeof(m_notify_offsets) / sizeof(m_notify_offsets[0]))
        return;
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the published ring before the doorbell */
    write<u16>(m_notify, usize(m_notify_offsets[index]) * m_multiplier, index);
}

}
