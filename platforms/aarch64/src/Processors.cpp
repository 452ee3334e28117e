/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The other CPUs on aarch64 (ADR 0020, 0034). /cpus names them by MPIDR affinity; each is
 * started, one at a time, with PSCI CPU_ON (the conduit /psci names) at
 * vectra_aarch64_secondary_entry (boot.S), which turns the MMU on with the boot CPU's tables,
 * points TPIDR_EL1 at the CPU's ProcessorBlock and comes here on the stacks written below: the
 * vectors, this CPU's banked GIC state and CPU interface, its virtual timer (off, its PPI enabled
 * in its own GIC interface or redistributor), then kernel::processor_started, where it runs its
 * executor's Tasks (ADR 0034). A CPU parks in wfi and wakes for the wake-up SGI, whose handler
 * only acknowledges it, or for its own timer. GICv2 or GICv3 (ADR 0027): Gic.h hides which.
 */

#include "Gic.h"
#include "Machine.h"
#include "MemoryMap.h"
#include "MemoryMapBuilder.h"
#include "Power.h"
#include "Processors.h"
#include "Registers.h"
#include "Timer.h"
#include <atomic>
#include <vectra/Panic.h>
#include <vectra/config.h>
#include <vectra/platform/ConsoleLine.h>
#include <vectra/platform/Platform.h>

extern "C" {
void vectra_aarch64_secondary_entry();
/* Read by boot.S on the CPU being started. */
vectra::u64 vectra_aarch64_secondary_stack_top = 0;
vectra::u64 vectra_aarch64_secondary_exception_stack_top = 0;
vectra::u64 vectra_aarch64_secondary_processor_block = 0;

/* Constant-initialised (in .data before any code runs): boot.S points the boot CPU at [0]. */
vectra::platform::aarch64::ProcessorBlock vectra_aarch64_processor_blocks[CONFIG_CPUS_MAX] = {
    { vectra::platform::aarch64::vectra_aarch64_exception_stack_top, vectra::platform::aarch64::vectra_aarch64_fault_stack_top,
        vectra::platform::aarch64::vectra_aarch64_nested_fault_stack_top,
        vectra::platform::aarch64::vectra_aarch64_exception_stack_bottom,
        vectra::platform::aarch64::vectra_aarch64_fault_stack_bottom,
        vectra::platform::aarch64::vectra_aarch64_nested_fault_stack_bottom, 0 },
};
}

namespace vectra::platform::aarch64 {

namespace {

constexpr u64 affinity_mask = 0xff'00ff'ffff; /* Aff3 (bits 32-39), Aff2-Aff0 (bits 0-23) */
constexpr u64 report_in_timeout_nanoseconds = 1'000'000'000;
constexpr u64 secondary_stack_size = 32 * KiB;
constexpr u64 secondary_exception_stack_size = 16 * KiB;
constexpr u64 secondary_fault_stack_size = 16 * KiB;
constexpr u64 secondary_nested_fault_stack_size = 8 * KiB;

/* The boot CPU's sizes (boot.S); unlike its stacks, these have no guard pages (they are in .bss). */
struct alignas(16) SecondaryStacks {
    char stack[secondary_stack_size];
    char exception_stack[secondary_exception_stack_size];
    char fault_stack[secondary_fault_stack_size];
    char nested_fault_stack[secondary_nested_fault_stack_size];
};

SecondaryStacks s_stacks[CONFIG_CPUS_MAX]; /* [0] unused: the boot CPU keeps boot.S's stacks */
u64 s_affinities[CONFIG_CPUS_MAX];
u64 s_software_interrupt_targets[CONFIG_CPUS_MAX]; /* gic_cpu_target() of each */
u32 s_processors_online = 1;
std::atomic<u32> s_reported_in { 0 };

u64 current_affinity() { return VECTRA_AARCH64_READ_REGISTER(mpidr_el1) & affinity_mask; }

/* Starts the CPU with affinity `affinity` as CPU `index`; true once it reported in. */
bool start_one(u32 index, u64 affinity)
{
    s_affinities[index] = affinity;
    SecondaryStacks& stacks = s_stacks[index];
    ProcessorBlock& block = vectra_aarch64_processor_blocks[index];
    block.exception_stack_bottom = stacks.exception_stack;
    block.exception_stack_top = stacks.exception_stack + secondary_exception_stack_size;
    block.fault_stack_bottom = stacks.fault_stack;
    block.fault_stack_top = stacks.fault_stack + secondary_fault_stack_size;
    block.nested_fault_stack_bottom = stacks.nested_fault_stack;
    block.nested_fault_stack_top = stacks.nested_fault_stack + secondary_nested_fault_stack_size;
    block.index = index;
    vectra_aarch64_secondary_stack_top = reinterpret_cast<u64>(stacks.stack + secondary_stack_size);
    vectra_aarch64_secondary_exception_stack_top = reinterpret_cast<u64>(block.exception_stack_top);
    vectra_aarch64_secondary_processor_block = reinterpret_cast<u64>(&block);
    data_barrier();
    i64 result = psci_cpu_on(affinity, reinterpret_cast<u64>(&vectra_aarch64_secondary_entry), index);
    if (result != 0) {
        console_format("aarch64: PSCI CPU_ON for affinity {:#x} refused ({})", affinity, result);
        return false;
    }
    u64 end = monotonic_nanoseconds() + report_in_timeout_nanoseconds;
    for (u32 spins = 0; s_reported_in.load(std::memory_order_acquire) != index; ++spins) {
        platform::spin_pause(spins);
        if (monotonic_nanoseconds() >= end) {
            console_format("aarch64: the CPU with affinity {:#x} did not report in within 1 s", affinity);
            return false;
        }
    }
    return true;
}

}

bool other_processors_online() { return s_processors_online > 1; }

extern "C" [[noreturn]] void vectra_aarch64_secondary_start(u32 index)
{
    gic_initialize_secondary_cpu();
    timer_initialize_secondary_cpu();
    s_software_interrupt_targets[index] = gic_cpu_target();
    asm volatile("msr daifclr, #4" ::: "memory"); /* SErrors reported, as on the boot CPU */
    s_reported_in.store(index, std::memory_order_release);
    kernel::processor_started(index);
}

}

namespace vectra::platform {

u32 start_processors()
{
    using namespace aarch64;
    s_affinities[0] = current_affinity();
    s_software_interrupt_targets[0] = gic_cpu_target();
    /* The boot CPU runs Tasks too and idles like the others: a raise on another CPU wakes it (ADR 0034). */
    gic_enable_line(wakeup_interrupt_line_number);
    auto tree = device_tree();
    if (tree.is_error())
        return 1;
    memory_map::ProcessorFacts facts;
    if (auto read = memory_map::read_processors(tree.value(), facts); read.is_error()) {
        console_format("aarch64: /cpus is unreadable ({}); one CPU", read.error().message());
        return 1;
    }
    usize left_stopped = facts.left_out + facts.not_psci;
    for (usize entry = 0; entry < facts.count; ++entry) {
        u64 affinity = facts.affinities[entry];
        if (affinity == s_affinities[0])
            continue;
        if (s_processors_online == CONFIG_CPUS_MAX) {
            ++left_stopped;
            continue;
        }
        if (!start_one(s_processors_online, affinity))
            break;
        ++s_processors_online;
    }
    if (left_stopped != 0)
        console_format("aarch64: {} more CPUs left stopped (CONFIG_CPUS_MAX={}, or not started through PSCI)",
            left_stopped, CONFIG_CPUS_MAX);
    return s_processors_online;
}

/* Two loads (TPIDR_EL1, then the block); a CPU's block is set before it runs any C++. */
u32 current_processor() { return aarch64::this_processor().index; }

u32 processor_running_this() { return current_processor(); } /* nothing but CPUs runs here */

void wake_processor(u32 index)
{
    using namespace aarch64;
    VERIFY(index < s_processors_online);
    gic_send_software_interrupt(wakeup_interrupt_line_number, s_software_interrupt_targets[index]);
}

/* wfi wakes for a pending IRQ even while IRQs are masked: a wake-up sent before is not lost. */
void idle_processor() { wait_for_interrupt(); }

void spin_pause(u32 spins)
{
    asm volatile("yield" : : : "memory");
    if (spins % 64 == 63)
        aarch64::timer_nap(20'000);
}

/*
 * Every CPU has its own deadline timer (Timer.cpp), exception and fault stacks (ProcessorBlock)
 * and sees guard-page changes through broadcast TLB invalidation (Paging.cpp): ADR 0034.
 */
bool other_processors_run_tasks() { return true; }

}
