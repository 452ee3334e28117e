/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What font-check and shape-check share: the screen they paint, the session's atlas mapped
 * read-only and read through core/font's AtlasView (every glyph's place checked against the
 * geometry fontd states), glyphs blended with core/font's blend_glyph — as every client of fontd
 * draws — the checks' expectations and refusals, and the frame held for the screen oracle.
 */

#pragma once

#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/font/AtlasClient.h>
#include <vectra/font/Coverage.h>
#include <vectra/font/Protocol.h>

namespace vectra::task_entries::font_drawing {

using font::FontClient;

constexpr u64 hold_milliseconds = 2000;
constexpr SignalBit hold_bit { 20 };
constexpr u32 paper = 0xf4f1e8;
constexpr u32 ink = 0x1a1a2e;

struct Screen {
    std::span<u8> pixels;
    DisplayMode mode;

    void put(i32 x, i32 y, u32 colour)
    {
        if (x < 0 || y < 0 || u32(x) >= mode.width || u32(y) >= mode.height)
            return;
        __builtin_memcpy(pixels.data() + usize(y) * mode.stride + usize(x) * 4, &colour, 4);
    }
};

/* The screen as core/font draws on it: XRGB8888 pixels, rows stride / 4 pixels apart. */
inline font::PixelSpan pixels_of(Screen& screen)
{
    return { std::span<u32>(reinterpret_cast<u32*>(screen.pixels.data()), screen.pixels.size() / 4), screen.mode.stride / 4 };
}

/* The session's atlas: fontd's read-only MemCap, its mapping, and the view every glyph is read through. */
struct SharedAtlas {
    MemCap capability;
    std::span<u8 const> mapping;
    font::AtlasShared geometry;
    font::AtlasView view;
};

inline ErrorOr<SharedAtlas> share_atlas(FontClient& client)
{
    auto shared = TRY(client.call_receiving(font::ShareAtlas {}));
    if (!shared.capability.has_value())
        return Error(font::ClientError::NoAtlas, "the atlas reply carried no capability");
    auto capability = TRY(shared.capability->as<CapabilityClass::Memory>());
    auto mapping = TRY(system::map_memory_read_only(capability));
    auto view = TRY(font::AtlasView::try_create(mapping, shared.reply));
    return SharedAtlas { std::move(capability), mapping, shared.reply, view };
}

/* A region of the atlas as AtlasView reads it (a place outside the stated geometry is refused). */
inline ErrorOr<font::GlyphImage> atlas_region(font::AtlasView const& atlas, u32 x, u32 y, u32 width, u32 height)
{
    font::Glyph region;
    region.x = u16(x);
    region.y = u16(y);
    region.width = u16(width);
    region.height = u16(height);
    return atlas.image_of(region);
}

/* The glyph's coverage from the atlas blended in `colour` at pen (x, baseline), clipped to the screen. */
inline ErrorOr<void> draw_glyph(Screen& screen, font::AtlasView const& atlas, font::Glyph const& glyph, i32 x, i32 baseline, u32 colour = ink)
{
    auto target = pixels_of(screen);
    font::blend_glyph(target, target.bounds(), TRY(atlas.image_of(glyph)), x, baseline, colour);
    return {};
}

/* UTF-8 (the checks' own literals, validated by the compiler) to code points. */
inline usize decode(char const* text, u32* out, usize capacity)
{
    usize count = 0;
    auto const* bytes = reinterpret_cast<u8 const*>(text);
    while (*bytes && count < capacity) {
        u32 code_point = *bytes++;
        usize more = code_point >= 0xf0 ? 3 : code_point >= 0xe0 ? 2 : code_point >= 0xc0 ? 1 : 0;
        if (more)
            code_point &= 0x3f >> more;
        for (usize index = 0; index < more; ++index)
            code_point = (code_point << 6) | (*bytes++ & 0x3f);
        out[count++] = code_point;
    }
    return count;
}

inline ErrorOr<void> expect(bool condition, char const* what)
{
    if (!condition)
        return Error(ErrorCode::InvalidArgument, what);
    return {};
}

/* `result` must be refused with `code`; says so on the console as `check: what -> refused (name)`. */
template<typename T, typename Code>
ErrorOr<void> expect_refusal(ConsoleCap const& console, char const* check, char const* what, ErrorOr<T> const& result, Code code)
{
    if (!result.is_error() || !result.error().is(code)) {
        TRY(print_line(console, "{}: {} -> NOT refused as expected", check, what));
        return Error(ErrorCode::InvalidArgument, "a refusal did not come");
    }
    TRY(print_line(console, "{}: {} -> refused ({})", check, what, result.error().name()));
    return {};
}

inline font::OpenFace named(char const* name)
{
    font::OpenFace request;
    for (char const* character = name; *character; ++character)
        (void)request.name.try_append(u8(*character));
    return request;
}

/* What both checks take from their bundle: the console, the display, their memory, a vectra.font session. */
struct FontCheckBundle {
    ConsoleCap console;
    DisplayCap display;
    ReticleCap memory;
    FontClient client;
};

inline ErrorOr<FontCheckBundle> take_font_check_bundle(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto display = TRY(bundle.take<DisplayCap>("display"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto pool = TRY(endpoint::carve(memory, session::pool_size<font::Protocol>()));
    auto client = TRY(FontClient::open(std::move(requests), std::move(replies), std::move(pool)));
    return FontCheckBundle { std::move(console), std::move(display), std::move(memory), std::move(client) };
}

/* The display's memory (kept in `framebuffer` by the caller) mapped and cleared to paper. */
inline ErrorOr<Screen> paper_screen(DisplayCap const& display, MemCap& framebuffer)
{
    auto mode = TRY(system::display_mode(display));
    TRY(expect(mode.format == PixelFormat::Xrgb8888, "the display is not XRGB8888"));
    framebuffer = TRY(system::display_memory(display, true));
    Screen screen { TRY(system::map_memory(framebuffer)), mode };
    for (u32 y = 0; y < mode.height; ++y)
        for (u32 x = 0; x < mode.width; ++x)
            screen.put(i32(x), i32(y), paper);
    return screen;
}

/* Holds the presented frame for the screen oracle's screenshot. */
inline ErrorOr<void> hold_frame(ConsoleCap const& console, ReticleCap const& memory, char const* check)
{
    TRY(print_line(console, "{}: holding the frame {} ms for a screenshot", check, hold_milliseconds));
    auto timer = TRY(system::create_timer(memory, hold_bit));
    TRY(system::arm_timer(timer, monotonic_now().nanoseconds_since_boot() + hold_milliseconds * 1'000'000));
    system::wait(hold_bit.mask());
    return {};
}

}
