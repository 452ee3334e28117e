/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * PCI enumeration and the rules of configuration-space access (ADR 0012). The platform
 * describes the host bridge (vectra/platform/Pci.h); at boot the kernel walks its ECAM window,
 * records every function, sizes its BARs and, where nothing assigned them, places them in the
 * bridge's windows. Afterwards a function is reached only through a PciDevice capability, and
 * every access goes through check_config_access / check_config_write below.
 *
 * The walk is written against ConfigAccess, so host tests run it over a software model of
 * configuration space (tests/primitives/TestPci.cpp).
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/Pci.h>
#include <vectra/Types.h>
#include <vectra/platform/Pci.h>

namespace vectra::kernel::pci {

inline constexpr u16 config_space_size = 4096;
inline constexpr usize bar_count = 6;

/* Configuration-space registers of a type 0 (endpoint) and type 1 (bridge) header. */
enum Register : u16 {
    VendorId = 0x00,
    DeviceId = 0x02,
    Command = 0x04,
    Status = 0x06,
    Revision = 0x08,
    ClassCode = 0x09, /* interface 0x09, subclass 0x0a, class 0x0b */
    HeaderType = 0x0e,
    FirstBar = 0x10,
    BridgeSecondaryBus = 0x19,
    ExpansionRom = 0x30,
    CapabilitiesPointer = 0x34,
    BridgeExpansionRom = 0x38,
    InterruptLine = 0x3c,
};

inline constexpr u16 command_io_enable = 1u << 0;
inline constexpr u16 command_memory_enable = 1u << 1;
inline constexpr u16 command_bus_master = 1u << 2;
inline constexpr u16 status_capabilities = 1u << 4;
inline constexpr u8 capability_msix = 0x11;
/* MSI-X capability: message control (table size - 1 in bits 0-10; function mask; enable). */
inline constexpr u16 msix_message_control = 2;
inline constexpr u16 msix_control_function_mask = 1u << 14;
inline constexpr u16 msix_control_enable = 1u << 15;
/* An MSI-X table entry: address low, address high, data, vector control (bit 0: masked). */
inline constexpr usize msix_entry_bytes = 16;
inline constexpr u32 msix_vector_masked = 1;

struct Address {
    u8 bus { 0 };
    u8 device { 0 };
    u8 function { 0 };
};

/* Reads and writes of one function's configuration space: 1, 2 or 4 bytes, naturally aligned. */
class ConfigAccess {
public:
    virtual u32 read(Address, u16 offset, u8 width) = 0;
    virtual void write(Address, u16 offset, u8 width, u32 value) = 0;

protected:
    ~ConfigAccess() = default;
};

/* ECAM: each function's 4 KiB at base + (bus - first bus) << 20 | device << 15 | function << 12. */
class EcamAccess final : public ConfigAccess {
public:
    EcamAccess(uptr base, u8 first_bus)
        : m_base(base)
        , m_first_bus(first_bus)
    {
    }
    u32 read(Address, u16 offset, u8 width) override;
    void write(Address, u16 offset, u8 width, u32 value) override;

private:
    [[nodiscard]] uptr register_address(Address, u16 offset) const;

    uptr m_base;
    u8 m_first_bus;
};

struct Bar {
    using Kind = PciBarInfo::Kind; /* Memory64 takes this register and the next */
    Kind kind { Kind::None };
    bool prefetchable { false };
    bool assigned { false }; /* an address the function decodes (firmware's, or the kernel's) */
    u64 address { 0 };       /* where the CPU reaches it: physical memory, or the I/O port on x86_64 */
    u64 size { 0 };
};

struct Function {
    Address address;
    u16 vendor { 0 };
    u16 device { 0 };
    u8 class_code { 0 };
    u8 subclass { 0 };
    u8 interface { 0 };
    u8 revision { 0 };
    u8 header_type { 0 }; /* without the multi-function bit */
    u16 msix_capability { 0 }; /* offset of the MSI-X capability, 0 when it has none */
    /* Where the MSI-X table and pending-bit array lie (BAR index and offset; ADR 0016). */
    u16 msix_table_size { 0 };
    u8 msix_table_bar { 0 };
    u8 msix_pba_bar { 0 };
    u32 msix_table_offset { 0 };
    u32 msix_pba_offset { 0 };
    Bar bars[bar_count] {};
};

struct FunctionTable {
    static constexpr usize capacity = 32;
    Function functions[capacity] {};
    usize count { 0 };
    usize skipped { 0 }; /* functions found past the capacity */
};

/*
 * Walks the bridge's first bus and every bus a configured bridge leads to, records each
 * function (its ids, class, MSI-X capability) and sizes its BARs; with `assign_bars`, places
 * every memory BAR in the first 32-bit memory window and every I/O BAR in the I/O window
 * (largest first, each aligned to its size) and enables decoding of what it placed. A BAR that
 * does not fit stays unassigned. Never fails: a malformed function is recorded as far as it
 * reads sensibly.
 */
void enumerate(ConfigAccess&, platform::PciHostBridge const&, FunctionTable&);

/* An access of `width` bytes at `offset`: width 1, 2 or 4, aligned to it, inside the function's 4 KiB. */
[[nodiscard]] ErrorOr<void> check_config_access(u16 offset, u8 width);
[[nodiscard]] ErrorOr<void> check_config_access(u64 offset, u64 width);

/*
 * A write a holder of the function may make: a valid access that touches none of the
 * registers that place the function in the address space — its BARs and expansion ROM (a
 * bridge's bus numbers and windows too) — nor the MSI-X message control (the kernel enables
 * MSI-X when it binds an entry, ADR 0016) and the table and PBA offset registers.
 */
[[nodiscard]] ErrorOr<void> check_config_write(Function const&, u16 offset, u8 width);

/* Whether BAR `index` holds the function's MSI-X table or PBA (the kernel's: no DeviceMemory for it). */
[[nodiscard]] bool holds_msix_structures(Function const&, usize index);

/* The `index`-th function that `match` names, in enumeration order. */
[[nodiscard]] Function const* find(FunctionTable const&, PciMatch const&, usize index);
[[nodiscard]] bool matches(PciMatch const&, Function const&);

}
