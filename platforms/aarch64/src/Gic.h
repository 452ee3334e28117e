/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The interrupt controller (ADR 0027): the GIC the device tree describes — a GICv2 (QEMU virt's
 * default, gic-version=2) or a GICv3 (gic-version=3) — else QEMU virt's GICv2 at its fixed
 * addresses. Every interrupt has priority 0xa0 (the timer's PPI 0x90: GicRegisters.h), is routed
 * to CPU 0 and starts disabled; shared peripheral interrupts (INTID >= 32) are edge-triggered,
 * except those a PCI function's INTx pin raises, which are made level-triggered when the kernel
 * binds the pin (ADR 0021).
 * GicV2.cpp and GicV3.cpp hold the two drivers; this interface hides which one runs.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::platform::aarch64 {

/* The distributor and this (the boot) CPU's interface; reads the device tree discover_machine kept. */
void gic_initialize();
/* On a CPU besides the boot CPU (ADR 0020): its banked SGI/PPI state (only the wake-up SGI
   enabled) and its CPU interface (GICv3: its redistributor, found by MPIDR affinity). */
void gic_initialize_secondary_cpu();
/* 2 or 3. */
[[nodiscard]] u32 gic_version();
/* What names this CPU as the target of an SGI: GICv2 its bit in the CPU target lists, GICv3
   its MPIDR affinity (Aff3 in bits 32-39, Aff2-Aff0 in bits 0-23). */
[[nodiscard]] u64 gic_cpu_target();
/* SGI `line` (0-15) becomes pending on the CPU `target` (a gic_cpu_target() value) names. */
void gic_send_software_interrupt(u32 line, u64 target);
/* SGI `line` (0-15) becomes pending on this CPU. */
void gic_send_software_interrupt_to_self(u32 line);
[[nodiscard]] u32 gic_line_count();
void gic_enable_line(u32 line);
void gic_disable_line(u32 line);
/* Whether private line `line` (below 32) is enabled on this CPU through gic_enable_line. */
[[nodiscard]] bool gic_private_line_enabled(u32 line);
/* Make shared line `line` (INTID 32 or more) level-triggered, disabling it first; a level line is left as it is. */
void gic_set_level_triggered(u32 line);

/* INTIDs 1020-1023 are special (1023: nothing pending). */
constexpr u32 gic_first_special_line = 1020;
/* Acknowledges the highest-priority pending interrupt (GICC_IAR / ICC_IAR1_EL1); the value is
   what gic_end_of_interrupt takes; gic_line_of gives its INTID. */
[[nodiscard]] u32 gic_acknowledge();
[[nodiscard]] inline u32 gic_line_of(u32 acknowledged) { return acknowledged & 0x3ff; }
void gic_end_of_interrupt(u32 acknowledged);

}
