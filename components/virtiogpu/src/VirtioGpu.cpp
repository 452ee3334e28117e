/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio_gpu: a driver Task for one virtio-gpu PCI function (2D only), holding its PciDevice
 * capability, a console and its Reticle (README.md); virtio_gpu_mmio: the same over a virtio-mmio
 * slot (a VirtioMmioSlot capability instead, the slot's one line for every interrupt). It resets the device, takes no optional
 * feature, asks the display information, and shows a framebuffer of its own DMA memory on
 * scanout 0: a B8G8R8X8 resource backed by the framebuffer's pages, the test card drawn into it,
 * transferred and flushed. Then it changes two rectangles of the framebuffer and sends only one
 * of them to the device — the screen must show that one and not the other. Every command waits
 * for its answer on MSI-X entry 0 (the INTx pin where the function has no MSI-X); the
 * configuration's display event (a new mode) wakes the same way and makes a new resource of
 * the new size.
 */

#include "Gpu.h"
#include <testcard/TestCard.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>

VECTRA_TASK_ENTRY(virtio_gpu);
VECTRA_TASK_ENTRY(virtio_gpu_mmio);

namespace vectra::task_entries {

namespace {

using namespace virtiogpu;
using virtio::gpu::ControlQueue;

constexpr u64 hold_nanoseconds = 2'000'000'000; /* each frame stays up this long for the harness's screenshot */
constexpr u64 resize_wait_nanoseconds = 10'000'000'000;

/* The damage the check makes: `shown` is transferred and flushed, `hidden` only written to memory. */
constexpr virtio::gpu::Rectangle shown { 448, 288, 128, 32 };
constexpr u32 shown_colour = 0xff8000;
constexpr virtio::gpu::Rectangle hidden { 0, 0, 64, 64 };
constexpr u32 hidden_colour = 0x0000ff;

/*
 * The check, over either transport: `queue` is the control queue, set up; the device is started
 * here. Returns the interrupts taken (the caller prints where they came from).
 */
template<typename Port>
ErrorOr<u64> run_check(ConsoleCap const& console, ReticleCap const& memory, Port& port, driver::VirtioQueue& queue,
    u32 scanouts)
{
    auto command_memory = TRY(system::create_memory(memory, ControlQueue::memory_size));
    auto command_bytes = TRY(system::map_memory(command_memory));
    auto control = TRY(ControlQueue::create(queue.ring, command_bytes, TRY(port.dma_address(command_memory)), scanouts));

    Gpu<Port> gpu(console, memory, port, queue, control);
    auto mode = TRY(gpu.scanout_mode());
    TRY(print_line(console, "virtio-gpu: scanout 0 {}x{} at ({}, {})", mode.width, mode.height, mode.x, mode.y));
    TRY(gpu.show(mode.width, mode.height, testcard::draw));
    u64 first_frame = monotonic_now().nanoseconds_since_boot();
    TRY(print_line(console, "virtio-gpu: first frame flushed {} us after boot; holding it for a screenshot", first_frame / 1000));
    (void)TRY(gpu.hold(system::monotonic_nanoseconds() + hold_nanoseconds, Until::Deadline, testcard::draw));

    /* Two rectangles change in memory; only `shown` reaches the device. */
    TRY(gpu.damage(hidden, hidden_colour, false));
    TRY(gpu.damage(shown, shown_colour, true));
    TRY(print_line(console, "virtio-gpu: damage {}x{} at ({}, {}) transferred and flushed, {}x{} at ({}, {}) kept back; holding it",
        shown.width, shown.height, shown.x, shown.y, hidden.width, hidden.height, hidden.x, hidden.y));
    (void)TRY(gpu.hold(system::monotonic_nanoseconds() + hold_nanoseconds, Until::Deadline, testcard::draw));

    /* A new mode comes as a display event (a window resized; the oracle asks through QEMU's VNC server). */
    TRY(print_line(console, "virtio-gpu: waiting up to {} s for a display event", resize_wait_nanoseconds / 1'000'000'000));
    if (TRY(gpu.hold(system::monotonic_nanoseconds() + resize_wait_nanoseconds, Until::DisplayEvent, testcard::draw))) {
        TRY(print_line(console, "virtio-gpu: {}x{} surface shown; holding it", gpu.surface().width, gpu.surface().height));
        (void)TRY(gpu.hold(system::monotonic_nanoseconds() + hold_nanoseconds, Until::Deadline, testcard::draw));
    } else {
        TRY(print_line(console, "virtio-gpu: no display event"));
    }

    /* Refused before the device sees them: damage past the surface's edge. */
    auto const& surface = gpu.surface();
    auto past_edge = control.flush(surface.resource, { surface.width - 1, 0, 2, 1 });
    TRY(print_line(console, "virtio-gpu: flush reaching past the right edge -> {}",
        past_edge.is_error() ? error_code_name(past_edge.error().code()) : "NOT refused"));
    if (!past_edge.is_error())
        return Error(ErrorCode::InvalidArgument, "a flush past the edge was not refused");
    TRY(print_line(console, "virtio-gpu: {} display events", gpu.display_events()));
    return gpu.interrupts();
}

}

ErrorOr<i32> virtio_gpu(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto pci = TRY(bundle.take<PciDeviceCap>("device"));
    auto info = TRY(system::pci_describe(pci));
    auto device = TRY(driver::VirtioPciDevice::open(pci, memory, virtio::gpu::wanted_features));
    auto const* configuration_region = TRY(device.device_configuration());
    PciPort port(device, *configuration_region);
    auto configuration = TRY(port.configuration());
    TRY(print_line(console, "virtio-gpu: {:04x}:{:04x}, {} scanout(s), features taken {:#x} (2D only: no virgl, no EDID)",
        info.vendor_id, info.device_id, configuration.scanouts, device.features()));

    /* MSI-X entry 0 for the control queue and configuration changes; the INTx pin where there is no MSI-X. */
    u16 entry = device.has_msix() ? 0 : pci_interrupt_intx;
    auto queue = TRY(device.set_up_queue(memory, virtio::gpu::control_queue, queue_size, entry, queue_bit, false));
    TRY(device.signal_configuration_changes(queue));
    device.start();
    u64 interrupts = TRY(run_check(console, memory, port, queue, configuration.scanouts));
    TRY(device.reset());
    if (queue.entry == pci_interrupt_intx)
        TRY(print_line(console, "virtio-gpu: {} interrupts on INTx line {}", interrupts,
            TRY(system::interrupt_line(queue.interrupt))));
    else
        TRY(print_line(console, "virtio-gpu: {} interrupts on MSI-X entry {}", interrupts, queue.entry));
    return interrupts == 0 ? 1 : 0;
}

ErrorOr<i32> virtio_gpu_mmio(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto slot = TRY(bundle.take<VirtioMmioSlotCap>("device"));
    auto info = TRY(system::mmio_slot_describe(slot));
    driver::SlotRegisters registers(slot);
    auto device = TRY(driver::VirtioMmioDevice::open(slot, registers, virtio::gpu::wanted_features));
    MmioPort port(device, registers);
    auto configuration = TRY(port.configuration());
    TRY(print_line(console, "virtio-gpu: virtio-mmio slot, device {} version {}, {} scanout(s), features taken {:#x} (2D only: no virgl, no EDID)",
        info.device_id, info.version, configuration.scanouts, device.features()));
    /* The slot's one line carries used buffers and configuration changes alike. */
    auto queue = TRY(device.set_up_queue(memory, virtio::gpu::control_queue, queue_size, queue_bit, false));
    device.start();
    u64 interrupts = TRY(run_check(console, memory, port, queue, configuration.scanouts));
    TRY(device.reset());
    TRY(print_line(console, "virtio-gpu: {} interrupts on virtio-mmio line {}", interrupts, info.line));
    return interrupts == 0 ? 1 : 0;
}

}
