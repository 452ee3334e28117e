/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted platform's INTx lines (ADR 0021) and virtio-mmio slot lines (ADR 0025), raised only by host tests: lines 80-83 stand for
 * a host bridge's four wires, pin P of device D on line 80 + (D + P - 1) % 4 (the PCI-to-PCI
 * bridge swizzle), so functions share lines as they do on a machine.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::platform::hosted {

inline constexpr u32 first_intx_line = 80;
inline constexpr u32 intx_line_count = 4;

/* Whether INTx line `line` is masked now (every line starts masked). */
[[nodiscard]] bool intx_line_masked(u32 line);

/* Lines for modelled virtio-mmio slots (ADR 0025), which host tests install and raise. */
inline constexpr u32 first_slot_line = 84;
inline constexpr u32 slot_line_count = 8;

/* Whether slot line `line` is masked now (every line starts masked). */
[[nodiscard]] bool slot_line_masked(u32 line);

/* The line of a modelled i8042 (a Linux process has none; host tests install one and raise it). */
inline constexpr u32 i8042_model_line = 92;

/* Whether the modelled i8042's line is masked now (it starts masked). */
[[nodiscard]] bool i8042_model_line_masked();

}
