/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What each CPU keeps for itself (ADR 0034): its index and the stacks its exceptions and faults
 * run on. TPIDR_EL1 holds the address of the running CPU's block — boot.S sets it before the
 * first C++ instruction on every CPU and nothing else writes it — so vectors.S finds this CPU's
 * stacks with one load and current_processor() is two.
 */

#pragma once

#include "ExceptionFrame.h"
#include <vectra/Types.h>
#include <vectra/config.h>

namespace vectra::platform::aarch64 {

struct ProcessorBlock {
    char* exception_stack_top;
    char* fault_stack_top;
    char* nested_fault_stack_top;
    char* exception_stack_bottom;
    char* fault_stack_bottom;
    char* nested_fault_stack_bottom;
    u32 index;
};

static_assert(__builtin_offsetof(ProcessorBlock, exception_stack_top) == PROCESSOR_BLOCK_EXCEPTION_STACK_TOP);
static_assert(__builtin_offsetof(ProcessorBlock, fault_stack_top) == PROCESSOR_BLOCK_FAULT_STACK_TOP);
static_assert(__builtin_offsetof(ProcessorBlock, nested_fault_stack_top) == PROCESSOR_BLOCK_NESTED_FAULT_STACK_TOP);

/* The running CPU's block. volatile: a Task may resume on another CPU after any call. */
[[nodiscard]] inline ProcessorBlock const& this_processor()
{
    u64 block;
    asm volatile("mrs %0, tpidr_el1" : "=r"(block));
    return *reinterpret_cast<ProcessorBlock const*>(block);
}

/* Whether start_processors() started any CPU besides the boot CPU. */
[[nodiscard]] bool other_processors_online();

}

/* [0] is the boot CPU's (boot.S's stacks); Processors.cpp fills the others before starting each. */
extern "C" vectra::platform::aarch64::ProcessorBlock vectra_aarch64_processor_blocks[CONFIG_CPUS_MAX];
