/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The do-nothing kernel of the boot benchmarks' floor (aarch64, ADR 0051): entered by QEMU at EL1
 * with the MMU off, it writes one line to the PL011 and asks PSCI to switch the machine off.
 * Nothing is set up: what QEMU takes before a guest's first line is all it measures.
 */
    .text
    .globl _start
_start:
    ldr x1, =0x09000000     /* PL011 */
    adr x2, message
next:
    ldrb w3, [x2], #1
    cbz w3, done
wait:
    ldr w4, [x1, #0x18]     /* flags: wait while the transmit FIFO is full */
    tbnz w4, #5, wait
    str w3, [x1]
    b next
done:
    ldr x0, =0x84000008     /* PSCI SYSTEM_OFF */
    hvc #0
halt:
    wfi
    b halt

message:
    .asciz "floor: a do-nothing kernel's first line\n"
    .section .note.GNU-stack, "", %progbits
