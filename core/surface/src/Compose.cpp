/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Composition limited to damage (Compose.h): for each damaged box, row by row, the row is split
 * at the edges of the layers crossing it and each run takes its topmost layer (or the background),
 * so each pixel is written once.
 */

#include <string.h>
#include <vectra/surface/Compose.h>

namespace vectra::surface {

namespace {

bool usable(Layer const& layer)
{
    if (layer.frame.is_empty())
        return false;
    u64 needed = bytes_needed(layer.frame.width(), layer.frame.height(), layer.stride);
    return needed != 0 && layer.pixels.size() >= needed;
}

void fill(u8* row, i32 from, i32 to, u32 colour)
{
    auto* pixels = reinterpret_cast<u32*>(row);
    for (i32 x = from; x < to; ++x)
        pixels[x] = colour;
}

}

Composed compose(Target const& target, u32 background, std::span<Layer const> layers, Region const& damage)
{
    Composed composed;
    Box screen = target.screen();
    if (bytes_needed(target.width, target.height, target.stride) > target.pixels.size())
        return composed;
    for (auto const& damaged : damage.boxes()) {
        Box box = damaged.intersected(screen);
        if (box.is_empty())
            continue;
        ++composed.boxes;
        composed.pixels += box.area();
        for (i32 y = box.top; y < box.bottom; ++y) {
            u8* row = target.pixels.data() + usize(y) * target.stride;
            i32 x = box.left;
            while (x < box.right) {
                /* The topmost layer holding (x, y), and where the run it starts ends. */
                i32 run_end = box.right;
                Layer const* top = nullptr;
                for (usize index = layers.size(); index-- > 0;) {
                    auto const& layer = layers[index];
                    if (!usable(layer) || y < layer.frame.top || y >= layer.frame.bottom)
                        continue;
                    if (x >= layer.frame.left && x < layer.frame.right) {
                        top = &layer;
                        if (layer.frame.right < run_end)
                            run_end = layer.frame.right;
                        break;
                    }
                    /* A higher layer starting right of x cuts the run short. */
                    if (layer.frame.left > x && layer.frame.left < run_end)
                        run_end = layer.frame.left;
                }
                if (top) {
                    /* Layers above it that start right of x have already cut run_end. */
                    u8 const* source = top->pixels.data() + usize(y - top->frame.top) * top->stride
                        + usize(x - top->frame.left) * 4;
                    memcpy(row + usize(x) * 4, source, usize(run_end - x) * 4);
                    composed.copied += u64(run_end - x);
                } else {
                    fill(row, x, run_end, background);
                }
                x = run_end;
            }
        }
    }
    return composed;
}

}
