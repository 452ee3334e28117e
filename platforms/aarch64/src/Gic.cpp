/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "Gic.h"
#include "Machine.h"
#include "Mmio.h"
#include "Registers.h"
#include <vectra/Panic.h>
#include <vectra/platform/Platform.h>

namespace vectra::platform::aarch64 {

namespace {

constexpr uptr distributor_control = gic_distributor_base + 0x000;
constexpr uptr distributor_type = gic_distributor_base + 0x004;
constexpr uptr distributor_set_enable = gic_distributor_base + 0x100;
constexpr uptr distributor_clear_enable = gic_distributor_base + 0x180;
constexpr uptr distributor_clear_pending = gic_distributor_base + 0x280;
constexpr uptr distributor_clear_active = gic_distributor_base + 0x380;
constexpr uptr distributor_priority = gic_distributor_base + 0x400;
constexpr uptr distributor_targets = gic_distributor_base + 0x800;
constexpr uptr distributor_configuration = gic_distributor_base + 0xc00;
constexpr uptr distributor_software_interrupt = gic_distributor_base + 0xf00;

constexpr uptr cpu_control = gic_cpu_interface_base + 0x00;
constexpr uptr cpu_priority_mask = gic_cpu_interface_base + 0x04;
constexpr uptr cpu_binary_point = gic_cpu_interface_base + 0x08;
constexpr uptr cpu_acknowledge = gic_cpu_interface_base + 0x0c;
constexpr uptr cpu_end_of_interrupt = gic_cpu_interface_base + 0x10;

constexpr u32 first_shared_line = 32;
constexpr u32 software_line_count = 16;
constexpr u32 default_priority = 0xa0;
constexpr u32 default_priorities = 0xa0a0'a0a0;
/* Below the priority mask: a line with this priority is held pending, never signalled. */
constexpr u32 disabled_software_line_priority = 0xff;
constexpr u32 disabled_software_line_priorities = 0xffff'ffff;
/* GICD_SGIR TargetListFilter 0b10: forward only to the CPU that wrote the register. */
constexpr u32 software_interrupt_to_self = 0b10 << 24;
constexpr u32 all_to_cpu0 = 0x0101'0101;
constexpr u32 all_edge_triggered = 0xaaaa'aaaa;
constexpr u32 accept_all_priorities = 0xf0;

u32 s_line_count = first_shared_line;

}

void gic_initialize()
{
    mmio_write32(distributor_control, 0);

    u32 lines = 32 * ((mmio_read32(distributor_type) & 0x1f) + 1);
    s_line_count = lines < gic_first_special_line ? lines : gic_first_special_line;

    for (u32 line = 0; line < s_line_count; line += 32) {
        mmio_write32(distributor_clear_enable + line / 8, 0xffff'ffff);
        mmio_write32(distributor_clear_pending + line / 8, 0xffff'ffff);
        mmio_write32(distributor_clear_active + line / 8, 0xffff'ffff);
    }
    for (u32 line = 0; line < s_line_count; line += 4) {
        mmio_write32(distributor_priority + line,
            line < software_line_count ? disabled_software_line_priorities : default_priorities);
    }
    for (u32 line = first_shared_line; line < s_line_count; line += 4)
        mmio_write32(distributor_targets + line, all_to_cpu0);
    /*
     * Shared lines are edge-triggered (as QEMU's device tree declares virtio-mmio): a driver
     * Task services its device after interrupt_arrived() returned, and a level-triggered line
     * would keep interrupting until then.
     */
    for (u32 line = first_shared_line; line < s_line_count; line += 16)
        mmio_write32(distributor_configuration + line / 4, all_edge_triggered);

    mmio_write32(distributor_control, 1);
    mmio_write32(cpu_priority_mask, accept_all_priorities);
    mmio_write32(cpu_binary_point, 0);
    mmio_write32(cpu_control, 1);
}

u32 gic_line_count() { return s_line_count; }

namespace {

/* GICD_IPRIORITYR is byte-addressable, but a word access works on every GICv2. IRQs must be masked. */
void set_line_priority(u32 line, u32 priority)
{
    uptr word = distributor_priority + (line & ~3u);
    u32 shift = (line % 4) * 8;
    mmio_write32(word, (mmio_read32(word) & ~(0xffu << shift)) | (priority << shift));
}

/* Keeps IRQs masked for its lifetime, then restores the caller's DAIF. */
class InterruptsMasked {
public:
    InterruptsMasked()
        : m_saved(VECTRA_AARCH64_READ_REGISTER(daif))
    {
        asm volatile("msr daifset, #2" ::: "memory");
    }
    ~InterruptsMasked() { VECTRA_AARCH64_WRITE_REGISTER(daif, m_saved); }
    InterruptsMasked(InterruptsMasked const&) = delete;
    InterruptsMasked& operator=(InterruptsMasked const&) = delete;

private:
    u64 m_saved;
};

}

void gic_enable_line(u32 line)
{
    VERIFY(line < s_line_count);
    if (line < software_line_count) {
        InterruptsMasked masked;
        set_line_priority(line, default_priority);
    }
    mmio_write32(distributor_set_enable + (line / 32) * 4, 1u << (line % 32));
}

void gic_disable_line(u32 line)
{
    VERIFY(line < s_line_count);
    if (line < software_line_count) {
        InterruptsMasked masked;
        set_line_priority(line, disabled_software_line_priority);
    }
    mmio_write32(distributor_clear_enable + (line / 32) * 4, 1u << (line % 32));
    data_barrier();
}

void gic_set_level_triggered(u32 line)
{
    VERIFY(line >= first_shared_line && line < s_line_count);
    /* GICD_ICFGR: two bits per INTID, the upper one set for edge, clear for level. */
    uptr word = distributor_configuration + (line / 16) * 4;
    u32 edge_bit = 2u << ((line % 16) * 2);
    InterruptsMasked masked;
    u32 configuration = mmio_read32(word);
    if ((configuration & edge_bit) == 0)
        return; /* already level: a line functions share, possibly live for another one */
    gic_disable_line(line);
    mmio_write32(word, configuration & ~edge_bit);
}

void gic_send_software_interrupt_to_self(u32 line)
{
    VERIFY(line < software_line_count);
    /* Memory written before the trigger is visible to the handler (on any CPU, later). */
    asm volatile("dsb ishst" ::: "memory");
    mmio_write32(distributor_software_interrupt, software_interrupt_to_self | line);
}

u32 gic_acknowledge() { return mmio_read32(cpu_acknowledge); }

void gic_end_of_interrupt(u32 acknowledged) { mmio_write32(cpu_end_of_interrupt, acknowledged); }

}

namespace vectra::platform {

void unmask_interrupt(u32 line) { aarch64::gic_enable_line(line); }

void mask_interrupt(u32 line) { aarch64::gic_disable_line(line); }

u32 software_interrupt_line() { return aarch64::software_interrupt_line_number; }

void trigger_software_interrupt()
{
    aarch64::gic_send_software_interrupt_to_self(aarch64::software_interrupt_line_number);
}

}
