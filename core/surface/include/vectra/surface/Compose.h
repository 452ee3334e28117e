/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Composition limited to damage (docs/adr/0041-compositord.md §2): opaque XRGB8888 surfaces,
 * z-ordered bottom to top, over a background colour, written into a framebuffer only inside the
 * damaged boxes (clipped to the screen). Every damaged pixel is written exactly once (the region's
 * boxes are disjoint and each pixel takes the topmost surface covering it), and no pixel outside
 * the damage is touched.
 */

#pragma once

#include <span>
#include <vectra/surface/Region.h>

namespace vectra::surface {

/* The framebuffer composed into: `stride` bytes per row, at least stride × (height - 1) + width × 4 bytes. */
struct Target {
    std::span<u8> pixels;
    u32 width { 0 };
    u32 height { 0 };
    u32 stride { 0 };

    [[nodiscard]] Box screen() const { return Box::of(0, 0, width, height); }
};

/* One surface as composed: where it lies on the screen, and its pixels (XRGB8888 rows `stride` bytes apart). */
struct Layer {
    Box frame;
    std::span<u8 const> pixels;
    u32 stride { 0 };
};

/* The bytes a width × height surface with `stride` needs (0 when the stride is narrower than a row); no overflow for u32 inputs. */
[[nodiscard]] constexpr u64 bytes_needed(u32 width, u32 height, u32 stride)
{
    if (width == 0 || height == 0 || u64(stride) < u64(width) * 4)
        return 0;
    return u64(stride) * (height - 1) + u64(width) * 4;
}

struct Composed {
    u64 pixels { 0 };     /* framebuffer pixels written: the damage's area on the screen */
    u64 copied { 0 };     /* of those, taken from a surface (the rest are background) */
    usize boxes { 0 };    /* damaged boxes composed */
};

/*
 * Composes `damage` (clipped to the screen) from `layers` (bottom first) over `background`.
 * A layer whose pixels are fewer than its frame needs is skipped (shown as what lies below).
 */
Composed compose(Target const&, u32 background, std::span<Layer const> layers, Region const& damage);

}
