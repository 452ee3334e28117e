/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The device tree's pci-host-ecam-generic node (PciHost.h).
 */

#include "PciHost.h"
#include <vectra/Try.h>

namespace vectra::platform::aarch64 {

namespace {

constexpr u32 pci_address_cells = 3;
constexpr u32 pci_size_cells = 2;
constexpr u32 space_code_shift = 24;

Error malformed(char const* reason) { return Error(ErrorCode::MalformedMessage, reason); }

ErrorOr<u32> cell_count(DeviceTree::Token const& property)
{
    if (property.value_length != 4)
        return malformed("device tree: bad #address-cells or #size-cells");
    return static_cast<u32>(TRY(DeviceTree::read_cells(property, 0, 1)));
}

/* A value of 1 or 2 cells at `first` (the reader's limit; 0 cells read as 0). */
ErrorOr<u64> read_value(DeviceTree::Token const& property, u32 first, u32 count)
{
    if (count == 0)
        return u64(0);
    return DeviceTree::read_cells(property, first, count);
}

struct Candidate {
    bool compatible { false };
    bool has_reg { false };
    bool has_ranges { false };
    bool has_bus_range { false };
    u32 address_cells { 0 };
    u32 size_cells { 0 };
    DeviceTree::Token reg;
    DeviceTree::Token ranges;
    DeviceTree::Token bus_range;
};

ErrorOr<void> fill(Candidate const& node, u32 root_address_cells, u32 root_size_cells, PciHostBridge& bridge)
{
    if (root_address_cells < 1 || root_address_cells > 2 || root_size_cells < 1 || root_size_cells > 2)
        return malformed("device tree: the root's #address-cells or #size-cells is not 1 or 2");
    if (!node.has_reg)
        return malformed("device tree: the PCI host node has no reg");
    if (node.address_cells != pci_address_cells || node.size_cells != pci_size_cells)
        return malformed("device tree: the PCI host node's cells are not 3 and 2");
    bridge = PciHostBridge();
    bridge.assign_bars = true;
    bridge.first_bus = 0;
    bridge.last_bus = 255;
    if (node.has_bus_range) {
        if (node.bus_range.value_length != 8)
            return malformed("device tree: bus-range is not two cells");
        u64 first = TRY(DeviceTree::read_cells(node.bus_range, 0, 1));
        u64 last = TRY(DeviceTree::read_cells(node.bus_range, 1, 1));
        if (first > last || last > 255)
            return malformed("device tree: bus-range is reversed or past bus 255");
        bridge.first_bus = static_cast<u8>(first);
        bridge.last_bus = static_cast<u8>(last);
    }
    u32 reg_cells = root_address_cells + root_size_cells;
    if (node.reg.value_length < reg_cells * 4)
        return malformed("device tree: the PCI host node's reg is shorter than one window");
    bridge.ecam_base = TRY(read_value(node.reg, 0, root_address_cells));
    u64 ecam_size = TRY(read_value(node.reg, root_address_cells, root_size_cells));
    u64 buses = u64(bridge.last_bus) - bridge.first_bus + 1;
    if (bridge.ecam_base % MiB != 0 || ecam_size < MiB || ecam_size % MiB != 0 || bridge.ecam_base + ecam_size < bridge.ecam_base)
        return malformed("device tree: the ECAM window is not whole buses of 1 MiB");
    if (ecam_size / MiB < buses)
        bridge.last_bus = static_cast<u8>(bridge.first_bus + ecam_size / MiB - 1);

    if (!node.has_ranges)
        return {};
    u32 entry_cells = pci_address_cells + root_address_cells + pci_size_cells;
    if (node.ranges.value_length % (entry_cells * 4) != 0)
        return malformed("device tree: ranges is not whole entries");
    u32 entries = node.ranges.value_length / (entry_cells * 4);
    for (u32 entry = 0; entry < entries && bridge.window_count < PciHostBridge::window_capacity; ++entry) {
        u32 first = entry * entry_cells;
        u64 flags = TRY(DeviceTree::read_cells(node.ranges, first, 1));
        u64 space_code = (flags >> space_code_shift) & 3;
        if (space_code == 0)
            continue; /* configuration space: not a window */
        PciWindow window;
        window.bus_base = TRY(DeviceTree::read_cells(node.ranges, first + 1, 2));
        window.cpu_base = TRY(read_value(node.ranges, first + pci_address_cells, root_address_cells));
        window.size = TRY(DeviceTree::read_cells(node.ranges, first + pci_address_cells + root_address_cells, 2));
        if (window.size == 0 || window.bus_base + window.size < window.bus_base || window.cpu_base + window.size < window.cpu_base)
            return malformed("device tree: a ranges window is empty or wraps");
        switch (space_code) {
        case 1:
            window.kind = PciWindow::Kind::Io;
            break;
        case 2:
            window.kind = PciWindow::Kind::Memory32;
            if (window.bus_base + window.size > 4 * GiB)
                return malformed("device tree: a 32-bit memory window reaches past 4 GiB");
            break;
        default:
            window.kind = PciWindow::Kind::Memory64;
            break;
        }
        bridge.windows[bridge.window_count++] = window;
    }
    return {};
}

}

bool node_name_equal(char const* left, char const* right)
{
    usize index = 0;
    for (; left[index] != 0 && left[index] == right[index]; ++index) { }
    return left[index] == right[index];
}

bool string_list_contains(DeviceTree::Token const& property, char const* text)
{
    u32 start = 0;
    while (start < property.value_length) {
        u32 index = 0;
        while (text[index] != 0 && start + index < property.value_length
            && property.value[start + index] == static_cast<u8>(text[index]))
            ++index;
        if (text[index] == 0 && start + index < property.value_length && property.value[start + index] == 0)
            return true;
        while (start < property.value_length && property.value[start] != 0)
            ++start;
        ++start;
    }
    return false;
}

ErrorOr<bool> read_pci_host(DeviceTree const& tree, PciHostBridge& bridge)
{
    auto cursor = tree.structure();
    u32 root_address_cells = 2;
    u32 root_size_cells = 1;
    Candidate node;
    for (;;) {
        auto token = TRY(cursor.next());
        switch (token.kind) {
        case DeviceTree::Token::Kind::End:
            return false;
        case DeviceTree::Token::Kind::BeginNode:
            if (token.depth == 2)
                node = Candidate();
            break;
        case DeviceTree::Token::Kind::Property:
            if (token.depth == 1 && node_name_equal(token.name, "#address-cells"))
                root_address_cells = TRY(cell_count(token));
            else if (token.depth == 1 && node_name_equal(token.name, "#size-cells"))
                root_size_cells = TRY(cell_count(token));
            if (token.depth != 2)
                break;
            if (node_name_equal(token.name, "compatible"))
                node.compatible = string_list_contains(token, "pci-host-ecam-generic");
            else if (node_name_equal(token.name, "reg")) {
                node.reg = token;
                node.has_reg = true;
            } else if (node_name_equal(token.name, "ranges")) {
                node.ranges = token;
                node.has_ranges = true;
            } else if (node_name_equal(token.name, "bus-range")) {
                node.bus_range = token;
                node.has_bus_range = true;
            } else if (node_name_equal(token.name, "#address-cells"))
                node.address_cells = TRY(cell_count(token));
            else if (node_name_equal(token.name, "#size-cells"))
                node.size_cells = TRY(cell_count(token));
            break;
        case DeviceTree::Token::Kind::EndNode:
            if (token.depth == 2 && node.compatible) {
                TRY(fill(node, root_address_cells, root_size_cells, bridge));
                return true;
            }
            break;
        }
    }
}

}
