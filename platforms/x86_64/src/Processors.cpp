/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The other CPUs on x86_64 (ADR 0020). The MADT names them by local APIC id; each is started,
 * one at a time, with INIT, 10 ms, STARTUP, 200 µs, STARTUP through the trampoline
 * (trampoline.S) copied to trampoline_page, and enters platform_x86_64_secondary_start on a
 * stack of its own: its GDT, TSS and IST stacks, its local APIC (the timer's calibration of the
 * boot CPU is reused: every APIC counts the same clock), then kernel::processor_started. A CPU
 * parks with `sti; hlt; cli` and wakes for the wake-up IPI (wakeup_vector), whose handler only
 * acknowledges it.
 */

#include "Descriptors.h"
#include "IdentityMappedMemory.h"
#include "InterruptControllers.h"
#include "MemoryMap.h"
#include "Processors.h"
#include "TlbShootdown.h"
#include <atomic>
#include <cstring>
#include <vectra/Panic.h>
#include <vectra/config.h>
#include <vectra/platform/ConsoleLine.h>
#include <vectra/platform/Platform.h>
#include <vectra/x86_64/Cpu.h>
#include <vectra/x86_64/Firmware.h>

extern "C" {
extern char platform_x86_64_trampoline_start[];
extern char platform_x86_64_trampoline_end[];
extern char platform_x86_64_trampoline_page_map[];
extern char platform_x86_64_trampoline_efer[];
extern char platform_x86_64_page_map_level4[];
/* Read by trampoline.S's 64-bit half on the CPU being started. */
vectra::u64 platform_x86_64_secondary_stack_top = 0;
vectra::u32 platform_x86_64_secondary_index = 0;
}

namespace vectra::x86_64 {

namespace {

constexpr u32 efer_msr = 0xc000'0080;
constexpr u32 time_stamp_auxiliary_msr = 0xc000'0103; /* IA32_TSC_AUX: what RDTSCP returns in ECX */
constexpr u32 cpuid_extended_rdtscp = 1u << 27;        /* CPUID 0x8000'0001 EDX */
constexpr u32 cpuid_structured_rdpid = 1u << 22;       /* CPUID 7.0 ECX */
constexpr u64 efer_long_mode_active = 1 << 10; /* read-only: set by the CPU */
constexpr u32 highest_xapic_identifier = 254;  /* 255 is the broadcast id */
constexpr u64 init_settle_nanoseconds = 10'000'000;
constexpr u64 startup_settle_nanoseconds = 200'000;
constexpr u64 report_in_timeout_nanoseconds = 1'000'000'000;
constexpr u64 secondary_stack_size = 32 * KiB;

struct alignas(16) SecondaryStack {
    u8 bytes[secondary_stack_size];
};

SecondaryStack s_stacks[CONFIG_CPUS_MAX]; /* [0] unused: the boot CPU keeps boot.S's stack */
u32 s_apic_identifiers[CONFIG_CPUS_MAX];
u32 s_processors_online = 1;
/* Every CPU's IA32_TSC_AUX holds its index, so RDTSCP names the CPU without touching the local
   APIC (an MMIO read that QEMU serialises across vCPUs). User mode may read it (RDTSCP is not
   privileged) but never write it; a GS base it could rewrite (ADR 0020). */
bool s_index_in_time_stamp_auxiliary = false;
/* RDPID reads IA32_TSC_AUX alone: no time-stamp read (under TCG a helper that asks the host's clock). */
bool s_index_by_rdpid = false;

void set_time_stamp_auxiliary(u32 index)
{
    if (s_index_in_time_stamp_auxiliary)
        write_model_specific_register(time_stamp_auxiliary_msr, index);
}
std::atomic<u32> s_reported_in { 0 };

void spin_for(u64 nanoseconds)
{
    u64 end = platform::monotonic_nanoseconds() + nanoseconds;
    while (platform::monotonic_nanoseconds() < end)
        asm volatile("pause");
}

bool wait_for_report(u32 index, u64 nanoseconds)
{
    u64 end = platform::monotonic_nanoseconds() + nanoseconds;
    while (s_reported_in.load(std::memory_order_acquire) != index) {
        if (platform::monotonic_nanoseconds() >= end)
            return false;
        asm volatile("pause");
    }
    return true;
}

void install_trampoline()
{
    auto length = static_cast<usize>(platform_x86_64_trampoline_end - platform_x86_64_trampoline_start);
    VERIFY(length <= 4 * KiB);
    auto* page = reinterpret_cast<char*>(static_cast<uptr>(trampoline_page));
    std::memcpy(page, platform_x86_64_trampoline_start, length);
    u32 page_map = static_cast<u32>(reinterpret_cast<uptr>(platform_x86_64_page_map_level4));
    u32 efer = static_cast<u32>(read_model_specific_register(efer_msr) & ~efer_long_mode_active);
    std::memcpy(page + (platform_x86_64_trampoline_page_map - platform_x86_64_trampoline_start), &page_map, 4);
    std::memcpy(page + (platform_x86_64_trampoline_efer - platform_x86_64_trampoline_start), &efer, 4);
}

/* Starts the CPU with APIC id `identifier` as CPU `index`; true once it reported in. */
bool start_one(u32 index, u32 identifier)
{
    s_apic_identifiers[index] = identifier;
    platform_x86_64_secondary_stack_top = reinterpret_cast<u64>(&s_stacks[index].bytes[0]) + secondary_stack_size;
    platform_x86_64_secondary_index = index;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    auto startup_page = static_cast<u8>(trampoline_page >> 12);
    local_apic_send_init(identifier);
    spin_for(init_settle_nanoseconds);
    local_apic_send_startup(identifier, startup_page);
    if (wait_for_report(index, startup_settle_nanoseconds))
        return true;
    local_apic_send_startup(identifier, startup_page); /* ignored by a CPU the first one started */
    return wait_for_report(index, report_in_timeout_nanoseconds);
}

}

u32 processors_online() { return s_processors_online; }

u32 apic_identifier_of(u32 index)
{
    VERIFY(index < s_processors_online);
    return s_apic_identifiers[index];
}

}

extern "C" [[noreturn]] void platform_x86_64_secondary_start(vectra::u32 index)
{
    using namespace vectra::x86_64;
    set_time_stamp_auxiliary(index); /* first: current_processor() reads it from here on */
    initialize_processor_descriptor_tables(index);
    initialize_local_apic();
    s_reported_in.store(index, std::memory_order_release);
    if (index == 1)
        check_shootdown_as_target();
    vectra::kernel::processor_started(index);
}

namespace vectra::platform {

u32 start_processors()
{
    using namespace x86_64;
    s_apic_identifiers[0] = local_apic_current_identifier();
    s_index_in_time_stamp_auxiliary = cpuid(0x8000'0000).eax >= 0x8000'0001
        && (cpuid(0x8000'0001).edx & cpuid_extended_rdtscp);
    s_index_by_rdpid = s_index_in_time_stamp_auxiliary && cpuid(0).eax >= 7 && (cpuid(7, 0).ecx & cpuid_structured_rdpid);
    set_time_stamp_auxiliary(0);
    IdentityMappedMemory memory;
    auto processors = acpi::find_processors(memory, acpi_root_pointer_address());
    if (processors.is_error()) {
        if (processors.error().code() != ErrorCode::NotFound)
            console_format("x86_64: the MADT is unreadable ({}); one CPU", processors.error().message());
        return 1;
    }
    auto const& list = processors.value();
    if (list.count <= 1)
        return 1;
    if (!trampoline_page_is_free()) {
        console_format("x86_64: the start-up page {:#x} is not free RAM; one CPU", trampoline_page);
        return 1;
    }
    install_trampoline();
    usize left_stopped = list.left_out;
    for (usize entry = 0; entry < list.count; ++entry) {
        u32 identifier = list.apic_identifiers[entry];
        if (identifier == s_apic_identifiers[0])
            continue;
        if (identifier > highest_xapic_identifier || s_processors_online == CONFIG_CPUS_MAX) {
            ++left_stopped;
            continue;
        }
        if (!start_one(s_processors_online, identifier)) {
            console_format("x86_64: the CPU with APIC id {} did not report in within 1 s; no more are started",
                identifier);
            break;
        }
        ++s_processors_online;
        if (s_processors_online == 2)
            check_shootdown_from_boot_processor(1);
    }
    if (left_stopped != 0)
        console_format("x86_64: {} more CPUs left stopped (CONFIG_CPUS_MAX={}, or x2APIC ids)", left_stopped,
            CONFIG_CPUS_MAX);
    return s_processors_online;
}

u32 current_processor()
{
    using namespace x86_64;
    if (s_processors_online == 1)
        return 0;
    if (s_index_by_rdpid) {
        u64 auxiliary;
        asm volatile("rdpid %0" : "=r"(auxiliary));
        return u32(auxiliary);
    }
    if (s_index_in_time_stamp_auxiliary) {
        u32 low, high, auxiliary;
        asm volatile("rdtscp" : "=a"(low), "=d"(high), "=c"(auxiliary));
        return auxiliary;
    }
    u32 identifier = local_apic_current_identifier();
    for (u32 index = 0; index < s_processors_online; ++index) {
        if (s_apic_identifiers[index] == identifier)
            return index;
    }
    return 0; /* unreachable: only started CPUs run (no PANIC here: panic() asks this) */
}

u32 processor_running_this() { return current_processor(); } /* nothing but CPUs runs here */

void wake_processor(u32 index)
{
    using namespace x86_64;
    VERIFY(index < s_processors_online);
    local_apic_send_interrupt(s_apic_identifiers[index], wakeup_vector);
}

/* `sti; hlt; cli`: STI's one-instruction shadow keeps a pending wake-up from slipping in
   before HLT; it wakes HLT at once. */
void idle_processor() { wait_for_interrupt(); }

void spin_pause(u32) { asm volatile("pause" : : : "memory"); }

/* Each CPU arms its own deadline (Time.cpp), a fault in a Task ends that Task on any CPU, and
   guard pages are shot down on every CPU (TlbShootdown.cpp): ADR 0033. */
bool other_processors_run_tasks() { return true; }

}
