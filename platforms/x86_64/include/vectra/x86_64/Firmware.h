/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What the x86_64 platform learned from the boot loader (QEMU's PVH start info) that later
 * layers may want: the ACPI root pointer for device discovery and the kernel command line
 * (`qemu-system-x86_64 -append "..."`). Both stay valid for the whole run: the platform keeps
 * their pages out of the free memory it hands the kernel.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::x86_64 {

/* Physical address of the ACPI RSDP, or 0 when the loader gave none. */
[[nodiscard]] u64 acpi_root_pointer_address();

/* The NUL-terminated command line; "" when there is none. */
[[nodiscard]] char const* command_line();

}
