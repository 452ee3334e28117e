/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio_gpu_display: the virtio-gpu driver Task serving its scanout as vectra.display
 * (docs/adr/0042-vectra-display.md, ADR 0036 §6): it brings the PCI function up as the check does,
 * shows a black B8G8R8X8 resource of scanout 0's size backed by its own DMA memory, and serves
 * core/display's loop over it — the lent framebuffer is that DMA memory (the client draws into
 * what the device reads: no copy), `present` is TRANSFER_TO_HOST_2D and RESOURCE_FLUSH of the
 * rectangle only. A display event (a new scanout size) makes a new resource; the old one's
 * MemCap is removed, so the copy the client held goes with it, and the generation moves on.
 * The first CONFIG_VIRTIO_GPU_REPORT_PRESENTS presents are reported on the console.
 */

#include "Gpu.h"
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>
#include <vectra/config.h>
#include <vectra/display/Server.h>

VECTRA_TASK_ENTRY(virtio_gpu_display);

namespace vectra::task_entries {

namespace {

using namespace virtiogpu;
using virtio::gpu::ControlQueue;

class GpuBackend final : public display::Backend {
public:
    explicit GpuBackend(Gpu<PciPort>& gpu)
        : m_gpu(gpu)
    {
    }

    [[nodiscard]] DisplayMode mode() const override
    {
        auto const& surface = m_gpu.surface();
        return { surface.width, surface.height, surface.width * ControlQueue::bytes_per_pixel, PixelFormat::Xrgb8888 };
    }
    [[nodiscard]] MemCap const& framebuffer() const override { return m_gpu.surface().memory; }
    [[nodiscard]] ErrorOr<void> present(Rectangle const& rectangle) override
    {
        return m_gpu.send({ rectangle.x, rectangle.y, rectangle.width, rectangle.height });
    }
    [[nodiscard]] u64 wait_mask() const override { return queue_bit.mask(); }
    [[nodiscard]] bool event_pending() const override { return m_gpu.mode_change_pending(); }
    [[nodiscard]] ErrorOr<display::ModeEvent> serve_event(u64 woken) override
    {
        if (woken & queue_bit.mask())
            TRY(m_gpu.take_interrupt());
        if (!m_gpu.take_mode_change())
            return display::ModeEvent::Unchanged;
        auto mode = TRY(m_gpu.scanout_mode());
        auto const& surface = m_gpu.surface();
        if (mode.width == surface.width && mode.height == surface.height)
            return display::ModeEvent::Unchanged;
        TRY(m_gpu.show(mode.width, mode.height));
        return display::ModeEvent::Changed;
    }

private:
    Gpu<PciPort>& m_gpu;
};

}

ErrorOr<i32> virtio_gpu_display(Bundle& bundle)
{
    static ConsoleCap console;
    console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    auto pci = TRY(bundle.take<PciDeviceCap>("device"));
    auto info = TRY(system::pci_describe(pci));
    auto device = TRY(driver::VirtioPciDevice::open(pci, memory, virtio::gpu::wanted_features));
    auto const* configuration_region = TRY(device.device_configuration());
    PciPort port(device, *configuration_region);
    auto configuration = TRY(port.configuration());
    u16 entry = device.has_msix() ? 0 : pci_interrupt_intx;
    auto queue = TRY(device.set_up_queue(memory, virtio::gpu::control_queue, queue_size, entry, queue_bit, false));
    TRY(device.signal_configuration_changes(queue));
    device.start();

    auto command_memory = TRY(system::create_memory(memory, ControlQueue::memory_size));
    auto command_bytes = TRY(system::map_memory(command_memory));
    auto control = TRY(
        ControlQueue::create(queue.ring, command_bytes, TRY(port.dma_address(command_memory)), configuration.scanouts));
    Gpu<PciPort> gpu(console, memory, port, queue, control);
    auto mode = TRY(gpu.scanout_mode());
    TRY(gpu.show(mode.width, mode.height));
    TRY(print_line(console, "virtio-gpu: {:04x}:{:04x} serving scanout 0 ({}x{}) as vectra.display, {} us after boot",
        info.vendor_id, info.device_id, mode.width, mode.height, monotonic_now().nanoseconds_since_boot() / 1000));
    GpuBackend backend(gpu);
    display::ConsoleReport report { &console, "virtio-gpu", CONFIG_VIRTIO_GPU_REPORT_PRESENTS };
    display::Settings settings { display::report_on_console, &report };
    TRY(display::run(memory, backend, std::move(requests), std::move(replies), settings, &ready));
    return 0;
}

}
