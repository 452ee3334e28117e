/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The C++ half of vectors.S: fault reports and interrupt dispatch.
 */

#include "ExceptionFrame.h"
#include "Gic.h"
#include "Machine.h"
#include "Power.h"
#include "Processors.h"
#include "Timer.h"
#include <vectra/platform/NestedFault.h>
#include <vectra/platform/Platform.h>

namespace vectra::platform::aarch64 {

namespace {

constexpr u64 class_unknown = 0x00;
constexpr u64 class_instruction_abort_lower = 0x20;
constexpr u64 class_instruction_abort = 0x21;
constexpr u64 class_pc_alignment = 0x22;
constexpr u64 class_data_abort_lower = 0x24;
constexpr u64 class_data_abort = 0x25;
constexpr u64 class_watchpoint_lower = 0x34;
constexpr u64 class_watchpoint = 0x35;
/* ESR_EL1.ISS bit 10 for aborts: FAR does not hold a valid address. */
constexpr u64 far_not_valid = 1u << 10;

/* Per CPU: two CPUs may fault at once (ADR 0034). */
FaultReport s_reports[CONFIG_CPUS_MAX];
/* The registers of the last fault each CPU handed to the kernel, for a debugger. */
FaultFrame s_last_fault_frames[CONFIG_CPUS_MAX];

[[nodiscard]] u64 exception_class(u64 syndrome) { return (syndrome >> 26) & 0x3f; }

[[nodiscard]] char const* kind_of(u64 exception_class)
{
    switch (exception_class) {
    case 0x00:
        return "undefined instruction";
    case 0x01:
        return "trapped WFI/WFE";
    case 0x07:
        return "FP/SIMD access trap";
    case 0x0e:
        return "illegal execution state";
    case 0x15:
        return "SVC";
    case 0x16:
        return "HVC";
    case 0x17:
        return "SMC";
    case 0x18:
        return "system register trap";
    case 0x20:
    case 0x21:
        return "instruction abort";
    case 0x22:
        return "PC alignment";
    case 0x24:
    case 0x25:
        return "data abort";
    case 0x26:
        return "SP alignment";
    case 0x2c:
        return "floating-point exception";
    case 0x2f:
        return "SError";
    case 0x30:
    case 0x31:
        return "breakpoint";
    case 0x32:
    case 0x33:
        return "software step";
    case 0x34:
    case 0x35:
        return "watchpoint";
    case 0x3c:
        return "BRK";
    default:
        return "synchronous exception";
    }
}

[[nodiscard]] bool reports_fault_address(u64 exception_class, u64 syndrome)
{
    switch (exception_class) {
    case class_instruction_abort_lower:
    case class_instruction_abort:
    case class_data_abort_lower:
    case class_data_abort:
        return !(syndrome & far_not_valid);
    case class_pc_alignment:
    case class_watchpoint_lower:
    case class_watchpoint:
        return true;
    default:
        return false;
    }
}

/* Whether a stack pointer is on a stack or in the guard page below it (an overflow). */
[[nodiscard]] bool on_stack(u64 stack_pointer, char const* bottom, char const* top)
{
    return stack_pointer >= address_of(bottom) - page_size && stack_pointer <= address_of(top);
}

/* A fault inside fault handling: report what we can without the kernel and stop. */
[[noreturn]] void stop_on_nested_fault(FaultFrame const& frame)
{
    FaultReport report;
    report.kind = kind_of(exception_class(frame.syndrome));
    report.instruction_address = frame.link_register; /* ELR */
    report.fault_address = frame.fault_address;       /* FAR */
    report.error_code = frame.syndrome;               /* ESR */
    report.stack_pointer = frame.stack_pointer;
    print_nested_fault("aarch64", report);
    power_off(ExitStatus::CpuFault);
}

}

/* Called by vectors.S on the exception (or nested-fault) stack, with every exception masked. */
extern "C" FaultReport const* aarch64_prepare_fault_report(FaultFrame* frame)
{
    u64 slot = frame->vector_slot;
    u64 slot_kind = slot % 4;
    u64 syndrome = frame->syndrome;
    u64 class_code = exception_class(syndrome);

    if (slot_kind == 0 && class_code == class_unknown && semihosting_probe_active())
        psci_system_off();

    ProcessorBlock const& processor = this_processor();
    bool in_fault_report = slot < VECTOR_SLOT_CURRENT_SPX_SYNCHRONOUS
        && on_stack(frame->stack_pointer, processor.fault_stack_bottom, processor.fault_stack_top);
    bool in_nested_fault = slot >= VECTOR_SLOT_CURRENT_SPX_SYNCHRONOUS && slot < VECTOR_SLOT_LOWER_AARCH64_FIRST
        && on_stack(frame->stack_pointer, processor.nested_fault_stack_bottom, processor.nested_fault_stack_top);
    if (in_fault_report || in_nested_fault)
        stop_on_nested_fault(*frame);

    s_last_fault_frames[processor.index] = *frame;
    FaultReport& report = s_reports[processor.index];
    report = FaultReport {};
    report.instruction_address = frame->link_register;
    report.stack_pointer = frame->stack_pointer;
    if (slot >= VECTOR_SLOT_LOWER_AARCH32_FIRST) {
        report.kind = "exception from a lower exception level";
        report.vector = class_code;
        report.error_code = syndrome;
    } else if (slot_kind == 2) {
        report.kind = "unexpected FIQ";
    } else {
        report.kind = slot_kind == 3 ? "SError" : kind_of(class_code);
        report.vector = class_code;
        report.error_code = syndrome;
        if (reports_fault_address(class_code, syndrome))
            report.fault_address = frame->fault_address;
    }
    return &report;
}

/* Called by vectors.S on the fault stack (SP_EL0), out of exception context. */
extern "C" [[noreturn]] void aarch64_report_cpu_fault(FaultReport const* report) { kernel::cpu_fault(*report); }

/* Called by vectors.S for IRQs, on the exception stack, with IRQs masked. */
extern "C" void aarch64_handle_interrupt()
{
    for (;;) {
        u32 acknowledged = gic_acknowledge();
        u32 line = gic_line_of(acknowledged);
        if (line >= gic_first_special_line)
            return;
        if (line == wakeup_interrupt_line_number) {
            /* A wake-up between CPUs (ADR 0020): its meaning is in kernel memory; waking was all. */
            gic_end_of_interrupt(acknowledged);
            continue;
        }
        if (line != virtual_timer_line || timer_take_expiry())
            kernel::interrupt_arrived(line);
        gic_end_of_interrupt(acknowledged);
    }
}

/* Called by vectors.S after an IRQ from EL0 was handled, on the Task's kernel stack (SP_EL0). */
extern "C" void platform_aarch64_interrupted_user_mode() { kernel::interrupted_user_mode(); }

}

namespace vectra::platform {

void wait_for_interrupt()
{
    /*
     * Entered with IRQs masked: wfi still wakes for a pending IRQ; unmasking for a moment lets
     * the handler run, and the executor gets IRQs masked back.
     */
    asm volatile("dsb sy\n"
                 "wfi\n"
                 "msr daifclr, #2\n"
                 "isb\n"
                 "msr daifset, #2\n" ::
                     : "memory");
}

}
