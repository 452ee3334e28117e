/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A Linux process has no PCI bus of its own to enumerate (vectra/platform/Pci.h): the hosted
 * platform reports none, and the kernel gives the first Task no "pci" capability.
 */

#include <vectra/platform/Pci.h>

namespace vectra::platform {

bool pci_host_bridge(PciHostBridge&) { return false; }

bool map_device_memory(u64, u64) { return false; }

bool device_address(uptr, usize, u64&) { return false; }

}
