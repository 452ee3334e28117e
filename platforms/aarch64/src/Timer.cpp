/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Conversions use 32.32 fixed-point factors and a 64x64->128 multiply (mul + umulh, no
 * division at run time), so neither direction overflows for centuries of uptime. Converting a
 * deadline to ticks may round down; the interrupt path then re-arms one tick later instead of
 * delivering early.
 *
 * The counter (CNTVCT_EL0) is one for the machine; the virtual timer (CNTV_CVAL_EL0,
 * CNTV_CTL_EL0) and its PPI 27 are each CPU's own (ADR 0034): set_deadline, cancel_deadline and
 * the expiry check act on the calling CPU's, and each CPU keeps its own deadline.
 */

#include "Timer.h"
#include "Gic.h"
#include "Machine.h"
#include "Processors.h"
#include "Registers.h"
#include <vectra/platform/Platform.h>

namespace vectra::platform::aarch64 {

namespace {

constexpr u64 nanoseconds_per_second = 1'000'000'000;
/* QEMU's virt counter frequency; used only if firmware left CNTFRQ_EL0 at zero. */
constexpr u64 fallback_frequency = 62'500'000;

constexpr u64 control_enable = 1u << 0;
constexpr u64 control_interrupt_masked = 1u << 1;
constexpr u64 control_status = 1u << 2;

struct TimerState {
    u64 boot_ticks { 0 };
    u64 nanoseconds_per_tick_q32 { 0 };
    u64 ticks_per_nanosecond_q32 { 0 };
};

TimerState s_timer;
/* What each CPU's executor asked for last; only that CPU reads or writes its entry. */
u64 s_deadline_nanoseconds[CONFIG_CPUS_MAX];

[[nodiscard]] u64& this_processor_deadline() { return s_deadline_nanoseconds[this_processor().index]; }

[[nodiscard]] u64 read_ticks()
{
    instruction_barrier();
    return VECTRA_AARCH64_READ_REGISTER(cntvct_el0);
}

/* (value * factor_q32) >> 32, saturating at 2^64 - 1. */
[[nodiscard]] u64 multiply_q32(u64 value, u64 factor_q32)
{
    auto product = static_cast<unsigned __int128>(value) * factor_q32;
    auto shifted = product >> 32;
    if (shifted >> 64)
        return ~0ull;
    return static_cast<u64>(shifted);
}

void write_control(u64 control)
{
    VECTRA_AARCH64_WRITE_REGISTER(cntv_ctl_el0, control);
    instruction_barrier();
}

}

void timer_initialize()
{
    write_control(control_interrupt_masked);
    u64 frequency = VECTRA_AARCH64_READ_REGISTER(cntfrq_el0) & 0xffff'ffff;
    if (frequency == 0)
        frequency = fallback_frequency;
    s_timer.nanoseconds_per_tick_q32 = (nanoseconds_per_second << 32) / frequency;
    s_timer.ticks_per_nanosecond_q32 = (frequency << 32) / nanoseconds_per_second;
    s_timer.boot_ticks = read_ticks();
    gic_enable_line(virtual_timer_line);
}

void timer_initialize_secondary_cpu()
{
    write_control(control_interrupt_masked);
    /* PPI 27 is banked: this enables it in this CPU's GIC interface (GICv2) or redistributor (GICv3). */
    gic_enable_line(virtual_timer_line);
}

void timer_nap(u64 nanoseconds)
{
    /* Without its line enabled the timer could not end the wfi (the kernel masks it at power off). */
    if (!gic_private_line_enabled(virtual_timer_line))
        return;
    u64 control = VECTRA_AARCH64_READ_REGISTER(cntv_ctl_el0) & (control_enable | control_interrupt_masked);
    u64 compare = VECTRA_AARCH64_READ_REGISTER(cntv_cval_el0);
    VECTRA_AARCH64_WRITE_REGISTER(cntv_cval_el0, read_ticks() + multiply_q32(nanoseconds, s_timer.ticks_per_nanosecond_q32) + 1);
    write_control(control_enable);
    asm volatile("dsb sy\n wfi" ::: "memory");
    VECTRA_AARCH64_WRITE_REGISTER(cntv_cval_el0, compare);
    write_control(control);
}

bool timer_take_expiry()
{
    u64 control = VECTRA_AARCH64_READ_REGISTER(cntv_ctl_el0);
    if (!(control & control_enable) || !(control & control_status))
        return false;
    if (monotonic_nanoseconds() < this_processor_deadline()) {
        VECTRA_AARCH64_WRITE_REGISTER(cntv_cval_el0, read_ticks() + 1);
        instruction_barrier();
        return false;
    }
    write_control(control_interrupt_masked);
    return true;
}

}

namespace vectra::platform {

using namespace aarch64;

u64 monotonic_nanoseconds()
{
    return multiply_q32(read_ticks() - s_timer.boot_ticks, s_timer.nanoseconds_per_tick_q32);
}

void set_deadline(u64 deadline_nanoseconds)
{
    this_processor_deadline() = deadline_nanoseconds;
    u64 ticks = multiply_q32(deadline_nanoseconds, s_timer.ticks_per_nanosecond_q32);
    u64 compare = ticks > ~0ull - s_timer.boot_ticks ? ~0ull : s_timer.boot_ticks + ticks;
    VECTRA_AARCH64_WRITE_REGISTER(cntv_cval_el0, compare);
    write_control(control_enable);
}

void cancel_deadline() { write_control(control_interrupt_masked); }

u32 timer_interrupt_line() { return virtual_timer_line; }

}
