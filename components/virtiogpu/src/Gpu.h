/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio-gpu driver's device side, shared by its check (VirtioGpu.cpp) and its vectra.display
 * server (DisplayServer.cpp): the transports (a PCI function, a virtio-mmio slot), one surface —
 * a B8G8R8X8 resource backed by the driver's own DMA memory on scanout 0 — and the commands, each
 * waiting for its answer by interrupt; display events noted as they come.
 */

#pragma once

#include <utility>
#include <vectra/Display.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/driver/VirtioMmio.h>
#include <vectra/driver/VirtioPci.h>
#include <vectra/virtio/Gpu.h>

namespace vectra::virtiogpu {

/* Draws a new surface's first contents (the check's test card), before the device sees it. */
using Drawing = void (*)(std::span<u32>, DisplayMode const&);

using virtio::gpu::ControlQueue;

constexpr u16 queue_size = 64;
/* Above every session bit (0–2, 8 + n) a Task serving vectra.display uses as well. */
constexpr SignalBit queue_bit { 40 };
constexpr SignalBit timeout_bit { 41 };
constexpr u64 answer_timeout_nanoseconds = 5'000'000'000;
constexpr usize page_size = 4096;
constexpr usize maximum_pages = 16384; /* a 64 MiB framebuffer: 4096 x 4096 */

/* What the driver needs of a transport: the PCI function's. */
class PciPort {
public:
    PciPort(driver::VirtioPciDevice& device, driver::MappedRegion const& configuration)
        : m_device(device)
        , m_configuration(configuration)
    {
    }
    void notify(u16 queue) { m_device.notify(queue); }
    /* Reading the ISR deasserts INTx (harmless with MSI-X). */
    void interrupted() { (void)m_device.interrupt_status(); }
    ErrorOr<u64> dma_address(MemCap const& memory) const { return m_device.dma_address(memory); }
    ErrorOr<virtio::gpu::Configuration> configuration() const
    {
        return virtio::gpu::Configuration::read(m_configuration.base, m_configuration.length);
    }
    void clear_events(u32 events) { virtio::gpu::Configuration::clear_events(m_configuration.base, events); }

private:
    driver::VirtioPciDevice& m_device;
    driver::MappedRegion const& m_configuration;
};

/* … and a virtio-mmio slot's: the configuration is registers from 0x100, read through the slot. */
class MmioPort {
public:
    static constexpr u32 configuration_offset = 0x100;

    MmioPort(driver::VirtioMmioDevice& device, driver::SlotRegisters& registers)
        : m_device(device)
        , m_registers(registers)
    {
    }
    void notify(u16 queue) { m_device.notify(queue); }
    /* InterruptStatus read and InterruptACK written: a level slot's line falls. */
    void interrupted() { (void)m_device.interrupt_status(); }
    ErrorOr<u64> dma_address(MemCap const& memory) const { return m_device.dma_address(memory); }
    ErrorOr<virtio::gpu::Configuration> configuration() const
    {
        u8 bytes[16];
        for (u32 word = 0; word < 4; ++word) {
            u32 value = m_registers.read(configuration_offset + 4 * word);
            for (u32 index = 0; index < 4; ++index)
                bytes[4 * word + index] = static_cast<u8>(value >> (8 * index));
        }
        return virtio::gpu::Configuration::read(bytes, sizeof(bytes));
    }
    void clear_events(u32 events) { m_registers.write(configuration_offset + 4, events); }

private:
    driver::VirtioMmioDevice& m_device;
    driver::SlotRegisters& m_registers;
};

/* A resource on the device and the driver memory backing it. */
struct Surface {
    u32 resource { 0 };
    u32 width { 0 };
    u32 height { 0 };
    MemCap memory;
    std::span<u32> pixels;
};

enum class Until : u8 { Deadline, DisplayEvent };

template<typename Port>
class Gpu {
public:
    Gpu(ConsoleCap const& console, ReticleCap const& memory, Port& port, driver::VirtioQueue& queue, ControlQueue& control)
        : m_console(console)
        , m_memory(memory)
        , m_port(port)
        , m_queue(queue)
        , m_control(control)
    {
    }

    /* Sends the command `submitted` put on the queue and waits (on the interrupt) for its answer. */
    ErrorOr<virtio::gpu::Answer> run(ErrorOr<void> submitted)
    {
        TRY(submitted);
        if (m_control.publish())
            m_port.notify(virtio::gpu::control_queue);
        u64 deadline = system::monotonic_nanoseconds() + answer_timeout_nanoseconds;
        /* The used ring is looked at only after an interrupt (one left pending from before is harmless: NotFound). */
        for (;;) {
            if (!TRY(wait_for_interrupt(deadline)))
                return Error(ErrorCode::TimedOut, "the device did not answer a command within 5 seconds");
            auto answer = m_control.take_answer();
            if (!answer.is_error() || answer.error().code() != ErrorCode::NotFound)
                return answer;
        }
    }

    /* The enabled mode of scanout 0. */
    ErrorOr<virtio::gpu::Rectangle> scanout_mode()
    {
        auto answer = TRY(run(m_control.get_display_info()));
        auto const& mode = answer.display_info.modes[0];
        if (!mode.enabled)
            return Error(ErrorCode::NotFound, "scanout 0 is not enabled");
        return mode.rectangle;
    }

    /*
     * Shows a new surface of width x height on scanout 0 (drawn by `draw` first, when given; black
     * otherwise), then lets go of the previous one (its MemCap removed: every copy lent from it goes
     * too): the first frame at start, and a resize.
     */
    ErrorOr<void> show(u32 width, u32 height, Drawing draw = nullptr)
    {
        Surface next;
        next.resource = m_surface.resource == 1 ? 2 : 1;
        next.width = width;
        next.height = height;
        usize bytes = (usize(width) * height * ControlQueue::bytes_per_pixel + page_size - 1) / page_size * page_size;
        if (bytes / page_size > maximum_pages)
            return Error(ErrorCode::InvalidArgument, "the mode needs a framebuffer larger than the driver allows");
        next.memory = TRY(system::create_memory(m_memory, bytes));
        auto mapped = TRY(system::map_memory(next.memory));
        next.pixels = { reinterpret_cast<u32*>(mapped.data()), mapped.size() / 4 };
        u64 base = TRY(m_port.dma_address(next.memory));

        /* The backing is the framebuffer's pages, as a scatter list (neighbours merged). */
        virtio::gpu::MemoryEntry entries[ControlQueue::maximum_backing_entries];
        usize entry_count = 0;
        for (usize page = 0; page < bytes / page_size; page += 64) {
            u64 addresses[64];
            usize count = bytes / page_size - page < 64 ? bytes / page_size - page : 64;
            for (usize index = 0; index < count; ++index)
                addresses[index] = base + (page + index) * page_size;
            entry_count += TRY(virtio::gpu::scatter_list({ addresses, count }, page_size, { entries + entry_count,
                ControlQueue::maximum_backing_entries - entry_count }));
            /* The next batch's first page may continue this batch's last entry. */
            for (; entry_count >= 2; --entry_count) {
                auto& before = entries[entry_count - 2];
                auto const& last = entries[entry_count - 1];
                if (before.address + before.length != last.address || before.length > 0xffffffffu - last.length)
                    break;
                before.length += last.length;
            }
        }

        DisplayMode mode { width, height, width * ControlQueue::bytes_per_pixel, PixelFormat::Xrgb8888 };
        if (draw)
            draw(next.pixels, mode);
        virtio::gpu::Rectangle whole { 0, 0, width, height };
        TRY(run(m_control.create_resource(next.resource, virtio::gpu::Format::B8G8R8X8, width, height)));
        TRY(run(m_control.attach_backing(next.resource, { entries, entry_count })));
        TRY(run(m_control.transfer_to_host(next.resource, whole)));
        TRY(run(m_control.set_scanout(0, next.resource, whole)));
        TRY(run(m_control.flush(next.resource, whole)));
        TRY(print_line(m_console, "virtio-gpu: resource {} {}x{} b8g8r8x8, backing {} pages in {} scatter entries, on scanout 0",
            next.resource, width, height, bytes / page_size, entry_count));
        if (m_surface.resource != 0) {
            TRY(run(m_control.unref(m_surface.resource)));
            TRY(system::remove(std::move(m_surface.memory)));
        }
        m_surface = std::move(next);
        return {};
    }

    /* Fills `rectangle` of the framebuffer; with `send`, transfers and flushes it (and only it). */
    ErrorOr<void> damage(virtio::gpu::Rectangle const& rectangle, u32 colour, bool send)
    {
        if (!virtio::gpu::rectangle_within(rectangle, m_surface.width, m_surface.height))
            return Error(ErrorCode::InvalidArgument, "the damage lies outside the surface");
        for (u32 row = rectangle.y; row < rectangle.y + rectangle.height; ++row) {
            for (u32 column = rectangle.x; column < rectangle.x + rectangle.width; ++column)
                m_surface.pixels[usize(row) * m_surface.width + column] = colour;
        }
        if (!send)
            return {};
        return this->send(rectangle);
    }

    /* Transfers `rectangle` of the framebuffer to the device's resource and flushes it (and only it). */
    ErrorOr<void> send(virtio::gpu::Rectangle const& rectangle)
    {
        TRY(run(m_control.transfer_to_host(m_surface.resource, rectangle)));
        TRY(run(m_control.flush(m_surface.resource, rectangle)));
        return {};
    }

    /*
     * Waits until `deadline`, handling display events (a new mode: a new surface) meanwhile; with
     * Until::DisplayEvent, only until the first one was handled. Returns whether one was.
     */
    ErrorOr<bool> hold(u64 deadline, Until until = Until::Deadline, Drawing draw = nullptr)
    {
        bool handled = false;
        while (TRY(wait_for_interrupt(deadline))) {
            if (!m_mode_changed)
                continue;
            m_mode_changed = false;
            auto mode = TRY(scanout_mode());
            TRY(print_line(m_console, "virtio-gpu: display event: scanout 0 is now {}x{}", mode.width, mode.height));
            if (mode.width != m_surface.width || mode.height != m_surface.height)
                TRY(show(mode.width, mode.height, draw));
            handled = true;
            if (until == Until::DisplayEvent)
                break;
        }
        return handled;
    }

    [[nodiscard]] u64 interrupts() const { return m_interrupts; }
    [[nodiscard]] u64 display_events() const { return m_display_events; }
    [[nodiscard]] Surface const& surface() const { return m_surface; }

private:
    /* One interrupt before `deadline` (true), or none (false). Display events are noted and acknowledged. */
    ErrorOr<bool> wait_for_interrupt(u64 deadline)
    {
        u64 woken = system::wait_until(queue_bit.mask(), deadline, timeout_bit);
        if (!(woken & queue_bit.mask()))
            return false;
        TRY(take_interrupt());
        return true;
    }

public:
    /* An interrupt came (queue_bit rose): acknowledged; a display event is noted for take_mode_change(). */
    ErrorOr<void> take_interrupt()
    {
        /* The device learns first (ISR, InterruptACK), then the kernel; only then look further. */
        m_port.interrupted();
        m_interrupts = TRY(system::acknowledge_interrupt(m_queue.interrupt));
        auto configuration = TRY(m_port.configuration());
        if (configuration.events_read & virtio::gpu::event_display) {
            m_port.clear_events(virtio::gpu::event_display);
            m_mode_changed = true;
            ++m_display_events;
        }
        return {};
    }

    /* Whether a display event came since the last call (it is then taken). */
    [[nodiscard]] bool take_mode_change() { return std::exchange(m_mode_changed, false); }
    [[nodiscard]] bool mode_change_pending() const { return m_mode_changed; }

private:

    ConsoleCap const& m_console;
    ReticleCap const& m_memory;
    Port& m_port;
    driver::VirtioQueue& m_queue;
    ControlQueue& m_control;
    Surface m_surface;
    u64 m_interrupts { 0 };
    u64 m_display_events { 0 };
    bool m_mode_changed { false };
};

}
