/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "MemoryMap.h"
#include "Machine.h"
#include "Power.h"
#include <vectra/Try.h>
#include <vectra/platform/NestedFault.h>
#include <vectra/platform/aarch64/DeviceTree.h>

namespace vectra::platform::aarch64 {

namespace {

/* The largest device tree accepted (QEMU's are well under 1 MiB). */
constexpr u64 maximum_device_tree_size = 2 * MiB;

/*
 * A fixed-capacity list of [base, end) ranges. Additions past capacity are dropped and
 * noted: losing free RAM is safe, losing a reservation is not.
 */
struct RangeList {
    static constexpr usize capacity = 64;
    u64 bases[capacity] {};
    u64 ends[capacity] {};
    usize count { 0 };
    bool overflowed { false };

    void add(u64 base, u64 end)
    {
        if (end <= base)
            return;
        if (count == capacity) {
            overflowed = true;
            return;
        }
        bases[count] = base;
        ends[count] = end;
        ++count;
    }

    void add_sized(u64 base, u64 size)
    {
        u64 end = size > ~0ull - base ? ~0ull : base + size;
        add(base, end);
    }

    void remove_at(usize index)
    {
        for (usize later = index + 1; later < count; ++later) {
            bases[later - 1] = bases[later];
            ends[later - 1] = ends[later];
        }
        --count;
    }
};

struct DeviceTreeFacts {
    RangeList ram;
    RangeList reserved;
    bool has_psci_conduit { false };
    PsciConduit psci_conduit { PsciConduit::Hypervisor };
};

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
                role = NodeRole::Other;
                is_memory_node = false;
                has_memory_reg = false;
            }
            break;
        }
    }
}

/* Removes [base, end) from every range of `list`, splitting ranges it cuts in two. */
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

/* How many bytes from `address` may be read: inside mapped RAM, never into the image. */
ErrorOr<u64> readable_device_tree_bytes(u64 address)
{
    u64 image_start = address_of(__image_start);
    u64 image_end = address_of(__image_end);
    if (address % 8 != 0 || address < ram_base || address >= ram_window_end
        || (address >= image_start && address < image_end))
        return Error(ErrorCode::InvalidArgument, "device tree address is outside usable RAM");
    u64 limit = address < image_start ? image_start - address : ram_window_end - address;
    return limit < maximum_device_tree_size ? limit : maximum_device_tree_size;
}

ErrorOr<void> discover_from_device_tree(u64 address, RangeList& ram, RangeList& reserved)
{
    u64 readable = TRY(readable_device_tree_bytes(address));
    auto tree = TRY(DeviceTree::from_memory(reinterpret_cast<u8 const*>(address), readable));
    static DeviceTreeFacts s_facts;
    s_facts = {};
    TRY(read_facts(tree, s_facts));
    if (s_facts.ram.count == 0)
        return Error(ErrorCode::NotFound, "device tree has no memory node");
    reserved.add_sized(address, tree.total_size());
    for (usize index = 0; index < s_facts.reserved.count; ++index)
        reserved.add(s_facts.reserved.bases[index], s_facts.reserved.ends[index]);
    if (s_facts.reserved.overflowed || reserved.overflowed)
        return Error(ErrorCode::TooLarge, "device tree: too many reserved ranges");
    ram = s_facts.ram;
    if (s_facts.has_psci_conduit)
        set_psci_conduit(s_facts.psci_conduit);
    return {};
}

}

void discover_machine(u64 device_tree_address, MemoryMap& free_memory)
{
    static RangeList s_ram;
    static RangeList s_reserved;
    /* The image and everything below it (the device tree's usual spot among them). */
    auto reserve_image = [] {
        s_reserved = {};
        s_reserved.add(0, align_up(address_of(__image_end), page_size));
    };
    s_ram = {};
    reserve_image();

    u64 address = device_tree_address != 0 ? device_tree_address : default_device_tree_address;
    auto result = discover_from_device_tree(address, s_ram, s_reserved);
    if (result.is_error()) {
        write_raw_text("aarch64: ");
        write_raw_text(result.error().message());
        write_raw_text("; assuming 256 MiB of RAM at 0x40000000\n");
        s_ram = {};
        s_ram.add_sized(ram_base, fallback_ram_size);
        reserve_image();
        /* A device tree above the image may still be there, its size unknown. */
        if (address >= address_of(__image_end) && address < ram_window_end)
            s_reserved.add_sized(address, maximum_device_tree_size);
    }

    /* Only RAM inside boot.S's Normal-memory window is usable. */
    subtract(s_ram, 0, ram_base);
    subtract(s_ram, ram_window_end, ~0ull);

    fill_memory_map(s_ram, s_reserved, free_memory);
}

}
