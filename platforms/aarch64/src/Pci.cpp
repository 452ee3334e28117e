/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * PCI on QEMU virt (vectra/platform/Pci.h): the host bridge from the device tree's
 * pci-host-ecam-generic node. Booted with -kernel, no firmware ran, so the kernel places the
 * BARs in the node's 32-bit memory window (and its I/O window). ECAM and BARs are mapped
 * Device-nGnRE (Paging.cpp). A function's INTx pin raises the SPI the node's interrupt-map
 * names (ADR 0021).
 */

#include "Machine.h"
#include "MemoryMap.h"
#include "Gic.h"
#include "PciHost.h"
#include "PciInterruptMap.h"
#include <vectra/platform/Pci.h>

namespace vectra::platform {

bool pci_host_bridge(PciHostBridge& bridge)
{
    auto tree = aarch64::device_tree();
    if (tree.is_error())
        return false;
    auto found = aarch64::read_pci_host(tree.value(), bridge);
    return !found.is_error() && found.value();
}

/* INTx (ADR 0021): the SPI the host node's interrupt-map names, made level-triggered (disabled when it was not yet). */
bool pci_intx_line(u8 bus, u8 device, u8 function, u8 pin, u32& line)
{
    auto tree = aarch64::device_tree();
    if (tree.is_error())
        return false;
    u32 intid = 0;
    auto found = aarch64::read_pci_intx(tree.value(), bus, device, function, pin, intid);
    if (found.is_error() || !found.value() || intid >= aarch64::gic_line_count())
        return false;
    aarch64::gic_set_level_triggered(intid);
    line = intid;
    return true;
}

/* RAM is identity-mapped in its window, and virt has no SMMU configured: the device sees the physical address. */
bool device_address(uptr address, usize size, u64& device)
{
    if (size == 0 || address < aarch64::ram_base || address >= aarch64::ram_window_end
        || size > aarch64::ram_window_end - address)
        return false;
    device = address;
    return true;
}

}
