/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The device capability classes and their calls (vectra/kernel/PciDevice.h): the function
 * table enumerated at boot, one holder per function, configuration access held to
 * pci::check_config_access / check_config_write, BARs as DeviceMemory.
 */

#include <vectra/Try.h>
#include <vectra/kernel/Domain.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/MemoryObject.h>
#include <vectra/kernel/PciDevice.h>
#include <vectra/platform/Platform.h>
#include "MessageInterrupts.h"
#include "NewObjects.h"

namespace vectra::kernel {

namespace {

struct Registry {
    pci::ConfigAccess* access { nullptr };
    pci::FunctionTable table;
    PciDevice* holders[pci::FunctionTable::capacity] {};
};

Registry s_registry;

usize index_of(pci::Function const& function) { return static_cast<usize>(&function - s_registry.table.functions); }

}

pci::FunctionTable const& pci_install(pci::ConfigAccess& access, platform::PciHostBridge const& bridge)
{
    for (auto*& holder : s_registry.holders)
        holder = nullptr;
    s_registry.access = &access;
    pci::enumerate(access, bridge, s_registry.table);
    return s_registry.table;
}

bool pci_present() { return s_registry.access != nullptr; }

pci::ConfigAccess& pci_config_access() { return *s_registry.access; }

bool pci_boot()
{
    static platform::PciHostBridge bridge;
    if (!platform::pci_host_bridge(bridge))
        return false;
    u64 ecam_size = (u64(bridge.last_bus) - bridge.first_bus + 1) << 20;
    if (bridge.last_bus < bridge.first_bus || !platform::map_device_memory(bridge.ecam_base, ecam_size)) {
        console_format("vectra: PCI: cannot map the ECAM window at {:#x} ({} MiB); no PCI", bridge.ecam_base, ecam_size / MiB);
        return false;
    }
    static pci::EcamAccess ecam(static_cast<uptr>(bridge.ecam_base), bridge.first_bus);
    auto const& table = pci_install(ecam, bridge);
    usize unmapped = 0;
    for (usize index = 0; index < table.count; ++index) {
        for (auto const& bar : table.functions[index].bars) {
            bool memory = bar.kind == pci::Bar::Kind::Memory32 || bar.kind == pci::Bar::Kind::Memory64;
            if (memory && bar.assigned && !platform::map_device_memory(bar.address, bar.size))
                ++unmapped;
        }
    }
    console_format("vectra: PCI: {} function{} on buses {}-{} (ECAM {:#x}; BARs {}){}", table.count,
        table.count == 1 ? "" : "s", bridge.first_bus, bridge.last_bus, bridge.ecam_base,
        bridge.assign_bars ? "placed by the kernel" : "as the firmware left them",
        unmapped == 0 ? "" : "; some BARs could not be mapped");
    return true;
}

}

namespace vectra {

void PciDevice::note_bus_master(CapabilityEntry const& through, bool enabled)
{
    m_bus_master_through = enabled ? &through : nullptr;
}

void PciDevice::stop_bus_mastering()
{
    m_bus_master_through = nullptr;
    if (!kernel::s_registry.access)
        return;
    auto& access = *kernel::s_registry.access;
    u32 command = access.read(m_function.address, kernel::pci::Command, 2);
    access.write(m_function.address, kernel::pci::Command, 2, command & ~kernel::pci::command_bus_master);
}

void PciDevice::tear_down()
{
    /* The last capability is gone: the device stops DMA, and the function may be opened again (by a restarted driver). */
    stop_bus_mastering();
    auto& holder = kernel::s_registry.holders[kernel::index_of(m_function)];
    if (holder == this)
        holder = nullptr;
}

void PciDevice::capability_deleted(CapabilityEntry const& entry)
{
    for (auto* memory = m_memories; memory; memory = memory->m_next) {
        if (memory->m_through == &entry)
            memory->m_through = nullptr;
    }
    kernel::MessageInterrupts::release_made_through(*this, entry);
    if (m_bus_master_through == &entry)
        stop_bus_mastering();
}

void PciDevice::capability_moved(CapabilityEntry const& from, CapabilityEntry const& to)
{
    for (auto* memory = m_memories; memory; memory = memory->m_next) {
        if (memory->m_through == &from)
            memory->m_through = &to;
    }
    for (auto* line = m_interrupts; line; line = line->m_message.next) {
        if (line->m_message.through == &from)
            line->m_message.through = &to;
    }
    if (m_bus_master_through == &from)
        m_bus_master_through = &to;
}

DeviceMemory::DeviceMemory(PciDevice& device, CapabilityEntry const& through, u64 base, u64 size, KernelObject* origin)
    : KernelObject(CapabilityClass::DeviceMemory, origin)
    , m_device(device)
    , m_through(&through)
    , m_next(device.m_memories)
    , m_base(base)
    , m_size(size)
{
    m_device.m_memories = this;
    m_device.retain();
}

void DeviceMemory::retired()
{
    for (DeviceMemory** link = &m_device.m_memories; *link; link = &(*link)->m_next) {
        if (*link == this) {
            *link = m_next;
            break;
        }
    }
    m_device.release();
}

ErrorOr<void> DeviceMemory::check_live() const
{
    if (!m_through || m_device.is_torn_down())
        return Error(ErrorCode::Revoked, "the PciDevice capability this BAR was made through is gone");
    return {};
}

}

namespace vectra::kernel {

namespace {

ErrorOr<PciDevice*> device_of(CapabilitySpace& space, PciDeviceCap const& capability, Rights needed)
{
    return space.lookup(capability, needed);
}

}

ErrorOr<PciDeviceCap> pci_open(CapabilitySpace& space, DeviceCap const& bus, ReticleCap const& memory, PciMatch const& match,
    usize index)
{
    Device* device = TRY(space.lookup(bus, RightRead));
    if (device->kind() != Device::Kind::PciBus)
        return Error(ErrorCode::WrongClass, "the DeviceCap does not name the PCI bus");
    Reticle* reticle = TRY(space.lookup(memory, RightRetype));
    if (!pci_present())
        return Error(ErrorCode::NotFound, "this machine has no PCI");
    pci::Function const* function = pci::find(s_registry.table, match, index);
    if (!function)
        return Error(ErrorCode::NotFound, "no PCI function on this machine matches");
    auto& holder = s_registry.holders[index_of(*function)];
    if (holder)
        return Error(ErrorCode::Busy, "the PCI function is held by another PciDevice capability");
    TRY(ensure_room(space));
    PciDevice* opened = TRY(reticle->try_create<PciDevice>(*function, reticle));
    auto handle = TRY(name_new_object<CapabilityClass::PciDevice>(space, opened, RightRead | RightWrite | RightGrant | RightRevoke));
    holder = opened;
    return handle;
}

ErrorOr<PciFunctionInfo> pci_describe(CapabilitySpace& space, PciDeviceCap const& capability)
{
    auto const& function = TRY(device_of(space, capability, RightRead))->function();
    PciFunctionInfo info;
    info.bus = function.address.bus;
    info.device = function.address.device;
    info.function = function.address.function;
    info.header_type = function.header_type;
    info.vendor_id = function.vendor;
    info.device_id = function.device;
    info.class_code = function.class_code;
    info.subclass = function.subclass;
    info.interface = function.interface;
    info.revision = function.revision;
    return info;
}

ErrorOr<u32> pci_config_read(CapabilitySpace& space, PciDeviceCap const& capability, u64 offset, u64 width)
{
    auto const& function = TRY(device_of(space, capability, RightRead))->function();
    TRY(pci::check_config_access(offset, width));
    return s_registry.access->read(function.address, static_cast<u16>(offset), static_cast<u8>(width));
}

ErrorOr<void> pci_config_write(CapabilitySpace& space, PciDeviceCap const& capability, u64 offset, u64 width, u64 value)
{
    auto* device = TRY(device_of(space, capability, RightWrite));
    auto const& function = device->function();
    TRY(pci::check_config_access(offset, width));
    if (width < 8 && (value >> (width * 8)) != 0)
        return Error(ErrorCode::InvalidArgument, "the value is wider than the access");
    TRY(pci::check_config_write(function, static_cast<u16>(offset), static_cast<u8>(width)));
    s_registry.access->write(function.address, static_cast<u16>(offset), static_cast<u8>(width), static_cast<u32>(value));
    /* Whichever write touched the command register: remember who left bus mastering on. */
    if (offset <= pci::Command && offset + width > pci::Command) {
        u32 command = s_registry.access->read(function.address, pci::Command, 2);
        device->note_bus_master(*TRY(space.entry_of(capability)), (command & pci::command_bus_master) != 0);
    }
    return {};
}

ErrorOr<PciBarInfo> pci_bar(CapabilitySpace& space, PciDeviceCap const& capability, u64 index)
{
    auto const& function = TRY(device_of(space, capability, RightRead))->function();
    if (index >= pci::bar_count)
        return Error(ErrorCode::InvalidArgument, "a function has BARs 0 to 5");
    auto const& bar = function.bars[index];
    return PciBarInfo { bar.kind, bar.prefetchable, bar.assigned, bar.size };
}

ErrorOr<DeviceMemoryCap> device_memory(CapabilitySpace& space, PciDeviceCap const& capability, ReticleCap const& memory,
    u64 index)
{
    PciDevice* device = TRY(device_of(space, capability, RightRead));
    CapabilityEntry const* through = TRY(space.entry_of(capability));
    Rights entry_rights = through->rights;
    Reticle* reticle = TRY(space.lookup(memory, RightRetype));
    if (index >= pci::bar_count)
        return Error(ErrorCode::InvalidArgument, "a function has BARs 0 to 5");
    auto const& bar = device->function().bars[index];
    if (bar.kind == pci::Bar::Kind::None)
        return Error(ErrorCode::NotFound, "the function implements no such BAR");
    if (bar.kind == pci::Bar::Kind::Io)
        return Error(ErrorCode::Unsupported, "an I/O-port BAR is not memory");
    if (pci::holds_msix_structures(device->function(), index))
        return Error(ErrorCode::MissingRight, "the BAR holding the MSI-X table is the kernel's (pci_interrupt binds entries)");
    if (!bar.assigned)
        return Error(ErrorCode::NotFound, "the BAR has no address (it did not fit the bridge's window)");
    TRY(ensure_room(space));
    auto* object = TRY(reticle->try_create<DeviceMemory>(*device, *through, bar.address, bar.size, reticle));
    Rights rights = (entry_rights & (RightRead | RightWrite)) | RightGrant | RightRevoke;
    return name_new_object<CapabilityClass::DeviceMemory>(space, object, rights);
}

ErrorOr<std::span<u8>> map_device_memory(CapabilitySpace& space, DeviceMemoryCap const& capability, bool writable)
{
    DeviceMemory* memory = TRY(space.lookup(capability, writable ? RightRead | RightWrite : RightRead));
    TRY(memory->check_live());
    auto& executor = Executor::current();
    if (executor.in_task() && domains::name_of(executor.current_task()).size() != 0)
        return Error(ErrorCode::Unsupported, "device memory is not mapped into protection domains yet");
    return std::span<u8>(reinterpret_cast<u8*>(static_cast<uptr>(memory->base())), static_cast<usize>(memory->size()));
}

ErrorOr<u64> dma_address(CapabilitySpace& space, PciDeviceCap const& device, MemCap const& memory)
{
    TRY(device_of(space, device, RightWrite));
    return device_address_of(space, memory);
}

ErrorOr<u64> device_address_of(CapabilitySpace& space, MemCap const& memory)
{
    /* Read is enough: a write request's buffer is only read by the device (see System.h). */
    auto bytes = TRY(readable_view(space, memory));
    auto& executor = Executor::current();
    if (executor.in_task() && domains::name_of(executor.current_task()).size() != 0)
        return Error(ErrorCode::Unsupported, "DMA memory is not offered to protection domains yet");
    u64 address = 0;
    if (!platform::device_address(reinterpret_cast<uptr>(bytes.data()), bytes.size(), address))
        return Error(ErrorCode::Unsupported, "the platform cannot give a device this memory");
    return address;
}

}
