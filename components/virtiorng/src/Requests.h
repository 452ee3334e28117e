/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio-rng request loop both transports share (README.md): one buffer per request on
 * queue 0, sleep on the queue's interrupt bit, take the device's reason for interrupting, then
 * acknowledge the IrqCap, then look at the used ring — never polling between interrupts.
 */

#pragma once

#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/driver/VirtioPci.h>

namespace vectra::virtiorng {

/* What the loop needs of a transport (virtio-pci or virtio-mmio). */
class Transport {
public:
    virtual void notify() = 0;
    /* Read (and so clear) why the device interrupted: deasserts a level line before the acknowledge. */
    virtual void take_interrupt_status() = 0;
    [[nodiscard]] virtual ErrorOr<u64> dma_address(MemCap const&) = 0;

protected:
    ~Transport() = default;
};

/*
 * A core/driver device as the loop's transport: VirtioPciDevice (reading the ISR deasserts INTx;
 * harmless with MSI-X) or VirtioMmioDevice (InterruptStatus read, InterruptACK written).
 */
template<typename Device>
class DeviceTransport final : public Transport {
public:
    explicit DeviceTransport(Device& device)
        : m_device(device)
    {
    }
    void notify() override { m_device.notify(0); }
    void take_interrupt_status() override { (void)m_device.interrupt_status(); }
    ErrorOr<u64> dma_address(MemCap const& memory) override { return m_device.dma_address(memory); }

private:
    Device& m_device;
};

inline constexpr u16 queue_size = 8;
inline constexpr usize request_bytes = 32;
inline constexpr usize requests = 2;
inline constexpr SignalBit queue_bit { 8 };

struct Outcome {
    u64 interrupts { 0 }; /* the kernel's count of arrivals on the queue's line */
    bool distinct { false }; /* the requests' bytes differ and are not all zero */
};

/* Reads `requests` requests of `request_bytes` through `queue`, printing each, into memory retyped from `memory`. */
[[nodiscard]] ErrorOr<Outcome> read_requests(ConsoleCap const&, ReticleCap const& memory, Transport&, driver::VirtioQueue& queue);

}
