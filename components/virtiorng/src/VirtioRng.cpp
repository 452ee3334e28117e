/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio_rng: a driver service for one virtio-rng-pci function, holding only its PciDevice
 * capability, the EntropySource it feeds the kernel's pool through (ADR 0025 §3), its ready
 * bit, a console and its Reticle (README.md). Interrupt-driven (ADR 0016): it binds MSI-X
 * entry 0 to a Signal bit, points queue 0 at that entry, waits on the bit and acknowledges the
 * IrqCap after each wake; it never polls the used ring between interrupts. A function without
 * MSI-X (QEMU `vectors=0`), or on a platform with no message line to give (aarch64 with a GICv3,
 * ADR 0027), is served through its INTx pin instead (ADR 0021): the driver reads the ISR status,
 * which deasserts the level line, before it acknowledges.
 */

#include "Requests.h"
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/driver/VirtioPci.h>

VECTRA_TASK_ENTRY(virtio_rng);

namespace vectra::task_entries {

namespace {

constexpr u16 queue_entry = 0; /* the MSI-X table entry queue 0 signals on */

}

ErrorOr<i32> virtio_rng(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto entropy = TRY(bundle.take<DeviceCap>("entropy"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    auto pci = TRY(bundle.take<PciDeviceCap>("device"));
    auto info = TRY(system::pci_describe(pci));
    /* Reset (a restarted driver finds the device as the last one left it), negotiate, bus mastering on. */
    auto device = TRY(driver::VirtioPciDevice::open(pci, memory, 0));
    auto const& layout = device.layout();
    TRY(print_line(console, "virtio-rng: {:04x}:{:04x} common BAR{}+{:#x}, notify BAR{}+{:#x} (multiplier {}), ISR BAR{}+{:#x}",
        info.vendor_id, info.device_id, layout.common.bar, layout.common.offset, layout.notify.bar,
        layout.notify.offset, layout.notify_offset_multiplier, layout.isr.bar, layout.isr.offset));
    /* MSI-X entry 0 where the function has MSI-X; its INTx pin where it has not (QEMU `vectors=0`), or
       where the platform has no message line (set_up_queue falls back: aarch64 with a GICv3). */
    u16 wanted = device.has_msix() ? queue_entry : pci_interrupt_intx;
    auto queue = TRY(device.set_up_queue(memory, 0, virtiorng::queue_size, wanted, virtiorng::queue_bit, false));
    u16 entry = queue.entry;
    device.start();
    TRY(print_line(console, "virtio-rng: features {:#x} accepted, queue 0 of {} (device allows {}), status {:#x}",
        device.features(), queue.ring.layout().size, queue.maximum_size, device.status()));

    auto buffers = TRY(virtiorng::create_buffers(memory, device));
    auto outcome = TRY(virtiorng::read_requests(console, buffers, device, queue));
    /* The kernel's count of arrivals on the line: a driver that polled would have none. */
    if (entry == pci_interrupt_intx)
        TRY(print_line(console, "virtio-rng: {} interrupts taken on INTx line {} for {} requests", outcome.interrupts,
            TRY(system::interrupt_line(queue.interrupt)), virtiorng::requests));
    else
        TRY(print_line(console, "virtio-rng: {} interrupts taken on MSI-X entry {} for {} requests", outcome.interrupts,
            entry, virtiorng::requests));
    if (!outcome.distinct || outcome.interrupts < virtiorng::requests)
        return 1;
    /* A service from here on: the pool fed, ready raised, a reseed every period (Requests.h). */
    return virtiorng::serve(console, entropy, ready, buffers, device, queue);
}

}
