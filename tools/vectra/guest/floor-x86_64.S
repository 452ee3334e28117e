/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The do-nothing kernel of the boot benchmarks' floor (x86_64, ADR 0051): entered by QEMU through
 * the PVH ELF note in 32-bit protected mode, it writes one line to COM1 and leaves through
 * isa-debug-exit. Nothing is set up: what QEMU and the firmware take before a guest's first
 * line is all it measures.
 */
    .section .note.pvh, "a"
    .p2align 2
    .long 4             /* name size: "Xen\0" */
    .long 8             /* descriptor size */
    .long 18            /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .p2align 2
    .quad _start

    .text
    .code32
    .globl _start
_start:
    mov $message, %esi
next:
    movb (%esi), %bl
    test %bl, %bl
    jz done
    mov $0x3fd, %dx     /* line status: wait until the transmitter is empty */
wait:
    inb %dx, %al
    test $0x20, %al
    jz wait
    mov $0x3f8, %dx
    mov %bl, %al
    outb %al, %dx
    inc %esi
    jmp next
done:
    xor %eax, %eax
    mov $0xf4, %dx      /* isa-debug-exit */
    outl %eax, %dx
halt:
    hlt
    jmp halt

    .section .rodata
message:
    .asciz "floor: a do-nothing kernel's first line\n"
    .section .note.GNU-stack, "", @progbits
