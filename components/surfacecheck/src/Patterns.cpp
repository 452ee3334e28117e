/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The clients' patterns and their shared session and surface set-up (Patterns.h).
 */

#include <string.h>
#include <surfacecheck/Patterns.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>

namespace vectra::surfacecheck {

namespace {

void put(std::span<u8> pixels, Placement const& placement, u32 x, u32 y, u32 colour)
{
    memcpy(pixels.data() + (usize(y) * placement.width + x) * 4, &colour, 4);
}

constexpr u32 band_colours[8] = { 0xe04040, 0xe0a040, 0xe0e040, 0x40e040, 0x40e0e0, 0x4040e0, 0xa040e0, 0xe040a0 };

}

void draw_bands(std::span<u8> pixels, Placement const& placement)
{
    for (u32 y = 0; y < placement.height; ++y)
        for (u32 x = 0; x < placement.width; ++x)
            put(pixels, placement, x, y, band_colours[(x / 50) % 8]);
}

void draw_checker(std::span<u8> pixels, Placement const& placement)
{
    for (u32 y = 0; y < placement.height; ++y)
        for (u32 x = 0; x < placement.width; ++x)
            put(pixels, placement, x, y, ((x / 20) + (y / 20)) % 2 ? 0xff8000 : 0x102060);
}

void draw_gradient(std::span<u8> pixels, Placement const& placement)
{
    for (u32 y = 0; y < placement.height; ++y)
        for (u32 x = 0; x < placement.width; ++x)
            put(pixels, placement, x, y, ((x * 255 / placement.width) << 8) | (y * 255 / placement.height));
}

void fill(std::span<u8> pixels, Placement const& placement, surface::SurfaceRectangle const& rectangle, u32 colour)
{
    for (u32 y = rectangle.y; y < rectangle.y + rectangle.height; ++y)
        for (u32 x = rectangle.x; x < rectangle.x + rectangle.width; ++x)
            put(pixels, placement, x, y, colour);
}

ErrorOr<SurfaceClient> open_session(Bundle& bundle, ReticleCap const& memory)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto pool = TRY(endpoint::carve(memory, session::pool_size<surface::Protocol>()));
    return SurfaceClient::open(std::move(requests), std::move(replies), std::move(pool));
}

ErrorOr<Shown> show(SurfaceClient& client, ReticleCap const& memory, Placement const& placement,
    void (*draw)(std::span<u8>, Placement const&))
{
    Shown shown;
    shown.memory = TRY(system::create_memory(memory, usize(placement.width) * placement.height * 4));
    shown.pixels = TRY(system::map_memory(shown.memory));
    draw(shown.pixels, placement);
    shown.id = TRY(client.call_lending(
                       surface::Create { placement.x, placement.y, placement.width, placement.height, placement.width * 4 },
                       shown.memory, RightRead))
                   .surface;
    return shown;
}

}
