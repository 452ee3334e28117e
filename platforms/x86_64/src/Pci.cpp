/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * PCI on q35 (vectra/platform/Pci.h): the ECAM window comes from the ACPI MCFG table the PVH
 * start info's RSDP leads to; the firmware (SeaBIOS, which runs before the PVH entry) assigned
 * every BAR, so the kernel keeps them. Device memory is made uncached in the identity map.
 */

#include "Acpi.h"
#include "InterruptControllers.h"
#include "Paging.h"
#include <vectra/platform/Pci.h>
#include <vectra/x86_64/Firmware.h>

namespace vectra::x86_64 {

namespace {

/* The identity map boot.S built: every address below 4 GiB reads as itself. */
class IdentityMappedMemory final : public acpi::PhysicalMemory {
public:
    std::span<u8 const> read(u64 address, u64 length) const override
    {
        if (address == 0 || address >= paging::mapped_end || length > paging::mapped_end - address)
            return {};
        return { reinterpret_cast<u8 const*>(static_cast<uptr>(address)), static_cast<usize>(length) };
    }
};

}

}

namespace vectra::platform {

bool pci_host_bridge(PciHostBridge& bridge)
{
    x86_64::IdentityMappedMemory memory;
    auto ecam = x86_64::acpi::find_ecam(memory, x86_64::acpi_root_pointer_address());
    if (ecam.is_error())
        return false;
    bridge = PciHostBridge();
    bridge.ecam_base = ecam.value().base;
    bridge.segment = ecam.value().segment;
    bridge.first_bus = ecam.value().first_bus;
    bridge.last_bus = ecam.value().last_bus;
    bridge.assign_bars = false;
    return true;
}

/*
 * INTx (ADR 0021), from the chipset rather than the ACPI _PRT (AML): on q35 the ICH9 keeps, for
 * each of its devices 25-31, a device interrupt route register (DnnIR, in the root complex
 * register block the LPC bridge's RCBA places) whose 4-bit field per pin names PIRQ A-H; in APIC
 * mode PIRQ n is I/O APIC input (GSI) 16 + n, whatever the LPC bridge's PIRQ route control
 * registers say (those steer the 8259s only). Slots 0-24 have no such register — QEMU routes
 * them by a rule of its own that only its _PRT states — so they, and functions behind bridges,
 * get false.
 */
bool pci_intx_line(u8 bus, u8 device, u8 function, u8 pin, u32& line)
{
    constexpr u8 first_routed_device = 25;
    constexpr u8 lpc_device = 31;
    constexpr u16 lpc_root_complex_base = 0xf0; /* RCBA: base in bits 31-14, enable in bit 0 */
    constexpr u64 root_complex_size = 16 * KiB;
    /* D31IR at 0x3140 .. D25IR at 0x3150, by device; D30 (the DMI-to-PCI bridge) has none. */
    constexpr u16 route_registers[] = { 0x3150, 0x314c, 0x3148, 0x3146, 0x3144, 0, 0x3140 };
    constexpr u32 first_pirq_gsi = 16;
    (void)function;
    if (bus != 0 || device < first_routed_device || device > lpc_device || pin < 1 || pin > 4)
        return false;
    u16 route_register = route_registers[device - first_routed_device];
    if (route_register == 0)
        return false;
    PciHostBridge bridge;
    if (!pci_host_bridge(bridge) || bridge.first_bus != 0)
        return false;
    auto lpc = reinterpret_cast<u32 volatile const*>(static_cast<uptr>(bridge.ecam_base + (u64(lpc_device) << 15)));
    constexpr u32 intel_ich9_lpc = 0x2918'8086; /* device << 16 | vendor */
    if (lpc[0] != intel_ich9_lpc)
        return false;
    u32 rcba = lpc[lpc_root_complex_base / 4];
    u64 base = rcba & 0xffff'c000u;
    if (!(rcba & 1) || base == 0 || !x86_64::map_uncached(base, root_complex_size))
        return false;
    u16 routes = *reinterpret_cast<u16 volatile const*>(static_cast<uptr>(base + route_register));
    u32 pirq = (routes >> ((pin - 1) * 4)) & 0x7;
    /* The I/O APIC that takes GSI 16 + pirq must be the one the platform drives, its inputs from GSI 0. */
    x86_64::IdentityMappedMemory memory;
    auto io_apic = x86_64::acpi::find_io_apic(memory, x86_64::acpi_root_pointer_address(), first_pirq_gsi + pirq);
    if (io_apic.is_error() || io_apic.value().address != x86_64::io_apic_address() || io_apic.value().gsi_base != 0)
        return false;
    if (pirq >= x86_64::io_apic_pci_input_count())
        return false;
    line = 32 + first_pirq_gsi + pirq; /* Interrupts.cpp: line 32 + GSI, masked until bound */
    return true;
}

bool map_device_memory(u64 base, u64 size) { return x86_64::map_uncached(base, size); }

/* RAM below 4 GiB is identity-mapped, and q35 has no IOMMU configured: the device sees the physical address. */
bool device_address(uptr address, usize size, u64& device)
{
    if (size == 0 || address >= x86_64::paging::mapped_end || size > x86_64::paging::mapped_end - address)
        return false;
    device = address;
    return true;
}

}
