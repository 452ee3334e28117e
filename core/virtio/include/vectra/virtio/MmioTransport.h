/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio-mmio transport, version 2 (virtio 1.2, 4.2.2): one device's registers in a window
 * of memory (QEMU virt: 512 bytes per slot, the device tree's `virtio,mmio` nodes) — magic,
 * version, device id, reset and status, feature negotiation, queue set-up and notification,
 * interrupt status and acknowledge. The virtqueues are the same split queues as over PCI
 * (vectra/virtio/SplitQueue.h). Registers are reached through MmioRegisters, so host tests run
 * the transport against a software model of a device and fuzz it with a hostile one; every
 * value the device reports is checked before use, and no wait on it is unbounded.
 *
 * A driver Task reaches a slot's registers through its VirtioMmioSlot capability (ADR 0025;
 * core/driver's SlotRegisters).
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra::virtio {

/* A slot's window: registers to 0xff, then the device-specific configuration. */
inline constexpr u32 mmio_window_size = 0x200;
inline constexpr u32 mmio_configuration_offset = 0x100;
/* InterruptStatus bits. */
inline constexpr u32 mmio_interrupt_used_buffer = 1;
inline constexpr u32 mmio_interrupt_configuration = 2;

/* 32-bit reads and writes of one window's registers, at 4-byte-aligned offsets inside it. */
class MmioRegisters {
public:
    virtual u32 read(u32 offset) = 0;
    virtual void write(u32 offset, u32 value) = 0;

protected:
    ~MmioRegisters() = default;
};

/* A window the driver mapped as device memory, `length` bytes from `base`; accesses outside it read 0 and write
 * nothing. */
class MappedMmioRegisters final : public MmioRegisters {
public:
    MappedMmioRegisters(u8 volatile* base, usize length)
        : m_base(base)
        , m_length(length)
    {
    }
    u32 read(u32 offset) override;
    void write(u32 offset, u32 value) override;

private:
    u8 volatile* m_base;
    usize m_length;
};

class MmioTransport {
public:
    /*
     * Checks the window: the magic "virt" (else MalformedMessage), version 2 (1, the legacy
     * layout, and anything else: Unsupported), a device id other than 0 (0: an empty slot,
     * NotFound). `registers` must outlive the transport.
     */
    [[nodiscard]] static ErrorOr<MmioTransport> create(MmioRegisters& registers);

    [[nodiscard]] u32 device_id() const { return m_device_id; }
    /* Reset the device and wait (bounded) until it reads back reset. */
    [[nodiscard]] ErrorOr<void> reset();
    /*
     * Reset, acknowledge, and accept the features of `wanted` the device offers, which must
     * include VIRTIO_F_VERSION_1; FEATURES_OK is set and checked. Returns the accepted features.
     */
    [[nodiscard]] ErrorOr<u64> negotiate(u64 wanted);
    /* The largest size queue `index` may have: NotFound without such a queue, Busy while it is live. */
    [[nodiscard]] ErrorOr<u16> maximum_queue_size(u16 index);
    /* Give queue `index` its size and the device addresses of its three parts, and make it ready (read back). */
    [[nodiscard]] ErrorOr<void> set_up_queue(u16 index, u16 size, u64 descriptors, u64 driver_area, u64 device_area);
    /* DRIVER_OK: the device may use the queues. */
    void driver_ok();
    /* Tell the device queue `index` has new buffers. */
    void notify(u16 index);
    [[nodiscard]] u8 status();
    /* Why the device interrupted (mmio_interrupt_* bits). */
    [[nodiscard]] u32 interrupt_status();
    /* Tell the device those reasons were seen: it lowers its interrupt once none is left. */
    void acknowledge_interrupt(u32 reasons);

private:
    explicit MmioTransport(MmioRegisters& registers, u32 device_id)
        : m_registers(&registers)
        , m_device_id(device_id)
    {
    }

    MmioRegisters* m_registers;
    u32 m_device_id;
};

}
