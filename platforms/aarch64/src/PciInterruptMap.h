/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Which GIC interrupt a PCI function's INTx pin raises (ADR 0021), from the device tree: the
 * pci-host-ecam-generic node's `interrupt-map` and `interrupt-map-mask` (Devicetree
 * Specification 0.4, 2.4.3; QEMU virt writes one entry per slot and pin, the mask 0x1800 0 0 7
 * keeping the slot's low two bits and the pin, which is the swizzle). Each entry: the child unit
 * address (3 cells) and pin (1 cell), the parent's phandle, the parent's unit address (its
 * #address-cells) and interrupt specifier (its #interrupt-cells: for the GIC 3 cells, type 0 =
 * SPI, number, flags). Compiled for the host too (tests/platforms/TestPciHost.cpp,
 * tests/fuzz/FuzzPciHost.cpp).
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/platform/aarch64/DeviceTree.h>

namespace vectra::platform::aarch64 {

/*
 * The GIC INTID (32 + the SPI number) pin `pin` (1 INTA .. 4 INTD) of bus:device.function
 * raises, or false when the host node has no interrupt-map entry for it, or when the function
 * lies behind a bridge (bus != 0: the swizzle through a bridge is not built). Refused as
 * MalformedMessage: a map that is not whole entries, a parent that is not a 3-cell GIC, an
 * entry whose interrupt is not a level-triggered SPI.
 */
[[nodiscard]] ErrorOr<bool> read_pci_intx(DeviceTree const&, u8 bus, u8 device, u8 function, u8 pin, u32& intid);

}
