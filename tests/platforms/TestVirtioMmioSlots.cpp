/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The aarch64 platform's reader of the device tree's virtio,mmio nodes (ADR 0025), compiled for
 * the host: QEMU virt's 32 slots (512-byte windows from 0x0a000000, SPIs 16-47 rising edge), a
 * level-triggered slot, disabled nodes, the capacity, and malformed windows and interrupts
 * refused as an attacker-made tree would present them.
 */

#include "DeviceTreeBuilder.h"
#include "VirtioMmioSlots.h"
#include <array>
#include <catch2/catch.hpp>

using namespace vectra;
using namespace vectra::platform;
using aarch64::DeviceTree;
using aarch64::VirtioMmioSlot;
using test::DeviceTreeBuilder;

namespace {

struct Slot {
    std::vector<u32> reg;
    std::vector<u32> interrupts;
    std::string status {};
    u32 interrupt_parent { 0 }; /* 0: none of its own (the root's applies) */
};

struct Root {
    u32 address_cells { 2 };
    u32 size_cells { 2 };
    u32 interrupt_parent { 0x8002 }; /* 0: none */
    u32 gic_interrupt_cells { 3 };
};

Slot qemu_slot(u32 index) { return Slot { { 0, 0x0a00'0000 + index * 0x200, 0, 0x200 }, { 0, 16 + index, 1 } }; }

/* QEMU virt's shape: the GIC, a memory node, an unrelated node, the slots (QEMU writes the highest first), a nested
 * one. */
std::vector<u8> tree_with(std::vector<Slot> const& slots, Root const& root = {})
{
    DeviceTreeBuilder tree;
    tree.begin_node("");
    if (root.interrupt_parent != 0)
        tree.property_cells("interrupt-parent", { root.interrupt_parent });
    tree.property_cells("#address-cells", { root.address_cells }).property_cells("#size-cells", { root.size_cells });
    tree.begin_node("intc@8000000")
        .property_string("compatible", "arm,cortex-a15-gic")
        .property("interrupt-controller", {});
    tree.property_cells("#interrupt-cells", { root.gic_interrupt_cells })
        .property_cells("phandle", { 0x8002 })
        .end_node();
    tree.begin_node("other-controller")
        .property_cells("#interrupt-cells", { 2 })
        .property_cells("phandle", { 0x8003 })
        .end_node();
    tree.begin_node("memory@40000000")
        .property_string("device_type", "memory")
        .property_cells("reg", { 0, 0x4000'0000, 0, 0x1000'0000 })
        .end_node();
    tree.begin_node("pl011@9000000")
        .property_string("compatible", "arm,pl011")
        .property_cells("interrupts", { 0, 1, 4 })
        .end_node();
    for (auto const& slot : slots) {
        tree.begin_node("virtio_mmio@a000000");
        if (slot.interrupt_parent != 0)
            tree.property_cells("interrupt-parent", { slot.interrupt_parent });
        if (!slot.interrupts.empty())
            tree.property_cells("interrupts", slot.interrupts);
        tree.property_string("compatible", "virtio,mmio").property_cells("reg", slot.reg).property("dma-coherent", {});
        if (!slot.status.empty())
            tree.property_string("status", slot.status);
        tree.end_node();
    }
    tree.begin_node("bus").begin_node("virtio_mmio@b000000").property_string("compatible", "virtio,mmio");
    tree.property_cells("reg", { 0, 0x0b00'0000, 0, 0x200 })
        .property_cells("interrupts", { 0, 60, 1 })
        .end_node()
        .end_node();
    tree.end_node().end();
    return tree.build();
}

ErrorOr<usize> read(std::vector<u8> const& blob, std::span<VirtioMmioSlot> slots)
{
    auto tree = DeviceTree::from_memory(blob.data(), blob.size());
    REQUIRE_FALSE(tree.is_error());
    return aarch64::read_virtio_mmio_slots(tree.value(), slots);
}

bool refused(std::vector<Slot> const& slots, Root const& root = {})
{
    std::array<VirtioMmioSlot, 4> found {};
    auto result = read(tree_with(slots, root), found);
    return result.is_error() && result.error().code() == ErrorCode::MalformedMessage;
}

}

TEST_CASE("QEMU virt's 32 virtio-mmio slots: 512-byte windows from 0x0a000000, INTIDs 48-79, rising edge; nested nodes "
          "are not slots")
{
    std::vector<Slot> slots;
    for (u32 index = 32; index-- > 0;)
        slots.push_back(qemu_slot(index));
    std::array<VirtioMmioSlot, 40> found {};
    auto count = read(tree_with(slots), found);
    REQUIRE_FALSE(count.is_error());
    REQUIRE(count.value() == 32);
    for (u32 position = 0; position < 32; ++position) {
        u32 index = 31 - position;
        CHECK(found[position].base == 0x0a00'0000 + index * 0x200);
        CHECK(found[position].size == 0x200);
        CHECK(found[position].intid == 48 + index);
        CHECK_FALSE(found[position].level);
    }
}

TEST_CASE(
    "a level-high slot is level; disabled slots are skipped; slots past the capacity are dropped; no slots is zero")
{
    Slot level = qemu_slot(3);
    level.interrupts[2] = 4;
    Slot disabled = qemu_slot(4);
    disabled.status = "disabled";
    Slot okay = qemu_slot(5);
    okay.status = "okay";
    std::array<VirtioMmioSlot, 4> found {};
    auto count = read(tree_with({ level, disabled, okay }), found);
    REQUIRE(count.value() == 2);
    CHECK(found[0].level);
    CHECK(found[0].intid == 51);
    CHECK(found[1].base == 0x0a00'0a00);

    std::array<VirtioMmioSlot, 1> one {};
    CHECK(read(tree_with({ qemu_slot(0), qemu_slot(1), qemu_slot(2) }), one).value() == 1);
    CHECK(one[0].base == 0x0a00'0000);
    CHECK(read(tree_with({}), found).value() == 0);

    /* One-cell roots: the same window in one address and one size cell. */
    count = read(tree_with({ Slot { { 0x0a00'0200, 0x200 }, { 0, 17, 1 } } }, Root { 1, 1 }), found);
    REQUIRE(count.value() == 1);
    CHECK(found[0].base == 0x0a00'0200);
    CHECK(found[0].intid == 49);
}

TEST_CASE(
    "malformed virtio-mmio windows are refused: not one window, too small, too large, unaligned, wrapping, overlapping")
{
    CHECK(refused({ Slot { { 0, 0x0a00'0000, 0, 0x200, 0, 0x0a00'0200, 0, 0x200 }, { 0, 16, 1 } } }));
    CHECK(refused({ Slot { { 0, 0x0a00'0000, 0 }, { 0, 16, 1 } } }));
    CHECK(refused({ Slot { { 0, 0x0a00'0000, 0, 0xfc }, { 0, 16, 1 } } }));
    CHECK(refused({ Slot { { 0, 0x0a00'0000, 0, 0x1004 }, { 0, 16, 1 } } }));
    CHECK(refused({ Slot { { 0, 0x0a00'0002, 0, 0x200 }, { 0, 16, 1 } } }));
    CHECK(refused({ Slot { { 0xffff'ffff, 0xffff'ff00, 0, 0x200 }, { 0, 16, 1 } } }));
    CHECK(refused({ qemu_slot(0), Slot { { 0, 0x0a00'0100, 0, 0x200 }, { 0, 17, 1 } } }));
    CHECK(refused({ qemu_slot(1), qemu_slot(1) }));
    CHECK(refused({ qemu_slot(0) }, Root { 3, 2 }));
    CHECK(refused({ qemu_slot(0) }, Root { 2, 0 }));
    CHECK_FALSE(refused({ qemu_slot(0), qemu_slot(1) }));
}

TEST_CASE("malformed virtio-mmio interrupts are refused: missing, not three cells, a PPI, past INTID 1019, falling "
          "edge or level low")
{
    Slot missing = qemu_slot(0);
    missing.interrupts = {};
    CHECK(refused({ missing }));
    CHECK(refused({ Slot { qemu_slot(0).reg, { 0, 16 } } }));
    CHECK(refused({ Slot { qemu_slot(0).reg, { 0, 16, 1, 0 } } }));
    CHECK(refused({ Slot { qemu_slot(0).reg, { 1, 14, 4 } } }));
    CHECK(refused({ Slot { qemu_slot(0).reg, { 0, 988, 1 } } }));
    CHECK_FALSE(refused({ Slot { qemu_slot(0).reg, { 0, 987, 1 } } }));
    CHECK(refused({ Slot { qemu_slot(0).reg, { 0, 16, 2 } } }));
    CHECK(refused({ Slot { qemu_slot(0).reg, { 0, 16, 8 } } }));
}

TEST_CASE("the interrupt parent must be a three-cell controller: the root's, or the node's own")
{
    CHECK_FALSE(refused({ qemu_slot(0) }));
    CHECK(refused({ qemu_slot(0) }, Root { .interrupt_parent = 0 }));
    CHECK(refused({ qemu_slot(0) }, Root { .interrupt_parent = 0x9999 }));
    CHECK(refused({ qemu_slot(0) }, Root { .interrupt_parent = 0x8003 }));
    CHECK(refused({ qemu_slot(0) }, Root { .gic_interrupt_cells = 2 }));
    Slot own = qemu_slot(1);
    own.interrupt_parent = 0x8002;
    CHECK_FALSE(refused({ own }, Root { .interrupt_parent = 0x8003 }));
    CHECK_FALSE(refused({ own }, Root { .interrupt_parent = 0 }));
    own.interrupt_parent = 0x8003;
    CHECK(refused({ own }));
    own.interrupt_parent = 0x9999;
    CHECK(refused({ qemu_slot(0), own }));
}
