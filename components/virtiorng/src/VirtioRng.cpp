/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio_rng: a driver Task for one virtio-rng-pci function, holding only its PciDevice
 * capability, a console and its Reticle (README.md). Interrupt-driven (ADR 0016): it binds MSI-X
 * entry 0 to a Signal bit, points queue 0 at that entry, waits on the bit and acknowledges the
 * IrqCap after each wake; it never polls the used ring between interrupts. A function without
 * MSI-X (QEMU `vectors=0`), or on a platform with no message line to give (aarch64 with a GICv3,
 * ADR 0027), is served through its INTx pin instead (ADR 0021): the driver reads the ISR status,
 * which deasserts the level line, before it acknowledges.
 */

#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/driver/VirtioPci.h>

VECTRA_TASK_ENTRY(virtio_rng);

namespace vectra::task_entries {

namespace {

constexpr u16 queue_size = 8;
constexpr usize request_bytes = 32;
constexpr usize requests = 2;
constexpr u64 answer_timeout_nanoseconds = 1'000'000'000;
constexpr u16 queue_entry = 0; /* the MSI-X table entry queue 0 signals on */
constexpr SignalBit queue_bit { 8 };
constexpr SignalBit timeout_bit { 9 };

}

ErrorOr<i32> virtio_rng(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
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
    auto queue = TRY(device.set_up_queue(memory, 0, queue_size, wanted, queue_bit, false));
    u16 entry = queue.entry;
    device.start();
    TRY(print_line(console, "virtio-rng: features {:#x} accepted, queue 0 of {} (device allows {}), status {:#x}",
        device.features(), queue.ring.layout().size, queue.maximum_size, device.status()));

    /* One page for the buffers the device fills, and the device's view of it. */
    auto shared = TRY(system::create_memory(memory, 4096));
    auto bytes = TRY(system::map_memory(shared));
    u64 device_base = TRY(device.dma_address(shared));
    u8* buffers = bytes.data();
    u64 interrupts = 0;
    for (usize request = 0; request < requests; ++request) {
        virtio::Segment segment { device_base + request * request_bytes, request_bytes, true };
        TRY(queue.ring.submit({ &segment, 1 }, request));
        if (queue.ring.publish())
            device.notify(0);
        u64 deadline = system::monotonic_nanoseconds() + answer_timeout_nanoseconds;
        for (;;) {
            /* Sleep until the device signals (or the deadline passes); look at the ring only then. */
            u64 woken = system::wait_until(queue_bit.mask(), deadline, timeout_bit);
            if (!(woken & queue_bit.mask()))
                return Error(ErrorCode::TimedOut, "the device did not interrupt within a second");
            /* Reading the ISR deasserts INTx (it would fire again at the acknowledge); harmless with MSI-X. */
            (void)device.interrupt_status();
            interrupts = TRY(system::acknowledge_interrupt(queue.interrupt));
            auto completion = queue.ring.take_used();
            if (!completion.is_error()) {
                if (completion.value().token != request || completion.value().written == 0)
                    return Error(ErrorCode::MalformedMessage, "the device answered another request, or with nothing");
                TRY(print_line(console, "virtio-rng: request {}: {} bytes", request, completion.value().written));
                break;
            }
            if (completion.error().code() != ErrorCode::NotFound)
                return completion.release_error();
        }
    }
    /* Two requests of entropy are never the same bytes, and never all zero. */
    bool same = true;
    bool zero = true;
    for (usize index = 0; index < request_bytes; ++index) {
        same &= buffers[index] == buffers[request_bytes + index];
        zero &= buffers[index] == 0 && buffers[request_bytes + index] == 0;
    }
    TRY(device.reset());
    TRY(print_line(console, "virtio-rng: {} bytes of entropy in {} requests; {}", requests * request_bytes, requests,
        same || zero ? "REPEATED OR ZERO" : "distinct and non-zero"));
    /* The kernel's count of arrivals on the line: a driver that polled would have none. */
    if (entry == pci_interrupt_intx)
        TRY(print_line(console, "virtio-rng: {} interrupts taken on INTx line {} for {} requests", interrupts,
            TRY(system::interrupt_line(queue.interrupt)), requests));
    else
        TRY(print_line(console, "virtio-rng: {} interrupts taken on MSI-X entry {} for {} requests", interrupts, entry,
            requests));
    return same || zero || interrupts < requests ? 1 : 0;
}

}
