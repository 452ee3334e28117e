/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * How a CPU other than the boot CPU gets to 64-bit C++ (ADR 0020, Processors.cpp).
 *
 * The startup IPI starts a CPU in real mode at CS = vector << 8, IP = 0. Processors.cpp copies
 * the blob between platform_x86_64_trampoline_start and _end to trampoline_base (below 1 MiB,
 * page-aligned) and patches its page-map and EFER words; the blob loads a GDT of its own, enters
 * protected mode, turns on PAE, SSE, long mode and paging on the boot CPU's page tables (which
 * identity-map the blob and the image), and far-jumps to platform_x86_64_secondary_entry64 in
 * the image. Everything in the blob is addressed as trampoline_base + its offset in the blob.
 */

#define TRAMPOLINE_BASE 0x8000
#define AT(label) ((label) - platform_x86_64_trampoline_start + TRAMPOLINE_BASE)

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16)
#define CR0_NW (1 << 29)
#define CR0_CD (1 << 30)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xc0000080

#define TRAMPOLINE_CODE32 0x08
#define TRAMPOLINE_DATA 0x10
#define TRAMPOLINE_CODE64 0x18
#define KERNEL_DATA_SELECTOR 0x10

    .section .rodata.trampoline, "a"
    .p2align 12
    .globl platform_x86_64_trampoline_start
platform_x86_64_trampoline_start:
    .code16
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl AT(trampoline_gdt_pointer)
    movl %cr0, %eax
    orl $CR0_PE, %eax
    movl %eax, %cr0
    ljmpl $TRAMPOLINE_CODE32, $AT(trampoline_protected)

    .code32
trampoline_protected:
    movw $TRAMPOLINE_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl %cr4, %eax
    orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    movl %eax, %cr4
    movl AT(platform_x86_64_trampoline_page_map), %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    movl AT(platform_x86_64_trampoline_efer), %eax
    xorl %edx, %edx
    wrmsr
    movl %cr0, %eax
    andl $~(CR0_EM | CR0_TS | CR0_NW | CR0_CD), %eax
    orl $(CR0_PE | CR0_MP | CR0_NE | CR0_WP | CR0_PG), %eax
    movl %eax, %cr0
    ljmp $TRAMPOLINE_CODE64, $platform_x86_64_secondary_entry64

    .p2align 3
trampoline_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff          /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff          /* 0x10: data */
    .quad 0x00af9a000000ffff          /* 0x18: 64-bit code */
trampoline_gdt_end:
trampoline_gdt_pointer:
    .word trampoline_gdt_end - trampoline_gdt - 1
    .long AT(trampoline_gdt)

    .p2align 2
    .globl platform_x86_64_trampoline_page_map
platform_x86_64_trampoline_page_map:
    .long 0
    .globl platform_x86_64_trampoline_efer
platform_x86_64_trampoline_efer:
    .long 0
    .globl platform_x86_64_trampoline_end
platform_x86_64_trampoline_end:

    .section .rodata.trampoline_constants, "a"
    .p2align 2
secondary_mxcsr_default:
    .long 0x1f80                      /* every SSE exception masked, round to nearest */

/* The image's half: flat data segments, the stack Processors.cpp chose, x87/SSE reset, C++. */
    .text
    .code64
    .globl platform_x86_64_secondary_entry64
    .type platform_x86_64_secondary_entry64, @function
platform_x86_64_secondary_entry64:
    movl $KERNEL_DATA_SELECTOR, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    movq platform_x86_64_secondary_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    fninit
    ldmxcsr secondary_mxcsr_default(%rip)
    movl platform_x86_64_secondary_index(%rip), %edi
    call platform_x86_64_secondary_start
1:  cli
    hlt
    jmp 1b
    .size platform_x86_64_secondary_entry64, . - platform_x86_64_secondary_entry64

    .section .note.GNU-stack, "", @progbits
