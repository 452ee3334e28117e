/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * PCI enumeration over a software model of configuration space (BARs that answer sizing like
 * hardware), BAR placement, and the device capability classes tried as an attacker would: an
 * offset outside the function, a BAR or MSI-X rewrite, a stale, revoked or read-only
 * capability, a Task without the bus capability, a second holder, a BAR of a device let go.
 */

#include "../TestSupport.h"
#include "DeviceTestTask.h"
#include "PciModel.h"
#include <array>
#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <tuple>
#include <vectra/CallFrame.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/Capability.h>
#include <vectra/kernel/PciDevice.h>

using namespace vectra;
using kernel::pci::Bar;
using test::ConfigModel;
using test::ModelFunction;
using test::populate;

namespace {

platform::PciHostBridge virt_bridge()
{
    platform::PciHostBridge bridge;
    bridge.first_bus = 0;
    bridge.last_bus = 255;
    bridge.assign_bars = true;
    bridge.windows[0] = { platform::PciWindow::Kind::Io, 0, 0x3eff'0000, 0x10000 };
    bridge.windows[1] = { platform::PciWindow::Kind::Memory32, 0x1000'0000, 0x1000'0000, 0x2eff'0000 };
    bridge.window_count = 2;
    return bridge;
}

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

}

TEST_CASE("enumeration finds every function, sizes its BARs and keeps the firmware's addresses")
{
    ConfigModel model;
    populate(model, true);
    platform::PciHostBridge bridge;
    bridge.last_bus = 0;
    kernel::pci::FunctionTable table;
    kernel::pci::enumerate(model, bridge, table);
    REQUIRE(table.count == 5);
    auto const* virtio = kernel::pci::find(table, PciMatch::by_id(0x1af4, 0x1005), 0);
    REQUIRE(virtio != nullptr);
    CHECK(virtio->address.device == 2);
    CHECK(virtio->msix_capability == 0x50);
    CHECK(virtio->msix_table_size == 4);
    CHECK(virtio->msix_table_bar == 1);
    CHECK(virtio->msix_table_offset == 0);
    CHECK(virtio->msix_pba_bar == 1);
    CHECK(virtio->msix_pba_offset == 0x800);
    CHECK(virtio->bars[0].kind == Bar::Kind::Io);
    CHECK(virtio->bars[0].size == 32);
    CHECK(virtio->bars[0].address == 0xc000);
    CHECK(virtio->bars[1].kind == Bar::Kind::Memory32);
    CHECK(virtio->bars[1].size == 4096);
    CHECK(virtio->bars[1].address == 0xfebd'1000);
    CHECK(virtio->bars[4].kind == Bar::Kind::Memory64);
    CHECK(virtio->bars[4].prefetchable);
    CHECK(virtio->bars[4].size == 16 * KiB);
    CHECK(virtio->bars[4].assigned);
    CHECK(virtio->bars[5].kind == Bar::Kind::None); /* the upper half of BAR 4 */
    CHECK(virtio->bars[2].kind == Bar::Kind::None);
    /* Sizing restored every BAR. */
    CHECK(model.at(0, 2, 0).get(0x14, 4) == 0xfebd'1000);
    CHECK(kernel::pci::find(table, PciMatch::by_class(0x02, 0x00), 2)->address.function == 5);
    CHECK(kernel::pci::find(table, PciMatch::by_class(0x02, 0x00), 3) == nullptr);
    CHECK(kernel::pci::find(table, PciMatch::by_class(0x06, 0x00), 0)->vendor == 0x8086);
}

TEST_CASE("without firmware, BARs are placed in the bridge's windows, aligned, apart, and decoded")
{
    ConfigModel model;
    populate(model, false);
    auto bridge = virt_bridge();
    kernel::pci::FunctionTable table;
    kernel::pci::enumerate(model, bridge, table);
    auto const& virtio = *kernel::pci::find(table, PciMatch::by_id(0x1af4, 0x1005), 0);
    auto const& memory = virtio.bars[1];
    auto const& wide = virtio.bars[4];
    REQUIRE(memory.assigned);
    REQUIRE(wide.assigned);
    CHECK(memory.address % memory.size == 0);
    CHECK(wide.address % wide.size == 0);
    CHECK(memory.address >= 0x1000'0000);
    CHECK(wide.address + wide.size <= 0x1000'0000 + 0x2eff'0000);
    CHECK((memory.address + memory.size <= wide.address || wide.address + wide.size <= memory.address));
    /* The function decodes them where the table says. */
    CHECK((model.at(0, 2, 0).get(0x14, 4) & ~0xfu) == memory.address);
    CHECK((model.at(0, 2, 0).get(0x20, 4) & ~0xfu) == static_cast<u32>(wide.address));
    CHECK(model.at(0, 2, 0).get(0x24, 4) == static_cast<u32>(wide.address >> 32));
    u16 command = static_cast<u16>(model.at(0, 2, 0).get(0x04, 2));
    CHECK((command & kernel::pci::command_memory_enable) != 0);
    CHECK((command & kernel::pci::command_io_enable) != 0);
    /* I/O ports from 0x1000, reached through the window's CPU address. */
    auto const& io = virtio.bars[0];
    REQUIRE(io.assigned);
    CHECK(io.address >= 0x3eff'0000 + 0x1000);
    CHECK((model.at(0, 2, 0).get(0x10, 4) & ~3u) == io.address - 0x3eff'0000);
}

TEST_CASE("a BAR that does not fit the window stays unassigned, and nothing else moves")
{
    ConfigModel model;
    auto& big = model.add(0, 1, 0, 0x1234, 0x5678, 0x03, 0x00);
    ConfigModel::bar(big, 0, 512 * MiB, 0);
    auto& small = model.add(0, 4, 0, 0x1234, 0x9abc, 0x03, 0x00);
    ConfigModel::bar(small, 0, 64 * KiB, 0);
    auto bridge = virt_bridge();
    bridge.windows[1].size = 256 * MiB;
    kernel::pci::FunctionTable table;
    kernel::pci::enumerate(model, bridge, table);
    REQUIRE(table.count == 2);
    CHECK_FALSE(table.functions[0].bars[0].assigned);
    CHECK(table.functions[0].bars[0].address == 0);
    CHECK(table.functions[0].bars[0].size == 512 * MiB);
    CHECK(table.functions[1].bars[0].assigned);
    CHECK((model.at(0, 1, 0).get(0x04, 2) & kernel::pci::command_memory_enable) == 0);
}

TEST_CASE("a bus with more functions than the table holds is counted, not overrun")
{
    ConfigModel model;
    for (u8 device = 0; device < 32; ++device) {
        auto& function = model.add(0, device, 0, 0x1234, device, 0xff, 0x00);
        function.put(0x0e, 1, 0x80);
        model.add(0, device, 1, 0x1234, device, 0xff, 0x01);
    }
    platform::PciHostBridge bridge;
    bridge.last_bus = 0;
    kernel::pci::FunctionTable table;
    kernel::pci::enumerate(model, bridge, table);
    CHECK(table.count == kernel::pci::FunctionTable::capacity);
    CHECK(table.skipped == 64 - kernel::pci::FunctionTable::capacity);
}

TEST_CASE("configuration accesses stay inside the function's 4 KiB, aligned, of width 1, 2 or 4")
{
    using kernel::pci::check_config_access;
    CHECK_FALSE(check_config_access(u64(0), u64(4)).is_error());
    CHECK_FALSE(check_config_access(u64(4092), u64(4)).is_error());
    CHECK_FALSE(check_config_access(u64(4095), u64(1)).is_error());
    CHECK(check_config_access(u64(4096), u64(1)).is_error());
    CHECK(check_config_access(u64(4094), u64(4)).is_error());
    CHECK(check_config_access(u64(2), u64(4)).is_error());
    CHECK(check_config_access(u64(0), u64(3)).is_error());
    CHECK(check_config_access(u64(0), u64(8)).is_error());
    CHECK(check_config_access(~u64(0) - 1, u64(2)).is_error());
    CHECK(check_config_access(u64(1) << 32, u64(4)).is_error());
}

TEST_CASE("writes that would move a function are refused: BARs, ROM, MSI-X control, table and PBA offsets")
{
    ConfigModel model;
    populate(model, true);
    platform::PciHostBridge bridge;
    bridge.last_bus = 0;
    kernel::pci::FunctionTable table;
    kernel::pci::enumerate(model, bridge, table);
    auto const& virtio = *kernel::pci::find(table, PciMatch::by_id(0x1af4, 0x1005), 0);
    for (u16 offset = 0x10; offset < 0x28; ++offset)
        CHECK(kernel::pci::check_config_write(virtio, offset, 1).error().code() == ErrorCode::MissingRight);
    CHECK(kernel::pci::check_config_write(virtio, 0x0e, 4).is_error()); /* misaligned */
    CHECK(kernel::pci::check_config_write(virtio, 0x0c, 4).is_error() == false); /* cache line, latency, header, BIST */
    CHECK(kernel::pci::check_config_write(virtio, 0x30, 2).is_error());
    CHECK(kernel::pci::check_config_write(virtio, 0x54, 4).is_error()); /* MSI-X table offset/BIR */
    CHECK(kernel::pci::check_config_write(virtio, 0x58, 1).is_error()); /* PBA offset/BIR */
    CHECK(kernel::pci::check_config_write(virtio, 0x52, 2).is_error()); /* MSI-X message control: the kernel's */
    CHECK(kernel::pci::check_config_write(virtio, 0x50, 4).is_error());
    CHECK_FALSE(kernel::pci::check_config_write(virtio, 0x50, 2).is_error()); /* id and next: read-only anyway */
    CHECK_FALSE(kernel::pci::check_config_write(virtio, 0x04, 2).is_error()); /* command */
    CHECK_FALSE(kernel::pci::check_config_write(virtio, 0x5c, 4).is_error());
}

namespace {

/* The kernel's view for the call tests: the model installed, a bus capability to hand out. */
struct Machine {
    ConfigModel model;
    test::Arena arena { 1 * MiB };

    Machine()
    {
        populate(model, true);
        platform::PciHostBridge bridge;
        bridge.last_bus = 0;
        (void)kernel::pci_install(model, bridge);
    }

    /* A fill giving the Task the bus ("pci", unless `with_bus` is false), a console and a Reticle of its own. */
    auto fill(bool with_bus = true)
    {
        return [this, with_bus](Task& task) {
            auto& space = task.capabilities();
            /* Fresh objects per Task: an object whose last capability went cannot be named again. */
            if (with_bus) {
                auto* bus = MUST(arena.reticle().try_create<PciBusDevice>(&arena.reticle()));
                MUST(task.bundle().give("pci", space, MUST(space.mint<CapabilityClass::Device>(bus, RightRead))));
            }
            test::give_console_and_memory(task, arena.reticle());
        };
    }
};

constexpr PciMatch virtio_rng = PciMatch::by_id(0x1af4, 0x1005);

}

TEST_CASE("a PciDevice reads its own function and nothing past it; writes that move it are refused")
{
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto bus = TRY(bundle.take<DeviceCap>("pci"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto device = TRY(system::pci_open(bus, memory, virtio_rng));
        auto info = TRY(system::pci_describe(device));
        if (info.vendor_id != 0x1af4 || info.device_id != 0x1005 || info.device != 2 || info.subclass != 0xff)
            return 1;
        if (TRY(system::pci_config_read(device, 0, 4)) != 0x1005'1af4)
            return 2;
        if (code_of(system::pci_config_read(device, 4096 - 2, 4)) != ErrorCode::InvalidArgument)
            return 3;
        /* Raw frames: offsets the 16-bit wrapper could not even express. */
        kernel::CallFrame frame;
        frame.number = u64(kernel::Call::PciConfigRead);
        frame.arguments[0] = kernel::handle_word({ device.space(), device.slot(), device.generation() });
        frame.arguments[1] = device.generation();
        frame.arguments[2] = 4096;
        frame.arguments[3] = 4;
        kernel::enter(frame);
        if (frame.error != u64(ErrorCode::InvalidArgument))
            return 4;
        frame.arguments[2] = (u64(1) << 32) | 0;
        kernel::enter(frame);
        if (frame.error != u64(ErrorCode::InvalidArgument))
            return 5;
        if (code_of(system::pci_config_write(device, 0x14, 4, 0xdead'0000)) != ErrorCode::MissingRight)
            return 6;
        if (code_of(system::pci_config_write(device, 0x54, 4, 0)) != ErrorCode::MissingRight)
            return 7;
        if (code_of(system::pci_config_write(device, 0x04, 1, 0x1ff)) != ErrorCode::InvalidArgument)
            return 8; /* a value wider than the access */
        TRY(system::pci_config_write(device, 0x04, 2, 0x0006));
        if (TRY(system::pci_config_read(device, 0x04, 2)) != 0x0006)
            return 9;
        /* Read-only: a derived PciDevice without write may read, not write. */
        auto reader = TRY(system::attenuate(device, RightRead));
        if (code_of(system::pci_config_write(reader, 0x04, 2, 0)) != ErrorCode::MissingRight)
            return 10;
        if (code_of(system::pci_config_read(reader, 0, 2)) != ErrorCode::None)
            return 11;
        /* Revoked and removed handles are stale. */
        TRY(system::revoke(device));
        if (code_of(system::pci_config_read(reader, 0, 2)) != ErrorCode::StaleHandle)
            return 12;
        PciDeviceCap kept(device.space(), device.slot(), device.generation());
        TRY(system::remove(std::move(device)));
        if (code_of(system::pci_config_read(kept, 0, 2)) != ErrorCode::StaleHandle)
            return 13;
        return 0;
    });
    REQUIRE(result.value() == 0);
    CHECK(machine.model.at(0, 2, 0).get(0x14, 4) == 0xfebd'1000);
}

TEST_CASE("a Task without the bus capability opens nothing; the console's DeviceCap is not the bus")
{
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(false), [](Bundle& bundle) -> ErrorOr<i32> {
        auto console = TRY(bundle.take<DeviceCap>("console"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        if (code_of(system::pci_open(console, memory, virtio_rng)) != ErrorCode::MissingRight)
            return 1; /* the console capability carries write only */
        auto probe = TRY(system::signal_capability(SignalBit(4)));
        DeviceCap forged(probe.space(), static_cast<u16>(probe.slot() + 5), 1);
        if (code_of(system::pci_open(forged, memory, virtio_rng)) == ErrorCode::None)
            return 2;
        PciDeviceCap guessed(probe.space(), 0, 1);
        if (code_of(system::pci_config_read(guessed, 0, 4)) == ErrorCode::None)
            return 3;
        PciDeviceCap foreign(probe.space() + 1, 0, 1);
        if (code_of(system::pci_config_read(foreign, 0, 4)) != ErrorCode::ForeignHandle)
            return 4;
        return 0;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("one holder per function: a second open is Busy until the first holder's capabilities are gone")
{
    Machine machine;
    auto holder = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto bus = TRY(bundle.take<DeviceCap>("pci"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto first = TRY(system::pci_open(bus, memory, virtio_rng));
        if (code_of(system::pci_open(bus, memory, virtio_rng)) != ErrorCode::Busy)
            return 1;
        if (code_of(system::pci_open(bus, memory, PciMatch::by_id(0x1af4, 0x1000))) != ErrorCode::NotFound)
            return 2;
        if (code_of(system::pci_open(bus, memory, virtio_rng, 1)) != ErrorCode::NotFound)
            return 3;
        TRY(system::remove(std::move(first)));
        auto again = TRY(system::pci_open(bus, memory, virtio_rng));
        (void)again;
        return 0; /* exits holding it: the exit deletes it */
    });
    REQUIRE(holder.value() == 0);
    auto next = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto bus = TRY(bundle.take<DeviceCap>("pci"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto device = TRY(system::pci_open(bus, memory, PciMatch::by_class(0x00, 0xff)));
        return TRY(system::pci_describe(device)).device_id == 0x1005 ? 0 : 1;
    });
    REQUIRE(next.value() == 0);
}

TEST_CASE("bus mastering ends with the capability that turned it on, and with the function's last capability")
{
    Machine machine;
    constexpr u32 bus_master = 1u << 2;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto bus = TRY(bundle.take<DeviceCap>("pci"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto device = TRY(system::pci_open(bus, memory, virtio_rng));
        auto mastering = [&]() -> ErrorOr<bool> { return (TRY(system::pci_config_read(device, 4, 2)) & bus_master) != 0; };
        /* The copy a driver holds turns it on, as a driver does before DMA. */
        auto driver = TRY(system::attenuate(device, RightRead | RightWrite));
        u32 command = TRY(system::pci_config_read(device, 4, 2));
        TRY(system::pci_config_write(driver, 4, 2, command | bus_master));
        if (!TRY(mastering()))
            return 1;
        /* Another copy going changes nothing. */
        auto other = TRY(system::attenuate(device, RightRead));
        TRY(system::remove(std::move(other)));
        if (!TRY(mastering()))
            return 2;
        /* The driver's copy gone (its Task ended): the device may no longer touch memory. */
        TRY(system::remove(std::move(driver)));
        if (TRY(mastering()))
            return 3;
        /* A 4-byte write over command and status counts as well; the last capability's end stops it. */
        u32 both = TRY(system::pci_config_read(device, 4, 4));
        TRY(system::pci_config_write(device, 4, 4, (both & 0xffff) | bus_master));
        if (!TRY(mastering()))
            return 4;
        return 0; /* exits holding it: the exit deletes the function's last capability */
    });
    REQUIRE(result.value() == 0);
    REQUIRE((machine.model.at(0, 2, 0).get(4, 2) & bus_master) == 0);
}

TEST_CASE("BARs as DeviceMemory: memory BARs only, mapped where enumeration found them, dead with their device")
{
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto bus = TRY(bundle.take<DeviceCap>("pci"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto device = TRY(system::pci_open(bus, memory, virtio_rng));
        auto info = TRY(system::pci_bar(device, 4));
        if (info.kind != PciBarInfo::Kind::Memory64 || info.size != 16 * KiB || !info.assigned || !info.prefetchable)
            return 1;
        if (TRY(system::pci_bar(device, 2)).kind != PciBarInfo::Kind::None)
            return 2;
        if (code_of(system::pci_bar(device, 6)) != ErrorCode::InvalidArgument)
            return 3;
        if (code_of(system::device_memory(device, memory, 0)) != ErrorCode::Unsupported)
            return 4; /* I/O ports are not memory */
        if (code_of(system::device_memory(device, memory, 5)) != ErrorCode::NotFound)
            return 5;
        /* BAR 1 holds the MSI-X table and PBA: the kernel's, never a driver's (ADR 0016). */
        if (code_of(system::device_memory(device, memory, 1)) != ErrorCode::MissingRight)
            return 14;
        auto bar = TRY(system::device_memory(device, memory, 4));
        auto rights = TRY(system::describe(bar)).rights;
        if (rights != (RightRead | RightWrite | RightGrant | RightRevoke))
            return 6;
        /* The kernel never dereferences it here: compare the mapping's place, not its bytes. */
        auto view = TRY(system::map_device_memory(bar));
        if (reinterpret_cast<uptr>(view.data()) != 0xfe00'0000 || view.size() != 16 * KiB)
            return 7;
        /* From a read-only PciDevice comes a read-only BAR. */
        auto reader = TRY(system::attenuate(device, RightRead));
        auto read_only = TRY(system::device_memory(reader, memory, 4));
        if (code_of(system::map_device_memory(read_only, true)) != ErrorCode::MissingRight)
            return 8;
        if (code_of(system::map_device_memory(read_only, false)) != ErrorCode::None)
            return 9;
        /* A BAR made through a copy dies with that copy, though the original lives on. */
        TRY(system::remove(std::move(reader)));
        if (code_of(system::map_device_memory(read_only, false)) != ErrorCode::Revoked)
            return 11;
        if (code_of(system::map_device_memory(bar)) != ErrorCode::None)
            return 12;
        /* Revoking what was derived from the original leaves BARs made through the original. */
        auto copy = TRY(system::attenuate(device, RightRead));
        auto through_copy = TRY(system::device_memory(copy, memory, 4));
        TRY(system::revoke(device));
        if (code_of(system::map_device_memory(through_copy, false)) != ErrorCode::Revoked)
            return 13;
        /* Once the PciDevice is gone, its BARs stop working though their capabilities remain. */
        TRY(system::remove(std::move(device)));
        if (code_of(system::map_device_memory(bar)) != ErrorCode::Revoked)
            return 10;
        return 0;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("a DMA address needs the device's write right and a readable MemCap; hosted names no RAM for devices")
{
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto bus = TRY(bundle.take<DeviceCap>("pci"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto device = TRY(system::pci_open(bus, memory, virtio_rng));
        auto shared = TRY(system::create_memory(memory, 4096));
        auto write_only = TRY(system::attenuate(shared, RightWrite));
        if (code_of(system::dma_address(device, write_only)) != ErrorCode::MissingRight)
            return 1;
        auto reader = TRY(system::attenuate(device, RightRead));
        if (code_of(system::dma_address(reader, shared)) != ErrorCode::MissingRight)
            return 2;
        /* The hosted platform has no device to give memory to. */
        if (code_of(system::dma_address(device, shared)) != ErrorCode::Unsupported)
            return 3;
        TRY(system::remove(std::move(device)));
        if (code_of(system::dma_address(reader, shared)) != ErrorCode::StaleHandle)
            return 4;
        return 0;
    });
    REQUIRE(result.value() == 0);
}

TEST_CASE("malformed device-call frames are refused without acting")
{
    Machine machine;
    auto result = test::run_as_task(machine.arena.reticle(), machine.fill(), [](Bundle& bundle) -> ErrorOr<i32> {
        auto bus = TRY(bundle.take<DeviceCap>("pci"));
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        kernel::CallFrame frame;
        frame.number = u64(kernel::Call::PciOpen);
        frame.arguments[0] = kernel::handle_word({ bus.space(), bus.slot(), bus.generation() });
        frame.arguments[1] = bus.generation();
        frame.arguments[2] = kernel::handle_word({ memory.space(), memory.slot(), memory.generation() });
        frame.arguments[3] = memory.generation();
        frame.arguments[4] = u64(3) << 48; /* no such match kind */
        kernel::enter(frame);
        if (frame.error != u64(ErrorCode::InvalidArgument))
            return 1;
        frame.arguments[4] = virtio_rng.word() | (u64(1) << 40); /* bits no match sets */
        kernel::enter(frame);
        if (frame.error != u64(ErrorCode::InvalidArgument))
            return 2;
        frame.arguments[4] = virtio_rng.word();
        frame.arguments[5] = u64(1) << 20; /* index */
        kernel::enter(frame);
        if (frame.error != u64(ErrorCode::InvalidArgument))
            return 3;
        frame.arguments[5] = 0;
        kernel::enter(frame);
        return frame.error == 0 ? 0 : 4;
    });
    REQUIRE(result.value() == 0);
}
