/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The aarch64 platform's reader of the device tree's GIC node (ADR 0027), compiled for the host:
 * QEMU virt's GICv2 and GICv3 nodes as QEMU 7.2 writes them, several redistributor regions and a
 * stride, a tree with no GIC, and malformed nodes refused — each with its sentence — as an
 * attacker-made tree would present them.
 */

#include "DeviceTreeBuilder.h"
#include "GicDescription.h"
#include <catch2/catch.hpp>
#include <string>

using namespace vectra;
using namespace vectra::platform;
using aarch64::DeviceTree;
using aarch64::GicDescription;
using test::DeviceTreeBuilder;

namespace {

struct Node {
    std::string compatible { "arm,gic-v3" };
    std::vector<u32> reg { 0, 0x0800'0000, 0, 0x1'0000, 0, 0x080a'0000, 0, 0xf6'0000 };
    std::vector<u32> region_count { 1 }; /* empty: no #redistributor-regions */
    std::vector<u32> stride {}; /* empty: no redistributor-stride */
    bool interrupt_controller { true };
    bool its { true };
};

Node qemu_gic_v2()
{
    Node node;
    node.compatible = "arm,cortex-a15-gic";
    node.reg = { 0, 0x0800'0000, 0, 0x1'0000, 0, 0x0801'0000, 0, 0x1'0000 };
    node.region_count = {};
    node.its = false;
    return node;
}

/* QEMU virt's shape: root cells 2/2, the GIC with an ITS (v3) or v2m (v2) child, other nodes around it. */
std::vector<u8> tree_with(std::vector<Node> const& nodes, u32 address_cells = 2, u32 size_cells = 2)
{
    DeviceTreeBuilder tree;
    tree.begin_node("").property_cells("interrupt-parent", { 0x8005 });
    tree.property_cells("#address-cells", { address_cells }).property_cells("#size-cells", { size_cells });
    tree.begin_node("memory@40000000")
        .property_string("device_type", "memory")
        .property_cells("reg", { 0, 0x4000'0000, 0, 0x1000'0000 })
        .end_node();
    for (auto const& node : nodes) {
        tree.begin_node("intc@8000000").property_cells("phandle", { 0x8005 }).property_cells("reg", node.reg);
        if (!node.region_count.empty())
            tree.property_cells("#redistributor-regions", node.region_count);
        if (!node.stride.empty())
            tree.property_cells("redistributor-stride", node.stride);
        tree.property_string("compatible", node.compatible).property("ranges", {});
        tree.property_cells("#size-cells", { 2 }).property_cells("#address-cells", { 2 });
        if (node.interrupt_controller)
            tree.property("interrupt-controller", {});
        tree.property_cells("#interrupt-cells", { 3 });
        tree.begin_node(node.its ? "its@8080000" : "v2m@8020000")
            .property_cells("reg", { 0, node.its ? 0x0808'0000u : 0x0802'0000u, 0, 0x2'0000 })
            .property_string("compatible", node.its ? "arm,gic-v3-its" : "arm,gic-v2m-frame")
            .property("msi-controller", {})
            .end_node();
        tree.end_node();
    }
    /* A node that names an interrupt controller of another kind: not a GIC. */
    tree.begin_node("other-controller")
        .property_string("compatible", "vendor,other-intc")
        .property("interrupt-controller", {})
        .property_cells("reg", { 0, 0x0900'0000, 0, 0x1000 })
        .end_node();
    tree.end_node().end();
    return tree.build();
}

ErrorOr<bool> read(std::vector<u8> const& blob, GicDescription& description)
{
    auto tree = DeviceTree::from_memory(blob.data(), blob.size());
    REQUIRE_FALSE(tree.is_error());
    return aarch64::read_gic_description(tree.value(), description);
}

/* The sentence a malformed tree is refused with ("" when it was not refused as malformed). */
std::string refusal(std::vector<Node> const& nodes, u32 address_cells = 2, u32 size_cells = 2)
{
    GicDescription description;
    auto result = read(tree_with(nodes, address_cells, size_cells), description);
    if (!result.is_error() || result.error().code() != ErrorCode::MalformedMessage)
        return "";
    return result.error().message();
}

}

TEST_CASE("QEMU virt's GICv3 (gic-version=3): distributor, one redistributor region, an ITS; stride from GICR_TYPER")
{
    GicDescription description;
    auto found = read(tree_with({ Node() }), description);
    REQUIRE_FALSE(found.is_error());
    REQUIRE(found.value());
    CHECK(description.version == 3);
    CHECK(description.distributor.base == 0x0800'0000);
    CHECK(description.distributor.size == 0x1'0000);
    REQUIRE(description.redistributor_region_count == 1);
    CHECK(description.redistributor_regions[0].base == 0x080a'0000);
    CHECK(description.redistributor_regions[0].size == 0xf6'0000);
    CHECK(description.redistributor_stride == 0);
    CHECK(description.has_its);
}

TEST_CASE("QEMU virt's GICv2 (gic-version=2): distributor and CPU interface; the v2m frame is no ITS")
{
    GicDescription description;
    auto found = read(tree_with({ qemu_gic_v2() }), description);
    REQUIRE(found.value());
    CHECK(description.version == 2);
    CHECK(description.distributor.base == 0x0800'0000);
    CHECK(description.cpu_interface.base == 0x0801'0000);
    CHECK(description.redistributor_region_count == 0);
    CHECK_FALSE(description.has_its);
    Node gic_400 = qemu_gic_v2();
    gic_400.compatible = "arm,gic-400";
    CHECK(read(tree_with({ gic_400 }), description).value());
    CHECK(description.version == 2);
}

TEST_CASE("two redistributor regions, a two-cell stride, GICC/GICH/GICV windows after them, one-cell root addresses")
{
    Node node;
    node.reg = { 0, 0x0800'0000, 0, 0x1'0000, 0, 0x080a'0000, 0, 0x4'0000, 0, 0x2000'0000, 0, 0x8'0000,
        0, 0x0801'0000, 0, 0x2000 };
    node.region_count = { 2 };
    node.stride = { 0, 0x4'0000 };
    GicDescription description;
    REQUIRE(read(tree_with({ node }), description).value());
    REQUIRE(description.redistributor_region_count == 2);
    CHECK(description.redistributor_regions[1].base == 0x2000'0000);
    CHECK(description.redistributor_regions[1].size == 0x8'0000);
    CHECK(description.redistributor_stride == 0x4'0000);

    Node narrow;
    narrow.reg = { 0x0800'0000, 0x1'0000, 0x080a'0000, 0x2'0000 };
    narrow.stride = { 0x2'0000 };
    REQUIRE(read(tree_with({ narrow }, 1, 1), description).value());
    CHECK(description.redistributor_regions[0].size == 0x2'0000);
    CHECK(description.redistributor_stride == 0x2'0000);
}

TEST_CASE("no GIC: a tree without one, a GIC-compatible node that is no interrupt-controller, an unknown GIC")
{
    GicDescription description;
    CHECK_FALSE(read(tree_with({}), description).value());
    Node not_controller;
    not_controller.interrupt_controller = false;
    CHECK_FALSE(read(tree_with({ not_controller }), description).value());
    Node unknown;
    unknown.compatible = "arm,gic-v5";
    CHECK_FALSE(read(tree_with({ unknown }), description).value());
}

TEST_CASE("malformed GIC nodes are refused with a sentence")
{
    CHECK(refusal({ Node(), Node() }) == "device tree: two GIC nodes");
    CHECK(refusal({ Node() }, 3, 2) == "device tree: the root's #address-cells or #size-cells is not 1 or 2");
    CHECK(refusal({ Node() }, 2, 0) == "device tree: the root's #address-cells or #size-cells is not 1 or 2");

    Node ragged;
    ragged.reg.pop_back();
    CHECK(refusal({ ragged }) == "device tree: the GIC's reg is not whole windows");
    Node empty_reg;
    empty_reg.reg = {};
    CHECK(refusal({ empty_reg }) == "device tree: the GIC's reg is not whole windows");
    Node huge_reg;
    for (int window = 0; window < 20; ++window)
        huge_reg.reg.insert(huge_reg.reg.end(), { 0, 0x1000'0000u + window * 0x10'0000u, 0, 0x2'0000 });
    CHECK(refusal({ huge_reg }) == "device tree: the GIC's reg has more windows than any GIC");

    for (u32 count : { 0u, 9u, 0xffff'ffffu }) {
        Node regions;
        regions.region_count = { count };
        CHECK(refusal({ regions }) == "device tree: the GIC's #redistributor-regions is 0 or more than 8");
    }
    Node two_cell_count;
    two_cell_count.region_count = { 0, 1 };
    CHECK(refusal({ two_cell_count }) != "");
    Node missing_region;
    missing_region.region_count = { 2 };
    CHECK(refusal({ missing_region })
        == "device tree: the GIC's reg lacks the distributor, CPU interface or redistributor windows");
    Node v2_without_interface = qemu_gic_v2();
    v2_without_interface.reg.resize(4);
    CHECK(refusal({ v2_without_interface })
        == "device tree: the GIC's reg lacks the distributor, CPU interface or redistributor windows");

    Node empty_window;
    empty_window.reg[7] = 0;
    CHECK(refusal({ empty_window }) == "device tree: a GIC window is empty, wraps or is not 64 KiB aligned");
    Node wrapping;
    wrapping.reg = { 0, 0x0800'0000, 0, 0x1'0000, 0xffff'ffff, 0xfffe'0000, 0, 0x4'0000 };
    CHECK(refusal({ wrapping }) == "device tree: a GIC window is empty, wraps or is not 64 KiB aligned");
    Node unaligned;
    unaligned.reg[5] = 0x080a'1000;
    CHECK(refusal({ unaligned }) == "device tree: a GIC window is empty, wraps or is not 64 KiB aligned");
    Node overlapping;
    overlapping.reg[5] = 0x0800'0000;
    CHECK(refusal({ overlapping }) == "device tree: two GIC windows overlap");

    Node small_distributor;
    small_distributor.reg[3] = 0x1000;
    CHECK(refusal({ small_distributor }) == "device tree: the GIC distributor window is smaller than 64 KiB");
    Node small_interface = qemu_gic_v2();
    small_interface.reg[7] = 0x1000;
    CHECK(refusal({ small_interface }) == "device tree: the GICv2 CPU interface window is smaller than 8 KiB");
    Node small_region;
    small_region.reg[7] = 0x1'0000;
    CHECK(refusal({ small_region }) == "device tree: a GICv3 redistributor region is smaller than 128 KiB");

    for (std::vector<u32> stride : std::vector<std::vector<u32>> { { 0x1'0000 }, { 0x3'1000 }, { 0 } }) {
        Node node;
        node.stride = stride;
        CHECK(refusal({ node })
            == "device tree: the GIC's redistributor-stride is not a multiple of 64 KiB of at least 128 KiB");
    }
    Node three_cell_stride;
    three_cell_stride.stride = { 0, 0, 0x2'0000 };
    CHECK(refusal({ three_cell_stride }) == "device tree: the GIC's redistributor-stride is not one or two cells");
}
