/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The GICv2 driver (Gic.h): a distributor and a memory-mapped CPU interface, banked per CPU. Every
 * interrupt is group 0.
 *
 * Software-generated interrupts (INTID 0-15) cannot be disabled on every GICv2 (QEMU's are
 * always enabled), so an SGI is disabled by giving it priority 0xff, which the priority mask
 * (0xf0) never lets through: it stays pending in the distributor until enabled again.
 */

#include "Gic.h"
#include "GicDrivers.h"
#include "GicRegisters.h"
#include "Machine.h"
#include <vectra/Panic.h>

namespace vectra::platform::aarch64::gic_v2 {

namespace {

/* GICD_* besides the per-interrupt block. */
constexpr uptr distributor_control = 0x000;
constexpr uptr distributor_type = 0x004;
constexpr uptr distributor_targets = 0x800;
constexpr uptr distributor_software_interrupt = 0xf00;

constexpr uptr cpu_control = 0x00;
constexpr uptr cpu_priority_mask = 0x04;
constexpr uptr cpu_binary_point = 0x08;
constexpr uptr cpu_acknowledge = 0x0c;
constexpr uptr cpu_end_of_interrupt = 0x10;

/* Below the priority mask: a line with this priority is held pending, never signalled. */
constexpr u32 disabled_software_line_priority = 0xff;
constexpr u32 disabled_software_line_priorities = 0xffff'ffff;
/* GICD_SGIR TargetListFilter 0b10: forward only to the CPU that wrote the register. */
constexpr u32 software_interrupt_to_self = 0b10 << 24;
constexpr u32 all_to_cpu0 = 0x0101'0101;
constexpr u32 all_edge_triggered = 0xaaaa'aaaa;

uptr s_distributor;
uptr s_cpu_interface;
u32 s_line_count;

GicInterruptRegisters lines() { return { s_distributor }; }

void initialize_cpu_interface()
{
    mmio_write32(s_cpu_interface + cpu_priority_mask, gic_accept_all_priorities);
    mmio_write32(s_cpu_interface + cpu_binary_point, 0);
    mmio_write32(s_cpu_interface + cpu_control, 1);
}

/* Lines 0-31 of this CPU (banked): SGIs below the priority mask, the timer above every other line. */
void reset_private_lines()
{
    for (u32 line = 0; line < gic_first_shared_line; line += 4)
        mmio_write32(s_distributor + GicInterruptRegisters::priority + line,
            line < gic_software_line_count ? disabled_software_line_priorities : gic_default_priorities);
    lines().set_priority(virtual_timer_line, gic_timer_priority);
}

}

u32 initialize(GicDescription const& description)
{
    s_distributor = description.distributor.base;
    s_cpu_interface = description.cpu_interface.base;
    mmio_write32(s_distributor + distributor_control, 0);

    u32 count = 32 * ((mmio_read32(s_distributor + distributor_type) & 0x1f) + 1);
    s_line_count = count < gic_first_special_line ? count : gic_first_special_line;

    for (u32 line = 0; line < s_line_count; line += 32)
        lines().reset_word(line);
    reset_private_lines();
    for (u32 line = gic_first_shared_line; line < s_line_count; line += 4) {
        mmio_write32(s_distributor + GicInterruptRegisters::priority + line, gic_default_priorities);
        mmio_write32(s_distributor + distributor_targets + line, all_to_cpu0);
    }
    /*
     * Shared lines are edge-triggered (as QEMU's device tree declares virtio-mmio): a driver
     * Task services its device after interrupt_arrived() returned, and a level-triggered line
     * would keep interrupting until then.
     */
    for (u32 line = gic_first_shared_line; line < s_line_count; line += 16)
        mmio_write32(s_distributor + GicInterruptRegisters::configuration + line / 4, all_edge_triggered);

    mmio_write32(s_distributor + distributor_control, 1);
    initialize_cpu_interface();
    return s_line_count;
}

void initialize_secondary_cpu()
{
    /* This CPU's banked copies of lines 0-31: only the wake-up SGI enabled and above the mask. */
    mmio_write32(s_distributor + GicInterruptRegisters::clear_enable, 0xffff'0000);
    mmio_write32(s_distributor + GicInterruptRegisters::clear_pending, 0xffff'ffff);
    reset_private_lines();
    lines().set_priority(wakeup_interrupt_line_number, gic_default_priority);
    lines().enable(wakeup_interrupt_line_number);
    initialize_cpu_interface();
}

u64 cpu_target()
{
    /* GICD_ITARGETSR0-7 are banked and read as this CPU's own interface bit (GICv2 4.3.12). */
    return mmio_read32(s_distributor + distributor_targets) & 0xff;
}

void send_software_interrupt(u32 line, u64 target)
{
    /* Memory written before the trigger is visible to the handler on the target. */
    asm volatile("dsb ishst" ::: "memory");
    mmio_write32(s_distributor + distributor_software_interrupt, (u32(target & 0xff) << 16) | line);
}

void send_software_interrupt_to_self(u32 line)
{
    asm volatile("dsb ishst" ::: "memory");
    mmio_write32(s_distributor + distributor_software_interrupt, software_interrupt_to_self | line);
}

void enable_line(u32 line)
{
    if (line < gic_software_line_count) {
        InterruptsMasked masked;
        lines().set_priority(line, gic_default_priority);
    }
    lines().enable(line);
}

void disable_line(u32 line)
{
    if (line < gic_software_line_count) {
        InterruptsMasked masked;
        lines().set_priority(line, disabled_software_line_priority);
    }
    lines().disable(line);
    data_barrier();
}

void set_level_triggered(u32 line)
{
    InterruptsMasked masked;
    if (lines().make_level_triggered(line))
        data_barrier();
}

u32 acknowledge() { return mmio_read32(s_cpu_interface + cpu_acknowledge); }

void end_of_interrupt(u32 acknowledged) { mmio_write32(s_cpu_interface + cpu_end_of_interrupt, acknowledged); }

}
