/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio-mmio version 2 transport (vectra/virtio/MmioTransport.h).
 */

#include "Negotiation.h"
#include <initializer_list>
#include <utility>
#include <vectra/Try.h>
#include <vectra/virtio/MmioTransport.h>
#include <vectra/virtio/ModernTransport.h>

namespace vectra::virtio {

namespace {

/* virtio 1.2, 4.2.2: the register layout of version 2. */
enum Register : u32 {
    MagicValue = 0x000,
    Version = 0x004,
    DeviceId = 0x008,
    DeviceFeatures = 0x010,
    DeviceFeaturesSelect = 0x014,
    DriverFeatures = 0x020,
    DriverFeaturesSelect = 0x024,
    QueueSelect = 0x030,
    QueueSizeMaximum = 0x034,
    QueueSize = 0x038,
    QueueReady = 0x044,
    QueueNotify = 0x050,
    InterruptStatus = 0x060,
    InterruptAcknowledge = 0x064,
    Status = 0x070,
    QueueDescriptorsLow = 0x080,
    QueueDriverLow = 0x090,
    QueueDeviceLow = 0x0a0,
};

constexpr u32 magic = 0x7472'6976; /* "virt", little-endian */
constexpr u32 modern_version = 2;
constexpr u32 legacy_version = 1;

}

u32 MappedMmioRegisters::read(u32 offset)
{
    if (offset % 4 != 0 || offset >= m_length || m_length - offset < 4)
        return 0;
    return *reinterpret_cast<u32 volatile*>(m_base + offset);
}

void MappedMmioRegisters::write(u32 offset, u32 value)
{
    if (offset % 4 != 0 || offset >= m_length || m_length - offset < 4)
        return;
    *reinterpret_cast<u32 volatile*>(m_base + offset) = value;
}

ErrorOr<MmioTransport> MmioTransport::create(MmioRegisters& registers)
{
    if (registers.read(MagicValue) != magic)
        return Error(ErrorCode::MalformedMessage, "not a virtio-mmio window (no \"virt\" magic)");
    u32 version = registers.read(Version);
    if (version == legacy_version)
        return Error(ErrorCode::Unsupported, "a legacy virtio-mmio device (version 1): version 2 is required");
    if (version != modern_version)
        return Error(ErrorCode::Unsupported, "an unknown virtio-mmio version");
    u32 device = registers.read(DeviceId);
    if (device == 0)
        return Error(ErrorCode::NotFound, "the virtio-mmio slot holds no device");
    return MmioTransport(registers, device);
}

u8 MmioTransport::status() { return static_cast<u8>(m_registers->read(Status)); }

ErrorOr<void> MmioTransport::reset()
{
    return reset_device([this](u8 value) { m_registers->write(Status, value); }, [this] { return status(); });
}

ErrorOr<u64> MmioTransport::negotiate(u64 wanted)
{
    TRY(reset());
    return negotiate_features(
        wanted, [this](u8 value) { m_registers->write(Status, value); }, [this] { return status(); },
        [this](u32 half) {
            m_registers->write(DeviceFeaturesSelect, half);
            return m_registers->read(DeviceFeatures);
        },
        [this](u32 half, u32 bits) {
            m_registers->write(DriverFeaturesSelect, half);
            m_registers->write(DriverFeatures, bits);
        });
}

ErrorOr<u16> MmioTransport::maximum_queue_size(u16 index)
{
    m_registers->write(QueueSelect, index);
    if (m_registers->read(QueueReady) != 0)
        return Error(ErrorCode::Busy, "the queue is live: reset the device first");
    u32 size = m_registers->read(QueueSizeMaximum);
    if (size == 0)
        return Error(ErrorCode::NotFound, "the device has no such queue");
    return static_cast<u16>(size > 0x8000 ? 0x8000 : size); /* a split queue has at most 32768 entries */
}

ErrorOr<void> MmioTransport::set_up_queue(u16 index, u16 size, u64 descriptors, u64 driver_area, u64 device_area)
{
    u16 maximum = TRY(maximum_queue_size(index));
    if (size == 0 || size > maximum || (size & (size - 1)) != 0)
        return Error(ErrorCode::InvalidArgument, "the queue size is not a power of two the device allows");
    m_registers->write(QueueSize, size);
    /* 64-bit addresses as low and high halves, low first. */
    for (auto [field, value] : { std::pair { QueueDescriptorsLow, descriptors },
             std::pair { QueueDriverLow, driver_area }, std::pair { QueueDeviceLow, device_area } }) {
        m_registers->write(field, static_cast<u32>(value));
        m_registers->write(field + 4, static_cast<u32>(value >> 32));
    }
    m_registers->write(QueueReady, 1);
    if (m_registers->read(QueueReady) != 1)
        return Error(ErrorCode::Unsupported, "the device did not make the queue ready");
    return {};
}

void MmioTransport::driver_ok() { m_registers->write(Status, u32(status()) | DriverOk); }

void MmioTransport::notify(u16 index)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the published ring before the doorbell */
    m_registers->write(QueueNotify, index);
}

u32 MmioTransport::interrupt_status() { return m_registers->read(InterruptStatus); }

void MmioTransport::acknowledge_interrupt(u32 reasons) { m_registers->write(InterruptAcknowledge, reasons); }

}
