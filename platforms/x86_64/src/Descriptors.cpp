/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "Descriptors.h"

namespace vectra::x86_64 {

namespace {

struct [[gnu::packed]] TaskStateSegment {
    u32 reserved0;
    u64 privilege_stacks[3];
    u64 reserved1;
    u64 interrupt_stacks[7]; /* IST1..IST7 */
    u64 reserved2;
    u16 reserved3;
    u16 io_permission_map_offset;
};
static_assert(sizeof(TaskStateSegment) == 104);

struct [[gnu::packed]] InterruptGate {
    u16 offset_low;
    u16 selector;
    u8 interrupt_stack;
    u8 attributes;
    u16 offset_middle;
    u32 offset_high;
    u32 reserved;
};
static_assert(sizeof(InterruptGate) == 16);

struct [[gnu::packed]] DescriptorTablePointer {
    u16 limit;
    u64 base;
};

/* Present, DPL 0, 64-bit interrupt gate: the CPU clears IF on entry. */
constexpr u8 interrupt_gate_attributes = 0x8e;

/*
 * Interrupt stack table slots. Every exception runs on a known-good stack, so a stack overflow
 * or a wild RSP is reported instead of escalating to a triple fault. Device interrupts use none
 * (no_interrupt_stack): kernel mode takes them only in wait_for_interrupt() on the scheduler's
 * stack, and from user mode they must land on the interrupted Task's kernel stack (TSS.RSP0),
 * where its state waits while it is preempted (ADR 0018). The spurious and legacy-PIC stubs,
 * which only iretq, keep a stack of their own.
 */
constexpr u8 no_interrupt_stack = 0;
constexpr u8 exception_stack_index = 1;
constexpr u8 double_fault_stack_index = 2;
constexpr u8 non_maskable_stack_index = 3; /* NMI and machine check */
constexpr u8 interrupt_stack_index = 4;

constexpr u64 exception_stack_size = 16 * KiB;
constexpr u64 interrupt_stack_size = 16 * KiB;

struct alignas(16) Stack {
    u8 bytes[exception_stack_size];
};

Stack s_exception_stack;
Stack s_double_fault_stack;
Stack s_non_maskable_stack;
alignas(16) u8 s_interrupt_stack[interrupt_stack_size];

alignas(16) TaskStateSegment s_task_state_segment;
alignas(16) u64 s_global_descriptors[8];
alignas(16) InterruptGate s_interrupt_descriptors[256];

u64 stack_top(Stack& stack) { return reinterpret_cast<u64>(&stack.bytes[0]) + sizeof(stack.bytes); }

void load_global_descriptors()
{
    auto tss_base = reinterpret_cast<u64>(&s_task_state_segment);
    u64 tss_limit = sizeof(TaskStateSegment) - 1;

    s_global_descriptors[0] = 0;
    s_global_descriptors[1] = 0x00af9a000000ffff; /* 64-bit code, DPL 0 */
    s_global_descriptors[2] = 0x00cf92000000ffff; /* data, DPL 0 */
    /* Available 64-bit TSS (type 9), present; a 16-byte descriptor. */
    s_global_descriptors[3] = (tss_limit & 0xffff) | ((tss_base & 0xffffff) << 16) | (0x89ull << 40)
        | (((tss_limit >> 16) & 0xf) << 48) | (((tss_base >> 24) & 0xff) << 56);
    s_global_descriptors[4] = tss_base >> 32;
    s_global_descriptors[5] = 0;                  /* see user_base_selector */
    s_global_descriptors[6] = 0x00cff2000000ffff; /* data, DPL 3 */
    s_global_descriptors[7] = 0x00affa000000ffff; /* 64-bit code, DPL 3 */

    DescriptorTablePointer pointer { sizeof(s_global_descriptors) - 1,
        reinterpret_cast<u64>(&s_global_descriptors[0]) };
    asm volatile(
        "lgdt %0\n"
        "pushq %1\n"
        "leaq 1f(%%rip), %%rax\n"
        "pushq %%rax\n"
        "lretq\n"
        "1:\n"
        "movl %2, %%eax\n"
        "movl %%eax, %%ds\n"
        "movl %%eax, %%es\n"
        "movl %%eax, %%ss\n"
        "xorl %%eax, %%eax\n"
        "movl %%eax, %%fs\n"
        "movl %%eax, %%gs\n"
        :
        : "m"(pointer), "i"(static_cast<u64>(kernel_code_selector)), "i"(static_cast<u32>(kernel_data_selector))
        : "rax", "memory");
    asm volatile("ltr %w0" : : "r"(task_state_selector) : "memory");
}

void set_gate(u8 vector, void const* handler, u8 stack_index)
{
    auto address = reinterpret_cast<u64>(handler);
    s_interrupt_descriptors[vector] = InterruptGate {
        .offset_low = static_cast<u16>(address),
        .selector = kernel_code_selector,
        .interrupt_stack = stack_index,
        .attributes = interrupt_gate_attributes,
        .offset_middle = static_cast<u16>(address >> 16),
        .offset_high = static_cast<u32>(address >> 32),
        .reserved = 0,
    };
}

}

extern "C" {
extern void* const platform_x86_64_exception_stubs[32];
extern void* const platform_x86_64_io_apic_stubs[16];
extern void* const platform_x86_64_message_stubs[16];
extern void* const platform_x86_64_pci_io_apic_stubs[8];
void platform_x86_64_interrupt_stub_0x30();
void platform_x86_64_interrupt_stub_0x31();
void platform_x86_64_ignored_interrupt_stub();
}

void initialize_descriptor_tables()
{
    s_task_state_segment.interrupt_stacks[exception_stack_index - 1] = stack_top(s_exception_stack);
    s_task_state_segment.interrupt_stacks[double_fault_stack_index - 1] = stack_top(s_double_fault_stack);
    s_task_state_segment.interrupt_stacks[non_maskable_stack_index - 1] = stack_top(s_non_maskable_stack);
    s_task_state_segment.interrupt_stacks[interrupt_stack_index - 1]
        = reinterpret_cast<u64>(&s_interrupt_stack[0]) + interrupt_stack_size;
    s_task_state_segment.io_permission_map_offset = sizeof(TaskStateSegment); /* no I/O map */
    load_global_descriptors();

    for (u8 vector = 0; vector < 32; ++vector) {
        u8 stack_index = exception_stack_index;
        if (vector == 8)
            stack_index = double_fault_stack_index;
        else if (vector == 2 || vector == 18)
            stack_index = non_maskable_stack_index;
        set_gate(vector, platform_x86_64_exception_stubs[vector], stack_index);
    }
    for (u8 vector = first_legacy_pic_vector; vector < first_legacy_pic_vector + 16; ++vector)
        set_gate(vector, reinterpret_cast<void const*>(&platform_x86_64_ignored_interrupt_stub), interrupt_stack_index);
    static_assert(timer_vector == 0x30, "vectors.S generates the timer stub for vector 0x30");
    /* Device interrupts use no IST stack: from user mode they land on the Task's kernel stack (vectors.S). */
    set_gate(timer_vector, reinterpret_cast<void const*>(&platform_x86_64_interrupt_stub_0x30), no_interrupt_stack);
    static_assert(software_vector == 0x31, "vectors.S generates the software-interrupt stub for vector 0x31");
    set_gate(
        software_vector, reinterpret_cast<void const*>(&platform_x86_64_interrupt_stub_0x31), no_interrupt_stack);
    static_assert(first_io_apic_vector == 0x40 && io_apic_vector_count == 16, "vectors.S generates 0x40-0x4f");
    for (u8 input = 0; input < io_apic_vector_count; ++input)
        set_gate(first_io_apic_vector + input, platform_x86_64_io_apic_stubs[input], no_interrupt_stack);
    static_assert(first_message_vector == 0x50 && message_vector_count == 16, "vectors.S generates 0x50-0x5f");
    for (u8 index = 0; index < message_vector_count; ++index)
        set_gate(first_message_vector + index, platform_x86_64_message_stubs[index], no_interrupt_stack);
    static_assert(first_pci_io_apic_vector == 0x60 && pci_io_apic_vector_count == 8, "vectors.S generates 0x60-0x67");
    for (u8 index = 0; index < pci_io_apic_vector_count; ++index)
        set_gate(first_pci_io_apic_vector + index, platform_x86_64_pci_io_apic_stubs[index], no_interrupt_stack);
    set_gate(
        spurious_vector, reinterpret_cast<void const*>(&platform_x86_64_ignored_interrupt_stub), interrupt_stack_index);

    DescriptorTablePointer pointer { sizeof(s_interrupt_descriptors) - 1,
        reinterpret_cast<u64>(&s_interrupt_descriptors[0]) };
    asm volatile("lidt %0" : : "m"(pointer) : "memory");
}

void set_privileged_stack(u64 top)
{
    s_task_state_segment.privilege_stacks[0] = top;
}

bool is_on_exception_stack(u64 address)
{
    Stack const* const stacks[] = { &s_exception_stack, &s_double_fault_stack, &s_non_maskable_stack };
    for (Stack const* stack : stacks) {
        auto base = reinterpret_cast<u64>(&stack->bytes[0]);
        if (address > base && address <= base + sizeof(stack->bytes))
            return true;
    }
    return false;
}

}
