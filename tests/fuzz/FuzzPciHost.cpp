/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a device tree, read for its pci-host-ecam-generic node. The
 * reader must refuse or answer without reading outside the bytes (ASan), and an answer must be
 * a sane host bridge: whole 1 MiB buses, an ordered bus range, at most its window capacity.
 */

#include <vectra/Panic.h>
#include "PciHost.h"

using namespace vectra;
using platform::aarch64::DeviceTree;

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    auto tree = DeviceTree::from_memory(data, size);
    if (tree.is_error())
        return 0;
    platform::PciHostBridge bridge;
    auto found = platform::aarch64::read_pci_host(tree.value(), bridge);
    if (found.is_error() || !found.value())
        return 0;
    VERIFY(bridge.ecam_base % MiB == 0);
    VERIFY(bridge.first_bus <= bridge.last_bus);
    VERIFY(bridge.window_count <= platform::PciHostBridge::window_capacity);
    for (usize index = 0; index < bridge.window_count; ++index)
        VERIFY(bridge.windows[index].size != 0);
    return 0;
}
