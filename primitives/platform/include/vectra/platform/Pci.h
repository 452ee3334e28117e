/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * PCI Express as a platform describes it to the kernel (ADR 0012): where the one host bridge's
 * ECAM window lies (x86_64: the ACPI MCFG table; aarch64: the device tree's
 * `pci-host-ecam-generic` node), which buses it decodes, and — where no firmware assigned the
 * functions' BARs (aarch64 booted with -kernel) — the address windows the kernel may place them
 * in. The kernel enumerates through it at boot (vectra/kernel/Pci.h). Each platform also maps
 * the ECAM window and every BAR uncached in the kernel's page tables (map_device_memory).
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::platform {

/* One window of bus addresses the host bridge forwards (a device tree `ranges` entry). */
struct PciWindow {
    enum class Kind : u8 {
        Io,       /* I/O ports; `cpu_base` is where the CPU reaches port `bus_base` */
        Memory32, /* 32-bit memory */
        Memory64, /* 64-bit memory (possibly prefetchable) */
    };
    Kind kind { Kind::Memory32 };
    u64 bus_base { 0 };
    u64 cpu_base { 0 };
    u64 size { 0 };
};

struct PciHostBridge {
    static constexpr usize window_capacity = 4;

    u64 ecam_base { 0 }; /* physical address of configuration space of bus `first_bus`, device 0, function 0 */
    u16 segment { 0 };
    u8 first_bus { 0 };
    u8 last_bus { 0 };
    /* True when nothing assigned BARs before the kernel ran: the kernel places them in `windows`. */
    bool assign_bars { false };
    PciWindow windows[window_capacity] {};
    usize window_count { 0 };
};

/* The host bridge the machine has, or false when it has none (hosted; a machine without PCI). */
[[nodiscard]] bool pci_host_bridge(PciHostBridge&);

/*
 * Make [base, base + size) reachable by the kernel as device memory: uncached, not executable
 * (x86_64: PCD|PWT through the default PAT; aarch64: Device-nGnRE). Returns false, changing
 * nothing, when the range is not one the platform can map that way (RAM, its own image, above
 * what its tables reach).
 */
[[nodiscard]] bool map_device_memory(u64 base, u64 size);

/*
 * The address a PCI device uses for the RAM the kernel reaches at [address, address + size)
 * (no IOMMU: the physical address), in `device_address`; false when the range is not RAM the
 * platform can name that way.
 */
[[nodiscard]] bool device_address(uptr address, usize size, u64& device_address);

}

namespace vectra::platform {

/*
 * A message-signalled interrupt (ADR 0016): an interrupt line the platform set aside for one
 * MSI-X table entry, and the message — a 32-bit write of `data` to `address` — that raises it.
 * x86_64: a local APIC vector of the boot CPU (address 0xfee00000 | APIC id << 12, data the
 * vector); aarch64: an SPI of the GICv2m frame (address its MSI_SETSPI_NS, data the INTID).
 * The line starts masked; unmask_interrupt / mask_interrupt / interrupt_arrived work on it as
 * on every other line.
 */
struct MessageInterrupt {
    u32 line { 0 };
    u64 address { 0 };
    u32 data { 0 };
};

/* Set a free line aside, or return false when every one is taken (or the machine has none). */
[[nodiscard]] bool allocate_message_interrupt(MessageInterrupt&);
/* Mask a line allocate_message_interrupt gave and make it free again. */
void free_message_interrupt(u32 line);

}

namespace vectra::platform {

/*
 * INTx (ADR 0021): the interrupt line pin `pin` (1 INTA .. 4 INTD) of function
 * bus:device.function raises, read from the machine (aarch64: the host bridge's device-tree
 * `interrupt-map`; x86_64: the ICH9 chipset's device interrupt route registers and the I/O
 * APIC inputs of PIRQ A-H). The platform configures the line level-triggered (active low where
 * the controller has a polarity) and leaves it masked. False when it cannot name the line.
 * Several functions may share one line.
 */
[[nodiscard]] bool pci_intx_line(u8 bus, u8 device, u8 function, u8 pin, u32& line);

}
