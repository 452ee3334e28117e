/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The aarch64 platform's device-tree reader, compiled for the host: well-formed trees are walked
 * token by token, and every malformed one is refused with its reason, never read out of bounds.
 */

#include "DeviceTreeBuilder.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vectra/platform/aarch64/DeviceTree.h>

using namespace vectra;
using platform::aarch64::DeviceTree;
using test::DeviceTreeBuilder;
using Kind = DeviceTree::Token::Kind;

namespace {

std::string refusal(std::vector<u8> const& blob, usize readable)
{
    auto tree = DeviceTree::from_memory(blob.data(), readable);
    if (tree.is_error())
        return tree.error().message();
    auto cursor = tree.value().structure();
    for (;;) {
        auto token = cursor.next();
        if (token.is_error())
            return token.error().message();
        if (token.value().kind == Kind::End)
            break;
    }
    auto reservations = tree.value().reservations();
    platform::MemoryRegion region;
    for (;;) {
        auto more = reservations.next(region);
        if (more.is_error())
            return more.error().message();
        if (!more.value())
            return "";
    }
}

std::string refusal(std::vector<u8> const& blob) { return refusal(blob, blob.size()); }

}

TEST_CASE("a QEMU-shaped tree is walked token by token, in order, with depths")
{
    auto blob = test::qemu_like_tree().build();
    auto tree = DeviceTree::from_memory(blob.data(), blob.size()).release_value();
    REQUIRE(tree.total_size() == blob.size());

    auto cursor = tree.structure();
    auto token = cursor.next().release_value();
    REQUIRE(token.kind == Kind::BeginNode);
    REQUIRE(token.depth == 1);
    REQUIRE(std::string(token.name).empty());
    token = cursor.next().release_value();
    REQUIRE(token.kind == Kind::Property);
    REQUIRE(std::string(token.name) == "#address-cells");
    REQUIRE(DeviceTree::read_cells(token, 0, 1).value() == 2);
    REQUIRE(cursor.next().value().kind == Kind::Property); /* #size-cells */

    token = cursor.next().release_value();
    REQUIRE(token.kind == Kind::BeginNode);
    REQUIRE(std::string(token.name) == "psci");
    REQUIRE(token.depth == 2);
    REQUIRE(cursor.next().value().kind == Kind::Property);
    token = cursor.next().release_value();
    REQUIRE(std::string(token.name) == "method");
    REQUIRE(DeviceTree::value_equals(token, "hvc"));
    REQUIRE_FALSE(DeviceTree::value_equals(token, "hv"));
    REQUIRE_FALSE(DeviceTree::value_equals(token, "smc"));
    token = cursor.next().release_value();
    REQUIRE(token.kind == Kind::EndNode);
    REQUIRE(token.depth == 2);

    /* The NOP is skipped. */
    token = cursor.next().release_value();
    REQUIRE(std::string(token.name) == "memory@40000000");
    REQUIRE(cursor.next().value().kind == Kind::Property);
    token = cursor.next().release_value();
    REQUIRE(std::string(token.name) == "reg");
    REQUIRE(DeviceTree::read_cells(token, 0, 2).value() == 0x4000'0000);
    REQUIRE(DeviceTree::read_cells(token, 2, 2).value() == 128ull << 20);
    REQUIRE(DeviceTree::read_cells(token, 3, 1).value() == 128u << 20);
    REQUIRE(DeviceTree::read_cells(token, 3, 2).error().message() == std::string("device tree: cells out of bounds"));
    REQUIRE(DeviceTree::read_cells(token, 0, 3).error().message()
        == std::string("device tree: unsupported cell count"));
    REQUIRE(cursor.next().value().kind == Kind::EndNode);
    token = cursor.next().release_value();
    REQUIRE(token.kind == Kind::EndNode);
    REQUIRE(token.depth == 1);
    REQUIRE(cursor.next().value().kind == Kind::End);
    REQUIRE(cursor.next().value().kind == Kind::End); /* and stays there */

    auto reservations = tree.reservations();
    platform::MemoryRegion region;
    REQUIRE(reservations.next(region).value());
    REQUIRE(region.base == 0x4800'0000);
    REQUIRE(region.size == 0x1000);
    REQUIRE(reservations.next(region).value());
    REQUIRE(region.base == 0x4900'0000);
    REQUIRE_FALSE(reservations.next(region).value());
    REQUIRE_FALSE(reservations.next(region).value());
}

TEST_CASE("a version 16 tree (no structure size) is read up to its total size")
{
    auto blob = test::qemu_like_tree().build(16);
    REQUIRE(refusal(blob).empty());
}

TEST_CASE("every malformed header is refused with its reason")
{
    auto good = test::qemu_like_tree().build();
    REQUIRE(refusal(good, 35) == "device tree: no room for a header");
    REQUIRE(DeviceTree::from_memory(nullptr, 100).error().message() == std::string("device tree: no room for a header"));

    auto blob = good;
    blob[0] = 0;
    REQUIRE(refusal(blob) == "device tree: bad magic");

    blob = good;
    DeviceTreeBuilder::set32(blob, 20, 15);
    REQUIRE(refusal(blob) == "device tree: unsupported version");
    blob = good;
    DeviceTreeBuilder::set32(blob, 24, 18);
    REQUIRE(refusal(blob) == "device tree: unsupported version");

    /* The blob claims more than the caller can read. */
    REQUIRE(refusal(good, good.size() - 1) == "device tree: total size out of bounds");

    blob = good;
    DeviceTreeBuilder::set32(blob, 8, 2); /* structure inside the header, and misaligned */
    REQUIRE(refusal(blob) == "device tree: structure block out of bounds");
    blob = good;
    DeviceTreeBuilder::set32(blob, 36, 0xffff'fff0); /* structure size past the end */
    REQUIRE(refusal(blob) == "device tree: structure block out of bounds");
    blob = good;
    DeviceTreeBuilder::set32(blob, 32, 0xffff'fff0); /* strings size past the end */
    REQUIRE(refusal(blob) == "device tree: strings block out of bounds");
    blob = good;
    DeviceTreeBuilder::set32(blob, 16, 44); /* reservations not 8-aligned */
    REQUIRE(refusal(blob) == "device tree: reservation block out of bounds");
}

TEST_CASE("every malformed structure is refused with its reason, and the cursor stays failed")
{
    REQUIRE(refusal(DeviceTreeBuilder().begin_node("").end_node().build())
        == "device tree: structure ends without an END token");
    REQUIRE(refusal(DeviceTreeBuilder().begin_node("").end().build()) == "device tree: END inside a node");
    REQUIRE(refusal(DeviceTreeBuilder().end_node().end().build()) == "device tree: END_NODE outside any node");
    REQUIRE(refusal(DeviceTreeBuilder().property_cells("reg", { 1 }).end().build())
        == "device tree: property outside any node");

    DeviceTreeBuilder deep;
    for (int depth = 0; depth <= 32; ++depth)
        deep.begin_node("n");
    REQUIRE(refusal(deep.build()) == "device tree: nodes nested too deeply");

    /* An unknown token. */
    auto blob = DeviceTreeBuilder().begin_node("").end_node().end().build();
    u32 structure = 40 + 16;
    DeviceTreeBuilder::set32(blob, structure, 7);
    REQUIRE(refusal(blob) == "device tree: unknown structure token");

    /* A property whose length runs past the structure block. */
    blob = DeviceTreeBuilder().begin_node("").property_cells("reg", { 1 }).end_node().end().build();
    DeviceTreeBuilder::set32(blob, structure + 8 + 4, 0x1000);
    REQUIRE(refusal(blob) == "device tree: property value out of bounds");
    /* A property whose name lies outside the strings block. */
    blob = DeviceTreeBuilder().begin_node("").property_cells("reg", { 1 }).end_node().end().build();
    DeviceTreeBuilder::set32(blob, structure + 8 + 8, 0x1000);
    REQUIRE(refusal(blob) == "device tree: property name out of bounds");
    /* A strings block without its final NUL. */
    blob = DeviceTreeBuilder().begin_node("").property_cells("reg", { 1 }).end_node().end().build();
    blob.back() = 'x';
    REQUIRE(refusal(blob) == "device tree: unterminated property name");
    /* A node name running to the end of the structure block. */
    blob = DeviceTreeBuilder().begin_node("abc").build();
    blob[blob.size() - 1] = 'x';
    REQUIRE(refusal(blob) == "device tree: unterminated node name");

    auto tree = DeviceTree::from_memory(blob.data(), blob.size()).release_value();
    auto cursor = tree.structure();
    REQUIRE(cursor.next().is_error());
    REQUIRE(cursor.next().error().message() == std::string("device tree: structure already found malformed"));
}

TEST_CASE("a reservation block without its end marker is refused")
{
    auto blob = DeviceTreeBuilder().begin_node("").end_node().end().build();
    /* Overwrite the (0, 0) marker: the structure block follows, so the entries run into it. */
    DeviceTreeBuilder::set32(blob, 40 + 4, 1);
    REQUIRE(refusal(blob) == "device tree: reservation block has no end marker");
}
