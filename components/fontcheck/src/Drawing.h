/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What font-check and shape-check share: the screen they paint, coverage blended over it, a glyph
 * drawn from the read-only atlas, the checks' expectations and refusals, and the frame held for
 * the screen oracle.
 */

#pragma once

#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/font/Protocol.h>

namespace vectra::task_entries::font_drawing {

using FontClient = session::SessionClient<font::Protocol>;

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
    u32 at(i32 x, i32 y) const
    {
        u32 colour;
        __builtin_memcpy(&colour, pixels.data() + usize(y) * mode.stride + usize(x) * 4, 4);
        return colour;
    }
};

/* `over` above `under`, by 8-bit coverage, each channel rounded the same way everywhere. */
inline u32 blend(u32 under, u32 over, u8 coverage)
{
    u32 result = 0;
    for (u32 shift = 0; shift < 24; shift += 8) {
        u32 below = (under >> shift) & 0xff;
        u32 above = (over >> shift) & 0xff;
        u32 mixed = (above * coverage + below * (255 - coverage) + 127) / 255;
        result |= mixed << shift;
    }
    return result;
}

/* The glyph's coverage from the atlas in `ink`, its bitmap's left edge at `left`, its top at `top`. */
inline void draw_glyph(Screen& screen, std::span<u8 const> atlas, font::Glyph const& glyph, i32 left, i32 top)
{
    for (u32 row = 0; row < glyph.height; ++row) {
        for (u32 column = 0; column < glyph.width; ++column) {
            u8 coverage = atlas[usize(glyph.y + row) * font::atlas_width + glyph.x + column];
            if (coverage == 0)
                continue;
            i32 x = left + i32(column), y = top + i32(row);
            screen.put(x, y, blend(screen.at(x, y), ink, coverage));
        }
    }
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
