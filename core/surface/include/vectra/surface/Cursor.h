/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The pointer's arrow, drawn by compositord above every surface (docs/adr/0042-vectra-display.md
 * §7): a 12 × 19 arrow whose tip is the pointer's position, a black outline
 * around a white body, transparent elsewhere. It is drawn after composition, only inside the
 * frame's damage, so moving it costs the two boxes it left and entered.
 */

#pragma once

#include <vectra/surface/Compose.h>

namespace vectra::surface {

inline constexpr u32 cursor_width = 12;
inline constexpr u32 cursor_height = 19;
inline constexpr u32 cursor_outline = 0x000000;
inline constexpr u32 cursor_body = 0xffffff;

/* The box the arrow covers with its tip at (x, y). */
[[nodiscard]] constexpr Box cursor_box(i32 x, i32 y) { return Box::of(x, y, cursor_width, cursor_height); }

/* Draws the arrow with its tip at (x, y) into `target`, only inside `damage` (clipped to the screen). Returns the
 * pixels written. */
u64 draw_cursor(Target const&, i32 x, i32 y, Region const& damage);

}
