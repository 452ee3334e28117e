/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The device tree's virtio,mmio nodes (VirtioMmioSlots.h).
 */

#include "VirtioMmioSlots.h"
#include "PciHost.h"
#include "PciInterruptMap.h"
#include <vectra/Try.h>

namespace vectra::platform::aarch64 {

namespace {

constexpr u32 gic_specifier_cells = 3;
constexpr u64 gic_type_spi = 0;
constexpr u64 gic_first_spi_intid = 32;
constexpr u64 gic_last_spi_intid = 1019;
constexpr u64 trigger_mask = 0xf;
constexpr u64 trigger_edge_rising = 1;
constexpr u64 trigger_level_high = 4;

Error malformed(char const* reason) { return Error(ErrorCode::MalformedMessage, reason); }

struct Candidate {
    bool compatible { false };
    bool disabled { false };
    bool has_reg { false };
    bool has_interrupts { false };
    u32 interrupt_parent { 0 }; /* its own, else the root's */
    DeviceTree::Token reg;
    DeviceTree::Token interrupts;
};

ErrorOr<VirtioMmioSlot> slot_from(Candidate const& node, u32 address_cells, u32 size_cells)
{
    if (address_cells < 1 || address_cells > 2 || size_cells < 1 || size_cells > 2)
        return malformed("device tree: the root's #address-cells or #size-cells is not 1 or 2");
    if (!node.has_reg || node.reg.value_length != (address_cells + size_cells) * 4)
        return malformed("device tree: a virtio,mmio node's reg is not one window");
    VirtioMmioSlot slot;
    slot.base = TRY(DeviceTree::read_cells(node.reg, 0, address_cells));
    slot.size = TRY(DeviceTree::read_cells(node.reg, address_cells, size_cells));
    if (slot.size < VirtioMmioSlot::minimum_size || slot.size > VirtioMmioSlot::maximum_size || slot.base % 4 != 0
        || slot.base + slot.size < slot.base)
        return malformed("device tree: a virtio,mmio window is too small, too large, unaligned or wraps");
    if (!node.has_interrupts || node.interrupts.value_length != gic_specifier_cells * 4)
        return malformed("device tree: a virtio,mmio node's interrupts is not one GIC specifier");
    u64 type = TRY(DeviceTree::read_cells(node.interrupts, 0, 1));
    u64 number = TRY(DeviceTree::read_cells(node.interrupts, 1, 1));
    u64 trigger = TRY(DeviceTree::read_cells(node.interrupts, 2, 1)) & trigger_mask;
    if (type != gic_type_spi || number > gic_last_spi_intid - gic_first_spi_intid)
        return malformed("device tree: a virtio,mmio interrupt is not an SPI");
    if (trigger != trigger_edge_rising && trigger != trigger_level_high)
        return malformed("device tree: a virtio,mmio interrupt is neither rising edge nor level high");
    slot.intid = static_cast<u32>(gic_first_spi_intid + number);
    slot.level = trigger == trigger_level_high;
    return slot;
}

bool overlap(VirtioMmioSlot const& left, VirtioMmioSlot const& right)
{
    return left.base < right.base + right.size && right.base < left.base + left.size;
}

}

ErrorOr<usize> read_virtio_mmio_slots(DeviceTree const& tree, std::span<VirtioMmioSlot> slots)
{
    auto cursor = tree.structure();
    u32 root_address_cells = 2;
    u32 root_size_cells = 1;
    u32 root_interrupt_parent = 0;
    u32 checked_parent = 0; /* the last phandle found to be a three-cell interrupt controller */
    usize count = 0;
    Candidate node;
    for (;;) {
        auto token = TRY(cursor.next());
        switch (token.kind) {
        case DeviceTree::Token::Kind::End:
            return count;
        case DeviceTree::Token::Kind::BeginNode:
            if (token.depth == 2) {
                node = Candidate();
                node.interrupt_parent = root_interrupt_parent;
            }
            break;
        case DeviceTree::Token::Kind::Property:
            if (token.depth == 1 && node_name_equal(token.name, "#address-cells"))
                root_address_cells = TRY(read_one_cell(token));
            else if (token.depth == 1 && node_name_equal(token.name, "#size-cells"))
                root_size_cells = TRY(read_one_cell(token));
            else if (token.depth == 1 && node_name_equal(token.name, "interrupt-parent"))
                root_interrupt_parent = TRY(read_one_cell(token));
            if (token.depth != 2)
                break;
            if (node_name_equal(token.name, "compatible"))
                node.compatible = string_list_contains(token, "virtio,mmio");
            else if (node_name_equal(token.name, "status"))
                node.disabled = !DeviceTree::value_equals(token, "okay") && !DeviceTree::value_equals(token, "ok");
            else if (node_name_equal(token.name, "reg")) {
                node.reg = token;
                node.has_reg = true;
            } else if (node_name_equal(token.name, "interrupts")) {
                node.interrupts = token;
                node.has_interrupts = true;
            } else if (node_name_equal(token.name, "interrupt-parent"))
                node.interrupt_parent = TRY(read_one_cell(token));
            break;
        case DeviceTree::Token::Kind::EndNode: {
            if (token.depth != 2 || !node.compatible || node.disabled)
                break;
            auto slot = TRY(slot_from(node, root_address_cells, root_size_cells));
            if (node.interrupt_parent == 0)
                return malformed("device tree: a virtio,mmio node has no interrupt parent");
            if (node.interrupt_parent != checked_parent) {
                auto parent = TRY(read_interrupt_parent(tree, node.interrupt_parent));
                if (parent.interrupt_cells != gic_specifier_cells)
                    return malformed("device tree: a virtio,mmio node's interrupt parent is not a three-cell GIC");
                checked_parent = node.interrupt_parent;
            }
            for (usize index = 0; index < count; ++index) {
                if (overlap(slots[index], slot))
                    return malformed("device tree: two virtio,mmio windows overlap");
            }
            if (count < slots.size())
                slots[count++] = slot;
            break;
        }
        }
    }
}

}
