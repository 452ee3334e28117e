/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Facts about QEMU's virt machine and this image's layout, shared by the platform's files.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::platform::aarch64 {

constexpr uptr pl011_base = 0x0900'0000;
/* boot.S maps [device_map_start, device_map_end) as Device-nGnRnE memory (the GIC's windows must lie there). */
constexpr u64 device_map_start = 128 * MiB;
constexpr u64 device_map_end = 1024 * MiB;

constexpr u64 ram_base = 0x4000'0000;
/* boot.S maps [ram_base, ram_window_end) as Normal memory; RAM must lie inside it. */
constexpr u64 ram_window_end = 0x1'4000'0000;
/* Where QEMU puts the device tree when the image leaves the start of RAM free. */
constexpr u64 default_device_tree_address = ram_base;
/* Used when the device tree is unusable: QEMU's smallest sensible -m. */
constexpr u64 fallback_ram_size = 256 * MiB;

constexpr u64 page_size = 4 * KiB;

/* The virtual timer's private peripheral interrupt (GIC INTID). */
constexpr u32 virtual_timer_line = 27;
/* The software line (line 1, as on the other platforms): SGI 1, sent by this CPU to itself. */
constexpr u32 software_interrupt_line_number = 1;
/* SGI 2: the wake-up between CPUs (ADR 0020); every CPU takes it, the boot CPU too since it idles like the others (ADR 0034). */
constexpr u32 wakeup_interrupt_line_number = 2;

/* Image layout from linker.ld and boot.S; compare addresses, never dereference. */
extern "C" char __image_start[];
extern "C" char __image_end[];
extern "C" char vectra_aarch64_exception_stack_bottom[];
extern "C" char vectra_aarch64_exception_stack_top[];
extern "C" char vectra_aarch64_fault_stack_bottom[];
extern "C" char vectra_aarch64_fault_stack_top[];
extern "C" char vectra_aarch64_nested_fault_stack_bottom[];
extern "C" char vectra_aarch64_nested_fault_stack_top[];

[[nodiscard]] inline u64 address_of(char const* symbol) { return reinterpret_cast<uptr>(symbol); }

}
