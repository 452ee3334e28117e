/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Types.h>

namespace vectra {

/* The classes of kernel object a capability can name. */
enum class CapabilityClass : u8 {
    Task = 1,
    Memory,
    Ring,
    Signal,
    Bundle,
    Reticle,
    Irq,
    Device,
    Timer,
    PciDevice,    /* one PCI function's configuration space (ADR 0012) */
    DeviceMemory, /* one BAR of a PCI function, mapped uncached */
    VirtioMmioSlot, /* one virtio-mmio slot's registers and interrupt (ADR 0025) */
};

}
