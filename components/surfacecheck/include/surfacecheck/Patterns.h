/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What image compositor's clients draw and where (the reference screenshot depends on every
 * number here), and the session and surface memory they share.
 */

#pragma once

#include <span>
#include <vectra/Bundle.h>
#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/Session.h>
#include <vectra/surface/Protocol.h>

namespace vectra::surfacecheck {

using SurfaceClient = session::SessionClient<surface::Protocol>;

/* One surface's place and size: its pixels are width × height, rows width × 4 bytes apart. */
struct Placement {
    i32 x;
    i32 y;
    u32 width;
    u32 height;
};

inline constexpr Placement bands_placement { 80, 80, 400, 300 };
inline constexpr Placement checker_placement { 300, 200, 360, 240 };
inline constexpr Placement gradient_placement { 200, 320, 300, 200 };
/* Where surface-check moves the gradient. */
inline constexpr i32 gradient_moved_x = 560;
inline constexpr i32 gradient_moved_y = 380;
/* The one-character damage: a white 8 × 16 block in the checkerboard. */
inline constexpr surface::SurfaceRectangle character { 20, 20, 8, 16 };
inline constexpr u32 character_colour = 0xffffff;

/* Eight vertical colour bands, 50 pixels each. */
void draw_bands(std::span<u8>, Placement const&);
/* A 20-pixel checkerboard of orange and dark blue. */
void draw_checker(std::span<u8>, Placement const&);
/* Green rising from left to right, blue from top to bottom. */
void draw_gradient(std::span<u8>, Placement const&);
/* Fills `rectangle` of a surface with `colour`. */
void fill(std::span<u8>, Placement const&, surface::SurfaceRectangle const&, u32 colour);

/* A session of vectra.surface from the Bundle's "memory", "requests" and "replies". */
[[nodiscard]] ErrorOr<SurfaceClient> open_session(Bundle&, ReticleCap const& memory);
/* Memory for a surface of `placement`, drawn by `draw`, shown at its place (create lends a read-only copy). */
struct Shown {
    MemCap memory;
    std::span<u8> pixels;
    u32 id { 0 };
};
[[nodiscard]] ErrorOr<Shown> show(SurfaceClient&, ReticleCap const& memory, Placement const&, void (*draw)(std::span<u8>, Placement const&));

}
