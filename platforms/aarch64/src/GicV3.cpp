/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The GICv3 driver (Gic.h, ADR 0027): a distributor with affinity routing (ARE), one
 * redistributor per CPU — found by walking the device tree's redistributor regions and matching
 * each GICR_TYPER's affinity to the CPU's MPIDR — and the CPU interface as system registers
 * (ICC_*_EL1, enabled through ICC_SRE_EL1). Every interrupt is group 1 (non-secure: IRQ at EL1);
 * shared lines are routed to the boot CPU through GICD_IROUTER. SGIs go out through
 * ICC_SGI1R_EL1 by affinity. The ITS (LPIs, so MSI) is not driven: GicV2m.cpp offers no message
 * lines on a GICv3 and drivers use INTx (ADR 0027).
 */

#include "Gic.h"
#include "GicDrivers.h"
#include "GicRegisters.h"
#include "Machine.h"
#include <vectra/Panic.h>
#include <vectra/config.h>
#include <vectra/platform/ConsoleLine.h>

/* The CPU interface's system registers by encoding (assemblers differ in the names they know). */
#define ICC_PMR_EL1 "S3_0_C4_C6_0"
#define ICC_IAR1_EL1 "S3_0_C12_C12_0"
#define ICC_EOIR1_EL1 "S3_0_C12_C12_1"
#define ICC_BPR1_EL1 "S3_0_C12_C12_3"
#define ICC_CTLR_EL1 "S3_0_C12_C12_4"
#define ICC_SRE_EL1 "S3_0_C12_C12_5"
#define ICC_IGRPEN1_EL1 "S3_0_C12_C12_7"
#define ICC_SGI1R_EL1 "S3_0_C12_C11_5"

namespace vectra::platform::aarch64::gic_v3 {

namespace {

constexpr uptr distributor_control = 0x0000;
constexpr uptr distributor_type = 0x0004;
constexpr uptr distributor_router = 0x6000; /* GICD_IROUTER<n>: 64 bits per INTID */
constexpr u32 control_enable_group1 = 1u << 1;
constexpr u32 control_affinity_routing = 1u << 4;
constexpr u32 control_register_write_pending = 1u << 31;

/* RD_base frame. */
constexpr uptr redistributor_control = 0x0000;
constexpr uptr redistributor_type = 0x0008;
constexpr uptr redistributor_wake = 0x0014;
constexpr u64 type_virtual_lpis = 1u << 1;
constexpr u64 type_last = 1u << 4;
constexpr u32 wake_processor_sleep = 1u << 1;
constexpr u32 wake_children_asleep = 1u << 2;
constexpr u32 redistributor_register_write_pending = 1u << 3;
/* SGI_base: the frame after RD_base, lines 0-31 at the distributor's offsets. */
constexpr uptr sgi_frame_offset = 0x1'0000;

constexpr u64 affinity_mask = 0xff'00ff'ffff;
constexpr u32 all_edge_triggered = 0xaaaa'aaaa;
constexpr u64 sre_enable = 1u << 0;
/* Register writes pending (RWP) clear within this many reads, or the GIC is broken. */
constexpr u32 write_pending_limit = 1'000'000;

struct Redistributor {
    u64 affinity { 0 };
    uptr base { 0 }; /* RD_base */
};

uptr s_distributor;
GicDescription s_description;
u32 s_line_count;
Redistributor s_redistributors[CONFIG_CPUS_MAX]; /* of the CPUs set up, in set-up order */
u32 s_redistributor_count;

[[nodiscard]] u64 read_u64(uptr address)
{
    return u64(mmio_read32(address)) | (u64(mmio_read32(address + 4)) << 32);
}

void write_u64(uptr address, u64 value)
{
    mmio_write32(address, static_cast<u32>(value));
    mmio_write32(address + 4, static_cast<u32>(value >> 32));
}

[[nodiscard]] u64 current_affinity() { return VECTRA_AARCH64_READ_REGISTER(mpidr_el1) & affinity_mask; }

/* GICR_TYPER[63:32] is Aff3.Aff2.Aff1.Aff0; MPIDR has Aff3 at bits 32-39 and Aff2-Aff0 at 0-23. */
[[nodiscard]] u64 affinity_of_type(u64 type)
{
    u64 packed = type >> 32;
    return ((packed >> 24) << 32) | (packed & 0xff'ffff);
}

void wait_for_write(uptr control, u32 pending_bit)
{
    for (u32 reads = 0; mmio_read32(control) & pending_bit; ++reads) {
        if (reads == write_pending_limit)
            PANIC("aarch64: the GICv3 never finished a register write");
    }
}

/* This CPU's RD_base from the regions the tree names, or 0 when none has its affinity. */
uptr find_redistributor(u64 affinity)
{
    for (u32 region = 0; region < s_description.redistributor_region_count; ++region) {
        auto const& window = s_description.redistributor_regions[region];
        for (u64 offset = 0; offset + GicDescription::minimum_redistributor_size <= window.size;) {
            uptr base = window.base + offset;
            u64 type = read_u64(base + redistributor_type);
            if (affinity_of_type(type) == affinity)
                return base;
            if (type & type_last)
                break;
            u64 stride = s_description.redistributor_stride;
            if (stride == 0)
                stride = type & type_virtual_lpis ? 2 * GicDescription::minimum_redistributor_size
                                                  : GicDescription::minimum_redistributor_size;
            offset += stride;
        }
    }
    return 0;
}

/* The redistributor of the CPU running this (each CPU set itself up before it takes interrupts). */
uptr current_redistributor()
{
    u64 affinity = current_affinity();
    for (u32 index = 0; index < s_redistributor_count; ++index) {
        if (s_redistributors[index].affinity == affinity)
            return s_redistributors[index].base;
    }
    PANIC("aarch64: a CPU without a GICv3 redistributor set up");
}

GicInterruptRegisters private_lines() { return { current_redistributor() + sgi_frame_offset }; }

GicInterruptRegisters lines_of(u32 line)
{
    return line < gic_first_shared_line ? private_lines() : GicInterruptRegisters { s_distributor };
}

/* Wakes this CPU's redistributor; lines 0-31 group 1, disabled, default priority; then the CPU interface. */
void initialize_this_cpu()
{
    u64 affinity = current_affinity();
    uptr base = find_redistributor(affinity);
    if (base == 0)
        PANIC("aarch64: no GICv3 redistributor has this CPU's affinity");
    VERIFY(s_redistributor_count < CONFIG_CPUS_MAX);
    s_redistributors[s_redistributor_count++] = { affinity, base };

    mmio_write32(base + redistributor_wake, mmio_read32(base + redistributor_wake) & ~wake_processor_sleep);
    wait_for_write(base + redistributor_wake, wake_children_asleep);

    GicInterruptRegisters sgi { base + sgi_frame_offset };
    sgi.reset_word(0);
    wait_for_write(base + redistributor_control, redistributor_register_write_pending);
    mmio_write32(sgi.base + GicInterruptRegisters::group, 0xffff'ffff);
    for (u32 line = 0; line < gic_first_shared_line; line += 4)
        mmio_write32(sgi.base + GicInterruptRegisters::priority + line, gic_default_priorities);
    sgi.set_priority(virtual_timer_line, gic_timer_priority);

    u64 sre = 0;
    asm volatile("mrs %0, " ICC_SRE_EL1 : "=r"(sre));
    asm volatile("msr " ICC_SRE_EL1 ", %0\n isb" ::"r"(sre | sre_enable) : "memory");
    asm volatile("mrs %0, " ICC_SRE_EL1 : "=r"(sre));
    if (!(sre & sre_enable))
        PANIC("aarch64: the GICv3 CPU interface's system registers cannot be enabled (ICC_SRE_EL1.SRE)");
    asm volatile("msr " ICC_PMR_EL1 ", %0" ::"r"(u64(gic_accept_all_priorities)));
    asm volatile("msr " ICC_BPR1_EL1 ", xzr");
    asm volatile("msr " ICC_CTLR_EL1 ", xzr"); /* EOImode 0: the end of an interrupt also deactivates it */
    asm volatile("msr " ICC_IGRPEN1_EL1 ", %0\n isb" ::"r"(u64(1)) : "memory");
}

}

u32 initialize(GicDescription const& description)
{
    s_description = description;
    s_distributor = description.distributor.base;
    s_redistributor_count = 0;
    mmio_write32(s_distributor + distributor_control, 0);
    wait_for_write(s_distributor + distributor_control, control_register_write_pending);

    u32 count = 32 * ((mmio_read32(s_distributor + distributor_type) & 0x1f) + 1);
    s_line_count = count < gic_first_special_line ? count : gic_first_special_line;

    GicInterruptRegisters shared { s_distributor };
    u64 boot_cpu = current_affinity();
    for (u32 line = gic_first_shared_line; line < s_line_count; line += 32) {
        shared.reset_word(line);
        mmio_write32(s_distributor + GicInterruptRegisters::group + line / 8, 0xffff'ffff);
    }
    for (u32 line = gic_first_shared_line; line < s_line_count; ++line) {
        if (line % 4 == 0)
            mmio_write32(s_distributor + GicInterruptRegisters::priority + line, gic_default_priorities);
        if (line % 16 == 0)
            mmio_write32(s_distributor + GicInterruptRegisters::configuration + line / 4, all_edge_triggered);
        write_u64(s_distributor + distributor_router + line * 8, boot_cpu);
    }
    mmio_write32(s_distributor + distributor_control, control_affinity_routing);
    wait_for_write(s_distributor + distributor_control, control_register_write_pending);
    mmio_write32(s_distributor + distributor_control, control_affinity_routing | control_enable_group1);
    wait_for_write(s_distributor + distributor_control, control_register_write_pending);

    initialize_this_cpu();
    return s_line_count;
}

void initialize_secondary_cpu()
{
    initialize_this_cpu();
    private_lines().enable(wakeup_interrupt_line_number);
}

u64 cpu_target() { return current_affinity(); }

void send_software_interrupt(u32 line, u64 target)
{
    u64 aff0 = target & 0xff;
    u64 aff1 = (target >> 8) & 0xff;
    u64 aff2 = (target >> 16) & 0xff;
    u64 aff3 = (target >> 32) & 0xff;
    /* TargetList holds Aff0 values RS*16 .. RS*16+15. */
    u64 value = (aff3 << 48) | ((aff0 / 16) << 44) | (aff2 << 32) | (u64(line) << 24) | (aff1 << 16)
        | (u64(1) << (aff0 % 16));
    /* Memory written before the trigger is visible to the handler on the target. */
    asm volatile("dsb ishst\n msr " ICC_SGI1R_EL1 ", %0\n isb" ::"r"(value) : "memory");
}

void send_software_interrupt_to_self(u32 line) { send_software_interrupt(line, current_affinity()); }

void enable_line(u32 line) { lines_of(line).enable(line); }

void disable_line(u32 line)
{
    lines_of(line).disable(line);
    if (line < gic_first_shared_line)
        wait_for_write(current_redistributor() + redistributor_control, redistributor_register_write_pending);
    else
        wait_for_write(s_distributor + distributor_control, control_register_write_pending);
}

void set_level_triggered(u32 line)
{
    InterruptsMasked masked;
    if (GicInterruptRegisters { s_distributor }.make_level_triggered(line))
        wait_for_write(s_distributor + distributor_control, control_register_write_pending);
}

u32 acknowledge()
{
    u64 value;
    asm volatile("mrs %0, " ICC_IAR1_EL1 : "=r"(value)::"memory");
    return static_cast<u32>(value & 0xff'ffff);
}

void end_of_interrupt(u32 acknowledged)
{
    asm volatile("msr " ICC_EOIR1_EL1 ", %0\n isb" ::"r"(u64(acknowledged)) : "memory");
}

}
