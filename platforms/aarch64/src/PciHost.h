/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The PCI host bridge of a device tree: the first node compatible with "pci-host-ecam-generic"
 * (Linux's Documentation/devicetree/bindings/pci/host-generic-pci.yaml, the node QEMU virt
 * writes): its ECAM window (`reg`, in the root's cells), the buses it decodes (`bus-range`,
 * 0-255 when absent) and its address windows (`ranges`: three PCI address cells, the root's
 * address cells, two size cells). Compiled for the host too (tests/platforms/TestPciHost.cpp,
 * tests/fuzz/FuzzPciHost.cpp).
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/platform/Pci.h>
#include <vectra/platform/aarch64/DeviceTree.h>

namespace vectra::platform::aarch64 {

/*
 * Fills `bridge` (assign_bars set: with -kernel nothing ran before the image to place BARs) and
 * returns true, or returns false when the tree has no such node. Malformed cells, a `reg` that is
 * not one window of at least one bus, a reversed or oversized bus range: MalformedMessage. Windows
 * past PciHostBridge::window_capacity are dropped.
 */
[[nodiscard]] ErrorOr<bool> read_pci_host(DeviceTree const&, PciHostBridge&);

/* Whether two NUL-terminated names are equal (a property's or node's name). */
[[nodiscard]] bool node_name_equal(char const* left, char const* right);
/* Whether a string-list property (NUL-separated, such as `compatible`) holds `text` as one of its strings. */
[[nodiscard]] bool string_list_contains(DeviceTree::Token const& property, char const* text);

}
