/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * PCI on QEMU virt (vectra/platform/Pci.h): the host bridge from the device tree's
 * pci-host-ecam-generic node. Booted with -kernel, no firmware ran, so the kernel places the
 * BARs in the node's 32-bit memory window (and its I/O window). ECAM and BARs are mapped
 * Device-nGnRE (Paging.cpp).
 */

#include "Machine.h"
#include "MemoryMap.h"
#include "PciHost.h"
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
