/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A Linux process has no virtio-mmio slots (vectra/platform/VirtioMmio.h); host tests install
 * modelled ones with kernel::mmio_slots_install, on lines 84-91 (IntxLines.h).
 */

#include <vectra/platform/VirtioMmio.h>

namespace vectra::platform {

usize virtio_mmio_slots(std::span<MmioSlot>) { return 0; }

}
