/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: vectra.surface requests answered by compositord's session handlers over its
 * real state (Compositor.h) and a small screen. Each input is run twice:
 *
 *   - whole, as one request without a MemCap, through DispatchFuzzer.h's checks (reply envelope,
 *     call id, canonical decoding); every refusal leaves the state unchanged;
 *   - as a sequence of requests ([control byte][length byte][bytes]) inside a Task that lends
 *     MemCaps as clients do: the control byte picks the session (two), what the slot carries (none,
 *     a big enough read-only copy, a too small one, one without read, one revoked before the
 *     request) and whether to compose after it. Surfaces then really exist, so ids, damage,
 *     z-order and destroy are reached; after every request the limits hold (16 surfaces, 4 per
 *     session), no carried copy is left unhandled, and no composition writes past the screen.
 *     A control byte with bit 6 set makes its bytes an inputd event (kind, action, code, modifiers,
 *     x, y, buttons) routed by compositord's InputRouter instead (ADR 0047): every key or pointer
 *     event then queued names a surface of the session it was queued for, and no queue passes its
 *     bound; `input` requests drain the queues.
 */

#include "DispatchFuzzer.h"
#include "TaskFuzzer.h"
#include <compositord/Compositor.h>
#include <compositord/InputRouter.h>
#include <vector>
#include "../TestSupport.h"
#include <vectra/System.h>
#include <vectra/kernel/Executor.h>

using namespace vectra;

namespace {

constexpr u32 width = 32, height = 24;

struct Handler {
    compositord::Compositor& compositor;
    compositord::InputRouter& router;
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
    ErrorOr<protocol::Done> handle(surface::Cursor const& request)
    {
        TRY(compositor.cursor(request.x, request.y, request.visible != 0));
        return protocol::Done {};
    }
    ErrorOr<surface::FrameDone> handle(surface::Frame const&) { return surface::FrameDone {}; }
    ErrorOr<surface::InputEvents> handle(surface::ReadInput const&) { return router.drain(session); }
    ErrorOr<surface::State> handle(surface::ReadState const&)
    {
        return surface::State { width, height, compositor.focused_for(session), u32(compositor.surface_count(session)), 0 };
    }
};

std::span<u8 const> s_input;

/* An inputd event from up to 12 bytes: kind, action, code (2), modifiers, x (2), y (2), buttons, a character (2). */
input::InputEvent event_of(std::span<u8 const> bytes)
{
    u8 padded[12] {};
    for (usize index = 0; index < bytes.size() && index < sizeof(padded); ++index)
        padded[index] = bytes[index];
    input::InputEvent event;
    event.kind = u8(1 + padded[0] % 3);
    event.action = padded[1];
    event.code = u16(padded[2] | padded[3] << 8);
    event.modifiers = padded[4];
    event.x = u32(padded[5] | padded[6] << 8);
    event.y = u32(padded[7] | padded[8] << 8);
    event.buttons = padded[9];
    if (padded[10] | padded[11])
        (void)event.characters.try_append(u32(padded[10] | padded[11] << 8));
    return event;
}

/* Every key and pointer event queued for a session names one of its own surfaces (or one already gone). */
void check_queues(compositord::Compositor const& compositor, compositord::InputRouter& router)
{
    for (usize session = 0; session < 2; ++session) {
        VERIFY(router.queued(session) <= surface::queued_input_events);
        auto read = router.drain(session);
        for (auto const& event : read.events) {
            if (event.kind == surface::event_kind::focus)
                continue;
            auto slot = compositor.slot_of(event.surface);
            VERIFY(!slot || compositor.slot(*slot).session == session);
        }
    }
}

/* The sequence run: requests with lent MemCaps, from a Task. */
ErrorOr<i32> lending_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    std::vector<u8> pixels(width * height * 4 + 64, 0x5a);
    compositord::Compositor compositor(surface::Target { std::span<u8>(pixels).first(width * height * 4), width, height, width * 4 }, 0x203040);
    auto big = TRY(system::create_memory(memory, 64 * KiB));
    auto small = TRY(system::create_memory(memory, 4096));
    compositord::InputRouter router(compositor);
    usize at = 0;
    while (at + 2 <= s_input.size()) {
        u8 control = s_input[at];
        usize length = s_input[at + 1];
        at += 2;
        if (length > s_input.size() - at)
            length = s_input.size() - at;
        auto request = s_input.subspan(at, length);
        at += length;
        if (control & 0x40) {
            router.route(event_of(request));
            check_queues(compositor, router);
            continue;
        }
        protocol::MessageCapabilities capabilities;
        MemCap copy;
        switch ((control >> 1) & 7) {
        case 1:
            copy = TRY(system::attenuate(big, RightRead));
            break;
        case 2:
            copy = TRY(system::attenuate(small, RightRead));
            break;
        case 3:
            copy = TRY(system::attenuate(big, RightWrite));
            break;
        case 4:
            /* A copy revoked before the request is looked at (its own copy of `small`, so `small` stays usable). */
            copy = TRY(system::attenuate(small, RightRead | RightGrant | RightRevoke));
            {
                auto lent = TRY(system::attenuate(copy, RightRead));
                (void)system::revoke(copy);
                (void)system::remove(std::move(copy));
                copy = std::move(lent);
            }
            break;
        default:
            break;
        }
        if (((control >> 1) & 7) >= 1 && ((control >> 1) & 7) <= 4)
            capabilities.received = ReceivedCapability { CapabilityClass::Memory, { copy.space(), copy.slot(), copy.generation() } };
        Handler handler { compositor, router, usize(control & 1) };
        u8 reply[protocol::payload_capacity<surface::Protocol>];
        usize replied = protocol::dispatch<surface::Protocol>(handler, request, reply, capabilities);
        VERIFY(replied >= protocol::envelope_size && replied <= sizeof(reply));
        if (capabilities.received)
            endpoint::discard(*capabilities.received); /* what the loop does with a copy nobody kept */
        VERIFY(compositor.surface_count() <= compositord::maximum_surfaces);
        VERIFY(compositor.surface_count(0) <= surface::surfaces_per_session && compositor.surface_count(1) <= surface::surfaces_per_session);
        VERIFY(compositor.pending_damage().boxes().size() <= surface::Region::maximum_boxes);
        router.notice_focus();
        if (control & 0x80) {
            auto frame = compositor.compose();
            VERIFY(frame.composed.pixels <= u64(width) * height);
        }
    }
    compositor.close_session(0);
    compositor.close_session(1);
    router.notice_focus();
    router.close_session(0);
    router.close_session(1);
    VERIFY(!router.has_events(0) && !router.has_events(1));
    VERIFY(compositor.surface_count() == 0);
    for (usize index = width * height * 4; index < pixels.size(); ++index)
        VERIFY(pixels[index] == 0x5a);
    return 0;
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    static std::vector<u8> pixels(width * height * 4 + 64, 0x5a);
    static compositord::Compositor compositor(surface::Target { std::span<u8>(pixels).first(width * height * 4), width, height, width * 4 }, 0x203040);
    static compositord::InputRouter router(compositor);
    if (size == 0)
        return 0;
    Handler handler { compositor, router, usize(data[0] & 1) };
    (void)test::fuzz_dispatch<surface::Protocol>(handler, std::span<u8 const>(data + 1, size - 1));
    VERIFY(compositor.surface_count() == 0 && compositor.focused() == 0);
    /* `cursor` is the one request a session has accepted without a MemCap: the arrow's boxes are then
       damaged. Hide it and compose them away, so the next input starts from an undamaged screen. */
    MUST(compositor.cursor(0, 0, false));
    (void)compositor.compose();
    VERIFY(!compositor.has_damage());
    auto frame = compositor.compose();
    VERIFY(frame.composed.pixels == 0);
    for (usize at = width * height * 4; at < pixels.size(); ++at)
        VERIFY(pixels[at] == 0x5a);

    s_input = { data, size };
    test::run_fuzz_task(lending_task);
    return 0;
}
