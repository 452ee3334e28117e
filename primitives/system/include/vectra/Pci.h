/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What a component sees of PCI (ADR 0012): how a function is named (PciMatch), what its
 * PciDevice capability describes (PciFunctionInfo) and what each BAR is (PciBarInfo). The
 * calls are in vectra/System.h.
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra {

/* A function by vendor:device, or by class:subclass; the boot manifest's `"pci"` field. */
struct PciMatch {
    enum class Kind : u8 {
        VendorDevice = 1,
        Class = 2,
    };
    Kind kind { Kind::VendorDevice };
    u16 vendor { 0 };
    u16 device { 0 };
    u8 class_code { 0 };
    u8 subclass { 0 };

    [[nodiscard]] static constexpr PciMatch by_id(u16 vendor, u16 device)
    {
        return { Kind::VendorDevice, vendor, device, 0, 0 };
    }
    [[nodiscard]] static constexpr PciMatch by_class(u8 class_code, u8 subclass)
    {
        return { Kind::Class, 0, 0, class_code, subclass };
    }

    /* One word: kind << 48 | vendor << 16 | device, or kind << 48 | class << 8 | subclass. */
    [[nodiscard]] constexpr u64 word() const
    {
        if (kind == Kind::VendorDevice)
            return (u64(kind) << 48) | (u64(vendor) << 16) | device;
        return (u64(kind) << 48) | (u64(class_code) << 8) | subclass;
    }
    [[nodiscard]] static ErrorOr<PciMatch> from_word(u64 word)
    {
        u64 kind = word >> 48;
        if (kind == u64(Kind::VendorDevice) && (word & 0xffff'0000'0000) == 0)
            return by_id(static_cast<u16>(word >> 16), static_cast<u16>(word));
        if (kind == u64(Kind::Class) && (word & 0xffff'ffff'0000) == 0)
            return by_class(static_cast<u8>(word >> 8), static_cast<u8>(word));
        return Error(ErrorCode::InvalidArgument, "not a PCI match (vendor:device or class:subclass)");
    }
};

/*
 * The `entry` of pci_interrupt (vectra/System.h) that names the function's INTx pin — the
 * level-triggered line its Interrupt Pin register selects — instead of an MSI-X table entry
 * (ADR 0021). No MSI-X table has this many entries (at most 2048).
 */
inline constexpr u16 pci_interrupt_intx = 0xffff;

/* A function as its PciDevice capability describes it (two result words). */
struct PciFunctionInfo {
    u8 bus { 0 };
    u8 device { 0 };
    u8 function { 0 };
    u8 header_type { 0 };
    u16 vendor_id { 0 };
    u16 device_id { 0 };
    u8 class_code { 0 };
    u8 subclass { 0 };
    u8 interface { 0 };
    u8 revision { 0 };
};

struct PciBarInfo {
    enum class Kind : u8 {
        None = 0,
        Io = 1,
        Memory32 = 2,
        Memory64 = 3,
    };
    Kind kind { Kind::None };
    bool prefetchable { false };
    bool assigned { false };
    u64 size { 0 };
};

[[nodiscard]] char const* pci_bar_kind_name(PciBarInfo::Kind);

}
