/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio_rng_mmio: the same driver over virtio-mmio (ADR 0025), holding only a VirtioMmioSlot
 * capability for a slot holding virtio device 4 (entropy), the EntropySource, its ready bit,
 * a console and its Reticle. Its
 * registers go through the slot capability; the slot's SPI is an IrqCap masked from each
 * arrival until acknowledged. After each wake it reads InterruptStatus and writes
 * InterruptACK (a level slot's line falls), then acknowledges the IrqCap, then looks.
 */

#include "Requests.h"
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/driver/VirtioMmio.h>

VECTRA_TASK_ENTRY(virtio_rng_mmio);

namespace vectra::task_entries {

ErrorOr<i32> virtio_rng_mmio(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto entropy = TRY(bundle.take<DeviceCap>("entropy"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    auto slot = TRY(bundle.take<VirtioMmioSlotCap>("device"));
    auto info = TRY(system::mmio_slot_describe(slot));
    TRY(print_line(console, "virtio-rng: virtio-mmio slot, device {} version {}, {} bytes, line {} ({})", info.device_id,
        info.version, info.size, info.line, info.level ? "level" : "edge"));
    driver::SlotRegisters registers(slot);
    /* Reset (a restarted driver finds the device as the last one left it), negotiate. */
    auto device = TRY(driver::VirtioMmioDevice::open(slot, registers, 0));
    auto queue = TRY(device.set_up_queue(memory, 0, virtiorng::queue_size, virtiorng::queue_bit, false));
    device.start();
    TRY(print_line(console, "virtio-rng: features {:#x} accepted, queue 0 of {} (device allows {}), status {:#x}",
        device.features(), queue.ring.layout().size, queue.maximum_size, device.status()));

    auto buffers = TRY(virtiorng::create_buffers(memory, device));
    auto outcome = TRY(virtiorng::read_requests(console, buffers, device, queue));
    /* The kernel's count of arrivals on the slot's line: a driver that polled would have none. */
    TRY(print_line(console, "virtio-rng: {} interrupts taken on virtio-mmio line {} for {} requests", outcome.interrupts,
        info.line, virtiorng::requests));
    if (!outcome.distinct || outcome.interrupts < virtiorng::requests)
        return 1;
    /* A service from here on: the pool fed, ready raised, a reseed every period (Requests.h). */
    return virtiorng::serve(console, entropy, ready, buffers, device, queue);
}

}
