/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/platform/Platform.h>

namespace vectra::x86_64 {

/*
 * Fills `free_memory` from the PVH start info: E820 RAM from 1 MiB, page-aligned, minus the
 * image and every structure the loader handed over (start info, memory map, command lines,
 * modules). RAM above 4 GiB (ADR 0027) is mapped with 2 MiB pages (Paging.cpp) and offered in
 * whole 2 MiB pages, up to 512 GiB — except with protection domains, whose address spaces reach
 * only the first 4 GiB; one line says which. Also records the ACPI root pointer and command
 * line for Firmware.h. Panics when there is no usable start info.
 */
void read_memory_map(u32 start_info_address, platform::MemoryMap& free_memory);

/* The page the other CPUs start in (ADR 0020, trampoline.S): below 1 MiB, so never in
   free_memory. trampoline_page_is_free() says whether E820 calls it RAM and the loader left
   nothing there (read_memory_map decides). */
inline constexpr u64 trampoline_page = 0x8000;
[[nodiscard]] bool trampoline_page_is_free();

}
