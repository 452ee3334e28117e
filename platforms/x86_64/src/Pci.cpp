/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * PCI on q35 (vectra/platform/Pci.h): the ECAM window comes from the ACPI MCFG table the PVH
 * start info's RSDP leads to; the firmware (SeaBIOS, which runs before the PVH entry) assigned
 * every BAR, so the kernel keeps them. Device memory is made uncached in the identity map.
 */

#include "IdentityMappedMemory.h"
#include <vectra/platform/Pci.h>
#include <vectra/x86_64/Firmware.h>

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
