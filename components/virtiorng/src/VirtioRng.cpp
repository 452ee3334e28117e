/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio_rng: a driver Task for one virtio-rng-pci function, holding only its PciDevice
 * capability, a console and its Reticle (README.md). Interrupt-driven (ADR 0016): it binds MSI-X
 * entry 0 to a Signal bit, points queue 0 at that entry, waits on the bit and acknowledges the
 * IrqCap after each wake; it never polls the used ring between interrupts.
 */

#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/virtio/ModernTransport.h>
#include <vectra/virtio/PciCapabilities.h>
#include <vectra/virtio/SplitQueue.h>

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
constexpr u16 pci_command = 0x04;
constexpr u32 pci_command_bus_master = 1u << 2;

/* Configuration reads through the PciDevice capability. */
class DeviceConfig final : public virtio::ConfigRead {
public:
    explicit DeviceConfig(PciDeviceCap const& device)
        : m_device(device)
    {
    }
    ErrorOr<u32> read(u16 offset, u8 width) const override { return system::pci_config_read(m_device, offset, width); }

private:
    PciDeviceCap const& m_device;
};

/* A region of a BAR, mapped through a DeviceMemory capability made for it. */
struct MappedRegion {
    DeviceMemoryCap bar;
    u8 volatile* base { nullptr };
    usize length { 0 };
};

ErrorOr<MappedRegion> map_region(PciDeviceCap const& device, ReticleCap const& memory, virtio::PciRegion const& region)
{
    MappedRegion mapped;
    mapped.bar = TRY(system::device_memory(device, memory, region.bar));
    auto bytes = TRY(system::map_device_memory(mapped.bar));
    if (region.offset > bytes.size() || region.length > bytes.size() - region.offset)
        return Error(ErrorCode::MalformedMessage, "a virtio region lies outside its BAR");
    mapped.base = bytes.data() + region.offset;
    mapped.length = region.length;
    return mapped;
}

}

ErrorOr<i32> virtio_rng(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto device = TRY(bundle.take<PciDeviceCap>("device"));
    auto info = TRY(system::pci_describe(device));
    auto layout = TRY(virtio::read_pci_layout(DeviceConfig(device)));
    TRY(print_line(console, "virtio-rng: {:04x}:{:04x} common BAR{}+{:#x}, notify BAR{}+{:#x} (multiplier {}), ISR BAR{}+{:#x}",
        info.vendor_id, info.device_id, layout.common.bar, layout.common.offset, layout.notify.bar,
        layout.notify.offset, layout.notify_offset_multiplier, layout.isr.bar, layout.isr.offset));
    auto common = TRY(map_region(device, memory, layout.common));
    auto notify = TRY(map_region(device, memory, layout.notify));
    auto transport = TRY(virtio::ModernTransport::create(common.base, common.length, notify.base, notify.length,
        layout.notify_offset_multiplier));
    /* A restarted driver finds the device as the last one left it: reset before anything else. */
    TRY(transport.reset());
    u64 features = TRY(transport.negotiate(virtio::feature_version_1));
    /* DMA and MSI-X messages are writes by the device: bus mastering on (command register bit 2). */
    u32 command = TRY(system::pci_config_read(device, pci_command, 2));
    TRY(system::pci_config_write(device, pci_command, 2, command | pci_command_bus_master));
    /* The kernel writes the entry's message and enables MSI-X; the device only learns the entry's number. */
    auto irq = TRY(system::pci_interrupt(device, memory, queue_entry, queue_bit));
    TRY(transport.set_config_vector(virtio::no_vector));
    TRY(transport.set_queue_vector(0, queue_entry));
    u16 maximum = TRY(transport.maximum_queue_size(0));
    u16 size = maximum < queue_size ? maximum : queue_size;

    /* One page for the queue, one for the buffers the device fills; the device's view of both. */
    auto shared = TRY(system::create_memory(memory, 8192));
    auto bytes = TRY(system::map_memory(shared));
    u64 device_base = TRY(system::dma_address(device, shared));
    auto queue = TRY(virtio::SplitQueue::create(bytes.subspan(0, 4096), size, false));
    auto const& parts = queue.layout();
    TRY(transport.set_up_queue(0, size, device_base + parts.descriptors, device_base + parts.available,
        device_base + parts.used));
    transport.driver_ok();
    TRY(print_line(console, "virtio-rng: features {:#x} accepted, queue 0 of {} (device allows {}), status {:#x}",
        features, size, maximum, transport.status()));

    u8* buffers = bytes.data() + 4096;
    u64 interrupts = 0;
    for (usize request = 0; request < requests; ++request) {
        virtio::Segment segment { device_base + 4096 + request * request_bytes, request_bytes, true };
        TRY(queue.submit({ &segment, 1 }, request));
        if (queue.publish())
            transport.notify(0);
        u64 deadline = system::monotonic_nanoseconds() + answer_timeout_nanoseconds;
        for (;;) {
            /* Sleep until the device signals (or the deadline passes); look at the ring only then. */
            u64 woken = system::wait_until(queue_bit.mask(), deadline, timeout_bit);
            if (!(woken & queue_bit.mask()))
                return Error(ErrorCode::TimedOut, "the device did not interrupt within a second");
            interrupts = TRY(system::acknowledge_interrupt(irq));
            auto completion = queue.take_used();
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
    TRY(transport.reset());
    TRY(print_line(console, "virtio-rng: {} bytes of entropy in {} requests; {}", requests * request_bytes, requests,
        same || zero ? "REPEATED OR ZERO" : "distinct and non-zero"));
    /* The kernel's count of arrivals on the line: a driver that polled would have none. */
    TRY(print_line(console, "virtio-rng: {} interrupts taken on MSI-X entry {} for {} requests", interrupts, queue_entry,
        requests));
    return same || zero || interrupts < requests ? 1 : 0;
}

}
