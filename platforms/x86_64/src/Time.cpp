/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * monotonic_nanoseconds() scales the TSC (invariant under QEMU and on every CPU this targets).
 * set_deadline() arms the local APIC timer in one-shot mode for the remaining time. The
 * interrupt handler re-checks the clock: a deadline further away than one APIC period (or not
 * reached yet because of calibration error or aiming short) simply re-arms, so the kernel hears
 * about a deadline exactly once, when monotonic_nanoseconds() >= deadline.
 *
 * Every CPU has its own local APIC timer and its own deadline (ADR 0033): set_deadline and
 * cancel_deadline act on the calling CPU, whose executor asked, and the timer interrupt is taken
 * by the CPU whose deadline passed. Only the mask of line 0 is one for all CPUs.
 */

#include "Time.h"
#include "Calibration.h"
#include "InterruptControllers.h"
#include <atomic>
#include <vectra/config.h>
#include <vectra/Panic.h>
#include <vectra/platform/Platform.h>
#include <vectra/x86_64/Clock.h>
#include <vectra/x86_64/Cpu.h>

namespace vectra::x86_64 {

namespace {

using u128 = unsigned __int128;

constexpr u64 nanoseconds_per_second = 1'000'000'000;
constexpr u64 minimum_plausible_frequency = 1'000'000;
constexpr u32 timer_line = 0;
/*
 * The APIC timer and the TSC agree only to within the calibration error (tens of ppm under TCG,
 * and there they even follow different host clocks), so a far deadline aimed at directly could
 * fire milliseconds late. Deadlines further than `direct_aim_limit` are aimed `early_margin`
 * short; the interrupt then re-arms for the last few milliseconds, whose error is microseconds.
 */
constexpr u64 direct_aim_limit = 10'000'000;
constexpr u64 early_margin = 5'000'000;

u64 s_boot_time_stamp { 0 };
u64 s_time_stamp_frequency { 0 };
u64 s_nanoseconds_per_tick_scaled { 0 }; /* nanoseconds = ticks * this >> 32 */
u64 s_apic_timer_frequency { 0 };
u64 s_counts_per_nanosecond_scaled { 0 }; /* APIC counts = nanoseconds * this >> 32 */

/* One per CPU, touched only by that CPU with interrupts masked. */
struct Deadline {
    u64 at { 0 };
    bool armed { false };
};
Deadline s_deadlines[CONFIG_CPUS_MAX];
/* Line 0's mask, for every CPU: read by each CPU's timer handler, written with interrupts masked. */
std::atomic<bool> s_timer_masked { false };

Deadline& this_processor_deadline() { return s_deadlines[platform::current_processor()]; }

/* (value << 32) / divisor, the 32.32 fixed-point ratio the conversions multiply by. */
u64 scaled_ratio(u64 value, u64 divisor) { return static_cast<u64>((static_cast<u128>(value) << 32) / divisor); }

u64 apic_counts_for(u64 nanoseconds)
{
    return static_cast<u64>((static_cast<u128>(nanoseconds) * s_counts_per_nanosecond_scaled) >> 32);
}

/* Programs this CPU's APIC timer for its deadline. Interrupts must be masked. */
void program_timer(Deadline const& deadline)
{
    if (!deadline.armed || s_timer_masked.load(std::memory_order_relaxed)) {
        local_apic_stop_timer();
        return;
    }
    u64 now = platform::monotonic_nanoseconds();
    u64 remaining = deadline.at > now ? deadline.at - now : 0;
    if (remaining > direct_aim_limit)
        remaining -= early_margin;
    /* Round up: a count of 0 would stop the timer instead of firing it. */
    u64 counts = apic_counts_for(remaining) + 1;
    if (counts > 0xffff'ffff)
        counts = 0xffff'ffff;
    local_apic_start_timer(static_cast<u32>(counts), false);
}

}

void calibrate_timers()
{
    auto frequencies = measure_timer_frequencies();
    s_boot_time_stamp = frequencies.time_stamp_at_start;
    s_time_stamp_frequency = frequencies.time_stamp_counter;
    s_apic_timer_frequency = frequencies.local_apic_timer;

    /* CPUID 0x15 states the TSC frequency exactly when it names the crystal frequency too. */
    if (cpuid(0).eax >= 0x15) {
        auto leaf = cpuid(0x15);
        if (leaf.eax != 0 && leaf.ebx != 0 && leaf.ecx != 0)
            s_time_stamp_frequency = static_cast<u64>(leaf.ecx) * leaf.ebx / leaf.eax;
    }

    if (s_time_stamp_frequency < minimum_plausible_frequency)
        PANIC("x86_64: the TSC frequency measured against the PIT is not plausible");
    if (s_apic_timer_frequency < minimum_plausible_frequency)
        PANIC("x86_64: the local APIC timer frequency measured against the PIT is not plausible");
    s_nanoseconds_per_tick_scaled = scaled_ratio(nanoseconds_per_second, s_time_stamp_frequency);
    s_counts_per_nanosecond_scaled = scaled_ratio(s_apic_timer_frequency, nanoseconds_per_second);
}

void handle_timer_interrupt()
{
    Deadline& deadline = this_processor_deadline();
    if (deadline.armed && !s_timer_masked.load(std::memory_order_relaxed)) {
        if (platform::monotonic_nanoseconds() >= deadline.at) {
            deadline.armed = false;
            kernel::interrupt_arrived(timer_line);
        } else {
            program_timer(deadline);
        }
    }
    local_apic_end_of_interrupt();
}

void set_timer_interrupt_masked(bool masked)
{
    InterruptsMasked guard;
    s_timer_masked.store(masked, std::memory_order_relaxed);
    program_timer(this_processor_deadline());
}

u64 time_stamp_counter_frequency() { return s_time_stamp_frequency; }
u64 local_apic_timer_frequency() { return s_apic_timer_frequency; }

}

namespace vectra::platform {

u64 monotonic_nanoseconds()
{
    u64 ticks = x86_64::read_time_stamp_counter() - x86_64::s_boot_time_stamp;
    return static_cast<u64>((static_cast<x86_64::u128>(ticks) * x86_64::s_nanoseconds_per_tick_scaled) >> 32);
}

void set_deadline(u64 deadline_nanoseconds)
{
    x86_64::InterruptsMasked guard;
    auto& deadline = x86_64::this_processor_deadline();
    deadline.at = deadline_nanoseconds;
    deadline.armed = true;
    x86_64::program_timer(deadline);
}

void cancel_deadline()
{
    x86_64::InterruptsMasked guard;
    auto& deadline = x86_64::this_processor_deadline();
    deadline.armed = false;
    x86_64::program_timer(deadline);
}

u32 timer_interrupt_line() { return x86_64::timer_line; }

}
