/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The platform side of the i8042 keyboard controller (ADR 0031 amendment 2026-12-06): x86_64
 * machines have one (data port 0x60, status/command port 0x64, its keyboard on ISA IRQ 1); the
 * kernel confines a DeviceCap of kind I8042 to exactly these two ports and that line
 * (vectra/kernel/I8042.h). Every other platform has none: i8042_present() is false and the
 * kernel makes no capability.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::platform {

inline constexpr u16 i8042_data_port = 0x60;
inline constexpr u16 i8042_status_port = 0x64; /* read: status; write: a controller command */

/* Whether the machine has an i8042 (x86_64: its status port does not float to all ones). */
[[nodiscard]] bool i8042_present();
/* One byte from port 0x60 or 0x64; the kernel never asks for another port. */
[[nodiscard]] u8 i8042_read(u16 port);
void i8042_write(u16 port, u8 value);
/* The interrupt line its first (keyboard) port raises: ISA IRQ 1, edge-triggered. */
[[nodiscard]] u32 i8042_line();

}
