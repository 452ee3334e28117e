/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The PCI host node's interrupt-map (PciInterruptMap.h).
 */

#include "PciInterruptMap.h"
#include "PciHost.h"
#include <vectra/Try.h>

namespace vectra::platform::aarch64 {

namespace {

constexpr u32 child_cells = 4; /* phys.hi, phys.mid, phys.lo, pin */
constexpr u32 gic_interrupt_cells = 3;
constexpr u64 gic_type_spi = 0;
constexpr u32 first_spi_intid = 32;
constexpr u32 last_spi_number = 987; /* INTID 1019 is the last SPI */
constexpr u64 level_high = 4;
constexpr u64 level_low = 8;

Error malformed(char const* reason) { return Error(ErrorCode::MalformedMessage, reason); }

ErrorOr<u32> one_cell(DeviceTree::Token const& property)
{
    if (property.value_length != 4)
        return malformed("device tree: a cell count or phandle is not one cell");
    return static_cast<u32>(TRY(DeviceTree::read_cells(property, 0, 1)));
}

struct HostNode {
    bool compatible { false };
    bool has_map { false };
    bool has_mask { false };
    DeviceTree::Token map;
    DeviceTree::Token mask;
};

/* The host node's interrupt-map and mask, or false when the tree has no host node with a map. */
ErrorOr<bool> find_map(DeviceTree const& tree, HostNode& found)
{
    auto cursor = tree.structure();
    HostNode node;
    for (;;) {
        auto token = TRY(cursor.next());
        if (token.kind == DeviceTree::Token::Kind::End)
            return false;
        if (token.kind == DeviceTree::Token::Kind::BeginNode && token.depth == 2)
            node = HostNode();
        if (token.kind == DeviceTree::Token::Kind::Property && token.depth == 2) {
            if (node_name_equal(token.name, "compatible"))
                node.compatible = string_list_contains(token, "pci-host-ecam-generic");
            else if (node_name_equal(token.name, "interrupt-map")) {
                node.map = token;
                node.has_map = true;
            } else if (node_name_equal(token.name, "interrupt-map-mask")) {
                node.mask = token;
                node.has_mask = true;
            }
        }
        if (token.kind == DeviceTree::Token::Kind::EndNode && token.depth == 2 && node.compatible) {
            found = node;
            return node.has_map;
        }
    }
}

struct Parent {
    u32 address_cells { 0 };
    u32 interrupt_cells { 0 };
};

/* The #address-cells and #interrupt-cells of the node whose phandle is `phandle`. */
ErrorOr<Parent> find_parent(DeviceTree const& tree, u32 phandle)
{
    auto cursor = tree.structure();
    Parent node;
    bool matches = false;
    u32 open_depth = 0;
    for (;;) {
        auto token = TRY(cursor.next());
        if (token.kind == DeviceTree::Token::Kind::End)
            return malformed("device tree: interrupt-map names a phandle no node has");
        /* A node's properties precede its children: decided when its first child begins or it ends. */
        bool node_done
            = token.kind == DeviceTree::Token::Kind::BeginNode || token.kind == DeviceTree::Token::Kind::EndNode;
        if (matches && node_done)
            return node;
        if (token.kind == DeviceTree::Token::Kind::BeginNode) {
            node = Parent();
            open_depth = token.depth;
            continue;
        }
        if (token.kind != DeviceTree::Token::Kind::Property || token.depth != open_depth)
            continue;
        if (node_name_equal(token.name, "phandle") || node_name_equal(token.name, "linux,phandle"))
            matches = TRY(one_cell(token)) == phandle;
        else if (node_name_equal(token.name, "#address-cells"))
            node.address_cells = TRY(one_cell(token));
        else if (node_name_equal(token.name, "#interrupt-cells"))
            node.interrupt_cells = TRY(one_cell(token));
    }
}

}

ErrorOr<bool> read_pci_intx(DeviceTree const& tree, u8 bus, u8 device, u8 function, u8 pin, u32& intid)
{
    if (bus != 0 || pin < 1 || pin > 4 || device > 31 || function > 7)
        return false;
    HostNode host;
    if (!TRY(find_map(tree, host)))
        return false;
    u32 mask[child_cells] = { 0xffff'ffff, 0xffff'ffff, 0xffff'ffff, 0xffff'ffff };
    if (host.has_mask) {
        if (host.mask.value_length != child_cells * 4)
            return malformed("device tree: interrupt-map-mask is not four cells");
        for (u32 cell = 0; cell < child_cells; ++cell)
            mask[cell] = static_cast<u32>(TRY(DeviceTree::read_cells(host.mask, cell, 1)));
    }
    u32 child[child_cells] = { (u32(bus) << 16) | (u32(device) << 11) | (u32(function) << 8), 0, 0, pin };
    for (u32 cell = 0; cell < child_cells; ++cell)
        child[cell] &= mask[cell];

    u32 total = host.map.value_length / 4;
    if (host.map.value_length % 4 != 0)
        return malformed("device tree: interrupt-map is not whole cells");
    u32 at = 0;
    Parent parent;
    u32 parent_phandle = 0;
    while (at < total) {
        if (total - at < child_cells + 1)
            return malformed("device tree: interrupt-map ends inside an entry");
        bool equal = true;
        for (u32 cell = 0; cell < child_cells; ++cell)
            equal = equal && static_cast<u32>(TRY(DeviceTree::read_cells(host.map, at + cell, 1))) == child[cell];
        auto phandle = static_cast<u32>(TRY(DeviceTree::read_cells(host.map, at + child_cells, 1)));
        if (parent_phandle == 0 || phandle != parent_phandle) {
            parent = TRY(find_parent(tree, phandle));
            parent_phandle = phandle;
        }
        if (parent.interrupt_cells != gic_interrupt_cells || parent.address_cells > 2)
            return malformed("device tree: an interrupt-map parent is not a GIC of three interrupt cells");
        u32 specifier = at + child_cells + 1 + parent.address_cells;
        if (total - specifier < gic_interrupt_cells)
            return malformed("device tree: interrupt-map ends inside an entry");
        at = specifier + gic_interrupt_cells;
        if (!equal)
            continue;
        u64 type = TRY(DeviceTree::read_cells(host.map, specifier, 1));
        u64 number = TRY(DeviceTree::read_cells(host.map, specifier + 1, 1));
        u64 flags = TRY(DeviceTree::read_cells(host.map, specifier + 2, 1)) & 0xf;
        if (type != gic_type_spi || number > last_spi_number || (flags != level_high && flags != level_low))
            return malformed("device tree: a PCI interrupt is not a level-triggered SPI");
        intid = first_spi_intid + static_cast<u32>(number);
        return true;
    }
    return false;
}

}
