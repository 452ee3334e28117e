/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The platform interface: everything the primitives need from a machine, and nothing else.
 * Each platform (platforms/x86_64, platforms/aarch64, platforms/hosted) implements every
 * function declared in namespace vectra::platform exactly once. The kernel implements the
 * functions in namespace vectra::kernel that a platform calls back into.
 *
 * Rules for implementers:
 *  - No heap. Platform state lives in the platform's own static storage.
 *  - console_write() must work from the first instruction of C++ (and in a fault handler).
 *  - Interrupt handlers only call kernel::interrupt_arrived(); they never switch Tasks. An
 *    interrupt taken from user mode (a Task in a protection domain) ends, once handled, in
 *    kernel::interrupted_user_mode(), which may (ADR 0018).
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::platform {

struct MemoryRegion {
    u64 base { 0 };
    u64 size { 0 };
};

/* Free RAM the image may use, after the image itself, boot structures and firmware tables. */
struct MemoryMap {
    static constexpr usize capacity = 32;
    MemoryRegion regions[capacity] {};
    usize count { 0 };
};

/* What a platform hands the kernel once the CPU, console and memory map are ready. */
struct BootInfo {
    char const* platform_name { nullptr };
    MemoryMap free_memory {};
};

/* Why the CPU stopped executing the current instruction stream. */
struct FaultReport {
    char const* kind { nullptr };  /* "page fault", "invalid opcode", "data abort", ... */
    u64 vector { 0 };              /* architecture exception number / ESR class */
    u64 instruction_address { 0 }; /* RIP / ELR */
    u64 fault_address { 0 };       /* CR2 / FAR, 0 when not applicable */
    u64 error_code { 0 };          /* x86 error code / full ESR */
    u64 stack_pointer { 0 };
    u64 image_base { 0 };          /* where a relocatable image was loaded (hosted); 0: runs where linked */
};

/* Exit statuses the image reports to whoever launched it (QEMU harness or shell). */
enum class ExitStatus : u8 {
    Success = 0,
    Failure = 1,
    Panic = 2,
    CpuFault = 3,
};

/* ---- console ---- */
void console_write(char const* bytes, usize length);

/* ---- time ---- */
/* Nanoseconds since an arbitrary point at boot; never goes backwards. */
[[nodiscard]] u64 monotonic_nanoseconds();
/*
 * Arm the one-shot deadline timer. When monotonic_nanoseconds() >= deadline the platform calls
 * kernel::interrupt_arrived(timer_interrupt_line()) once. A new call replaces the old deadline.
 */
void set_deadline(u64 deadline_nanoseconds);
void cancel_deadline();
[[nodiscard]] u32 timer_interrupt_line();
/*
 * A counter that runs at one constant rate on every CPU (x86_64: the time-stamp counter;
 * aarch64: CNTVCT_EL0; hosted: the host CPU's counter), read without a system call or a scale:
 * what the executor counts a Task's time in on the switch path, where monotonic_nanoseconds()
 * costs a system call on hosted. Only differences mean anything; the two conversions are for
 * reports and thresholds, never for the hot path.
 */
[[nodiscard]] u64 cycle_counter();
[[nodiscard]] u64 cycles_to_nanoseconds(u64 cycles);
[[nodiscard]] u64 nanoseconds_to_cycles(u64 nanoseconds);

/* ---- interrupts ---- */
/* Enable delivery of interrupt `line` to kernel::interrupt_arrived. */
void unmask_interrupt(u32 line);
void mask_interrupt(u32 line);
/*
 * Park the CPU until an interrupt has been delivered (or return at once if one is already
 * pending). Called by the executor only when no Task is runnable.
 */
void wait_for_interrupt();
/*
 * Lines raised by a thread of the host rather than by hardware (hosted: the window's input, the
 * host's sockets) wait for wait_for_interrupt() — for the executor to idle — unless taken sooner:
 * the executor's scheduler asks between Tasks (without its lock; a Task that keeps yielding would
 * otherwise hold them back for as long as it yields) and delivers them to
 * kernel::interrupt_arrived. The raiser calls kernel::host_line_raised() after making a line
 * pending, so a switch that would skip the scheduler passes through it. Elsewhere there are none:
 * false, and nothing to deliver.
 */
[[nodiscard]] bool host_lines_raised();
void deliver_host_lines();
/*
 * A line software can raise: a real interrupt through the platform's interrupt controller
 * (x86_64: local APIC self-IPI; aarch64: GIC SGI to self; hosted: SIGUSR1 to the process's own
 * thread). It exists for tests of interrupt delivery and, later, for inter-processor wake-ups.
 * Masked at boot like every line but the timer. trigger_software_interrupt() may be called with
 * the line masked or while the CPU runs with interrupts masked: the interrupt is then held
 * pending (once, however often it was triggered) and delivered to
 * kernel::interrupt_arrived(software_interrupt_line()) once the line is unmasked and the CPU
 * takes interrupts, i.e. in wait_for_interrupt().
 */
[[nodiscard]] u32 software_interrupt_line();
void trigger_software_interrupt();

/* ---- processors (ADR 0020) ---- */
/*
 * CPUs are named by a dense index: 0 is the boot CPU, the others follow in the firmware's order.
 * start_processors() is called once, by the boot CPU, with interrupts masked: it starts every
 * other CPU the machine has, up to CONFIG_CPUS_MAX in all, one at a time; each enters
 * kernel::processor_started(index) on a stack of its own with interrupts masked, and the call
 * returns once each has done so (a CPU that does not within a second is reported and left
 * stopped). Returns how many CPUs are online, the boot CPU included.
 */
[[nodiscard]] u32 start_processors();
/* The index of the CPU this runs on. */
[[nodiscard]] u32 current_processor();
/*
 * current_processor(), or no_processor when the caller runs on none of the CPUs: a hosted thread
 * the platform did not start as a CPU (current_processor() reads 0 there). x86_64 and aarch64 run
 * nothing but CPUs. What a same-CPU shortcut asks before trusting program order (ADR 0026 §13).
 */
inline constexpr u32 no_processor = 0xffff'ffff;
[[nodiscard]] u32 processor_running_this();
/*
 * The wake-up IPI: makes CPU `index` (not the caller) return from idle_processor(). Sent while
 * that CPU is not idle, the wake-up stays pending (once, however often it was sent) and its
 * next idle_processor() returns at once. Callable with interrupts masked.
 */
void wake_processor(u32 index);
/*
 * Parks a CPU other than the boot CPU until a wake-up reaches it (or another interrupt; it may
 * return without one). Entered and left with interrupts masked.
 */
void idle_processor();
/*
 * Called on each round of a spin wait (the kernel lock, ADR 0026) with the rounds so far: the
 * CPU's spin hint (x86_64 `pause`, aarch64 `yield`); hosted, whose CPUs are threads the host may
 * deschedule, also gives the host CPU away every so often, so a waiter never burns the slice the
 * lock's holder needs.
 */
void spin_pause(u32 spins);
/*
 * Whether the CPUs besides the boot CPU run Tasks (ADR 0026): each needs a deadline timer of its
 * own (set_deadline/wait_for_interrupt per CPU). hosted: yes; x86_64 and aarch64: not yet —
 * their other CPUs start, answer wake-ups and idle.
 */
[[nodiscard]] bool other_processors_run_tasks();

/* ---- memory protection ---- */
/* The granule set_page_guard() works in (4096 on x86_64 and aarch64; the host's page size). */
[[nodiscard]] usize page_size();
/*
 * Make the page at `page_address` (a multiple of page_size()) inaccessible (`guarded`) or
 * accessible again. An access to a guarded page is a CPU fault whose fault_address lies in the
 * page. Returns false, changing nothing, when the platform cannot: an unaligned address, an
 * address outside the memory the platform maps, or no page-table memory left (each platform's
 * README says which addresses it accepts).
 */
[[nodiscard]] bool set_page_guard(uptr page_address, bool guarded);

/* ---- power ---- */
[[noreturn]] void power_off(ExitStatus status);
[[noreturn]] void reset();

/* ---- entropy ---- */
/*
 * Fill up to `length` bytes of `buffer` with true entropy from the machine's own hardware source
 * (hosted: getrandom; x86_64: RDRAND; aarch64: RNDR where the CPU has it) and return how many
 * bytes were written, possibly fewer than asked and 0 when the machine has no source. Never
 * blocks for long and never stretches or invents bytes. Only the kernel's entropy pool asks
 * (vectra/kernel/Entropy.h): it credits what this gives at boot; devices such as virtio-rng
 * feed the pool from driver Tasks, not from here (ADR 0025 §3).
 */
[[nodiscard]] usize entropy(u8* buffer, usize length);

}

namespace vectra::kernel {

/* Entered by the platform once, on the boot CPU, with interrupts masked. Never returns. */
[[noreturn]] void boot(platform::BootInfo const& boot_info);

/*
 * Entered by the platform on each CPU but the boot CPU, once, with interrupts masked, on that
 * CPU's own stack (platform::start_processors). Never returns.
 */
[[noreturn]] void processor_started(u32 index);

/* Called by the platform from interrupt context. Must not block or switch Tasks. */
void interrupt_arrived(u32 line);

/*
 * Called by a thread of the host (hosted) after it made a line pending that only
 * deliver_host_lines() delivers, or by the platform as it unmasks such a line while it is
 * pending: the executors' switch path then passes through their scheduler, which asks
 * host_lines_raised(). Never blocks.
 */
void host_line_raised();

/*
 * Called by the platform after an interrupt taken from user mode has been handled and
 * acknowledged: on the interrupted Task's kernel stack, on the kernel's page tables, with
 * interrupts masked and the Task's whole user state (every general register, the FP/SIMD
 * registers and their control and status) saved on that stack. The kernel may switch to other
 * Tasks here (preemption, ADR 0018); it returns when the interrupted Task is to resume, and the
 * platform then restores that state and returns to user mode.
 */
void interrupted_user_mode();

/*
 * Called by the platform's exception handlers; never returns. Every platform calls it in a state
 * from which the kernel may switch (jump_fcontext) to another context for good and carry on:
 * interrupts masked as in all kernel code and no return from the exception owed. The stack it
 * runs on is a platform fault stack that the next fault reuses from its top, so the kernel must
 * leave it (switch to the scheduler's own context), not go on running Tasks on it. A fault
 * inside cpu_fault itself is reported by the platform, which then ends the image.
 */
[[noreturn]] void cpu_fault(platform::FaultReport const& report);

}
