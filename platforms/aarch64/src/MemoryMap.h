/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Machine discovery from the device tree: free RAM and the PSCI conduit.
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/platform/Platform.h>
#include <vectra/platform/aarch64/DeviceTree.h>

namespace vectra::platform::aarch64 {

/*
 * Reads the device tree at `device_tree_address` (0: QEMU's spot at the start of RAM), fills
 * `free_memory` and sets the PSCI conduit. When the tree is unusable it says so on the console
 * and assumes 256 MiB of RAM at 0x40000000. Either way the image, everything below it and the
 * device tree are excluded.
 */
void discover_machine(u64 device_tree_address, MemoryMap& free_memory);

/* The device tree discover_machine read (kept out of free memory for the whole run); NotFound when it had none. */
[[nodiscard]] ErrorOr<DeviceTree> device_tree();
/* Where the device tree placed QEMU's fw_cfg (MMIO), or 0 when it has none or was unusable. */
[[nodiscard]] u64 firmware_config_base();

}
