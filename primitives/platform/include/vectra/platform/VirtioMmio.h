/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio-mmio slots a machine describes (ADR 0025): aarch64 reads them from the device
 * tree's `virtio,mmio` nodes; x86_64 and hosted have none. The kernel reads each occupied
 * slot's identity at boot and hands it to a driver as a VirtioMmioSlot capability
 * (vectra/kernel/MmioSlot.h).
 */

#pragma once

#include <span>
#include <vectra/Types.h>

namespace vectra::platform {

struct MmioSlot {
    u64 base { 0 };   /* the register window, mapped for the kernel (device memory) */
    u64 size { 0 };   /* 256 bytes to 4 KiB */
    u32 line { 0 };   /* the interrupt line the slot raises (aarch64: its SPI's INTID) */
    bool level { false }; /* level-triggered (else edge) */
};

/*
 * Fills `slots` with the machine's virtio-mmio slots, in the order the machine lists them, and
 * returns how many it filled. Each window is mapped as device memory for the kernel; a slot
 * that cannot be mapped is left out. Each slot's line is configured with its trigger (through
 * the interrupt controller's own interface) and left masked. None: 0.
 */
[[nodiscard]] usize virtio_mmio_slots(std::span<MmioSlot> slots);

}
