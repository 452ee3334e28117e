/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What a Task sees of a display (docs/adr/0014-display-as-a-capability.md): its mode and damage
 * rectangles. The display itself is a Device named by a DeviceCap ("display" in the manifest);
 * vectra/System.h has the calls.
 */

#pragma once

#include <vectra/Capability.h>
#include <vectra/Types.h>

namespace vectra {

/* A DeviceCap naming the display: read = mode and a read-only framebuffer; write = a writable one and present. */
using DisplayCap = DeviceCap;

enum class PixelFormat : u8 {
    None = 0,
    /* 32 bits per pixel, little-endian 0x00RRGGBB: bytes B, G, R, unused (DRM XRGB8888). */
    Xrgb8888 = 1,
};

struct DisplayMode {
    u32 width { 0 };
    u32 height { 0 };
    /* Bytes from one row to the next. */
    u32 stride { 0 };
    PixelFormat format { PixelFormat::None };

    [[nodiscard]] usize size() const { return usize(stride) * height; }
};

/* A rectangle in pixels. */
struct Rectangle {
    u32 x { 0 };
    u32 y { 0 };
    u32 width { 0 };
    u32 height { 0 };

    /* Non-empty and entirely on a screen of `mode` (computed without overflow). */
    [[nodiscard]] bool lies_within(DisplayMode const& mode) const
    {
        return width != 0 && height != 0 && u64(x) + width <= mode.width && u64(y) + height <= mode.height;
    }
};

}
