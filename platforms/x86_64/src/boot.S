/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * x86_64 entry through the PVH boot protocol (what `qemu-system-x86_64 -kernel` uses for a
 * plain ELF64 that carries the XEN_ELFNOTE_PHYS32_ENTRY note).
 *
 * The loader enters platform_x86_64_entry32 in 32-bit protected mode, paging off, flat
 * segments, interrupts off, EBX = physical address of the hvm_start_info structure. This file
 * saves EBX, checks for long mode, clears .bss, identity-maps the first 4 GiB with 2 MiB pages,
 * enables PAE, SSE, long mode (and no-execute when present) and paging, far-jumps to 64-bit
 * code, sets up the boot stack, the x87 and SSE state, and calls
 * platform_x86_64_start(u32 start_info_address), which never returns.
 */

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
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

#define CPUID_EXTENDED_LONG_MODE 29
#define CPUID_EXTENDED_NO_EXECUTE 20

#define PAGE_PRESENT (1 << 0)
#define PAGE_WRITABLE (1 << 1)
#define PAGE_LARGE (1 << 7)
#define LARGE_PAGE_SIZE 0x200000
#define PAGE_DIRECTORY_COUNT 4 /* 4 x 512 x 2 MiB = 4 GiB */

#define KERNEL_CODE_SELECTOR 0x08
#define KERNEL_DATA_SELECTOR 0x10
#define BOOT_TASK_STATE_SELECTOR 0x18
#define TASK_STATE_SIZE 104

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define DEBUG_EXIT_PORT 0xf4
#define COM1 0x3f8
#define BOOT_STACK_SIZE 65536

/*
 * The PVH note. QEMU finds it through the PT_NOTE segment and reads the descriptor as a 64-bit
 * address placed after the name padded to the segment's alignment, so keep everything 4-byte
 * aligned (linker.ld puts this section in both the first load segment and the note segment).
 */
    .section .note.vectra.pvh, "a", @note
    .p2align 2
    .long 4                           /* name size: "Xen\0" */
    .long 8                           /* descriptor size */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .quad platform_x86_64_entry32

/* In .data, not .bss: clearing .bss must not wipe what the loader handed over. */
    .section .data.boot, "aw"
    .p2align 2
    .globl platform_x86_64_start_info_address
platform_x86_64_start_info_address:
    .long 0

/*
 * The boot GDT includes a TSS (its base is filled in at run time): a CPU in long mode with the
 * firmware's 16-bit TR is a state VMX refuses, so nested KVM would emulate every instruction and
 * die on the first SSE one. Descriptors.cpp replaces all of this with the final GDT and TSS.
 */
    .section .data.boot
    .p2align 3
boot_gdt:
    .quad 0                           /* null */
    .quad 0x00af9a000000ffff          /* 0x08: 64-bit code, DPL 0 */
    .quad 0x00cf92000000ffff          /* 0x10: data, DPL 0 */
boot_gdt_task_state:
    .quad 0x0000890000000067          /* 0x18: available TSS, limit 103, base below */
    .quad 0
boot_gdt_end:
boot_gdt_pointer:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .section .rodata.boot, "a"
    .p2align 2
mxcsr_default:
    .long 0x1f80                      /* every SSE exception masked, round to nearest */
no_long_mode_message:
    .asciz "vectra: this CPU has no 64-bit long mode; x86_64 images need it\r\n"

    .section .bss.boot, "aw", @nobits
    .p2align 12
    .globl platform_x86_64_page_map_level4
platform_x86_64_page_map_level4:
boot_page_map_level4:
    .skip 4096
boot_page_directory_pointers:
    .skip 4096
/* Paging.cpp splits these 2 MiB mappings into 4 KiB pages on demand (guard pages). */
    .globl platform_x86_64_page_directories
platform_x86_64_page_directories:
boot_page_directories:
    .skip PAGE_DIRECTORY_COUNT * 4096
    .p2align 4
boot_task_state:
    .skip TASK_STATE_SIZE
/* Paging.cpp makes this page inaccessible: a boot-stack overflow then faults instead of
   silently overwriting whatever lies below. */
    .p2align 12
    .globl platform_x86_64_boot_stack_guard
platform_x86_64_boot_stack_guard:
    .skip 4096
boot_stack:
    .skip BOOT_STACK_SIZE
boot_stack_top:

    .section .text.boot, "ax"
    .code32
    .globl platform_x86_64_entry32
    .type platform_x86_64_entry32, @function
platform_x86_64_entry32:
    cli
    cld
    movl %ebx, platform_x86_64_start_info_address

    /* Long mode is required; remember the extended feature bits (no-execute) in ESI. */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    btl $CPUID_EXTENDED_LONG_MODE, %edx
    jnc no_long_mode
    movl %edx, %esi

    /* Clear .bss (linker.ld keeps its bounds 16-byte aligned). */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    shrl $2, %ecx
    xorl %eax, %eax
    rep stosl

    /* Page directories: 2048 large pages mapping [0, 4 GiB) to itself, writable. */
    movl $boot_page_directories, %edi
    movl $(PAGE_PRESENT | PAGE_WRITABLE | PAGE_LARGE), %eax
    movl $(PAGE_DIRECTORY_COUNT * 512), %ecx
1:  movl %eax, (%edi)
    movl $0, 4(%edi)
    addl $LARGE_PAGE_SIZE, %eax
    addl $8, %edi
    loop 1b

    /* The first four page-directory pointers, then the one PML4 entry. */
    movl $boot_page_directory_pointers, %edi
    movl $(boot_page_directories + PAGE_PRESENT + PAGE_WRITABLE), %eax
    movl $PAGE_DIRECTORY_COUNT, %ecx
2:  movl %eax, (%edi)
    addl $4096, %eax
    addl $8, %edi
    loop 2b
    movl $(boot_page_directory_pointers + PAGE_PRESENT + PAGE_WRITABLE), boot_page_map_level4

    movl $boot_task_state, %eax
    movw %ax, boot_gdt_task_state + 2
    shrl $16, %eax
    movb %al, boot_gdt_task_state + 4
    movb %ah, boot_gdt_task_state + 7
    lgdt boot_gdt_pointer
    movw $BOOT_TASK_STATE_SELECTOR, %ax
    ltr %ax

    movl %cr4, %eax
    orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    movl %eax, %cr4

    movl $boot_page_map_level4, %eax
    movl %eax, %cr3

    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    btl $CPUID_EXTENDED_NO_EXECUTE, %esi
    jnc 3f
    orl $EFER_NXE, %eax
3:  wrmsr

    /* Paging on (which activates long mode), x87/SSE usable, caches on, supervisor writes obey
       read-only pages. */
    movl %cr0, %eax
    andl $~(CR0_EM | CR0_TS | CR0_NW | CR0_CD), %eax
    orl $(CR0_PE | CR0_MP | CR0_NE | CR0_WP | CR0_PG), %eax
    movl %eax, %cr0

    ljmp $KERNEL_CODE_SELECTOR, $entry64

/* Without long mode nothing else can run: say so on COM1 and ask QEMU to exit with a failure. */
no_long_mode:
    movl $no_long_mode_message, %esi
4:  lodsb
    testb %al, %al
    jz 6f
    movb %al, %bl
    movw $(COM1 + 5), %dx
5:  inb %dx, %al
    testb $0x20, %al
    jz 5b
    movb %bl, %al
    movw $COM1, %dx
    outb %al, %dx
    jmp 4b
6:  movl $1, %eax
    movw $DEBUG_EXIT_PORT, %dx
    outl %eax, %dx
7:  cli
    hlt
    jmp 7b
    .size platform_x86_64_entry32, . - platform_x86_64_entry32

    .code64
    .type entry64, @function
entry64:
    movl $KERNEL_DATA_SELECTOR, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs

    movq $boot_stack_top, %rsp
    xorl %ebp, %ebp

    fninit
    ldmxcsr mxcsr_default(%rip)

    movl platform_x86_64_start_info_address(%rip), %edi
    call platform_x86_64_start
8:  cli
    hlt
    jmp 8b
    .size entry64, . - entry64

    .section .note.GNU-stack, "", @progbits
