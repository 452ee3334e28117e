/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The EL1 vector table. Normal code runs on SP_EL0, so an exception from it lands on SP_EL1,
 * the exception stack, whatever state the faulting stack was in (a stack overflow is still
 * reported). Exceptions taken while already on SP_EL1 (a fault inside a handler) and anything
 * unexpected switch to a separate nested-fault stack first. IRQs save the caller-saved
 * registers, q0-q31, FPCR and FPSR, and return; every other exception is fatal and ends in
 * kernel::cpu_fault() on a fresh fault stack, never returning.
 */

#include "ExceptionFrame.h"

/* An exception from code on SP_EL0: SP_EL1 is the exception stack and can be trusted. */
.macro fault_on_exception_stack slot
    .balign 0x80
    sub sp, sp, #FAULT_FRAME_SIZE
    stp x0, x1, [sp]
    mrs x0, sp_el0
    mov x1, #\slot
    b .Lsave_fault_frame
.endm

/* An exception on SP_EL1 (or from a lower level): its stack cannot be trusted. */
.macro fault_on_nested_stack slot
    .balign 0x80
    msr tpidr_el1, x0
    adrp x0, vectra_aarch64_nested_fault_stack_top
    add x0, x0, :lo12:vectra_aarch64_nested_fault_stack_top
    sub x0, x0, #FAULT_FRAME_SIZE
    str x1, [x0, #8]
    mov x1, sp
    mov sp, x0
    mrs x0, tpidr_el1
    str x0, [sp]
    mov x0, x1
    mov x1, #\slot
    b .Lsave_fault_frame
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
    fault_on_nested_stack 8
    fault_on_nested_stack 9
    fault_on_nested_stack 10
    fault_on_nested_stack 11
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
     * the top of the exception stack, and cpu_fault() runs on SP_EL0 = the fault stack, so
     * that later exceptions (the kernel may switch to another Task from there) work as usual.
     * PSTATE becomes that of ordinary kernel code: EL1, SP_EL0 selected, D, I and F masked,
     * SErrors unmasked (Start.cpp's state). No eret is owed: the kernel may switch to another
     * context (jump_fcontext loads SP_EL0 and the callee-saved registers) and never come back;
     * the next fault again starts at the top of the exception stack and of the fault stack.
     */
    adrp x1, vectra_aarch64_exception_stack_top
    add x1, x1, :lo12:vectra_aarch64_exception_stack_top
    mov sp, x1
    adrp x1, vectra_aarch64_fault_stack_top
    add x1, x1, :lo12:vectra_aarch64_fault_stack_top
    msr sp_el0, x1
    msr spsel, #0
    msr daifclr, #4
    isb
    mov x29, xzr
    mov x30, xzr
    bl aarch64_report_cpu_fault
    brk #0

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
    stp q0, q1, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 0)]
    stp q2, q3, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 32)]
    stp q4, q5, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 64)]
    stp q6, q7, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 96)]
    stp q8, q9, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 128)]
    stp q10, q11, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 160)]
    stp q12, q13, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 192)]
    stp q14, q15, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 224)]
    stp q16, q17, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 256)]
    stp q18, q19, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 288)]
    stp q20, q21, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 320)]
    stp q22, q23, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 352)]
    stp q24, q25, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 384)]
    stp q26, q27, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 416)]
    stp q28, q29, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 448)]
    stp q30, q31, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 480)]

    bl aarch64_handle_interrupt

    ldp q0, q1, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 0)]
    ldp q2, q3, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 32)]
    ldp q4, q5, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 64)]
    ldp q6, q7, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 96)]
    ldp q8, q9, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 128)]
    ldp q10, q11, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 160)]
    ldp q12, q13, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 192)]
    ldp q14, q15, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 224)]
    ldp q16, q17, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 256)]
    ldp q18, q19, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 288)]
    ldp q20, q21, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 320)]
    ldp q22, q23, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 352)]
    ldp q24, q25, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 384)]
    ldp q26, q27, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 416)]
    ldp q28, q29, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 448)]
    ldp q30, q31, [sp, #(INTERRUPT_FRAME_VECTOR_REGISTERS + 480)]
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
