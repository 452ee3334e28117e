/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

namespace vectra::x86_64 {

/* Programs COM1 for 115200 8N1 with FIFOs and no interrupts. console_write works without it
   under QEMU; this makes it work on real 16550s too. */
void initialize_console();

}
