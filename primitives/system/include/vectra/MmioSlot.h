/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What a component sees of a virtio-mmio slot (ADR 0025): what its VirtioMmioSlot capability
 * describes. The calls are in vectra/System.h.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra {

struct MmioSlotInfo {
    u32 device_id { 0 }; /* the virtio device id the kernel read at boot (4: entropy) */
    u32 version { 0 };   /* 1 (legacy) or 2 */
    u32 size { 0 };      /* bytes of the register window */
    u32 line { 0 };      /* the interrupt line (aarch64: the SPI's INTID) */
    bool level { false }; /* level-triggered, else edge */
};

}
