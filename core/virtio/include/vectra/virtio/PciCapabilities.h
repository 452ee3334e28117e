/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio 1.x modern PCI transport's layout (virtio 1.2, 4.1.4): where in which BAR the
 * common configuration, the notification area, the ISR status and the device configuration
 * lie, read from the function's vendor-specific capabilities. The function's configuration
 * space is read through the caller's `ConfigRead` (a driver: its PciDevice capability), and its
 * contents are untrusted: the walk is bounded, every capability's length and BAR checked.
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra::virtio {

struct PciRegion {
    bool present { false };
    u8 bar { 0 };
    u32 offset { 0 };
    u32 length { 0 };
};

struct PciLayout {
    PciRegion common;
    PciRegion notify;
    PciRegion isr;
    PciRegion device; /* optional: devices without configuration (virtio-rng) have none */
    u32 notify_offset_multiplier { 0 };
    /* Whether the function has an MSI-X capability (QEMU's `vectors=0` leaves it out: INTx only). */
    bool has_msix { false };
};

/* Reads 1, 2 or 4 bytes of the function's configuration space. */
class ConfigRead {
public:
    virtual ErrorOr<u32> read(u16 offset, u8 width) const = 0;

protected:
    ~ConfigRead() = default;
};

/*
 * The first capability of each configuration type (common 1, notify 2, ISR 3, device 4; others
 * skipped). Common, notify and ISR are required (NotFound otherwise); a capability shorter than
 * its structure, naming a BAR past 5, or a region that wraps is MalformedMessage.
 */
[[nodiscard]] ErrorOr<PciLayout> read_pci_layout(ConfigRead const&);

}
