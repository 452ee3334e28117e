/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a device tree, read for its pci-host-ecam-generic node. The
 * reader must refuse or answer without reading outside the bytes (ASan), and an answer must be
 * a sane host bridge: whole 1 MiB buses, an ordered bus range, at most its window capacity.
 * The same bytes are read for the interrupt-map (ADR 0021): each pin of a few slots must be
 * refused or answered with an SPI's INTID.
 */

#include <vectra/Panic.h>
#include "PciHost.h"
#include "PciInterruptMap.h"

using namespace vectra;
using platform::aarch64::DeviceTree;

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    auto tree = DeviceTree::from_memory(data, size);
    if (tree.is_error())
        return 0;
    for (u8 device = 0; device < 4; ++device) {
        for (u8 pin = 1; pin <= 4; ++pin) {
            u32 intid = 0;
            auto routed = platform::aarch64::read_pci_intx(tree.value(), 0, device, 0, pin, intid);
            if (!routed.is_error() && routed.value())
                VERIFY(intid >= 32 && intid < 1020);
        }
    }
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
