/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The GIC node of a device tree (GicDescription.h).
 */

#include "GicDescription.h"
#include "PciHost.h"
#include <vectra/Try.h>

namespace vectra::platform::aarch64 {

namespace {

constexpr u64 minimum_cpu_interface_size = 8 * KiB;
constexpr u32 window_capacity = 2 + GicDescription::redistributor_region_capacity + 4;

Error malformed(char const* reason) { return Error(ErrorCode::MalformedMessage, reason); }

struct Candidate {
    u32 version { 0 };
    bool interrupt_controller { false };
    bool has_reg { false };
    bool has_region_count { false };
    bool has_stride { false };
    bool has_its { false };
    DeviceTree::Token reg;
    DeviceTree::Token region_count;
    DeviceTree::Token stride;
};

u32 version_of(DeviceTree::Token const& compatible)
{
    if (string_list_contains(compatible, "arm,gic-v3"))
        return 3;
    if (string_list_contains(compatible, "arm,cortex-a15-gic") || string_list_contains(compatible, "arm,gic-400")
        || string_list_contains(compatible, "arm,cortex-a9-gic"))
        return 2;
    return 0;
}

bool overlap(GicWindow const& left, GicWindow const& right)
{
    return left.base < right.base + right.size && right.base < left.base + left.size;
}

ErrorOr<GicWindow> window_at(DeviceTree::Token const& reg, u32 index, u32 address_cells, u32 size_cells)
{
    GicWindow window;
    u32 first = index * (address_cells + size_cells);
    window.base = TRY(DeviceTree::read_cells(reg, first, address_cells));
    window.size = TRY(DeviceTree::read_cells(reg, first + address_cells, size_cells));
    if (window.size == 0 || window.base + window.size < window.base || window.base % GicDescription::frame_size != 0)
        return malformed("device tree: a GIC window is empty, wraps or is not 64 KiB aligned");
    return window;
}

ErrorOr<void> describe(Candidate const& node, u32 address_cells, u32 size_cells, GicDescription& description)
{
    if (address_cells < 1 || address_cells > 2 || size_cells < 1 || size_cells > 2)
        return malformed("device tree: the root's #address-cells or #size-cells is not 1 or 2");
    u32 window_bytes = (address_cells + size_cells) * 4;
    if (!node.has_reg || node.reg.value_length == 0 || node.reg.value_length % window_bytes != 0)
        return malformed("device tree: the GIC's reg is not whole windows");
    u32 windows = node.reg.value_length / window_bytes;
    if (windows > window_capacity)
        return malformed("device tree: the GIC's reg has more windows than any GIC");
    u32 needed = 2;
    u32 regions = 0;
    if (node.version == 3) {
        regions = node.has_region_count ? TRY(read_one_cell(node.region_count)) : 1;
        if (regions == 0 || regions > GicDescription::redistributor_region_capacity)
            return malformed("device tree: the GIC's #redistributor-regions is 0 or more than 8");
        needed = 1 + regions;
    }
    if (windows < needed)
        return malformed("device tree: the GIC's reg lacks the distributor, CPU interface or redistributor windows");
    GicWindow used[window_capacity];
    for (u32 index = 0; index < needed; ++index) {
        used[index] = TRY(window_at(node.reg, index, address_cells, size_cells));
        for (u32 other = 0; other < index; ++other) {
            if (overlap(used[index], used[other]))
                return malformed("device tree: two GIC windows overlap");
        }
    }
    description = GicDescription();
    description.version = node.version;
    description.distributor = used[0];
    description.has_its = node.has_its;
    if (description.distributor.size < GicDescription::frame_size)
        return malformed("device tree: the GIC distributor window is smaller than 64 KiB");
    if (node.version == 2) {
        description.cpu_interface = used[1];
        if (description.cpu_interface.size < minimum_cpu_interface_size)
            return malformed("device tree: the GICv2 CPU interface window is smaller than 8 KiB");
        return {};
    }
    description.redistributor_region_count = regions;
    for (u32 index = 0; index < regions; ++index) {
        description.redistributor_regions[index] = used[1 + index];
        if (used[1 + index].size < GicDescription::minimum_redistributor_size)
            return malformed("device tree: a GICv3 redistributor region is smaller than 128 KiB");
    }
    if (node.has_stride) {
        if (node.stride.value_length != 4 && node.stride.value_length != 8)
            return malformed("device tree: the GIC's redistributor-stride is not one or two cells");
        u64 stride = TRY(DeviceTree::read_cells(node.stride, 0, node.stride.value_length / 4));
        if (stride % GicDescription::frame_size != 0 || stride < GicDescription::minimum_redistributor_size)
            return malformed("device tree: the GIC's redistributor-stride is not a multiple of 64 KiB of at least 128 KiB");
        description.redistributor_stride = stride;
    }
    return {};
}

}

ErrorOr<bool> read_gic_description(DeviceTree const& tree, GicDescription& description)
{
    auto cursor = tree.structure();
    u32 root_address_cells = 2;
    u32 root_size_cells = 1;
    bool found = false;
    Candidate node;
    for (;;) {
        auto token = TRY(cursor.next());
        switch (token.kind) {
        case DeviceTree::Token::Kind::End:
            return found;
        case DeviceTree::Token::Kind::BeginNode:
            if (token.depth == 2)
                node = Candidate();
            break;
        case DeviceTree::Token::Kind::Property:
            if (token.depth == 1 && node_name_equal(token.name, "#address-cells"))
                root_address_cells = TRY(read_one_cell(token));
            else if (token.depth == 1 && node_name_equal(token.name, "#size-cells"))
                root_size_cells = TRY(read_one_cell(token));
            else if (token.depth == 3 && node_name_equal(token.name, "compatible")
                && string_list_contains(token, "arm,gic-v3-its"))
                node.has_its = true;
            if (token.depth != 2)
                break;
            if (node_name_equal(token.name, "compatible"))
                node.version = version_of(token);
            else if (node_name_equal(token.name, "interrupt-controller"))
                node.interrupt_controller = true;
            else if (node_name_equal(token.name, "reg")) {
                node.reg = token;
                node.has_reg = true;
            } else if (node_name_equal(token.name, "#redistributor-regions")) {
                node.region_count = token;
                node.has_region_count = true;
            } else if (node_name_equal(token.name, "redistributor-stride")) {
                node.stride = token;
                node.has_stride = true;
            }
            break;
        case DeviceTree::Token::Kind::EndNode:
            if (token.depth != 2 || node.version == 0 || !node.interrupt_controller)
                break;
            if (found)
                return malformed("device tree: two GIC nodes");
            TRY(describe(node, root_address_cells, root_size_cells, description));
            found = true;
            break;
        }
    }
}

}
