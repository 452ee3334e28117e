/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * No i8042 on this machine (vectra/platform/I8042.h): the kernel makes no capability, so the
 * ports below are never asked for.
 */

#include <vectra/Panic.h>
#include <vectra/platform/I8042.h>

namespace vectra::platform {

bool i8042_present() { return false; }

u8 i8042_read(u16) { PANIC("no i8042 on this machine"); }

void i8042_write(u16, u8) { PANIC("no i8042 on this machine"); }

u32 i8042_line() { return ~u32(0); }

}
