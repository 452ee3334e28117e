/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A minimal, polled virtio-mmio entropy device driver (virtio device id 4), the aarch64
 * platform's entropy source when the CPU has no RNDR (QEMU's cortex-a72 has none). QEMU virt
 * gets the device with `-device virtio-rng-device` (platform.json).
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::platform::aarch64 {

/*
 * Fills up to `length` bytes from the first virtio-mmio entropy device; returns how many the
 * device gave (0 without a device, or when it does not answer within 100 ms). The first call
 * finds and sets up the device; later calls reuse it.
 */
[[nodiscard]] usize virtio_entropy(u8* buffer, usize length);

}
