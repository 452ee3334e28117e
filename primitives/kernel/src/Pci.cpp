/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * PCI enumeration (vectra/kernel/Pci.h): the walk, BAR sizing and placement, and the rules
 * every configuration-space access of a PciDevice capability is held to.
 */

#include <vectra/Try.h>
#include <vectra/kernel/Pci.h>

namespace vectra::kernel::pci {

namespace {

constexpr u8 devices_per_bus = 32;
constexpr u8 functions_per_device = 8;
constexpr u8 header_multi_function = 0x80;
constexpr u8 header_type_endpoint = 0;
constexpr u8 header_type_bridge = 1;
constexpr usize maximum_capabilities = 48;
constexpr u16 msix_table_register = 4;
constexpr u16 msix_pba_register = 8;

bool overlaps(u16 offset, u8 width, u16 first, u16 end) { return offset < end && offset + width > first; }

class Walker {
public:
    Walker(ConfigAccess& access, platform::PciHostBridge const& bridge, FunctionTable& table)
        : m_access(access)
        , m_bridge(bridge)
        , m_table(table)
    {
    }

    void walk_bus(u8 bus, usize depth);
    void assign();

private:
    void add_function(Address);
    void size_bars(Function&, usize count);
    void find_msix(Function&);
    void place(Bar&, platform::PciWindow const&, u64& next);
    void write_bar(Function const&, usize index);

    u32 read(Address address, u16 offset, u8 width) { return m_access.read(address, offset, width); }

    ConfigAccess& m_access;
    platform::PciHostBridge const& m_bridge;
    FunctionTable& m_table;
};

void Walker::walk_bus(u8 bus, usize depth)
{
    for (u8 device = 0; device < devices_per_bus; ++device) {
        for (u8 function = 0; function < functions_per_device; ++function) {
            Address address { bus, device, function };
            if (read(address, VendorId, 2) == 0xffff) {
                if (function == 0)
                    break;
                continue;
            }
            u8 header = static_cast<u8>(read(address, HeaderType, 1));
            add_function(address);
            /* A bridge firmware configured leads to a bus further on; follow it (bounded, forward only). */
            if ((header & 0x7f) == header_type_bridge && depth < 8) {
                u8 secondary = static_cast<u8>(read(address, BridgeSecondaryBus, 1));
                if (secondary > bus && secondary <= m_bridge.last_bus)
                    walk_bus(secondary, depth + 1);
            }
            if (function == 0 && !(header & header_multi_function))
                break;
        }
    }
}

void Walker::add_function(Address address)
{
    if (m_table.count == FunctionTable::capacity) {
        ++m_table.skipped;
        return;
    }
    Function& function = m_table.functions[m_table.count++];
    function = Function();
    function.address = address;
    function.vendor = static_cast<u16>(read(address, VendorId, 2));
    function.device = static_cast<u16>(read(address, DeviceId, 2));
    u32 class_word = read(address, Revision, 4);
    function.revision = static_cast<u8>(class_word);
    function.interface = static_cast<u8>(class_word >> 8);
    function.subclass = static_cast<u8>(class_word >> 16);
    function.class_code = static_cast<u8>(class_word >> 24);
    function.header_type = static_cast<u8>(read(address, HeaderType, 1)) & 0x7f;
    if (function.header_type == header_type_endpoint)
        size_bars(function, bar_count);
    else if (function.header_type == header_type_bridge)
        size_bars(function, 2);
    find_msix(function);
}

void Walker::size_bars(Function& function, usize count)
{
    Address address = function.address;
    u16 command = static_cast<u16>(read(address, Command, 2));
    /* Decoding off while a BAR holds all-ones, so the function never answers at a stray address. */
    m_access.write(address, Command, 2, command & ~(command_io_enable | command_memory_enable));
    for (usize index = 0; index < count; ++index) {
        u16 offset = static_cast<u16>(FirstBar + index * 4);
        u32 original = read(address, offset, 4);
        m_access.write(address, offset, 4, 0xffff'ffff);
        u32 mask = read(address, offset, 4);
        m_access.write(address, offset, 4, original);
        Bar& bar = function.bars[index];
        if (mask == 0 || mask == 0xffff'ffff)
            continue; /* unimplemented (or an absent function answering all-ones) */
        if (original & 1) {
            u32 size = ~(mask & ~u32(3)) + 1;
            if ((mask & 0xffff'0000) == 0)
                size &= 0xffff; /* 16-bit I/O decoder */
            bar.kind = Bar::Kind::Io;
            bar.size = size;
            bar.address = original & ~u32(3);
            continue;
        }
        bar.prefetchable = (original & 8) != 0;
        u64 size_mask = mask & ~u32(0xf);
        u64 base = original & ~u32(0xf);
        bool wide = ((original >> 1) & 3) == 2 && index + 1 < count;
        if (wide) {
            u16 high_offset = static_cast<u16>(offset + 4);
            u32 high_original = read(address, high_offset, 4);
            m_access.write(address, high_offset, 4, 0xffff'ffff);
            u32 high_mask = read(address, high_offset, 4);
            m_access.write(address, high_offset, 4, high_original);
            size_mask |= u64(high_mask) << 32;
            base |= u64(high_original) << 32;
            bar.kind = Bar::Kind::Memory64;
        } else {
            size_mask |= 0xffff'ffff'0000'0000;
            bar.kind = Bar::Kind::Memory32;
        }
        bar.size = ~size_mask + 1;
        bar.address = base;
        if (wide)
            ++index; /* the upper half belongs to this BAR */
    }
    for (auto& bar : function.bars)
        bar.assigned = bar.kind != Bar::Kind::None && bar.address != 0 && !m_bridge.assign_bars;
    m_access.write(address, Command, 2, command);
}

void Walker::find_msix(Function& function)
{
    if (!(read(function.address, Status, 2) & status_capabilities))
        return;
    u16 pointer = static_cast<u16>(read(function.address, CapabilitiesPointer, 1) & 0xfc);
    for (usize steps = 0; steps < maximum_capabilities && pointer >= 0x40; ++steps) {
        u16 header = static_cast<u16>(read(function.address, pointer, 2));
        if ((header & 0xff) == capability_msix) {
            function.msix_capability = pointer;
            u16 control = static_cast<u16>(read(function.address, static_cast<u16>(pointer + msix_message_control), 2));
            u32 table = read(function.address, static_cast<u16>(pointer + msix_table_register), 4);
            u32 pba = read(function.address, static_cast<u16>(pointer + msix_pba_register), 4);
            function.msix_table_size = static_cast<u16>((control & 0x7ff) + 1);
            function.msix_table_bar = static_cast<u8>(table & 7);
            function.msix_table_offset = table & ~u32(7);
            function.msix_pba_bar = static_cast<u8>(pba & 7);
            function.msix_pba_offset = pba & ~u32(7);
            return;
        }
        pointer = static_cast<u16>((header >> 8) & 0xfc);
    }
}

void Walker::write_bar(Function const& function, usize index)
{
    Bar const& bar = function.bars[index];
    u16 offset = static_cast<u16>(FirstBar + index * 4);
    u32 flags = read(function.address, offset, 4) & (bar.kind == Bar::Kind::Io ? 3u : 0xfu);
    m_access.write(function.address, offset, 4, static_cast<u32>(bar.address) | flags);
    if (bar.kind == Bar::Kind::Memory64)
        m_access.write(function.address, static_cast<u16>(offset + 4), 4, static_cast<u32>(bar.address >> 32));
}

void Walker::place(Bar& bar, platform::PciWindow const& window, u64& next)
{
    u64 start = (next + bar.size - 1) & ~(bar.size - 1);
    if (start < next || start + bar.size < start || start + bar.size > window.bus_base + window.size)
        return;
    next = start + bar.size;
    /* Bus addresses go into the BAR; the CPU reaches them through the window's translation. */
    bar.address = start;
    bar.assigned = true;
}

void Walker::assign()
{
    platform::PciWindow const* memory = nullptr;
    platform::PciWindow const* io = nullptr;
    for (usize index = 0; index < m_bridge.window_count && index < platform::PciHostBridge::window_capacity; ++index) {
        auto const& window = m_bridge.windows[index];
        if (window.kind == platform::PciWindow::Kind::Memory32 && !memory)
            memory = &window;
        if (window.kind == platform::PciWindow::Kind::Io && !io)
            io = &window;
    }
    u64 next_memory = memory ? memory->bus_base : 0;
    u64 next_io = io ? (io->bus_base == 0 ? 0x1000 : io->bus_base) : 0; /* ports below 0x1000 are legacy */
    /* Largest first: each BAR aligned to its size packs without holes. Sizes are powers of two. */
    for (;;) {
        Function* chosen_function = nullptr;
        usize chosen_index = 0;
        for (usize function = 0; function < m_table.count; ++function) {
            for (usize index = 0; index < bar_count; ++index) {
                Bar& bar = m_table.functions[function].bars[index];
                if (bar.kind == Bar::Kind::None || bar.assigned || bar.address == ~u64(0))
                    continue;
                if (!chosen_function || bar.size > chosen_function->bars[chosen_index].size) {
                    chosen_function = &m_table.functions[function];
                    chosen_index = index;
                }
            }
        }
        if (!chosen_function)
            break;
        Bar& bar = chosen_function->bars[chosen_index];
        bool is_io = bar.kind == Bar::Kind::Io;
        platform::PciWindow const* window = is_io ? io : memory;
        bool power_of_two = bar.size != 0 && (bar.size & (bar.size - 1)) == 0;
        if (window && power_of_two)
            place(bar, *window, is_io ? next_io : next_memory);
        if (!bar.assigned) {
            bar.address = ~u64(0); /* marks "tried": no room */
            continue;
        }
        write_bar(*chosen_function, chosen_index);
        bar.address = window->cpu_base + (bar.address - window->bus_base);
        u16 command = static_cast<u16>(read(chosen_function->address, Command, 2));
        m_access.write(chosen_function->address, Command, 2, command | (is_io ? command_io_enable : command_memory_enable));
    }
    for (usize function = 0; function < m_table.count; ++function) {
        for (auto& bar : m_table.functions[function].bars) {
            if (!bar.assigned)
                bar.address = 0;
        }
    }
}

}

u32 EcamAccess::read(Address address, u16 offset, u8 width)
{
    uptr where = register_address(address, offset);
    if (width == 1)
        return *reinterpret_cast<u8 volatile const*>(where);
    if (width == 2)
        return *reinterpret_cast<u16 volatile const*>(where);
    return *reinterpret_cast<u32 volatile const*>(where);
}

void EcamAccess::write(Address address, u16 offset, u8 width, u32 value)
{
    uptr where = register_address(address, offset);
    if (width == 1)
        *reinterpret_cast<u8 volatile*>(where) = static_cast<u8>(value);
    else if (width == 2)
        *reinterpret_cast<u16 volatile*>(where) = static_cast<u16>(value);
    else
        *reinterpret_cast<u32 volatile*>(where) = value;
}

uptr EcamAccess::register_address(Address address, u16 offset) const
{
    return m_base + (uptr(u8(address.bus - m_first_bus)) << 20) + (uptr(address.device & 31) << 15)
        + (uptr(address.function & 7) << 12) + (offset & (config_space_size - 1));
}

void enumerate(ConfigAccess& access, platform::PciHostBridge const& bridge, FunctionTable& table)
{
    table = FunctionTable();
    Walker walker(access, bridge, table);
    walker.walk_bus(bridge.first_bus, 0);
    if (bridge.assign_bars)
        walker.assign();
}

ErrorOr<void> check_config_access(u64 offset, u64 width)
{
    if (width != 1 && width != 2 && width != 4)
        return Error(ErrorCode::InvalidArgument, "a configuration access is 1, 2 or 4 bytes");
    if (offset % width != 0)
        return Error(ErrorCode::InvalidArgument, "a configuration access is aligned to its width");
    if (offset >= config_space_size || offset + width > config_space_size)
        return Error(ErrorCode::InvalidArgument, "the offset lies outside the function's 4 KiB of configuration space");
    return {};
}

ErrorOr<void> check_config_access(u16 offset, u8 width) { return check_config_access(u64(offset), u64(width)); }

ErrorOr<void> check_config_write(Function const& function, u16 offset, u8 width)
{
    TRY(check_config_access(offset, width));
    if (function.header_type == header_type_endpoint) {
        if (overlaps(offset, width, FirstBar, FirstBar + bar_count * 4))
            return Error(ErrorCode::MissingRight, "the BARs are the kernel's: a PciDevice may not move its function");
        if (overlaps(offset, width, ExpansionRom, ExpansionRom + 4))
            return Error(ErrorCode::MissingRight, "the expansion ROM BAR is the kernel's");
    } else if (overlaps(offset, width, FirstBar, BridgeExpansionRom + 4)) {
        return Error(ErrorCode::MissingRight, "a bridge's BARs, bus numbers and windows are the kernel's");
    }
    if (function.msix_capability != 0
        && overlaps(offset, width, function.msix_capability + msix_message_control, function.msix_capability + msix_pba_register + 4))
        return Error(ErrorCode::MissingRight, "MSI-X control and the table and PBA placement are the kernel's");
    return {};
}

bool holds_msix_structures(Function const& function, usize index)
{
    return function.msix_capability != 0 && (function.msix_table_bar == index || function.msix_pba_bar == index);
}

bool matches(PciMatch const& match, Function const& function)
{
    if (match.kind == PciMatch::Kind::VendorDevice)
        return function.vendor == match.vendor && function.device == match.device;
    return function.class_code == match.class_code && function.subclass == match.subclass;
}

Function const* find(FunctionTable const& table, PciMatch const& match, usize index)
{
    for (usize each = 0; each < table.count && each < FunctionTable::capacity; ++each) {
        if (matches(match, table.functions[each]) && index-- == 0)
            return &table.functions[each];
    }
    return nullptr;
}

}
