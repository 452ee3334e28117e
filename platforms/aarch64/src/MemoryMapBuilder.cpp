/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "MemoryMapBuilder.h"
#include <vectra/Try.h>

namespace vectra::platform::aarch64::memory_map {

namespace {

[[nodiscard]] bool starts_with_unit(char const* name, char const* node)
{
    usize index = 0;
    for (; node[index] != 0; ++index) {
        if (name[index] != node[index])
            return false;
    }
    return name[index] == 0 || name[index] == '@';
}

[[nodiscard]] bool names_equal(char const* left, char const* right)
{
    usize index = 0;
    for (; left[index] != 0 && left[index] == right[index]; ++index) { }
    return left[index] == right[index];
}

ErrorOr<u32> read_cell_count(DeviceTree::Token const& property)
{
    if (property.value_length != 4)
        return Error(ErrorCode::MalformedMessage, "device tree: bad #address-cells or #size-cells");
    return static_cast<u32>(TRY(DeviceTree::read_cells(property, 0, 1)));
}

ErrorOr<void> add_reg_entries(DeviceTree::Token const& reg, u32 address_cells, u32 size_cells, RangeList& list)
{
    u32 entry_cells = address_cells + size_cells;
    if (address_cells < 1 || address_cells > 2 || size_cells < 1 || size_cells > 2
        || reg.value_length % (entry_cells * 4) != 0)
        return Error(ErrorCode::MalformedMessage, "device tree: bad reg property");
    u32 entries = reg.value_length / (entry_cells * 4);
    for (u32 entry = 0; entry < entries; ++entry) {
        u64 base = TRY(DeviceTree::read_cells(reg, entry * entry_cells, address_cells));
        u64 size = TRY(DeviceTree::read_cells(reg, entry * entry_cells + address_cells, size_cells));
        list.add_sized(base, size);
    }
    return {};
}

enum class NodeRole : u8 {
    Other,
    Memory,
    Psci,
    ReservedMemory,
};

/* Sorts by base: the ranges are few, insertion sort will do. */
void sort_by_base(RangeList& list)
{
    for (usize index = 1; index < list.count; ++index) {
        for (usize position = index; position > 0 && list.bases[position - 1] > list.bases[position]; --position) {
            u64 base = list.bases[position];
            u64 end = list.ends[position];
            list.bases[position] = list.bases[position - 1];
            list.ends[position] = list.ends[position - 1];
            list.bases[position - 1] = base;
            list.ends[position - 1] = end;
        }
    }
}

/* Sorts and joins overlapping or touching ranges (a device tree may name the same RAM twice). */
void merge_overlapping(RangeList& list)
{
    sort_by_base(list);
    for (usize index = 1; index < list.count;) {
        if (list.bases[index] <= list.ends[index - 1]) {
            if (list.ends[index] > list.ends[index - 1])
                list.ends[index - 1] = list.ends[index];
            list.remove_at(index);
        } else {
            ++index;
        }
    }
}

}

ErrorOr<void> read_facts(DeviceTree const& tree, DeviceTreeFacts& facts)
{
    auto reservations = tree.reservations();
    MemoryRegion reservation;
    while (TRY(reservations.next(reservation)))
        facts.reserved.add_sized(reservation.base, reservation.size);

    /* Defaults from the Devicetree Specification, section 2.3.5. */
    u32 address_cells = 2;
    u32 size_cells = 1;
    u32 reserved_address_cells = 2;
    u32 reserved_size_cells = 1;

    NodeRole role = NodeRole::Other;
    bool is_memory_node = false;
    DeviceTree::Token memory_reg;
    bool has_memory_reg = false;
    bool is_firmware_config = false;

    auto cursor = tree.structure();
    for (;;) {
        auto token = TRY(cursor.next());
        switch (token.kind) {
        case DeviceTree::Token::Kind::End:
            return {};

        case DeviceTree::Token::Kind::BeginNode:
            if (token.depth == 2) {
                role = NodeRole::Other;
                if (starts_with_unit(token.name, "memory"))
                    role = NodeRole::Memory;
                else if (starts_with_unit(token.name, "psci"))
                    role = NodeRole::Psci;
                else if (starts_with_unit(token.name, "reserved-memory"))
                    role = NodeRole::ReservedMemory;
                is_memory_node = role == NodeRole::Memory;
                has_memory_reg = false;
            }
            break;

        case DeviceTree::Token::Kind::Property:
            if (token.depth == 1) {
                if (names_equal(token.name, "#address-cells"))
                    address_cells = TRY(read_cell_count(token));
                else if (names_equal(token.name, "#size-cells"))
                    size_cells = TRY(read_cell_count(token));
            } else if (token.depth == 2) {
                if (names_equal(token.name, "device_type") && DeviceTree::value_equals(token, "memory"))
                    is_memory_node = true;
                else if (names_equal(token.name, "compatible") && DeviceTree::value_equals(token, "qemu,fw-cfg-mmio"))
                    is_firmware_config = true;
                else if (names_equal(token.name, "reg")) {
                    memory_reg = token;
                    has_memory_reg = true;
                } else if (role == NodeRole::Psci && names_equal(token.name, "method")) {
                    if (DeviceTree::value_equals(token, "smc")) {
                        facts.psci_conduit = PsciConduit::SecureMonitor;
                        facts.has_psci_conduit = true;
                    } else if (DeviceTree::value_equals(token, "hvc")) {
                        facts.psci_conduit = PsciConduit::Hypervisor;
                        facts.has_psci_conduit = true;
                    }
                } else if (role == NodeRole::ReservedMemory && names_equal(token.name, "#address-cells"))
                    reserved_address_cells = TRY(read_cell_count(token));
                else if (role == NodeRole::ReservedMemory && names_equal(token.name, "#size-cells"))
                    reserved_size_cells = TRY(read_cell_count(token));
            } else if (token.depth == 3 && role == NodeRole::ReservedMemory && names_equal(token.name, "reg")) {
                TRY(add_reg_entries(token, reserved_address_cells, reserved_size_cells, facts.reserved));
            }
            break;

        case DeviceTree::Token::Kind::EndNode:
            if (token.depth == 2) {
                if (is_memory_node && has_memory_reg)
                    TRY(add_reg_entries(memory_reg, address_cells, size_cells, facts.ram));
                if (is_firmware_config && has_memory_reg)
                    facts.firmware_config_base = TRY(DeviceTree::read_cells(memory_reg, 0, address_cells));
                role = NodeRole::Other;
                is_memory_node = false;
                is_firmware_config = false;
                has_memory_reg = false;
            }
            break;
        }
    }
}

ErrorOr<void> read_processors(DeviceTree const& tree, ProcessorFacts& facts)
{
    bool in_cpus = false;
    u32 address_cells = 0;
    bool is_cpu = false;
    bool is_psci = false;
    bool is_usable = true;
    bool has_reg = false;
    DeviceTree::Token reg;

    auto cursor = tree.structure();
    for (;;) {
        auto token = TRY(cursor.next());
        switch (token.kind) {
        case DeviceTree::Token::Kind::End:
            return {};

        case DeviceTree::Token::Kind::BeginNode:
            if (token.depth == 2) {
                in_cpus = starts_with_unit(token.name, "cpus");
                address_cells = 0;
            } else if (token.depth == 3) {
                is_cpu = false;
                is_psci = false;
                is_usable = true;
                has_reg = false;
            }
            break;

        case DeviceTree::Token::Kind::Property:
            if (!in_cpus)
                break;
            if (token.depth == 2 && names_equal(token.name, "#address-cells")) {
                address_cells = TRY(read_cell_count(token));
            } else if (token.depth == 3) {
                if (names_equal(token.name, "device_type"))
                    is_cpu = DeviceTree::value_equals(token, "cpu");
                else if (names_equal(token.name, "enable-method"))
                    is_psci = DeviceTree::value_equals(token, "psci");
                else if (names_equal(token.name, "status"))
                    is_usable = DeviceTree::value_equals(token, "okay") || DeviceTree::value_equals(token, "ok");
                else if (names_equal(token.name, "reg")) {
                    reg = token;
                    has_reg = true;
                }
            }
            break;

        case DeviceTree::Token::Kind::EndNode:
            if (token.depth == 2) {
                in_cpus = false;
            } else if (token.depth == 3 && in_cpus && is_cpu && has_reg && is_usable) {
                if (address_cells < 1 || address_cells > 2 || reg.value_length < address_cells * 4)
                    return Error(ErrorCode::MalformedMessage, "device tree: a cpu's reg does not fit /cpus's #address-cells");
                u64 affinity = TRY(DeviceTree::read_cells(reg, 0, address_cells));
                bool listed = false;
                for (usize index = 0; index < facts.count; ++index)
                    listed = listed || facts.affinities[index] == affinity;
                if (listed)
                    break;
                if (!is_psci)
                    ++facts.not_psci;
                else if (facts.count == ProcessorFacts::capacity)
                    ++facts.left_out;
                else
                    facts.affinities[facts.count++] = affinity;
            }
            break;
        }
    }
}

void subtract(RangeList& list, u64 base, u64 end)
{
    for (usize index = 0; index < list.count;) {
        u64 range_base = list.bases[index];
        u64 range_end = list.ends[index];
        if (end <= range_base || base >= range_end) {
            ++index;
            continue;
        }
        list.remove_at(index);
        list.add(range_base, base > range_base ? base : range_base);
        list.add(end < range_end ? end : range_end, range_end);
    }
}

void fill_memory_map(RangeList& free, RangeList const& reserved, MemoryMap& map)
{
    merge_overlapping(free);
    for (usize index = 0; index < reserved.count; ++index)
        subtract(free, align_down(reserved.bases[index], page_size),
            reserved.ends[index] > ~0ull - page_size ? ~0ull : align_up(reserved.ends[index], page_size));
    sort_by_base(free);

    map.count = 0;
    for (usize index = 0; index < free.count && map.count < MemoryMap::capacity; ++index) {
        u64 base = align_up(free.bases[index], page_size);
        u64 end = align_down(free.ends[index], page_size);
        if (end > base)
            map.regions[map.count++] = MemoryRegion { base, end - base };
    }
}

}
