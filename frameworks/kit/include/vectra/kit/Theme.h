/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * VectraKit's look (v0: one theme): colours (xrgb8888), default paddings per kind, and the list's
 * row padding. Drawing reads only these, so a test can name every expected pixel.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::kit::theme {

constexpr u32 window = 0x00eceff1;
constexpr u32 text = 0x00202124;
constexpr u32 disabled_text = 0x009aa0a6;
constexpr u32 border = 0x007a8087;
constexpr u32 focus = 0x001a73e8;
constexpr u32 button_face = 0x00dadce0;
constexpr u32 button_pressed = 0x00b0b4ba;
constexpr u32 button_disabled = 0x00e8eaed;
constexpr u32 field = 0x00ffffff;
constexpr u32 selection = 0x001a73e8;
constexpr u32 selection_unfocused = 0x00c4c7cc;
constexpr u32 selected_text = 0x00ffffff;

constexpr u16 label_padding = 2;
constexpr u16 button_padding = 6;
constexpr u16 field_padding = 4;
constexpr u16 list_padding = 1;
constexpr i32 list_row_padding = 2;
constexpr i32 minimum_field_width = 120;
constexpr i32 minimum_list_width = 120;
constexpr i32 list_default_rows = 4;
/* The border of buttons, fields and lists; a focused one draws it twice as thick in `focus`. */
constexpr u32 border_width = 1;
constexpr u32 focus_width = 2;

}
