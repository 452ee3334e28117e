/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The register frames vectors.S saves, shared by the assembly (offsets) and C++ (structs).
 */

#pragma once

/* A fatal exception: every general-purpose register and the exception syndrome. */
#define FAULT_FRAME_STACK_POINTER 248
#define FAULT_FRAME_LINK_REGISTER 256
#define FAULT_FRAME_SAVED_STATE 264
#define FAULT_FRAME_SYNDROME 272
#define FAULT_FRAME_FAULT_ADDRESS 280
#define FAULT_FRAME_VECTOR_SLOT 288
#define FAULT_FRAME_SIZE 304
/* vectors.S: scratch for an exception from EL0 (x0, x1, x2, TTBR0, slot), 16-byte aligned. */
#define USER_SCRATCH_SIZE 48

/* An interrupt: the registers a C++ call may clobber, including all of q0-q31, FPCR and FPSR. */
#define INTERRUPT_FRAME_LINK_REGISTER 160
#define INTERRUPT_FRAME_FLOATING_POINT_CONTROL 176
#define INTERRUPT_FRAME_VECTOR_REGISTERS 192
#define INTERRUPT_FRAME_SIZE 704

/*
 * An interrupt from EL0, on the interrupted Task's kernel stack: the user's whole state while it
 * is handled and while the Task is preempted (ADR 0018). x0-x30 at 0, then SP_EL0, ELR, SPSR,
 * TTBR0, FPCR, FPSR, and q0-q31 (16-byte aligned).
 */
#define USER_INTERRUPT_FRAME_STACK_POINTER 248
#define USER_INTERRUPT_FRAME_LINK_REGISTER 256
#define USER_INTERRUPT_FRAME_TRANSLATION_TABLE 272
#define USER_INTERRUPT_FRAME_FLOATING_POINT_CONTROL 280
#define USER_INTERRUPT_FRAME_VECTOR_REGISTERS 304
#define USER_INTERRUPT_FRAME_SIZE 816

/*
 * Each CPU's own stacks for exceptions and faults (ProcessorBlock, Processors.h): TPIDR_EL1 holds
 * the address of the running CPU's block from the first instruction that could fault.
 */
#define PROCESSOR_BLOCK_EXCEPTION_STACK_TOP 0
#define PROCESSOR_BLOCK_FAULT_STACK_TOP 8
#define PROCESSOR_BLOCK_NESTED_FAULT_STACK_TOP 16

/* The 16 slots of the vector table, in table order. */
#define VECTOR_SLOT_CURRENT_SP0_SYNCHRONOUS 0
#define VECTOR_SLOT_CURRENT_SP0_IRQ 1
#define VECTOR_SLOT_CURRENT_SP0_FIQ 2
#define VECTOR_SLOT_CURRENT_SP0_SERROR 3
#define VECTOR_SLOT_CURRENT_SPX_SYNCHRONOUS 4
#define VECTOR_SLOT_CURRENT_SPX_IRQ 5
#define VECTOR_SLOT_CURRENT_SPX_FIQ 6
#define VECTOR_SLOT_CURRENT_SPX_SERROR 7
#define VECTOR_SLOT_LOWER_AARCH64_FIRST 8
#define VECTOR_SLOT_LOWER_AARCH32_FIRST 12

#ifndef __ASSEMBLER__

#    include <vectra/Types.h>

namespace vectra::platform::aarch64 {

struct FaultFrame {
    u64 registers[31]; /* x0..x30 */
    u64 stack_pointer; /* the stack pointer in use when the exception was taken */
    u64 link_register; /* ELR_EL1 */
    u64 saved_state; /* SPSR_EL1 */
    u64 syndrome; /* ESR_EL1 */
    u64 fault_address; /* FAR_EL1 */
    u64 vector_slot; /* VECTOR_SLOT_* */
    u64 padding;
};

static_assert(__builtin_offsetof(FaultFrame, stack_pointer) == FAULT_FRAME_STACK_POINTER);
static_assert(__builtin_offsetof(FaultFrame, link_register) == FAULT_FRAME_LINK_REGISTER);
static_assert(__builtin_offsetof(FaultFrame, saved_state) == FAULT_FRAME_SAVED_STATE);
static_assert(__builtin_offsetof(FaultFrame, syndrome) == FAULT_FRAME_SYNDROME);
static_assert(__builtin_offsetof(FaultFrame, fault_address) == FAULT_FRAME_FAULT_ADDRESS);
static_assert(__builtin_offsetof(FaultFrame, vector_slot) == FAULT_FRAME_VECTOR_SLOT);
static_assert(sizeof(FaultFrame) == FAULT_FRAME_SIZE);

}

#endif
