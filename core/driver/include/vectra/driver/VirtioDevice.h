/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What a virtio driver's request loop needs of its device once the transport brought it up,
 * whichever transport that is (README.md): VirtioPciDevice (VirtioPci.h) and VirtioMmioDevice
 * (VirtioMmio.h) both implement it, so a driver's loop is written once and its entries differ
 * only in how they open the device and set up its queues. The queue and its ring in DMA memory,
 * shared by both transports' queue set-up, are here too.
 */

#pragma once

#include <span>
#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/Pci.h>
#include <vectra/virtio/SplitQueue.h>

namespace vectra::driver {

/*
 * A queue's `entry` when the function signals through its INTx pin and another queue already bound
 * it: the pin is one line for every queue, so this queue gets no IrqCap of its own.
 */
inline constexpr u16 queue_shares_intx = 0xfffe;

/* One virtqueue: its ring in DMA memory, the MSI-X entry (or INTx pin) it signals on, and that one's IrqCap. */
struct VirtioQueue {
    u16 index { 0 };
    u16 maximum_size { 0 }; /* what the device allows */
    u16 entry { pci_interrupt_intx }; /* the MSI-X entry it signals on, or pci_interrupt_intx (a virtio-mmio slot's line too) */
    virtio::SplitQueue ring;
    MemCap memory;
    IrqCap interrupt; /* empty for a queue_shares_intx queue */
};

class VirtioDevice {
public:
    /* Tell the device queue `index` has new buffers. */
    virtual void notify(u16 index) = 0;
    /*
     * What the device needs after `queue`'s interrupt woke the driver, before the driver
     * acknowledges the IrqCap and looks at the used ring: over PCI the ISR read (it deasserts the
     * INTx pin; nothing on an MSI-X entry), over virtio-mmio InterruptStatus read and
     * InterruptACK written (a level slot's line falls).
     */
    virtual void interrupted(VirtioQueue const& queue) = 0;
    /* The device's address of memory the driver shares with it. */
    [[nodiscard]] virtual ErrorOr<u64> dma_address(MemCap const& memory) const = 0;
    /*
     * The device-specific configuration (virtio-blk's capacity, …) copied into `into`, as much
     * as fits and the device has; returns the bytes copied, or NotFound when it has none.
     */
    [[nodiscard]] virtual ErrorOr<usize> read_device_configuration(std::span<u8> into) = 0;
    /* Reset the device: it forgets the queues and stops using their memory. */
    [[nodiscard]] virtual ErrorOr<void> reset() = 0;
    /* DRIVER_OK: the device may use the queues set up so far. */
    virtual void start() = 0;
    [[nodiscard]] virtual u64 features() const = 0;

protected:
    ~VirtioDevice() = default;
};

/* A split queue's ring (and its indirect tables) in DMA memory, before any transport knows of it. */
struct QueueRing {
    virtio::SplitQueue ring;
    MemCap memory;
    u64 base { 0 }; /* the device's address of the ring memory */
    virtio::SplitQueueLayout layout;
};

/*
 * A ring of at most `wanted_size` entries — a power of two no larger than `maximum`, what the
 * device allows — in memory retyped from `memory`, which `device` sees at its dma_address.
 * `indirect_entries` (when the device accepted VIRTIO_F_INDIRECT_DESC, else ignored): an
 * indirect table of that many descriptors per ring descriptor, in the same memory after the ring.
 */
[[nodiscard]] ErrorOr<QueueRing> make_queue_ring(VirtioDevice const& device, ReticleCap const& memory, u16 maximum,
    u16 wanted_size, bool event_index, u16 indirect_entries);

}
