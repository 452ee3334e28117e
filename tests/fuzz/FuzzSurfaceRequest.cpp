/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a vectra.surface request, answered by dispatch with compositord's
 * session handlers over its real state (Compositor.h) and a small screen, from one of two sessions
 * (the first byte chooses). No MemCap travels with a fuzzed request (a fuzz run has no Task), so
 * create and resize are refused `buffer-unusable` and every other request names no surface of its
 * session: the target checks decoding and validation — every refusal leaves the state unchanged
 * (no surface, no focus, no damage) — beyond the dispatch checks of DispatchFuzzer.h, and a
 * composition after each request writes nothing outside the screen.
 */

#include "DispatchFuzzer.h"
#include <compositord/Compositor.h>
#include <vector>

using namespace vectra;

namespace {

constexpr u32 width = 32, height = 24;

struct Handler {
    compositord::Compositor& compositor;
    usize session;

    ErrorOr<surface::Created> handle(surface::Create const& request, protocol::MessageCapabilities& capabilities)
    {
        return surface::Created { TRY(compositor.create(session, request, capabilities.received)) };
    }
    ErrorOr<protocol::Done> handle(surface::Resize const& request, protocol::MessageCapabilities& capabilities)
    {
        TRY(compositor.resize(session, request, capabilities.received));
        return protocol::Done {};
    }
    ErrorOr<protocol::Done> handle(surface::Damage const& request)
    {
        TRY(compositor.damage(session, request));
        return protocol::Done {};
    }
    ErrorOr<protocol::Done> handle(surface::Move const& request)
    {
        TRY(compositor.move(session, request.surface, request.x, request.y));
        return protocol::Done {};
    }
    ErrorOr<protocol::Done> handle(surface::Raise const& request)
    {
        TRY(compositor.raise(session, request.surface));
        return protocol::Done {};
    }
    ErrorOr<protocol::Done> handle(surface::Lower const& request)
    {
        TRY(compositor.lower(session, request.surface));
        return protocol::Done {};
    }
    ErrorOr<protocol::Done> handle(surface::Focus const& request)
    {
        TRY(compositor.focus(session, request.surface));
        return protocol::Done {};
    }
    ErrorOr<protocol::Done> handle(surface::Destroy const& request)
    {
        TRY(compositor.destroy(session, request.surface));
        return protocol::Done {};
    }
    ErrorOr<surface::FrameDone> handle(surface::Frame const&) { return surface::FrameDone {}; }
    ErrorOr<surface::State> handle(surface::ReadState const&)
    {
        return surface::State { width, height, compositor.focused_for(session), u32(compositor.surface_count(session)), 0 };
    }
};

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    static std::vector<u8> pixels(width * height * 4 + 64, 0x5a);
    static compositord::Compositor compositor(surface::Target { std::span<u8>(pixels).first(width * height * 4), width, height, width * 4 }, 0x203040);
    if (size == 0)
        return 0;
    Handler handler { compositor, usize(data[0] & 1) };
    (void)test::fuzz_dispatch<surface::Protocol>(handler, std::span<u8 const>(data + 1, size - 1));
    VERIFY(compositor.surface_count() == 0 && compositor.focused() == 0 && !compositor.has_damage());
    auto frame = compositor.compose();
    VERIFY(frame.composed.pixels == 0);
    for (usize at = width * height * 4; at < pixels.size(); ++at)
        VERIFY(pixels[at] == 0x5a);
    return 0;
}
