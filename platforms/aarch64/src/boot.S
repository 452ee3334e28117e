/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Entry from QEMU's -kernel loader: EL1 (or EL2 with virtualization=on), MMU and caches off,
 * x0 = device tree address or 0. Drops to EL1, enables FP/SIMD, clears .bss, installs the
 * vector table, turns on an identity-mapped MMU with caches and calls
 * platform_aarch64_start(x0) on the boot stack (SP_EL0). SP_EL1 is the exception stack.
 */

/* SCTLR_EL1: the RES1 bits of ARMv8.0 plus nTWI and nTWE (EL0 wfi/wfe not trapped). */
#define SCTLR_EL1_BASE 0x30d50800
/* M (MMU), C (data cache), SA and SA0 (stack alignment checks), I (instruction cache). */
#define SCTLR_EL1_ENABLED (SCTLR_EL1_BASE | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 12))

/*
 * MAIR_EL1: attribute 0 Device-nGnRnE, attribute 1 Normal write-back read/write-allocate,
 * attribute 2 Device-nGnRE (PCI ECAM and BARs mapped later: Paging.cpp, map_device_blocks).
 */
#define MAIR_EL1_VALUE 0x04ff00

/*
 * TCR_EL1: T0SZ = 25 (39-bit VA, translation starts at level 1), inner/outer write-back
 * table walks, inner shareable, 4 KiB granule; TTBR1 walks disabled (EPD1) with a valid TG1.
 * IPS is filled in from ID_AA64MMFR0_EL1.
 */
#define TCR_EL1_VALUE (25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) | (2 << 30))

/* Block descriptors: valid block, AttrIndx, SH, AF, PXN, UXN. */
#define DESCRIPTOR_TABLE 0x3
#define DESCRIPTOR_NORMAL_BLOCK (0x1 | (1 << 2) | (3 << 8) | (1 << 10))
#define DESCRIPTOR_DEVICE_BLOCK (0x1 | (0 << 2) | (1 << 10) | (1 << 53) | (1 << 54))
#define DESCRIPTOR_NORMAL_PAGE (0x3 | (1 << 2) | (3 << 8) | (1 << 10))

/*
 * Identity map: RAM (Normal) [1 GiB, 5 GiB), in 2 MiB blocks for the first GiB and 1 GiB
 * blocks above, with the 2 MiB holding the stacks in 4 KiB pages so that each stack has an
 * unmapped guard page below it; devices (Device-nGnRnE) [128 MiB, 1 GiB) in 2 MiB blocks.
 */
#define RAM_FIRST_GIGABYTE 1
#define RAM_END_GIGABYTE 5
#define DEVICE_FIRST_BLOCK 64
#define BLOCKS_PER_TABLE 512
#define PAGE_TABLE_COUNT 4

/* EL1 as every CPU starts it (x1 clobbered): interrupts masked, FP/SIMD on, SCTLR at its base, our vectors. */
.macro enter_el1
    msr daifset, #0xf
    mov x1, #(3 << 20)
    msr cpacr_el1, x1
    ldr x1, =SCTLR_EL1_BASE
    msr sctlr_el1, x1
    adrp x1, vectra_aarch64_vectors
    add x1, x1, :lo12:vectra_aarch64_vectors
    msr vbar_el1, x1
    isb
.endm

/* The MMU on, with caches, on the tables at x1 (x3-x5 clobbered): boot CPU and the others alike. */
.macro enable_mmu
    ldr x3, =MAIR_EL1_VALUE
    msr mair_el1, x3
    ldr x3, =TCR_EL1_VALUE
    mrs x4, id_aa64mmfr0_el1
    and x4, x4, #7
    cmp x4, #5
    mov x5, #5
    csel x4, x4, x5, ls
    bfi x3, x4, #32, #3
    msr tcr_el1, x3
    msr ttbr0_el1, x1
    isb
    tlbi vmalle1
    dsb nsh
    isb
    ldr x3, =SCTLR_EL1_ENABLED
    msr sctlr_el1, x3
    isb
    ic iallu
    dsb nsh
    isb
.endm

    .section .text.boot, "ax"
    .globl _start
    .type _start, %function
_start:
    mov x19, x0

    mrs x1, CurrentEL
    ubfx x1, x1, #2, #2
    cmp x1, #1
    b.eq .Lat_el1
    cmp x1, #2
    b.eq .Lfrom_el2
    /* EL3 or anything else: not a boot path QEMU's -kernel loader uses for virt. */
.Lpark:
    wfe
    b .Lpark

.Lfrom_el2:
    /* EL1 runs AArch64, no stage 2, no traps of FP/SIMD, timers or ID registers to EL2. */
    mov x1, #(1 << 31)
    msr hcr_el2, x1
    mrs x1, cnthctl_el2
    orr x1, x1, #3
    msr cnthctl_el2, x1
    msr cntvoff_el2, xzr
    mov x1, #0x33ff
    msr cptr_el2, x1
    msr hstr_el2, xzr
    mrs x1, midr_el1
    msr vpidr_el2, x1
    mrs x1, mpidr_el1
    msr vmpidr_el2, x1
    ldr x1, =SCTLR_EL1_BASE
    msr sctlr_el1, x1
    /* Return to EL1h with D, A, I and F masked. */
    mov x1, #0x3c5
    msr spsr_el2, x1
    adr x1, .Lat_el1
    msr elr_el2, x1
    eret

.Lat_el1:
    enter_el1

    /* Clear .bss (16-byte aligned at both ends; see linker.ld). */
    adrp x1, __bss_start
    add x1, x1, :lo12:__bss_start
    adrp x2, __bss_end
    add x2, x2, :lo12:__bss_end
.Lclear_bss:
    cmp x1, x2
    b.hs .Lbss_clear
    stp xzr, xzr, [x1], #16
    b .Lclear_bss
.Lbss_clear:

    /*
     * Level 1: [0] -> device table, [1] -> RAM table (GiB 1, which holds the image),
     * [2..4] RAM 1 GiB blocks.
     */
    adrp x1, vectra_aarch64_level1_table
    adrp x2, vectra_aarch64_device_table
    adrp x7, vectra_aarch64_ram_table
    adrp x8, vectra_aarch64_stack_table
    orr x3, x2, #DESCRIPTOR_TABLE
    str x3, [x1]
    orr x3, x7, #DESCRIPTOR_TABLE
    str x3, [x1, #8]
    ldr x4, =DESCRIPTOR_NORMAL_BLOCK
    mov x5, #(RAM_FIRST_GIGABYTE + 1)
.Lmap_ram_gigabytes:
    lsl x6, x5, #30
    orr x6, x6, x4
    str x6, [x1, x5, lsl #3]
    add x5, x5, #1
    cmp x5, #RAM_END_GIGABYTE
    b.lo .Lmap_ram_gigabytes

    /* GiB 1 in 2 MiB blocks, except the block holding the stacks: that one gets pages. */
    mov x5, #0
.Lmap_ram_blocks:
    lsl x6, x5, #21
    orr x6, x6, #(RAM_FIRST_GIGABYTE << 30)
    orr x6, x6, x4
    str x6, [x7, x5, lsl #3]
    add x5, x5, #1
    cmp x5, #BLOCKS_PER_TABLE
    b.lo .Lmap_ram_blocks
    adrp x9, vectra_aarch64_stacks_start
    ubfx x5, x9, #21, #9
    orr x3, x8, #DESCRIPTOR_TABLE
    str x3, [x7, x5, lsl #3]

    /* The stacks' 2 MiB in 4 KiB pages, each stack's guard page left unmapped. */
    and x10, x9, #~0x1fffff
    ldr x4, =DESCRIPTOR_NORMAL_PAGE
    mov x5, #0
.Lmap_stack_pages:
    lsl x6, x5, #12
    add x6, x6, x10
    orr x6, x6, x4
    str x6, [x8, x5, lsl #3]
    add x5, x5, #1
    cmp x5, #BLOCKS_PER_TABLE
    b.lo .Lmap_stack_pages
    adrp x6, vectra_aarch64_boot_stack_guard
    ubfx x5, x6, #12, #9
    str xzr, [x8, x5, lsl #3]
    adrp x6, vectra_aarch64_exception_stack_guard
    ubfx x5, x6, #12, #9
    str xzr, [x8, x5, lsl #3]
    adrp x6, vectra_aarch64_fault_stack_guard
    ubfx x5, x6, #12, #9
    str xzr, [x8, x5, lsl #3]
    adrp x6, vectra_aarch64_nested_fault_stack_guard
    ubfx x5, x6, #12, #9
    str xzr, [x8, x5, lsl #3]

    /* Level 2 for GiB 0: [0, 128 MiB) (flash) stays unmapped so null pointers fault. */
    ldr x4, =DESCRIPTOR_DEVICE_BLOCK
    mov x5, #DEVICE_FIRST_BLOCK
.Lmap_devices:
    lsl x6, x5, #21
    orr x6, x6, x4
    str x6, [x2, x5, lsl #3]
    add x5, x5, #1
    cmp x5, #BLOCKS_PER_TABLE
    b.lo .Lmap_devices

    /* The tables were written with caches off: drop any stale cached copies of them. */
    dsb sy
    mrs x3, ctr_el0
    ubfx x3, x3, #16, #4
    mov x4, #4
    lsl x3, x4, x3
    add x4, x1, #(PAGE_TABLE_COUNT * 4096)
    mov x5, x1
.Linvalidate_tables:
    dc ivac, x5
    add x5, x5, x3
    cmp x5, x4
    b.lo .Linvalidate_tables
    dsb sy

    enable_mmu

    /* SP_EL1: exception stack. SP_EL0: the stack of all normal code, starting with boot. */
    adrp x1, vectra_aarch64_exception_stack_top
    add x1, x1, :lo12:vectra_aarch64_exception_stack_top
    mov sp, x1
    adrp x1, vectra_aarch64_boot_stack_top
    add x1, x1, :lo12:vectra_aarch64_boot_stack_top
    msr sp_el0, x1
    msr spsel, #0
    isb

    /* Read-only at EL0: non-zero only while a Task in a protection domain runs (UserMode.cpp). */
    msr tpidrro_el0, xzr
    /* The boot CPU's ProcessorBlock (Processors.h): its stacks for vectors.S, its index. */
    adrp x1, vectra_aarch64_processor_blocks
    add x1, x1, :lo12:vectra_aarch64_processor_blocks
    msr tpidr_el1, x1
    mov x29, xzr
    mov x30, xzr
    mov x0, x19
    bl platform_aarch64_start
.Lreturned:
    wfi
    b .Lreturned
    .size _start, . - _start
    .ltorg

/*
 * A CPU besides the boot CPU (ADR 0020, Processors.cpp), entered through PSCI CPU_ON at EL1
 * with the MMU and caches off and x0 = its index. The boot CPU's tables (already built and
 * cleaned to memory) and vectors; SP_EL1, SP_EL0 and TPIDR_EL1 (its ProcessorBlock) from the
 * three words Processors.cpp wrote for this CPU before CPU_ON (one CPU starts at a time), read
 * once the MMU and caches are on.
 */
    .globl vectra_aarch64_secondary_entry
    .type vectra_aarch64_secondary_entry, %function
vectra_aarch64_secondary_entry:
    mov x19, x0
    enter_el1
    adrp x1, vectra_aarch64_level1_table
    enable_mmu
    adrp x1, vectra_aarch64_secondary_exception_stack_top
    ldr x1, [x1, :lo12:vectra_aarch64_secondary_exception_stack_top]
    mov sp, x1
    adrp x1, vectra_aarch64_secondary_stack_top
    ldr x1, [x1, :lo12:vectra_aarch64_secondary_stack_top]
    msr sp_el0, x1
    msr spsel, #0
    isb
    msr tpidrro_el0, xzr
    adrp x1, vectra_aarch64_secondary_processor_block
    ldr x1, [x1, :lo12:vectra_aarch64_secondary_processor_block]
    msr tpidr_el1, x1
    mov x29, xzr
    mov x30, xzr
    mov x0, x19
    bl vectra_aarch64_secondary_start
.Lsecondary_returned:
    wfi
    b .Lsecondary_returned
    .size vectra_aarch64_secondary_entry, . - vectra_aarch64_secondary_entry
    .ltorg

    .section .bss.vectra_aarch64_page_tables, "aw", %nobits
    .balign 4096
    .globl vectra_aarch64_level1_table
vectra_aarch64_level1_table:
    .space 4096
vectra_aarch64_device_table:
    .space 4096
vectra_aarch64_ram_table:
    .space 4096
vectra_aarch64_stack_table:
    .space 4096

/*
 * The stacks, placed first in the image by linker.ld (one 2 MiB block holds them all), each
 * above an unmapped guard page: an overflow faults instead of corrupting its neighbour.
 */
.macro guarded_stack name, size
    .balign 4096
    .globl vectra_aarch64_\name\()_guard
vectra_aarch64_\name\()_guard:
    .space 4096
    .globl vectra_aarch64_\name\()_bottom
vectra_aarch64_\name\()_bottom:
    .space \size
    .globl vectra_aarch64_\name\()_top
vectra_aarch64_\name\()_top:
.endm

    .section .vectra_aarch64_stacks, "aw", %nobits
    .balign 4096
    .globl vectra_aarch64_stacks_start
vectra_aarch64_stacks_start:
    guarded_stack boot_stack, 65536
    guarded_stack exception_stack, 16384
    guarded_stack fault_stack, 16384
    guarded_stack nested_fault_stack, 8192
    .globl vectra_aarch64_stacks_end
vectra_aarch64_stacks_end:

    .section .note.GNU-stack, "", %progbits
