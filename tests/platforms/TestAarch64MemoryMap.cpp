/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The aarch64 platform's memory-map builder, compiled for the host: RAM, reservations and the
 * PSCI conduit read from device trees, and the free map made from them.
 */

#include "DeviceTreeBuilder.h"
#include "MemoryMapBuilder.h"
#include <catch2/catch.hpp>

using namespace vectra;
using namespace vectra::platform::aarch64;
using namespace vectra::platform::aarch64::memory_map;
using test::DeviceTreeBuilder;

namespace {

DeviceTreeFacts facts_of(std::vector<u8> const& blob)
{
    auto tree = DeviceTree::from_memory(blob.data(), blob.size()).release_value();
    DeviceTreeFacts facts;
    REQUIRE_FALSE(read_facts(tree, facts).is_error());
    return facts;
}

std::string refusal_of(std::vector<u8> const& blob)
{
    auto tree = DeviceTree::from_memory(blob.data(), blob.size()).release_value();
    DeviceTreeFacts facts;
    auto result = read_facts(tree, facts);
    return result.is_error() ? result.error().message() : "";
}

}

TEST_CASE("a QEMU-shaped tree gives its RAM, its reservations and the hvc conduit")
{
    auto facts = facts_of(test::qemu_like_tree().build());
    REQUIRE(facts.ram.count == 1);
    REQUIRE(facts.ram.bases[0] == 0x4000'0000);
    REQUIRE(facts.ram.ends[0] == 0x4000'0000 + (128ull << 20));
    REQUIRE(facts.reserved.count == 2);
    REQUIRE(facts.reserved.bases[1] == 0x4900'0000);
    REQUIRE(facts.reserved.ends[1] == 0x4900'2000);
    REQUIRE(facts.has_psci_conduit);
    REQUIRE(facts.psci_conduit == PsciConduit::Hypervisor);
}

TEST_CASE("memory nodes are known by name or device_type; /reserved-memory children are reservations")
{
    DeviceTreeBuilder tree;
    tree.begin_node("").property_cells("#address-cells", { 1 }).property_cells("#size-cells", { 1 });
    tree.begin_node("ram@80000000").property_string("device_type", "memory");
    tree.property_cells("reg", { 0x8000'0000, 0x100'0000, 0x9000'0000, 0x100'0000 }).end_node();
    tree.begin_node("memory").property_cells("reg", { 0xa000'0000, 0x1000 }).end_node();
    tree.begin_node("memory-controller").property_cells("reg", { 0xb000'0000, 0x1000 }).end_node();
    tree.begin_node("reserved-memory").property_cells("#address-cells", { 2 }).property_cells("#size-cells", { 1 });
    tree.begin_node("secure@0").property_cells("reg", { 0, 0x8080'0000, 0x2'0000 }).end_node().end_node();
    tree.begin_node("psci").property_string("method", "smc").end_node();
    tree.end_node().end();
    auto facts = facts_of(tree.build());
    REQUIRE(facts.ram.count == 3); /* two reg entries, one node named "memory"; not memory-controller */
    REQUIRE(facts.ram.bases[1] == 0x9000'0000);
    REQUIRE(facts.ram.bases[2] == 0xa000'0000);
    REQUIRE(facts.reserved.count == 1);
    REQUIRE(facts.reserved.bases[0] == 0x8080'0000);
    REQUIRE(facts.reserved.ends[0] == 0x8082'0000);
    REQUIRE(facts.psci_conduit == PsciConduit::SecureMonitor);
}

TEST_CASE("bad cell counts and reg properties are refused")
{
    DeviceTreeBuilder cells;
    cells.begin_node("").property_cells("#address-cells", { 1, 1 }).end_node().end();
    REQUIRE(refusal_of(cells.build()) == "device tree: bad #address-cells or #size-cells");

    DeviceTreeBuilder reg;
    reg.begin_node("").property_cells("#address-cells", { 2 }).property_cells("#size-cells", { 2 });
    reg.begin_node("memory@0").property_cells("reg", { 0, 0x4000'0000, 0 }).end_node().end_node().end();
    REQUIRE(refusal_of(reg.build()) == "device tree: bad reg property");

    DeviceTreeBuilder wide;
    wide.begin_node("").property_cells("#address-cells", { 3 }).property_cells("#size-cells", { 1 });
    wide.begin_node("memory@0").property_cells("reg", { 0, 0, 0x4000'0000, 0x1000 }).end_node().end_node().end();
    REQUIRE(refusal_of(wide.build()) == "device tree: bad reg property");
}

TEST_CASE("the free map is RAM minus reservations widened to pages, merged, sorted, page-aligned")
{
    RangeList free;
    free.add(0x5000'0000, 0x6000'0000);
    free.add(0x4000'0000, 0x4800'0800); /* ends mid-page */
    free.add(0x4800'0000, 0x4900'0000); /* overlaps the one before: merged */
    RangeList reserved;
    reserved.add(0x4400'0010, 0x4400'0020); /* one byte range: a whole page goes */
    reserved.add(0x5fff'f000, 0x7000'0000); /* the top of the last range */
    platform::MemoryMap map;
    fill_memory_map(free, reserved, map);
    REQUIRE(map.count == 3);
    REQUIRE(map.regions[0].base == 0x4000'0000);
    REQUIRE(map.regions[0].size == 0x400'0000);
    REQUIRE(map.regions[1].base == 0x4400'1000);
    REQUIRE(map.regions[1].base + map.regions[1].size == 0x4900'0000);
    REQUIRE(map.regions[2].base == 0x5000'0000);
    REQUIRE(map.regions[2].base + map.regions[2].size == 0x5fff'f000);
}

TEST_CASE("a range list past its capacity says so, and subtracting splits ranges")
{
    RangeList list;
    for (u64 index = 0; index <= RangeList::capacity; ++index)
        list.add(index * 0x2000, index * 0x2000 + 0x1000);
    REQUIRE(list.count == RangeList::capacity);
    REQUIRE(list.overflowed);

    RangeList one;
    one.add(0x1000, 0x9000);
    subtract(one, 0x3000, 0x4000);
    REQUIRE(one.count == 2);
    subtract(one, 0, ~0ull);
    REQUIRE(one.count == 0);
    one.add_sized(~0ull - 0x10, 0x100); /* saturates instead of wrapping */
    REQUIRE(one.ends[0] == ~0ull);
}

TEST_CASE("QEMU's fw_cfg is found by its compatible string, its reg read with the root's address cells")
{
    DeviceTreeBuilder tree;
    tree.begin_node("").property_cells("#address-cells", { 2 }).property_cells("#size-cells", { 2 });
    tree.begin_node("memory@40000000").property_string("device_type", "memory");
    tree.property_cells("reg", { 0, 0x4000'0000, 0, 0x800'0000 }).end_node();
    /* reg before compatible, as QEMU writes it; a look-alike name alone is not enough. */
    tree.begin_node("fw-cfg@9020000").property_cells("reg", { 0, 0x0902'0000, 0, 0x18 });
    tree.property_string("compatible", "qemu,fw-cfg-mmio").end_node();
    tree.begin_node("fw-cfg@1234").property_cells("reg", { 0, 0x1234, 0, 0x18 }).end_node();
    tree.end_node().end();
    CHECK(facts_of(tree.build()).firmware_config_base == 0x0902'0000);

    DeviceTreeBuilder without;
    without.begin_node("").property_cells("#address-cells", { 2 }).property_cells("#size-cells", { 2 });
    without.begin_node("memory@40000000").property_cells("reg", { 0, 0x4000'0000, 0, 0x800'0000 }).end_node();
    without.begin_node("virtio_mmio@a000000").property_string("compatible", "virtio,mmio");
    without.property_cells("reg", { 0, 0x0a00'0000, 0, 0x200 }).end_node();
    without.end_node().end();
    CHECK(facts_of(without.build()).firmware_config_base == 0);
}

namespace {

/* /cpus as QEMU's virt machine writes it (#address-cells 1, #size-cells 0), `count` CPUs, and a cpu-map. */
DeviceTreeBuilder& add_cpus(DeviceTreeBuilder& tree, u32 count, char const* method = "psci")
{
    tree.begin_node("cpus").property_cells("#address-cells", { 1 }).property_cells("#size-cells", { 0 });
    for (u32 index = 0; index < count; ++index) {
        tree.begin_node("cpu@" + std::to_string(index)).property_string("device_type", "cpu");
        tree.property_string("compatible", "arm,cortex-a72").property_cells("reg", { index });
        tree.property_string("enable-method", method).end_node();
    }
    tree.begin_node("cpu-map").begin_node("socket0").begin_node("cluster0").end_node().end_node().end_node();
    return tree.end_node();
}

ProcessorFacts processors_of(DeviceTreeBuilder& tree)
{
    auto blob = tree.end_node().end().build();
    auto parsed = DeviceTree::from_memory(blob.data(), blob.size()).release_value();
    ProcessorFacts facts;
    auto result = read_processors(parsed, facts);
    REQUIRE_FALSE(result.is_error());
    return facts;
}

}

TEST_CASE("/cpus: QEMU's four CPUs by MPIDR affinity, in order; the cpu-map is not a CPU")
{
    DeviceTreeBuilder tree;
    tree.begin_node("").property_cells("#address-cells", { 2 }).property_cells("#size-cells", { 2 });
    add_cpus(tree, 4);
    tree.begin_node("psci").property_string("method", "hvc").end_node();
    auto facts = processors_of(tree);
    REQUIRE(facts.count == 4);
    for (u32 index = 0; index < 4; ++index)
        CHECK(facts.affinities[index] == index);
    CHECK(facts.not_psci == 0);
}

TEST_CASE("/cpus: two-cell affinities, disabled CPUs left out, spin-table CPUs counted, each affinity once")
{
    DeviceTreeBuilder tree;
    tree.begin_node("").property_cells("#address-cells", { 2 }).property_cells("#size-cells", { 2 });
    tree.begin_node("cpus").property_cells("#address-cells", { 2 }).property_cells("#size-cells", { 0 });
    tree.begin_node("cpu@0").property_string("device_type", "cpu").property_cells("reg", { 0, 0 });
    tree.property_string("enable-method", "psci").end_node();
    tree.begin_node("cpu@100").property_string("device_type", "cpu").property_cells("reg", { 0, 0x100 });
    tree.property_string("enable-method", "psci").end_node();
    tree.begin_node("cpu@1").property_string("device_type", "cpu").property_cells("reg", { 0, 1 });
    tree.property_string("enable-method", "psci").property_string("status", "disabled").end_node();
    tree.begin_node("cpu@2").property_string("device_type", "cpu").property_cells("reg", { 0, 2 });
    tree.property_string("enable-method", "spin-table").end_node();
    tree.begin_node("cpu@100").property_string("device_type", "cpu").property_cells("reg", { 0, 0x100 });
    tree.property_string("enable-method", "psci").end_node();
    tree.end_node();
    auto facts = processors_of(tree);
    REQUIRE(facts.count == 2);
    CHECK(facts.affinities[0] == 0);
    CHECK(facts.affinities[1] == 0x100);
    CHECK(facts.not_psci == 1);
}

TEST_CASE("/cpus: more CPUs than the list holds are counted; a reg shorter than #address-cells is refused")
{
    DeviceTreeBuilder many;
    many.begin_node("").property_cells("#address-cells", { 2 }).property_cells("#size-cells", { 2 });
    add_cpus(many, ProcessorFacts::capacity + 2);
    auto facts = processors_of(many);
    CHECK(facts.count == ProcessorFacts::capacity);
    CHECK(facts.left_out == 2);

    for (u32 cells : { 0u, 3u, 2u }) {
        DeviceTreeBuilder tree;
        tree.begin_node("").property_cells("#address-cells", { 2 }).property_cells("#size-cells", { 2 });
        tree.begin_node("cpus").property_cells("#address-cells", { cells }).property_cells("#size-cells", { 0 });
        tree.begin_node("cpu@0").property_string("device_type", "cpu").property_cells("reg", { 0 });
        tree.property_string("enable-method", "psci").end_node().end_node();
        auto blob = tree.end_node().end().build();
        auto parsed = DeviceTree::from_memory(blob.data(), blob.size()).release_value();
        ProcessorFacts refused;
        auto result = read_processors(parsed, refused);
        REQUIRE(result.is_error());
        CHECK(result.error().code() == ErrorCode::MalformedMessage);
    }
}
