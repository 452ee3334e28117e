/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Entry stubs the IDT points at (Descriptors.cpp installs them).
 *
 * Exceptions (vectors 0-31): push a zero where the CPU pushes no error code, push the vector,
 * save every general-purpose register and call platform_x86_64_exception(ExceptionFrame*),
 * which never returns (the frame layout is ExceptionFrame in Faults.cpp). They run on IST
 * stacks, so a fault caused by a broken stack pointer is still reported.
 *
 * Device interrupts (the local APIC timer 0x30, the software self-IPI 0x31, I/O APIC inputs
 * 0x40-0x4f): save the caller-saved registers and the whole x87/SSE state (the C++ handler may
 * use SSE), call platform_x86_64_interrupt(u32 vector), restore, iretq. Their gates use no IST
 * stack: kernel mode takes interrupts only in wait_for_interrupt(), on the scheduler's stack,
 * and an interrupt from user mode (a Task in a protection domain, which runs with IF = 1) lands
 * on that Task's kernel stack (TSS.RSP0). From user mode the stub also moves to the kernel's
 * page tables first and, once the interrupt is handled, calls kernel::interrupted_user_mode(),
 * which may switch to other Tasks (preemption, ADR 0018): the user's whole state waits on its
 * kernel stack — rax-r11 pushed here, rbx, rbp, r12-r15 kept by the C++ calls (and by
 * jump_fcontext across a switch), x87/SSE in the FXSAVE area — and comes back on the way out,
 * with the user's page tables.
 *
 * Exceptions never return through iretq: kernel::cpu_fault() either ends the image or switches
 * to another context for good. The CPU loads the IST stack pointer afresh on every exception,
 * so the next fault starts at the top of the same stack again.
 */

/* Back to the interrupted code: interrupt_common's frame (RBP) and the registers the stub saved. */
.macro return_from_interrupt
    movq %rbp, %rsp
    popq %rbp
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rax
    iretq
.endm

.macro exception_stub vector, has_error_code
    .p2align 4
exception_stub_\vector:
    .if \has_error_code == 0
    pushq $0
    .endif
    pushq $\vector
    jmp exception_common
.endm

.macro interrupt_stub vector
    .p2align 4
    .globl platform_x86_64_interrupt_stub_\vector
platform_x86_64_interrupt_stub_\vector:
    pushq %rax
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    movl $\vector, %edi
    jmp interrupt_common
.endm

    /* Kernel-only pages (linker.ld): these run on a protection domain's page tables at first. */
    .section .text.kernel_entry.vectors, "ax"
    .code64

    exception_stub 0, 0
    exception_stub 1, 0
    exception_stub 2, 0
    exception_stub 3, 0
    exception_stub 4, 0
    exception_stub 5, 0
    exception_stub 6, 0
    exception_stub 7, 0
    exception_stub 8, 1
    exception_stub 9, 0
    exception_stub 10, 1
    exception_stub 11, 1
    exception_stub 12, 1
    exception_stub 13, 1
    exception_stub 14, 1
    exception_stub 15, 0
    exception_stub 16, 0
    exception_stub 17, 1
    exception_stub 18, 0
    exception_stub 19, 0
    exception_stub 20, 0
    exception_stub 21, 1
    exception_stub 22, 0
    exception_stub 23, 0
    exception_stub 24, 0
    exception_stub 25, 0
    exception_stub 26, 0
    exception_stub 27, 0
    exception_stub 28, 0
    exception_stub 29, 1
    exception_stub 30, 1
    exception_stub 31, 0

/* The 15 general-purpose registers of an ExceptionFrame (Faults.cpp), and back. */
.macro push_general_registers
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro pop_general_registers
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm

/* Saves the interrupted CR3 on the stack, moves to the kernel's page tables, and saves the x87/SSE
   state in a 16-byte-aligned area below (the caller's frame pointer finds the CR3 at -8). */
.macro push_cr3_load_kernel_cr3_and_fxsave
    movq %cr3, %rax
    pushq %rax
    movq $platform_x86_64_page_map_level4, %rax
    movq %rax, %cr3
    subq $512, %rsp
    andq $-16, %rsp
    fxsave64 (%rsp)
.endm

exception_common:
    push_general_registers
    cld
    /* From user mode (CPL 3 in the saved CS): onto the kernel's page tables before anything else
       runs, so kernel code never executes on a domain's (where shared code is a user page). */
    testb $3, 18*8(%rsp)
    jz 1f
    movq $platform_x86_64_page_map_level4, %rax
    movq %rax, %cr3
1:
    /* 15 registers + vector + error code + the CPU's 5-word frame = 22 words: RSP stays
       16-byte aligned, as the CPU aligned it before pushing its frame. */
    movq %rsp, %rdi
    call platform_x86_64_exception
    /* Back only from probe_read's page fault (kernel mode, CR3 untouched): resume at the RIP the
       handler set, past the read. */
    pop_general_registers
    addq $16, %rsp
    iretq

/*
 * NMI (vector 2, IST3): a TLB shootdown request from another CPU (TlbShootdown.cpp) or a real
 * NMI, which is reported like any exception. It can arrive in any state — IF = 0, inside the
 * domain entry stubs with a domain's CR3 still loaded, in ring 3 — so it saves the interrupted
 * CR3 and loads the kernel's whatever the CPL, saves the x87/SSE state, and puts both back.
 */
    .p2align 4
non_maskable_stub:
    pushq $0
    pushq $2
    push_general_registers
    cld
    movq %rsp, %rbx
    push_cr3_load_kernel_cr3_and_fxsave
    movq %rbx, %rdi
    call platform_x86_64_non_maskable_interrupt
    fxrstor64 (%rsp)
    movq -8(%rbx), %rax
    movq %rax, %cr3
    movq %rbx, %rsp
    pop_general_registers
    addq $16, %rsp
    iretq

    interrupt_stub 0x30 /* local APIC timer */
    interrupt_stub 0x31 /* software interrupt (self-IPI) */
    interrupt_stub 0x32 /* wake-up IPI from another CPU (ADR 0020) */
    /* I/O APIC inputs 0-15 (ISA IRQs): vectors 0x40-0x4f. */
    .irp vector, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f
    interrupt_stub \vector
    .endr
    /* Message-signalled interrupts (MSI-X entries the kernel bound): vectors 0x50-0x5f. */
    .irp vector, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f
    interrupt_stub \vector
    .endr
    /* I/O APIC inputs 16-23 (PCI INTx through PIRQ A-H, level-triggered): vectors 0x60-0x67. */
    .irp vector, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67
    interrupt_stub \vector
    .endr

interrupt_common:
    pushq %rbp
    movq %rsp, %rbp
    /* 0(%rbp) holds the interrupted RBP, 8(%rbp) r11 ... 72(%rbp) rax (the stub's nine pushes),
       then the CPU's frame: 80(%rbp) RIP, 88(%rbp) CS, 96(%rbp) RFLAGS. The CS selector's low
       bits are the interrupted privilege level. (Reading RFLAGS there, whose bit 1 is always set,
       sent every interrupt down the user-mode path: two CR3 loads — two whole TLB flushes — and
       a big-lock take per interrupt, until 2026-12.) */
    testb $3, 88(%rbp)
    jnz interrupt_from_user
    subq $512, %rsp
    andq $-16, %rsp
    fxsave64 (%rsp)
    cld
    call platform_x86_64_interrupt
    fxrstor64 (%rsp)
    return_from_interrupt

/* On the Task's kernel stack (TSS.RSP0, aligned: 5 + 9 + 1 words pushed, one more here). */
interrupt_from_user:
    push_cr3_load_kernel_cr3_and_fxsave
    cld
    call platform_x86_64_interrupt
    call platform_x86_64_interrupted_user_mode
    fxrstor64 (%rsp)
    movq -8(%rbp), %rax
    movq %rax, %cr3
    return_from_interrupt

/* Legacy-PIC vectors (only a spurious IRQ 7/15 could get here) and the APIC spurious vector:
   nothing to acknowledge, nothing to do. */
    .p2align 4
    .globl platform_x86_64_ignored_interrupt_stub
platform_x86_64_ignored_interrupt_stub:
    iretq

/* bool probe_read(u64 address) (Exceptions.h): the page-fault handler sends a fault on the
   labelled read to the label after it. */
    .text
    .p2align 4
    .globl platform_x86_64_probe_read
platform_x86_64_probe_read:
    movl $1, %eax
    .globl platform_x86_64_probe_read_access
platform_x86_64_probe_read_access:
    movb (%rdi), %dl
    ret
    .globl platform_x86_64_probe_read_fault
platform_x86_64_probe_read_fault:
    xorl %eax, %eax
    ret

    .section .rodata.platform_x86_64_vectors, "a"
    .p2align 3
    .globl platform_x86_64_exception_stubs
platform_x86_64_exception_stubs:
    .quad exception_stub_0
    .quad exception_stub_1
    .quad non_maskable_stub
    .quad exception_stub_3
    .quad exception_stub_4
    .quad exception_stub_5
    .quad exception_stub_6
    .quad exception_stub_7
    .quad exception_stub_8
    .quad exception_stub_9
    .quad exception_stub_10
    .quad exception_stub_11
    .quad exception_stub_12
    .quad exception_stub_13
    .quad exception_stub_14
    .quad exception_stub_15
    .quad exception_stub_16
    .quad exception_stub_17
    .quad exception_stub_18
    .quad exception_stub_19
    .quad exception_stub_20
    .quad exception_stub_21
    .quad exception_stub_22
    .quad exception_stub_23
    .quad exception_stub_24
    .quad exception_stub_25
    .quad exception_stub_26
    .quad exception_stub_27
    .quad exception_stub_28
    .quad exception_stub_29
    .quad exception_stub_30
    .quad exception_stub_31

    .globl platform_x86_64_io_apic_stubs
platform_x86_64_io_apic_stubs:
    .irp vector, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f
    .quad platform_x86_64_interrupt_stub_\vector
    .endr

    .globl platform_x86_64_message_stubs
platform_x86_64_message_stubs:
    .irp vector, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f
    .quad platform_x86_64_interrupt_stub_\vector
    .endr

    .globl platform_x86_64_pci_io_apic_stubs
platform_x86_64_pci_io_apic_stubs:
    .irp vector, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67
    .quad platform_x86_64_interrupt_stub_\vector
    .endr

    .section .note.GNU-stack, "", @progbits
