/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's input routing (compositord/InputRouter.h, docs/adr/0047-input-routing.md) over a
 * real Compositor with lent surfaces: keys reach only the focused surface's session; pointer
 * reports reach the surface under the pointer in its own pixels and move the cursor; a press
 * focuses and raises, and a held button keeps the reports on the surface it was pressed over;
 * and as an attacker — a session taking another's focus by request, reading what is not its own,
 * a flood of motion (coalesced into one queued report), a session that never reads (its queue
 * bounded, drops counted, the others served), Alt+Tab never reaching a client.
 */

#include "CompositorTestScreen.h"
#include <catch2/catch.hpp>
#include <compositord/InputRouter.h>
#include <vectra/input/Event.h>
#include <vectra/input/Keyboard.h>
#include <vectra/surface/Cursor.h>

using namespace vectra;
using namespace vectra::test;
using namespace vectra::compositord;

namespace {

input::InputEvent key(u16 code, u8 action, u8 modifiers = 0, u32 character = 0)
{
    input::InputEvent event;
    event.kind = input::event_kind::key;
    event.code = code;
    event.action = action;
    event.modifiers = modifiers;
    if (character != 0)
        (void)event.characters.try_append(character);
    return event;
}

input::InputEvent pointer(u32 x, u32 y, u8 buttons = 0)
{
    input::InputEvent event;
    event.kind = input::event_kind::pointer;
    event.x = x;
    event.y = y;
    event.buttons = buttons;
    return event;
}

/* Two sessions' surfaces: session 0's red at (4, 4) 20 × 10 below session 1's green at (10, 8) 20 × 10. */
struct Desk {
    u32 red { 0 };
    u32 green { 0 };
    Lent red_memory;
    Lent green_memory;
};

ErrorOr<Desk> make_desk(ReticleCap const& reticle, Compositor& compositor)
{
    Desk desk;
    desk.red_memory = TRY(lend(reticle, 4096, 0xff0000, RightRead));
    desk.red = TRY(compositor.create(0, surface::Create { 4, 4, 20, 10, 80 }, desk.red_memory.carried));
    desk.green_memory = TRY(lend(reticle, 4096, 0x00ff00, RightRead));
    desk.green = TRY(compositor.create(1, surface::Create { 10, 8, 20, 10, 80 }, desk.green_memory.carried));
    return desk;
}

/* Runs `body(screen, router, desk)` over a fresh desk; the session `focused` names (0, 1) takes the free focus
   first and its `gained` event is read. */
template<typename Body>
void with_desk(std::optional<usize> focused, Body&& body)
{
    with_screen([&](ReticleCap const& reticle, Screen& screen) -> ErrorOr<i32> {
        InputRouter router(screen.compositor);
        auto desk = TRY(make_desk(reticle, screen.compositor));
        if (focused) {
            TRY(screen.compositor.focus(*focused, *focused == 0 ? desk.red : desk.green));
            router.notice_focus();
            (void)router.drain(*focused);
        }
        return body(screen, router, desk);
    });
}

bool is_focus(surface::SurfaceEvent const& event, u32 surface, u8 action)
{
    return event.kind == surface::event_kind::focus && event.surface == surface && event.action == action;
}

}

TEST_CASE("keys reach only the focused surface's session; with nothing focused nobody gets them", "[compositord][input]")
{
    with_desk(std::nullopt, [](Screen& screen, InputRouter& router, Desk& desk) -> ErrorOr<i32> {
        auto& compositor = screen.compositor;
        router.route(key(input::key::a, input::key_action::press, 0, 'a'));
        EXPECT_IN_TASK(router.counters().unrouted == 1 && router.queued(0) == 0 && router.queued(1) == 0);

        /* Session 0 takes the focus nobody held: it is told, then its keys come, with what they typed. */
        TRY(compositor.focus(0, desk.red));
        router.notice_focus();
        router.route(key(input::key::a, input::key_action::press, 0, 'a'));
        router.route(key(input::key::a, input::key_action::release));
        auto read = router.drain(0);
        EXPECT_IN_TASK(read.events.size() == 3 && read.dropped == 0);
        EXPECT_IN_TASK(is_focus(read.events[0], desk.red, surface::focus_action::gained));
        EXPECT_IN_TASK(read.events[1].kind == surface::event_kind::key && read.events[1].surface == desk.red);
        EXPECT_IN_TASK(read.events[1].code == input::key::a && read.events[1].action == input::key_action::press);
        EXPECT_IN_TASK(read.events[1].characters.size() == 1 && read.events[1].characters[0] == 'a');
        EXPECT_IN_TASK(read.events[2].action == input::key_action::release);
        /* The other session never had anything queued. */
        EXPECT_IN_TASK(router.queued(1) == 0 && !router.has_events(1) && router.drain(1).events.size() == 0);
        return 0;
    });
}

TEST_CASE("the pointer moves the cursor and reaches the surface under it in its own pixels; a press focuses and raises, a held button grabs", "[compositord][input]")
{
    with_desk(0, [](Screen& screen, InputRouter& router, Desk& desk) -> ErrorOr<i32> {
        auto& compositor = screen.compositor;
        (void)compositor.compose();

        /* Over both surfaces (green on top) at (12, 9): green's (2, 1); the cursor's box is damaged. */
        router.route(pointer(12, 9));
        EXPECT_IN_TASK(compositor.pending_damage().contains(12, 9));
        (void)compositor.compose();
        EXPECT_IN_TASK(screen.at(12, 9) == surface::cursor_outline);
        auto read = router.drain(1);
        EXPECT_IN_TASK(read.events.size() == 1 && read.events[0].kind == surface::event_kind::pointer);
        EXPECT_IN_TASK(read.events[0].surface == desk.green && read.events[0].x == 2 && read.events[0].y == 1);
        EXPECT_IN_TASK(router.queued(0) == 0);

        /* Over red alone at (5, 5): red's (1, 1), to session 0. */
        router.route(pointer(5, 5));
        read = router.drain(0);
        EXPECT_IN_TASK(read.events.size() == 1 && read.events[0].surface == desk.red && read.events[0].x == 1 && read.events[0].y == 1);

        /* A press over green where it overlaps red: green is focused and raised (it already is on top). */
        compositor.lower(1, desk.green).release_value();
        router.route(pointer(12, 9));
        EXPECT_IN_TASK(router.drain(0).events.size() == 1); /* red is on top now: its report */
        router.route(pointer(25, 15, 1));                   /* over green alone, pressed */
        EXPECT_IN_TASK(compositor.focused() == desk.green);
        EXPECT_IN_TASK(compositor.order().back() == *compositor.slot_of(desk.green));
        read = router.drain(1);
        EXPECT_IN_TASK(read.events.size() == 2);
        EXPECT_IN_TASK(is_focus(read.events[0], desk.green, surface::focus_action::gained));
        EXPECT_IN_TASK(read.events[1].kind == surface::event_kind::pointer && read.events[1].buttons == 1);
        read = router.drain(0);
        EXPECT_IN_TASK(read.events.size() == 1 && is_focus(read.events[0], desk.red, surface::focus_action::lost));

        /* Dragged off green with the button held: green still gets the reports (outside its frame), red nothing. */
        router.route(pointer(60, 40, 1));
        read = router.drain(1);
        EXPECT_IN_TASK(read.events.size() == 1 && read.events[0].x == 50 && read.events[0].y == 32 && read.events[0].buttons == 1);
        router.route(pointer(5, 5, 1));
        EXPECT_IN_TASK(router.queued(0) == 0 && router.drain(1).events[0].x == -5);
        /* Released over red: the release is green's; the next motion is red's again. */
        router.route(pointer(5, 5, 0));
        EXPECT_IN_TASK(router.drain(1).events[0].buttons == 0 && router.queued(0) == 0);
        router.route(pointer(6, 5, 0));
        EXPECT_IN_TASK(router.drain(0).events[0].surface == desk.red);
        /* Over no surface: nobody, counted; the focus stays when the press is on the background. */
        u64 unrouted = router.counters().unrouted;
        router.route(pointer(60, 2, 1));
        router.route(pointer(60, 2, 0));
        EXPECT_IN_TASK(router.counters().unrouted == unrouted + 2 && compositor.focused() == desk.green);
        EXPECT_IN_TASK(router.queued(0) == 0 && router.queued(1) == 0);
        /* A press on the surface already focused and on top changes nothing on the screen: nothing is damaged. */
        router.route(pointer(25, 15, 0));
        (void)compositor.compose();
        router.route(pointer(25, 15, 1));
        EXPECT_IN_TASK(compositor.focused() == desk.green && compositor.order().back() == *compositor.slot_of(desk.green));
        EXPECT_IN_TASK(!compositor.has_damage());
        router.route(pointer(25, 15, 0));
        return 0;
    });
}

TEST_CASE("a session cannot take the focus by request; Alt+Tab is compositord's and never reaches a client", "[compositord][input]")
{
    with_desk(0, [](Screen& screen, InputRouter& router, Desk& desk) -> ErrorOr<i32> {
        auto& compositor = screen.compositor;

        /* Session 1 asks for the focus on its own surface: refused; session 0 keeps it and its keys. */
        EXPECT_IN_TASK(refused(compositor.focus(1, desk.green), SurfaceError::NotFocused));
        EXPECT_IN_TASK(refused(compositor.focus(1, desk.red), SurfaceError::UnknownSurface));
        router.notice_focus();
        router.route(key(input::key::b, input::key_action::press, 0, 'b'));
        EXPECT_IN_TASK(router.queued(0) == 1 && router.queued(1) == 0);
        (void)router.drain(0);

        /* Alt+Tab: Alt reaches the focused session; Tab's press, repeats and release reach nobody; the bottom
           surface (red, as green was made later) is raised and focused — here red already has it, so the next
           press moves it to green. */
        router.route(key(input::key::left_alt, input::key_action::press, input::modifier::alt));
        router.route(key(input::key::tab, input::key_action::press, input::modifier::alt, '\t'));
        EXPECT_IN_TASK(compositor.focused() == desk.red && compositor.order().back() == *compositor.slot_of(desk.red));
        router.route(key(input::key::tab, input::key_action::repeat, input::modifier::alt, '\t'));
        router.route(key(input::key::tab, input::key_action::release, input::modifier::alt));
        router.route(key(input::key::tab, input::key_action::press, input::modifier::alt, '\t'));
        EXPECT_IN_TASK(compositor.focused() == desk.green);
        router.route(key(input::key::left_alt, input::key_action::release, input::modifier::alt));
        router.route(key(input::key::tab, input::key_action::release)); /* Alt went up first: still the chord's */
        EXPECT_IN_TASK(router.counters().chords == 2);
        auto red_read = router.drain(0);
        auto green_read = router.drain(1);
        for (auto const& read : { red_read, green_read }) {
            for (auto const& event : read.events)
                EXPECT_IN_TASK(!(event.kind == surface::event_kind::key && event.code == input::key::tab));
        }
        /* Session 0 saw Alt pressed and its focus lost; session 1 its focus gained and Alt released. */
        EXPECT_IN_TASK(red_read.events.size() == 2 && red_read.events[0].code == input::key::left_alt);
        EXPECT_IN_TASK(is_focus(red_read.events[1], desk.red, surface::focus_action::lost));
        EXPECT_IN_TASK(green_read.events.size() == 2 && is_focus(green_read.events[0], desk.green, surface::focus_action::gained));
        EXPECT_IN_TASK(green_read.events[1].code == input::key::left_alt && green_read.events[1].action == input::key_action::release);
        /* A plain Tab is the focused client's. */
        router.route(key(input::key::tab, input::key_action::press, 0, '\t'));
        EXPECT_IN_TASK(router.drain(1).events[0].code == input::key::tab);
        return 0;
    });
}

TEST_CASE("a flood of motion takes one queued place; a session that never reads loses only its own events", "[compositord][input]")
{
    with_desk(1, [](Screen&, InputRouter& router, Desk& desk) -> ErrorOr<i32> {
        /* 10 000 motions over green: one report queued, the newest position. */
        for (u32 step = 0; step < 10'000; ++step)
            router.route(pointer(10 + step % 20, 8 + step % 10));
        EXPECT_IN_TASK(router.queued(1) == 1 && router.counters().coalesced == 9'999);
        auto read = router.drain(1);
        EXPECT_IN_TASK(read.events.size() == 1 && read.events[0].x == i32(9'999 % 20) && read.events[0].y == i32(9'999 % 10));

        /* Button changes are never folded, nor folded into: the press keeps where it was (a drag's start), the
         * motion while held folds into one, the release keeps its place, the motions after it fold into one. */
        router.route(pointer(12, 9, 1));
        router.route(pointer(13, 9, 1));
        router.route(pointer(14, 9, 1));
        router.route(pointer(14, 9, 0));
        router.route(pointer(15, 9, 0));
        router.route(pointer(16, 9, 0));
        read = router.drain(1);
        EXPECT_IN_TASK(read.events.size() == 4);
        EXPECT_IN_TASK(read.events[0].buttons == 1 && read.events[0].x == 2);
        EXPECT_IN_TASK(read.events[1].buttons == 1 && read.events[1].x == 4);
        EXPECT_IN_TASK(read.events[2].buttons == 0 && read.events[2].x == 4);
        EXPECT_IN_TASK(read.events[3].buttons == 0 && read.events[3].x == 6);

        /* Session 1 holds the focus and never reads: its queue holds 32, the rest is dropped and counted. */
        for (u32 count = 0; count < 100; ++count)
            router.route(key(input::key::c, input::key_action::press, 0, 'c'));
        EXPECT_IN_TASK(router.queued(1) == surface::queued_input_events);
        EXPECT_IN_TASK(router.counters().dropped == 100 - surface::queued_input_events);
        /* Session 0 is served meanwhile: pointer reports over its surface arrive. */
        router.route(pointer(5, 5));
        EXPECT_IN_TASK(router.queued(0) == 1 && router.drain(0).events[0].surface == desk.red);
        /* When session 1 reads at last: 12 per read, the drops told once. */
        read = router.drain(1);
        EXPECT_IN_TASK(read.events.size() == surface::maximum_input_events && read.dropped == 100 - surface::queued_input_events);
        EXPECT_IN_TASK(router.drain(1).dropped == 0);
        return 0;
    });
}

TEST_CASE("a session that ends loses its queue and the focus; the focus is never told to a gone session", "[compositord][input]")
{
    with_desk(1, [](Screen& screen, InputRouter& router, Desk& desk) -> ErrorOr<i32> {
        auto& compositor = screen.compositor;
        router.route(key(input::key::d, input::key_action::press, 0, 'd'));
        EXPECT_IN_TASK(router.queued(1) == 1);
        /* Session 1 ends (the loop's order: surfaces, then the focus noticed, then its queue). */
        compositor.close_session(1);
        router.notice_focus();
        router.close_session(1);
        EXPECT_IN_TASK(router.queued(1) == 0 && !router.has_events(1));
        router.route(key(input::key::d, input::key_action::press, 0, 'd'));
        EXPECT_IN_TASK(router.queued(0) == 0 && router.queued(1) == 0 && router.counters().unrouted == 1);
        /* A click on red gives it the focus; session 0 is told it gained it, nothing was lost on its side. */
        router.route(pointer(5, 5, 1));
        auto read = router.drain(0);
        EXPECT_IN_TASK(read.events.size() == 2 && is_focus(read.events[0], desk.red, surface::focus_action::gained));
        EXPECT_IN_TASK(router.queued(1) == 0);
        return 0;
    });
}
