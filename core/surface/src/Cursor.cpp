/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The pointer's arrow (Cursor.h).
 */

#include <cstring>
#include <vectra/surface/Cursor.h>

namespace vectra::surface {

namespace {

/* 'X' outline, '.' body, ' ' transparent; row by row from the tip. */
constexpr char const* arrow[cursor_height] = {
    "X           ",
    "XX          ",
    "X.X         ",
    "X..X        ",
    "X...X       ",
    "X....X      ",
    "X.....X     ",
    "X......X    ",
    "X.......X   ",
    "X........X  ",
    "X.........X ",
    "X..........X",
    "X......XXXXX",
    "X...X..X    ",
    "X..XX..X    ",
    "X.X  X..X   ",
    "XX   X..X   ",
    "X     X..X  ",
    "      XXXX  ",
};

}

u64 draw_cursor(Target const& target, i32 x, i32 y, Region const& damage)
{
    if (bytes_needed(target.width, target.height, target.stride) > target.pixels.size())
        return 0;
    Box shown = cursor_box(x, y).intersected(target.screen());
    u64 written = 0;
    for (auto const& damaged : damage.boxes()) {
        Box box = damaged.intersected(shown);
        for (i32 row = box.top; row < box.bottom; ++row) {
            u8* line = target.pixels.data() + usize(row) * target.stride;
            for (i32 column = box.left; column < box.right; ++column) {
                char shape = arrow[row - y][column - x];
                if (shape == ' ')
                    continue;
                u32 colour = shape == 'X' ? cursor_outline : cursor_body;
                memcpy(line + usize(column) * 4, &colour, 4);
                ++written;
            }
        }
    }
    return written;
}

}
