/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The EL1 vector table. Normal code runs on SP_EL0, so an exception from it lands on SP_EL1,
 * the exception stack, whatever state the faulting stack was in (a stack overflow is still
 * reported). Exceptions taken while already on SP_EL1 (a fault inside a handler) and anything
 * unexpected switch to a separate nested-fault stack first. Every CPU has its own three stacks,
 * named by its ProcessorBlock (TPIDR_EL1, Processors.h). IRQs save the caller-saved
 * registers, q0-q31, FPCR and FPSR, and return; every other exception is fatal and ends in
 * kernel::cpu_fault() on a fresh fault stack, never returning.
 */

#include "ExceptionFrame.h"

/* Stores (stp) or loads (ldp) q0-q31 at \base + \offset: 512 bytes, in register order. */
.macro vector_registers op, base, offset
    \op q0, q1, [\base, #(\offset + 0)]
    \op q2, q3, [\base, #(\offset + 32)]
    \op q4, q5, [\base, #(\offset + 64)]
    \op q6, q7, [\base, #(\offset + 96)]
    \op q8, q9, [\base, #(\offset + 128)]
    \op q10, q11, [\base, #(\offset + 160)]
    \op q12, q13, [\base, #(\offset + 192)]
    \op q14, q15, [\base, #(\offset + 224)]
    \op q16, q17, [\base, #(\offset + 256)]
    \op q18, q19, [\base, #(\offset + 288)]
    \op q20, q21, [\base, #(\offset + 320)]
    \op q22, q23, [\base, #(\offset + 352)]
    \op q24, q25, [\base, #(\offset + 384)]
    \op q26, q27, [\base, #(\offset + 416)]
    \op q28, q29, [\base, #(\offset + 448)]
    \op q30, q31, [\base, #(\offset + 480)]
.endm

/* An exception from code on SP_EL0: SP_EL1 is the exception stack and can be trusted. */
.macro fault_on_exception_stack slot
    .balign 0x80
    sub sp, sp, #FAULT_FRAME_SIZE
    stp x0, x1, [sp]
    mrs x0, sp_el0
    mov x1, #\slot
    b .Lsave_fault_frame
.endm

/*
 * An exception on SP_EL1 (or from a lower level): its stack cannot be trusted. This CPU's
 * nested-fault stack comes from its ProcessorBlock (TPIDR_EL1); SP_EL0 is the scratch register
 * meanwhile (SPSel is 1 here, so it may be written; a nested report does not name it).
 */
.macro fault_on_nested_stack slot
    .balign 0x80
    msr sp_el0, x0
    mrs x0, tpidr_el1
    ldr x0, [x0, #PROCESSOR_BLOCK_NESTED_FAULT_STACK_TOP]
    sub x0, x0, #FAULT_FRAME_SIZE
    str x1, [x0, #8]
    mov x1, sp
    mov sp, x0
    mrs x0, sp_el0
    str x0, [sp]
    mov x0, x1
    mov x1, #\slot
    b .Lsave_fault_frame
.endm

/*
 * An exception from EL0 (a Task in a protection domain): SP_EL1 is the exception stack. Scratch
 * on it: x0, x1, x2, the user's TTBR0, the slot (.Lfrom_user).
 */
.macro from_user slot
    .balign 0x80
    sub sp, sp, #USER_SCRATCH_SIZE
    stp x0, x1, [sp]
    str x2, [sp, #16]
    mov x1, #\slot
    str x1, [sp, #32]
    b .Lfrom_user
.endm

.macro interrupt slot
    .balign 0x80
    b .Linterrupt
.endm

    .section .text.vectors, "ax"
    .balign 2048
    .globl vectra_aarch64_vectors
vectra_aarch64_vectors:
    fault_on_exception_stack VECTOR_SLOT_CURRENT_SP0_SYNCHRONOUS
    interrupt VECTOR_SLOT_CURRENT_SP0_IRQ
    fault_on_exception_stack VECTOR_SLOT_CURRENT_SP0_FIQ
    fault_on_exception_stack VECTOR_SLOT_CURRENT_SP0_SERROR
    fault_on_nested_stack VECTOR_SLOT_CURRENT_SPX_SYNCHRONOUS
    interrupt VECTOR_SLOT_CURRENT_SPX_IRQ
    fault_on_nested_stack VECTOR_SLOT_CURRENT_SPX_FIQ
    fault_on_nested_stack VECTOR_SLOT_CURRENT_SPX_SERROR
    from_user VECTOR_SLOT_LOWER_AARCH64_FIRST
    from_user (VECTOR_SLOT_LOWER_AARCH64_FIRST + 1)
    from_user (VECTOR_SLOT_LOWER_AARCH64_FIRST + 2)
    from_user (VECTOR_SLOT_LOWER_AARCH64_FIRST + 3)
    fault_on_nested_stack 12
    fault_on_nested_stack 13
    fault_on_nested_stack 14
    fault_on_nested_stack 15

/*
 * In: the frame allocated at sp with x0 and x1 stored; x0 = the stack pointer at the
 * exception, x1 = the vector slot.
 */
    .balign 0x80
.Lsave_fault_frame:
    str x0, [sp, #FAULT_FRAME_STACK_POINTER]
    str x1, [sp, #FAULT_FRAME_VECTOR_SLOT]
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x19, [sp, #144]
    stp x20, x21, [sp, #160]
    stp x22, x23, [sp, #176]
    stp x24, x25, [sp, #192]
    stp x26, x27, [sp, #208]
    stp x28, x29, [sp, #224]
    str x30, [sp, #240]
    mrs x2, elr_el1
    mrs x3, spsr_el1
    stp x2, x3, [sp, #FAULT_FRAME_LINK_REGISTER]
    mrs x2, esr_el1
    mrs x3, far_el1
    stp x2, x3, [sp, #FAULT_FRAME_SYNDROME]
    mov x29, xzr
    mov x0, sp
    bl aarch64_prepare_fault_report

    /*
     * x0 = the report, in static storage. Leave exception context for good: SP_EL1 back to
     * the top of this CPU's exception stack, and cpu_fault() runs on SP_EL0 = its fault stack, so
     * that later exceptions (the kernel may switch to another Task from there) work as usual.
     * PSTATE becomes that of ordinary kernel code: EL1, SP_EL0 selected, D, I and F masked,
     * SErrors unmasked (Start.cpp's state). No eret is owed: the kernel may switch to another
     * context (jump_fcontext loads SP_EL0 and the callee-saved registers) and never come back;
     * the next fault again starts at the top of the exception stack and of the fault stack.
     */
    mrs x2, tpidr_el1 /* this CPU's stacks (ProcessorBlock, ADR 0034) */
    ldr x1, [x2, #PROCESSOR_BLOCK_EXCEPTION_STACK_TOP]
    mov sp, x1
    ldr x1, [x2, #PROCESSOR_BLOCK_FAULT_STACK_TOP]
    msr sp_el0, x1
    msr spsel, #0
    msr daifclr, #4
    isb
    mov x29, xzr
    mov x30, xzr
    bl aarch64_report_cpu_fault
    brk #0

/*
 * From EL0. First onto the kernel's page tables (a domain's map shared code for EL0 and are never
 * where kernel code runs; this page is not in them for EL0) and TPIDRRO_EL0 = 0 (in_domain() is
 * false in kernel mode). An SVC is a kernel call: the user's SP_EL0, ELR, SPSR and TTBR0 go onto
 * the Task's kernel stack (platform_aarch64_trap_stack, set before the Task runs), which becomes
 * SP_EL0, and platform_aarch64_user_trap(x0 = the frame) runs in ordinary kernel state (EL1,
 * SP_EL0, D, I, F masked). It may block: that state waits on this Task's kernel stack. Back out:
 * everything masked, the user's state and page tables back, TPIDRRO_EL0 = 1, every register the
 * kernel may have left a value in cleared (x19-x29 hold the user's own again), eret. An IRQ from
 * EL0 (user mode runs with IRQs unmasked) saves the user's whole state on the Task's kernel stack
 * (.Luser_interrupt) and may be where the Task is preempted. Anything else from EL0 is a fault,
 * reported on the exception stack like a fault in kernel mode.
 */
.Lfrom_user:
    mrs x0, ttbr0_el1
    str x0, [sp, #24]
    adrp x2, vectra_aarch64_level1_table
    msr ttbr0_el1, x2
    isb
    tlbi vmalle1
    dsb nsh
    isb
    msr tpidrro_el0, xzr
    cmp x1, #(VECTOR_SLOT_LOWER_AARCH64_FIRST + 1)
    b.eq .Luser_interrupt
    cmp x1, #VECTOR_SLOT_LOWER_AARCH64_FIRST
    b.ne .Luser_fault
    mrs x2, esr_el1
    lsr x2, x2, #26
    cmp x2, #0x15 /* SVC from AArch64 */
    b.ne .Luser_fault
    adrp x2, platform_aarch64_trap_stack
    ldr x2, [x2, :lo12:platform_aarch64_trap_stack]
    cbz x2, .Luser_fault
    sub x2, x2, #32
    ldr x0, [sp, #24]
    str x0, [x2, #24]
    mrs x0, sp_el0
    mrs x1, elr_el1
    stp x0, x1, [x2]
    mrs x0, spsr_el1
    str x0, [x2, #16]
    ldp x0, x1, [sp]
    add sp, sp, #USER_SCRATCH_SIZE
    msr sp_el0, x2
    msr spsel, #0
    msr daifclr, #4
    bl platform_aarch64_user_trap /* preserves x19-x29: the user's own values */
    msr daifset, #0xf
    ldp x10, x11, [sp]
    ldp x12, x13, [sp, #16]
    msr spsel, #1
    msr sp_el0, x10
    msr elr_el1, x11
    msr spsr_el1, x12
    dsb ish
    msr ttbr0_el1, x13
    b .Lto_user

/* A fault from EL0: the fault frame below the scratch, with the user's registers, then as usual. */
.Luser_fault:
    sub sp, sp, #FAULT_FRAME_SIZE
    ldp x0, x1, [sp, #FAULT_FRAME_SIZE]
    stp x0, x1, [sp]
    ldr x2, [sp, #(FAULT_FRAME_SIZE + 16)]
    ldr x1, [sp, #(FAULT_FRAME_SIZE + 32)]
    mrs x0, sp_el0
    b .Lsave_fault_frame

/*
 * platform_aarch64_enter_user(x0 instruction, x1 stack, x2 argument0, x3 argument1, x4 root): a
 * Task's first entry into EL0, with IRQs unmasked there (SPSR 0x340, EL0t: user mode may be
 * interrupted and preempted, ADR 0018; it cannot mask them) and nothing of the kernel's in any
 * register.
 */
    .globl platform_aarch64_enter_user
platform_aarch64_enter_user:
    msr daifset, #0xf
    /* SP_EL0 is written below, which SPSel = 0 forbids; SP_EL1 is not used from here on. */
    msr spsel, #1
    msr elr_el1, x0
    mov x5, #0x340
    msr spsr_el1, x5
    msr sp_el0, x1
    mov x10, x2
    mov x11, x3
    .irp register, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29
    mov x\register, xzr
    .endr
    dsb ish
    msr ttbr0_el1, x4
    /* x0, x1 = the arguments once the registers are cleared */
    b .Lto_user_with_arguments

.Lto_user:
    mov x10, xzr
    mov x11, xzr
.Lto_user_with_arguments:
    isb
    tlbi vmalle1
    dsb nsh
    isb
    mov x0, #1
    msr tpidrro_el0, x0
    .irp register, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18, 30
    mov x\register, xzr
    .endr
    mov x0, x10
    mov x1, x11
    mov x10, xzr
    mov x11, xzr
    .irp register, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    movi v\register\().16b, #0
    .endr
    eret

/*
 * An IRQ from EL0, on the kernel's page tables already (.Lfrom_user), the scratch on SP_EL1
 * holding the user's x0-x2 and TTBR0. The user's whole state goes into a frame at the top of the
 * Task's kernel stack (empty while it runs in user mode), which becomes SP_EL0; the handler runs
 * in ordinary kernel state, then kernel::interrupted_user_mode() may switch to other Tasks and
 * come back. Out: everything masked, every register, SP_EL0, ELR, SPSR, FPCR, FPSR and TTBR0 as
 * they were, TPIDRRO_EL0 = 1, eret.
 */
.Luser_interrupt:
    adrp x2, platform_aarch64_trap_stack
    ldr x2, [x2, :lo12:platform_aarch64_trap_stack]
    cbz x2, .Luser_fault
    sub x2, x2, #USER_INTERRUPT_FRAME_SIZE
    stp x3, x4, [x2, #24]
    stp x5, x6, [x2, #40]
    stp x7, x8, [x2, #56]
    stp x9, x10, [x2, #72]
    stp x11, x12, [x2, #88]
    stp x13, x14, [x2, #104]
    stp x15, x16, [x2, #120]
    stp x17, x18, [x2, #136]
    stp x19, x20, [x2, #152]
    stp x21, x22, [x2, #168]
    stp x23, x24, [x2, #184]
    stp x25, x26, [x2, #200]
    stp x27, x28, [x2, #216]
    stp x29, x30, [x2, #232]
    ldp x3, x4, [sp]
    stp x3, x4, [x2]
    ldr x3, [sp, #16]
    str x3, [x2, #16]
    mrs x4, sp_el0
    str x4, [x2, #USER_INTERRUPT_FRAME_STACK_POINTER]
    mrs x4, elr_el1
    mrs x5, spsr_el1
    stp x4, x5, [x2, #USER_INTERRUPT_FRAME_LINK_REGISTER]
    ldr x3, [sp, #24]
    str x3, [x2, #USER_INTERRUPT_FRAME_TRANSLATION_TABLE]
    mrs x4, fpcr
    mrs x5, fpsr
    stp x4, x5, [x2, #USER_INTERRUPT_FRAME_FLOATING_POINT_CONTROL]
    vector_registers stp, x2, USER_INTERRUPT_FRAME_VECTOR_REGISTERS
    add sp, sp, #USER_SCRATCH_SIZE
    msr sp_el0, x2
    msr spsel, #0
    msr daifclr, #4
    mov x29, xzr
    bl aarch64_handle_interrupt
    bl platform_aarch64_interrupted_user_mode
    msr daifset, #0xf
    mov x2, sp
    vector_registers ldp, x2, USER_INTERRUPT_FRAME_VECTOR_REGISTERS
    ldp x4, x5, [x2, #USER_INTERRUPT_FRAME_FLOATING_POINT_CONTROL]
    msr fpcr, x4
    msr fpsr, x5
    ldp x4, x5, [x2, #USER_INTERRUPT_FRAME_LINK_REGISTER]
    ldr x6, [x2, #USER_INTERRUPT_FRAME_STACK_POINTER]
    ldr x3, [x2, #USER_INTERRUPT_FRAME_TRANSLATION_TABLE]
    msr spsel, #1
    msr elr_el1, x4
    msr spsr_el1, x5
    msr sp_el0, x6
    dsb ish
    msr ttbr0_el1, x3
    isb
    tlbi vmalle1
    dsb nsh
    isb
    mov x0, #1
    msr tpidrro_el0, x0
    ldp x0, x1, [x2]
    ldp x3, x4, [x2, #24]
    ldp x5, x6, [x2, #40]
    ldp x7, x8, [x2, #56]
    ldp x9, x10, [x2, #72]
    ldp x11, x12, [x2, #88]
    ldp x13, x14, [x2, #104]
    ldp x15, x16, [x2, #120]
    ldp x17, x18, [x2, #136]
    ldp x19, x20, [x2, #152]
    ldp x21, x22, [x2, #168]
    ldp x23, x24, [x2, #184]
    ldp x25, x26, [x2, #200]
    ldp x27, x28, [x2, #216]
    ldp x29, x30, [x2, #232]
    ldr x2, [x2, #16]
    eret

.Linterrupt:
    sub sp, sp, #INTERRUPT_FRAME_SIZE
    stp x0, x1, [sp, #0]
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x30, [sp, #144]
    mrs x0, elr_el1
    mrs x1, spsr_el1
    stp x0, x1, [sp, #INTERRUPT_FRAME_LINK_REGISTER]
    mrs x0, fpcr
    mrs x1, fpsr
    stp x0, x1, [sp, #INTERRUPT_FRAME_FLOATING_POINT_CONTROL]
    vector_registers stp, sp, INTERRUPT_FRAME_VECTOR_REGISTERS

    bl aarch64_handle_interrupt

    vector_registers ldp, sp, INTERRUPT_FRAME_VECTOR_REGISTERS
    ldp x0, x1, [sp, #INTERRUPT_FRAME_FLOATING_POINT_CONTROL]
    msr fpcr, x0
    msr fpsr, x1
    ldp x0, x1, [sp, #INTERRUPT_FRAME_LINK_REGISTER]
    msr elr_el1, x0
    msr spsr_el1, x1
    ldp x0, x1, [sp, #0]
    ldp x2, x3, [sp, #16]
    ldp x4, x5, [sp, #32]
    ldp x6, x7, [sp, #48]
    ldp x8, x9, [sp, #64]
    ldp x10, x11, [sp, #80]
    ldp x12, x13, [sp, #96]
    ldp x14, x15, [sp, #112]
    ldp x16, x17, [sp, #128]
    ldp x18, x30, [sp, #144]
    add sp, sp, #INTERRUPT_FRAME_SIZE
    eret

    .section .note.GNU-stack, "", %progbits
