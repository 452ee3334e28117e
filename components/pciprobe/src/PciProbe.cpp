/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * pci_probe: everything a driver learns about its function, through its PciDevice capability
 * only (README.md).
 */

#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>

VECTRA_TASK_ENTRY(pci_probe);

namespace vectra::task_entries {

namespace {

constexpr u16 status_register = 0x06;
constexpr u16 status_capabilities = 1u << 4;
constexpr u16 capabilities_pointer = 0x34;
constexpr u8 capability_msix = 0x11;
constexpr usize maximum_capabilities = 48;

/* The offset of the function's MSI-X capability, or 0. */
ErrorOr<u16> find_msix(PciDeviceCap const& device)
{
    if (!(TRY(system::pci_config_read(device, status_register, 2)) & status_capabilities))
        return u16(0);
    u16 pointer = static_cast<u16>(TRY(system::pci_config_read(device, capabilities_pointer, 1)) & 0xfc);
    for (usize steps = 0; steps < maximum_capabilities && pointer >= 0x40; ++steps) {
        u32 header = TRY(system::pci_config_read(device, pointer, 2));
        if ((header & 0xff) == capability_msix)
            return pointer;
        pointer = static_cast<u16>((header >> 8) & 0xfc);
    }
    return u16(0);
}

}

ErrorOr<i32> pci_probe(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto device = TRY(bundle.take<PciDeviceCap>("device"));
    auto info = TRY(system::pci_describe(device));
    TRY(print_line(console, "pci-probe: {:02x}:{:02x}.{} {:04x}:{:04x} class {:02x}:{:02x}:{:02x} revision {}", info.bus,
        info.device, info.function, info.vendor_id, info.device_id, info.class_code, info.subclass, info.interface,
        info.revision));
    /* The same identity read straight from configuration space, as a driver checks it. */
    u32 identity = TRY(system::pci_config_read(device, 0, 4));
    if (identity != (u32(info.device_id) << 16 | info.vendor_id))
        return Error(ErrorCode::InvalidArgument, "configuration space disagrees with the enumeration");
    for (u8 index = 0; index < 6; ++index) {
        auto bar = TRY(system::pci_bar(device, index));
        if (bar.kind == PciBarInfo::Kind::None)
            continue;
        TRY(print_line(console, "pci-probe: BAR{} {} {} bytes{}{}", index, pci_bar_kind_name(bar.kind), bar.size,
            bar.prefetchable ? " prefetchable" : "", bar.assigned ? "" : " (no address)"));
    }
    u16 msix = TRY(find_msix(device));
    if (msix == 0) {
        TRY(print_line(console, "pci-probe: no MSI-X capability"));
        return 0;
    }
    u32 table = TRY(system::pci_config_read(device, static_cast<u16>(msix + 4), 4));
    u8 bar_index = static_cast<u8>(table & 7);
    u32 offset = table & ~u32(7);
    /* The table's BAR is the kernel's (ADR 0016): a driver binds entries with pci_interrupt, never writes them. */
    auto refused = system::device_memory(device, memory, bar_index);
    bool kernels = refused.is_error() && refused.error().code() == ErrorCode::MissingRight;
    TRY(print_line(console, "pci-probe: MSI-X capability at {:#x}, table in BAR{} at {:#x}: {}", msix, bar_index, offset,
        kernels ? "the kernel's (DeviceMemory refused)" : "MAPPED BY A DRIVER"));
    return kernels ? 0 : 1;
}

}
