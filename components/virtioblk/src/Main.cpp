/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio-block's Task, one entry per transport: virtio_block brings up a virtio-blk-pci function
 * (reset, negotiated, one queue on MSI-X entry 0, or on the INTx pin where the platform has no
 * message line), virtio_block_mmio the virtio-blk device in a virtio-mmio slot (aarch64; reset,
 * negotiated, one queue on the slot's line). From there both are one Task: vectra.block served
 * to storaged on the direct connection the manifest gives it; restarted by initd per its policy,
 * and the device reset again before the next instance uses it.
 */

#include <string_view>
#include <vectra/Format.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/driver/VirtioMmio.h>
#include <vectra/driver/VirtioPci.h>
#include <vectra/footprints/virtio_block.h>
#include <vectra/footprints/virtio_block_mmio.h>
#include <virtioblk/Driver.h>

VECTRA_TASK_ENTRY(virtio_block);
VECTRA_TASK_ENTRY(virtio_block_mmio);

namespace vectra::task_entries {

namespace {

constexpr u16 queue_size = 256;
/* Header, data, status: the driver sends one data segment per request, so a table of three holds it. */
constexpr u16 indirect_entries = 3;
/* Component data, which a restart of the Task does not reset: the injected fault fires once per boot. */
constinit block::FaultInjection s_fault { CONFIG_BLOCK_FAULT_AT_BLOCK };
constexpr u16 queue_entry = 0; /* the MSI-X table entry queue 0 signals on */
constexpr u64 wanted_features = virtio::block::wanted_features | virtio::feature_event_index | virtio::feature_indirect_descriptors;
/* virtio-blk's configuration up to write_zeroes_may_unmap and its padding (virtio 1.2 5.2.4): what Configuration::read reads. */
constexpr usize configuration_bytes = 64;

/*
 * What both entries do once the device is open and its queue set up: the requests' memory, the
 * device started, vectra.block served until a Ring or the queue fails, the device reset.
 * `device_name` and `signal` say which device and which interrupt, for the start-up line.
 */
ErrorOr<i32> serve_disk(Bundle& bundle, ConsoleCap const& console, ReticleCap const& memory, driver::VirtioDevice& device,
    driver::VirtioQueue& queue, std::string_view device_name, std::string_view signal)
{
    auto requests_ring = TRY(bundle.take<RingCap>("requests"));
    auto replies_ring = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    u8 configuration_copy[configuration_bytes] {};
    usize length = TRY(device.read_device_configuration(configuration_copy));
    auto configuration = TRY(virtio::block::Configuration::read(configuration_copy, length, device.features()));
    /* The requests' headers and statuses, in memory the device reads and writes. */
    auto slot_memory = TRY(system::create_memory(memory, 4096));
    auto slot_bytes = TRY(system::map_memory(slot_memory));
    u64 slot_address = TRY(device.dma_address(slot_memory));
    auto requests = TRY(virtio::block::Requests::create(queue.ring, slot_bytes, slot_address, configuration));
    device.start();

    virtioblk::Driver driver(device, queue, requests, &s_fault);
    auto connection = TRY(ServerConnection::bind(requests_ring, replies_ring, block::schema_id));
    TRY(endpoint::raise(ready));
    auto geometry = driver.geometry();
    TRY(print_line(console, "virtio-block: {}, {} blocks of {} bytes{}; flush {}, discard {}, write-zeroes {}; queue 0 of {}{} on {}, {} requests in flight",
        device_name, geometry.block_count, geometry.block_size, geometry.read_only ? " (read-only)" : "",
        geometry.flush ? "yes" : "no", geometry.discard ? "yes" : "no", geometry.write_zeroes ? "yes" : "no",
        queue.ring.layout().size, queue.ring.indirect() ? " (indirect descriptors)" : "", signal, geometry.queue_limit));
    auto served = driver.serve(connection);
    /* The device must not touch memory this Task's end gives back: reset it. */
    (void)device.reset();
    if (served.is_error())
        return served.release_error();
    return 0;
}

}

ErrorOr<i32> virtio_block(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::virtio_block)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto pci = TRY(bundle.take<PciDeviceCap>("device"));
    auto info = TRY(system::pci_describe(pci));
    auto device = TRY(driver::VirtioPciDevice::open(pci, memory, wanted_features));
    bool event_index = (device.features() & virtio::feature_event_index) != 0;
    auto queue = TRY(device.set_up_queue(memory, 0, queue_size, queue_entry, virtioblk::queue_bit, event_index, indirect_entries));
    FixedString<16> device_name;
    format_into(device_name, "{:04x}:{:04x}", info.vendor_id, info.device_id);
    /* MSI-X entry 0, or the INTx pin where the platform has no message line (aarch64 with a GICv3, ADR 0027). */
    FixedString<32> signal;
    if (queue.entry == pci_interrupt_intx)
        format_into(signal, "INTx line {}", TRY(system::interrupt_line(queue.interrupt)));
    else
        format_into(signal, "MSI-X entry {}", queue.entry);
    return serve_disk(bundle, console, memory, device, queue, device_name.view(), signal.view());
}

ErrorOr<i32> virtio_block_mmio(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::virtio_block_mmio)); /* generated from mmio.footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto slot = TRY(bundle.take<VirtioMmioSlotCap>("device"));
    auto info = TRY(system::mmio_slot_describe(slot));
    driver::SlotRegisters registers(slot);
    /* Reset (a restarted driver finds the device as the last one left it), negotiate. */
    auto device = TRY(driver::VirtioMmioDevice::open(slot, registers, wanted_features));
    bool event_index = (device.features() & virtio::feature_event_index) != 0;
    auto queue = TRY(device.set_up_queue(memory, 0, queue_size, virtioblk::queue_bit, event_index, indirect_entries));
    auto names = driver::name_slot(info);
    return serve_disk(bundle, console, memory, device, queue, names.device.view(), names.line.view());
}

}
