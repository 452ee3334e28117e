/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The GICv2 of QEMU virt: distributor at 0x08000000, CPU interface at 0x08010000. Every
 * interrupt is group 0, priority 0xa0, routed to CPU 0, and starts disabled; shared
 * peripheral interrupts (INTID >= 32) are edge-triggered, except those a PCI function's INTx
 * pin raises, which are made level-triggered when the kernel binds the pin (ADR 0021).
 *
 * Software-generated interrupts (INTID 0-15) cannot be disabled on every GICv2 (QEMU's are
 * always enabled), so an SGI is disabled by giving it priority 0xff, which the priority mask
 * (0xf0) never lets through: it stays pending in the distributor until enabled again.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::platform::aarch64 {

void gic_initialize();
[[nodiscard]] u32 gic_line_count();
void gic_enable_line(u32 line);
void gic_disable_line(u32 line);
/* Make shared line `line` (INTID 32 or more) level-triggered, disabling it first; a level line is left as it is. */
void gic_set_level_triggered(u32 line);

/* GICD_SGIR with the "this CPU only" target filter: SGI `line` (0-15) becomes pending here. */
void gic_send_software_interrupt_to_self(u32 line);

/* INTIDs 1020-1023 are special (1023: nothing pending). */
constexpr u32 gic_first_special_line = 1020;
/* Returns the whole GICC_IAR value; its low 10 bits are the INTID. */
[[nodiscard]] u32 gic_acknowledge();
void gic_end_of_interrupt(u32 acknowledged);

}
