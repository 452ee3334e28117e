/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * q35 has no virtio-mmio slots (vectra/platform/VirtioMmio.h): its virtio devices are PCI functions.
 */

#include <vectra/platform/VirtioMmio.h>

namespace vectra::platform {

usize virtio_mmio_slots(std::span<MmioSlot>) { return 0; }

}
