/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The aarch64 platform's reader of the device tree's pci-host-ecam-generic node, compiled for
 * the host: QEMU virt's node (high ECAM, I/O, 32-bit and 64-bit windows), and malformed cells,
 * windows and bus ranges refused; and its interrupt-map (ADR 0021): the slot swizzle, malformed
 * maps refused.
 */

#include "DeviceTreeBuilder.h"
#include "PciHost.h"
#include "PciInterruptMap.h"
#include <catch2/catch.hpp>

using namespace vectra;
using namespace vectra::platform;
using aarch64::DeviceTree;
using test::DeviceTreeBuilder;

namespace {

struct Node {
    std::string compatible { std::string("pci-host-ecam-generic") };
    std::vector<u32> reg { 0x40, 0x1000'0000, 0x0, 0x1000'0000 };
    std::vector<u32> ranges { 0x0100'0000, 0x0, 0x0, 0x0, 0x3eff'0000, 0x0, 0x10000, //
        0x0200'0000, 0x0, 0x1000'0000, 0x0, 0x1000'0000, 0x0, 0x2eff'0000, //
        0x0300'0000, 0x80, 0x0, 0x80, 0x0, 0x80, 0x0 };
    std::vector<u32> bus_range { 0, 0xff };
    u32 address_cells { 3 };
    u32 size_cells { 2 };
    bool with_bus_range { true };
};

/* QEMU virt's shape: a memory node, an unrelated node, then the PCIe host. */
std::vector<u8> tree_with(Node const& node)
{
    DeviceTreeBuilder tree;
    tree.begin_node("").property_cells("#address-cells", { 2 }).property_cells("#size-cells", { 2 });
    tree.begin_node("memory@40000000").property_string("device_type", "memory").property_cells("reg", { 0, 0x4000'0000, 0, 0x1000'0000 }).end_node();
    tree.begin_node("pl011@9000000").property_string("compatible", "arm,pl011").end_node();
    tree.begin_node("pcie@10000000");
    std::vector<u8> compatible(node.compatible.begin(), node.compatible.end());
    compatible.push_back(0);
    tree.property("compatible", compatible);
    tree.property_cells("reg", node.reg).property_cells("ranges", node.ranges);
    if (node.with_bus_range)
        tree.property_cells("bus-range", node.bus_range);
    tree.property_cells("#address-cells", { node.address_cells }).property_cells("#size-cells", { node.size_cells });
    tree.begin_node("child").end_node();
    tree.end_node().end_node().end();
    return tree.build();
}

ErrorOr<bool> read(std::vector<u8> const& blob, PciHostBridge& bridge)
{
    auto tree = DeviceTree::from_memory(blob.data(), blob.size());
    REQUIRE_FALSE(tree.is_error());
    return aarch64::read_pci_host(tree.value(), bridge);
}

ErrorCode code_of(ErrorOr<bool> const& result) { return result.is_error() ? result.error().code() : ErrorCode::None; }

}

TEST_CASE("QEMU virt's PCIe node: high ECAM, buses 0-255, the I/O, 32-bit and 64-bit windows")
{
    PciHostBridge bridge;
    auto found = read(tree_with(Node()), bridge);
    REQUIRE_FALSE(found.is_error());
    REQUIRE(found.value());
    CHECK(bridge.ecam_base == 0x40'1000'0000);
    CHECK(bridge.first_bus == 0);
    CHECK(bridge.last_bus == 255);
    CHECK(bridge.assign_bars);
    REQUIRE(bridge.window_count == 3);
    CHECK(bridge.windows[0].kind == PciWindow::Kind::Io);
    CHECK(bridge.windows[0].cpu_base == 0x3eff'0000);
    CHECK(bridge.windows[0].size == 0x10000);
    CHECK(bridge.windows[1].kind == PciWindow::Kind::Memory32);
    CHECK(bridge.windows[1].bus_base == 0x1000'0000);
    CHECK(bridge.windows[1].size == 0x2eff'0000);
    CHECK(bridge.windows[2].kind == PciWindow::Kind::Memory64);
    CHECK(bridge.windows[2].cpu_base == 0x80'0000'0000);
}

TEST_CASE("a compatible list naming the generic ECAM host among others is found; a tree without one is not")
{
    Node node;
    node.compatible = std::string("vendor,host") + '\0' + "pci-host-ecam-generic";
    PciHostBridge bridge;
    CHECK(read(tree_with(node), bridge).value());
    node.compatible = "pci-host-ecam-generic-not";
    CHECK_FALSE(read(tree_with(node), bridge).value());
    node.compatible = "pci-host-cam-generic";
    CHECK_FALSE(read(tree_with(node), bridge).value());
}

TEST_CASE("a small ECAM window limits the buses; a bus range narrows them")
{
    Node node;
    node.reg = { 0x0, 0x3f00'0000, 0x0, 0x0100'0000 }; /* 16 buses */
    PciHostBridge bridge;
    REQUIRE(read(tree_with(node), bridge).value());
    CHECK(bridge.last_bus == 15);
    node.bus_range = { 2, 7 };
    REQUIRE(read(tree_with(node), bridge).value());
    CHECK(bridge.first_bus == 2);
    CHECK(bridge.last_bus == 7);
    node.with_bus_range = false;
    REQUIRE(read(tree_with(node), bridge).value());
    CHECK(bridge.first_bus == 0);
}

TEST_CASE("malformed PCI host nodes are refused with MalformedMessage")
{
    auto refused = [](Node const& node) {
        PciHostBridge bridge;
        return code_of(read(tree_with(node), bridge)) == ErrorCode::MalformedMessage;
    };
    Node node;
    node.address_cells = 2;
    CHECK(refused(node));
    node = Node();
    node.reg = { 0x40, 0x1000'0000 }; /* half an entry */
    CHECK(refused(node));
    node = Node();
    node.reg = { 0x40, 0x1000'8000, 0x0, 0x1000'0000 }; /* not 1 MiB aligned */
    CHECK(refused(node));
    node = Node();
    node.reg = { 0x40, 0x1000'0000, 0x0, 0x1000 }; /* less than one bus */
    CHECK(refused(node));
    node = Node();
    node.bus_range = { 9, 3 };
    CHECK(refused(node));
    node = Node();
    node.bus_range = { 0, 256 };
    CHECK(refused(node));
    node = Node();
    node.bus_range = { 0 };
    CHECK(refused(node));
    node = Node();
    node.ranges.pop_back(); /* not whole entries */
    CHECK(refused(node));
    node = Node();
    node.ranges = { 0x0200'0000, 0x0, 0xf000'0000, 0x0, 0xf000'0000, 0x0, 0x2000'0000 }; /* 32-bit past 4 GiB */
    CHECK(refused(node));
    node = Node();
    node.ranges = { 0x0200'0000, 0x0, 0x1000'0000, 0x0, 0x1000'0000, 0x0, 0x0 }; /* empty */
    CHECK(refused(node));
    node = Node();
    node.ranges = { 0x0300'0000, 0xffff'ffff, 0xffff'0000, 0x0, 0x0, 0x0, 0x0010'0000 }; /* wraps */
    CHECK(refused(node));
}

TEST_CASE("configuration-space ranges entries are not windows, and windows past the capacity are dropped")
{
    Node node;
    node.ranges.clear();
    for (u32 index = 0; index < 6; ++index) {
        for (u32 cell : { 0x0200'0000u, 0x0u, 0x1000'0000u + index * 0x0100'0000u, 0x0u, 0x1000'0000u + index * 0x0100'0000u, 0x0u, 0x0100'0000u })
            node.ranges.push_back(cell);
    }
    std::vector<u32> configuration { 0x0000'0000u, 0x0u, 0x0u, 0x0u, 0x0u, 0x0u, 0x0u }; /* even empty: skipped */
    node.ranges.insert(node.ranges.begin(), configuration.begin(), configuration.end());
    PciHostBridge bridge;
    REQUIRE(read(tree_with(node), bridge).value());
    CHECK(bridge.window_count == PciHostBridge::window_capacity);
    CHECK(bridge.windows[0].bus_base == 0x1000'0000);
}

/* --- INTx: the host node's interrupt-map (ADR 0021) ---------------------------------------- */

namespace {

constexpr u32 gic_phandle = 0x8001;

/* QEMU virt's map: slots 0-3 by pins 1-4, SPI 3 + (slot + pin - 1) % 4, level high, through the GIC. */
std::vector<u32> virt_interrupt_map()
{
    std::vector<u32> map;
    for (u32 slot = 0; slot < 4; ++slot) {
        for (u32 pin = 1; pin <= 4; ++pin) {
            for (u32 cell : { slot << 11, 0u, 0u, pin, gic_phandle, 0u, 0u, 0u, 3 + (slot + pin - 1) % 4, 4u })
                map.push_back(cell);
        }
    }
    return map;
}

std::vector<u8> tree_with_map(std::vector<u32> const& map, std::vector<u32> const& mask, u32 gic_interrupt_cells = 3)
{
    DeviceTreeBuilder tree;
    tree.begin_node("").property_cells("#address-cells", { 2 }).property_cells("#size-cells", { 2 });
    tree.begin_node("intc@8000000").property_cells("phandle", { gic_phandle }).property_cells("#interrupt-cells", { gic_interrupt_cells });
    tree.property_cells("#address-cells", { 2 }).property_cells("#size-cells", { 2 });
    tree.begin_node("v2m@8020000").property_cells("phandle", { 0x8002 }).end_node();
    tree.end_node();
    tree.begin_node("pcie@10000000");
    std::string compatible("pci-host-ecam-generic");
    std::vector<u8> bytes(compatible.begin(), compatible.end());
    bytes.push_back(0);
    tree.property("compatible", bytes).property_cells("reg", { 0x40, 0x1000'0000, 0x0, 0x1000'0000 });
    tree.property_cells("#address-cells", { 3 }).property_cells("#size-cells", { 2 }).property_cells("#interrupt-cells", { 1 });
    tree.property_cells("interrupt-map-mask", mask).property_cells("interrupt-map", map);
    tree.end_node().end_node().end();
    return tree.build();
}

ErrorOr<bool> read_intx(std::vector<u8> const& blob, u8 bus, u8 device, u8 pin, u32& intid)
{
    auto tree = DeviceTree::from_memory(blob.data(), blob.size());
    REQUIRE_FALSE(tree.is_error());
    return aarch64::read_pci_intx(tree.value(), bus, device, 0, pin, intid);
}

}

TEST_CASE("QEMU virt's interrupt-map: the slot swizzle gives each pin its SPI as a GIC INTID")
{
    auto blob = tree_with_map(virt_interrupt_map(), { 0x1800, 0, 0, 7 });
    for (u8 device = 0; device < 32; ++device) {
        for (u8 pin = 1; pin <= 4; ++pin) {
            u32 intid = 0;
            auto found = read_intx(blob, 0, device, pin, intid);
            REQUIRE_FALSE(found.is_error());
            REQUIRE(found.value());
            CHECK(intid == 32 + 3 + (device + pin - 1) % 4);
        }
    }
    u32 intid = 0;
    CHECK_FALSE(read_intx(blob, 0, 1, 0, intid).value()); /* no pin */
    CHECK_FALSE(read_intx(blob, 0, 1, 5, intid).value());
    CHECK_FALSE(read_intx(blob, 1, 0, 1, intid).value()); /* behind a bridge: not built */
    CHECK_FALSE(read_intx(tree_with(Node()), 0, 1, 1, intid).value()); /* a host node without a map */
}

TEST_CASE("a malformed interrupt-map is refused: cut entries, an unknown phandle, a parent of other cells, an edge or PPI interrupt")
{
    u32 intid = 0;
    auto map = virt_interrupt_map();
    std::vector<u32> mask { 0x1800, 0, 0, 7 };
    auto cut = map;
    cut.resize(map.size() - 3);
    /* The first fifteen entries do not match slot 3 pin 4; the cut last one must be refused, not read past. */
    CHECK(code_of(read_intx(tree_with_map(cut, mask), 0, 3, 4, intid)) == ErrorCode::MalformedMessage);
    auto unknown = map;
    unknown[4] = 0x1234;
    CHECK(code_of(read_intx(tree_with_map(unknown, mask), 0, 0, 1, intid)) == ErrorCode::MalformedMessage);
    CHECK(code_of(read_intx(tree_with_map(map, mask, 2), 0, 0, 1, intid)) == ErrorCode::MalformedMessage);
    auto edge = map;
    edge[9] = 1; /* IRQ_TYPE_EDGE_RISING */
    CHECK(code_of(read_intx(tree_with_map(edge, mask), 0, 0, 1, intid)) == ErrorCode::MalformedMessage);
    auto ppi = map;
    ppi[7] = 1;
    CHECK(code_of(read_intx(tree_with_map(ppi, mask), 0, 0, 1, intid)) == ErrorCode::MalformedMessage);
    CHECK(code_of(read_intx(tree_with_map(map, { 0x1800, 0, 0 }), 0, 0, 1, intid)) == ErrorCode::MalformedMessage);
    CHECK(code_of(read_intx(tree_with_map(map, {}), 0, 0, 1, intid)) == ErrorCode::MalformedMessage); /* an empty mask */
}
