/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * User mode in and out (CONFIG_DOMAINS). Everything here lives in .text.kernel_entry, pages no
 * protection domain maps for user mode, because it runs on a domain's page tables for a few
 * instructions: the kernel's mappings are there too, privileged-only.
 *
 * SYSCALL (LSTAR): the CPU leaves RCX = user RIP, R11 = user RFLAGS, masks IF, DF, TF, AC and NT
 * (SFMASK) and keeps RSP. One CPU and interrupts masked throughout, so two plain variables carry
 * the stack switch and GS (and SWAPGS) are not needed. The stub switches to the current Task's
 * kernel stack (Domains.cpp sets it before the Task runs), saves the user's RSP, RIP, RFLAGS and
 * CR3 there, moves to the kernel's page tables and calls kernel::user_trap(RDI = the frame).
 * The kernel may switch Tasks inside (a kernel call that waits); this Task's stack keeps the
 * frame until it returns. Back out: caller-saved registers and every XMM register are cleared
 * (the kernel's values must not reach user mode; the callee-saved ones hold the user's again),
 * the user's CR3 and RSP come back and SYSRETQ returns to ring 3.
 */

/* The kernel's values in the registers a C++ call may leave them in must not reach user mode. */
.macro clear_caller_saved_and_vector_registers
    xorl %eax, %eax
    xorl %edx, %edx
    xorl %esi, %esi
    xorl %edi, %edi
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    .irp register, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    pxor %xmm\register, %xmm\register
    .endr
.endm

    .section .text.kernel_entry.domains, "ax"
    .code64

    .globl platform_x86_64_syscall_entry
    .type platform_x86_64_syscall_entry, @function
platform_x86_64_syscall_entry:
    movq %rsp, platform_x86_64_user_stack_pointer(%rip)
    movq platform_x86_64_trap_stack(%rip), %rsp
    testq %rsp, %rsp
    jz no_trap_stack
    pushq platform_x86_64_user_stack_pointer(%rip)
    pushq %rcx
    pushq %r11
    movq %cr3, %rax
    pushq %rax
    movq $platform_x86_64_page_map_level4, %rax
    movq %rax, %cr3
    /* Four words pushed onto a page-aligned top: RSP is 16-byte aligned at the call. */
    call platform_x86_64_user_trap
    popq %rax
    popq %r11
    popq %rcx
    /* SYSRET to a non-canonical RIP would fault in ring 0 on the user's stack. RCX is the address
       after the user's SYSCALL, in pages below 4 GiB, so this cannot happen; stop if it does. */
    movq %rcx, %rdx
    shrq $47, %rdx
    jnz bad_return_address
    movq %rax, %cr3
    popq %rsp
    clear_caller_saved_and_vector_registers
    sysretq
/* A SYSCALL from kernel mode (a Task without a domain) has no trap stack: a kernel fault. */
no_trap_stack:
    ud2
bad_return_address:
    ud2
    .size platform_x86_64_syscall_entry, . - platform_x86_64_syscall_entry

/*
 * platform_x86_64_enter_user(RDI instruction, RSI stack, RDX argument0, RCX argument1, R8 root):
 * the Task's first entry into ring 3 through IRETQ, with interrupts enabled (RFLAGS = 0x202: user
 * mode may be interrupted and preempted, ADR 0018; it cannot mask them, IOPL is 0), and nothing
 * of the kernel's left in any register.
 */
    .globl platform_x86_64_enter_user
    .type platform_x86_64_enter_user, @function
platform_x86_64_enter_user:
    movq %r8, %cr3
    pushq $0x33 /* user_data_selector */
    pushq %rsi
    pushq $0x202
    pushq $0x3b /* user_code_selector */
    pushq %rdi
    movq %rdx, %r11
    movq %rcx, %rbx
    clear_caller_saved_and_vector_registers
    movq %r11, %rdi
    movq %rbx, %rsi
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %ebp, %ebp
    xorl %r11d, %r11d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    iretq
    .size platform_x86_64_enter_user, . - platform_x86_64_enter_user

    .section .bss.platform_x86_64_domains, "aw", @nobits
    .p2align 3
    .globl platform_x86_64_trap_stack
platform_x86_64_trap_stack:
    .skip 8
platform_x86_64_user_stack_pointer:
    .skip 8

    .section .note.GNU-stack, "", @progbits
