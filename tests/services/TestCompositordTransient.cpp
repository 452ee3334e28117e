/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's transient surfaces (vectra.surface v3, docs/adr/0048-notifyd.md §4) over a real
 * Compositor and InputRouter: only a privileged session (the second listener's, notifyd's) creates
 * one; it stays above every other surface whatever the others raise; and as an attacker — a client
 * session asking `transient` (refused, nothing made), a value other than 0 or 1, the focus asked
 * for a transient surface by request, a click on it and Alt+Tab: the focus never moves to it, and
 * the click's reports still reach its session in its own pixels.
 */

#include "CompositorTestScreen.h"
#include <catch2/catch.hpp>
#include <compositord/InputRouter.h>
#include <vectra/input/Event.h>
#include <vectra/input/Keyboard.h>

using namespace vectra;
using namespace vectra::test;
using namespace vectra::compositord;

namespace {

constexpr usize client = 0;
constexpr usize other_client = 1;
constexpr usize notices = client_sessions; /* the first session of the privileged listener */

input::InputEvent pointer(u32 x, u32 y, u8 buttons = 0)
{
    input::InputEvent event;
    event.kind = input::event_kind::pointer;
    event.x = x;
    event.y = y;
    event.buttons = buttons;
    return event;
}

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

surface::Create transient_at(i32 x, i32 y, u32 width, u32 height)
{
    surface::Create create { x, y, width, height, width * 4 };
    create.transient = 1;
    return create;
}

}

TEST_CASE("a client session asking for a transient surface is refused transient-refused and nothing is made", "[compositord][transient][attack]")
{
    with_screen([](ReticleCap const& reticle, Screen& screen) -> ErrorOr<i32> {
        auto& compositor = screen.compositor;
        auto lent = TRY(lend(reticle, 4096, 0xff0000, RightRead));
        EXPECT_IN_TASK(refused(compositor.create(client, transient_at(4, 4, 10, 10), lent.carried), SurfaceError::TransientRefused));
        /* The default kind is a client's: a caller that forgets to say is refused too. */
        EXPECT_IN_TASK(refused(compositor.create(client, transient_at(4, 4, 10, 10), lent.carried, SessionKind::Client),
            SurfaceError::TransientRefused));
        /* Only 0 and 1 mean anything, for a privileged session too. */
        auto odd = transient_at(4, 4, 10, 10);
        odd.transient = 2;
        EXPECT_IN_TASK(refused(compositor.create(notices, odd, lent.carried, SessionKind::Privileged), SurfaceError::TransientRefused));
        EXPECT_IN_TASK(compositor.surface_count() == 0 && !compositor.has_damage());
        EXPECT_IN_TASK(lent.carried.has_value()); /* refused before the MemCap was taken */
        /* The same session may create ordinary surfaces; the privileged one transient ones. */
        TRY(compositor.create(client, surface::Create { 4, 4, 10, 10, 40 }, lent.carried));
        auto notice = TRY(lend(reticle, 4096, 0x00ff00, RightRead));
        TRY(compositor.create(notices, transient_at(20, 4, 10, 10), notice.carried, SessionKind::Privileged));
        EXPECT_IN_TASK(compositor.surface_count() == 2);
        /* A privileged session holds 8 surfaces (a notification each), a client's still 4. */
        for (int more = 0; more < 7; ++more) {
            auto extra = TRY(lend(reticle, 4096, 0x00ff00, RightRead));
            TRY(compositor.create(notices, transient_at(20, 20, 10, 10), extra.carried, SessionKind::Privileged));
        }
        auto ninth = TRY(lend(reticle, 4096, 0x00ff00, RightRead));
        EXPECT_IN_TASK(refused(compositor.create(notices, transient_at(20, 20, 10, 10), ninth.carried, SessionKind::Privileged),
            SurfaceError::TooManySurfaces));
        for (int more = 0; more < 3; ++more) {
            auto extra = TRY(lend(reticle, 4096, 0xff0000, RightRead));
            TRY(compositor.create(client, surface::Create { 4, 4, 10, 10, 40 }, extra.carried));
        }
        auto fifth = TRY(lend(reticle, 4096, 0xff0000, RightRead));
        EXPECT_IN_TASK(refused(compositor.create(client, surface::Create { 4, 4, 10, 10, 40 }, fifth.carried), SurfaceError::TooManySurfaces));
        EXPECT_IN_TASK(compositor.surface_count(notices) == 8 && compositor.surface_count(client) == 4);
        return 0;
    });
}

TEST_CASE("a transient surface stays above every other: created, raised and lowered surfaces stay below it", "[compositord][transient]")
{
    with_screen([](ReticleCap const& reticle, Screen& screen) -> ErrorOr<i32> {
        auto& compositor = screen.compositor;
        auto notice_memory = TRY(lend(reticle, 4096, 0x00ff00, RightRead));
        u32 notice = TRY(compositor.create(notices, transient_at(10, 10, 20, 10), notice_memory.carried, SessionKind::Privileged));
        /* Made later, raised, and the notice lowered: the client's red still lies below it. */
        auto red_memory = TRY(lend(reticle, 4096, 0xff0000, RightRead));
        u32 red = TRY(compositor.create(client, surface::Create { 4, 4, 20, 10, 80 }, red_memory.carried));
        (void)compositor.compose();
        EXPECT_IN_TASK(screen.at(12, 12) == 0x00ff00 && screen.at(5, 5) == 0xff0000);
        TRY(compositor.raise(client, red));
        TRY(compositor.lower(notices, notice));
        (void)compositor.compose();
        EXPECT_IN_TASK(screen.at(12, 12) == 0x00ff00);
        EXPECT_IN_TASK(compositor.order().back() == *compositor.slot_of(notice));
        /* A second transient goes above the first; a client surface created after both lies below both. */
        auto blue_memory = TRY(lend(reticle, 4096, 0x0000ff, RightRead));
        u32 blue = TRY(compositor.create(notices, transient_at(15, 12, 20, 10), blue_memory.carried, SessionKind::Privileged));
        auto grey_memory = TRY(lend(reticle, 64 * 48 * 4, 0x808080, RightRead));
        u32 grey = TRY(compositor.create(other_client, surface::Create { 0, 0, 64, 48, 256 }, grey_memory.carried));
        (void)compositor.compose();
        EXPECT_IN_TASK(screen.at(16, 13) == 0x0000ff && screen.at(11, 11) == 0x00ff00 && screen.at(40, 40) == 0x808080);
        auto order = compositor.order();
        EXPECT_IN_TASK(order.size() == 4 && order[2] == *compositor.slot_of(notice) && order[3] == *compositor.slot_of(blue));
        EXPECT_IN_TASK(order[1] == *compositor.slot_of(grey) && order[0] == *compositor.slot_of(red));
        return 0;
    });
}

TEST_CASE("the focus never moves to a transient surface: not by request, a click or Alt+Tab; its clicks still reach it", "[compositord][transient][input][attack]")
{
    with_screen([](ReticleCap const& reticle, Screen& screen) -> ErrorOr<i32> {
        auto& compositor = screen.compositor;
        InputRouter router(compositor);
        auto red_memory = TRY(lend(reticle, 4096, 0xff0000, RightRead));
        u32 red = TRY(compositor.create(client, surface::Create { 4, 4, 20, 10, 80 }, red_memory.carried));
        auto notice_memory = TRY(lend(reticle, 4096, 0x00ff00, RightRead));
        u32 notice = TRY(compositor.create(notices, transient_at(30, 4, 20, 10), notice_memory.carried, SessionKind::Privileged));
        /* Nobody holds the focus, yet the privileged session cannot take it for its transient surface. */
        EXPECT_IN_TASK(refused(compositor.focus(notices, notice), SurfaceError::TransientUnfocusable));
        EXPECT_IN_TASK(compositor.focused() == 0);
        compositor.focus_slot(*compositor.slot_of(notice));
        EXPECT_IN_TASK(compositor.focused() == 0);
        TRY(compositor.focus(client, red));
        router.notice_focus();
        (void)router.drain(client);

        /* A click on the notice: the press and release reach notifyd's session in the notice's pixels; red keeps the
           focus (nobody is told of a change) and the typed key still reaches the client. */
        router.route(pointer(35, 6, 1));
        router.route(pointer(35, 6, 0));
        EXPECT_IN_TASK(compositor.focused() == red && compositor.focused_session() == std::optional<usize>(client));
        auto read = router.drain(notices);
        EXPECT_IN_TASK(read.events.size() == 2);
        EXPECT_IN_TASK(read.events[0].kind == surface::event_kind::pointer && read.events[0].surface == notice);
        EXPECT_IN_TASK(read.events[0].x == 5 && read.events[0].y == 2 && read.events[0].buttons == 1);
        EXPECT_IN_TASK(read.events[1].buttons == 0);
        EXPECT_IN_TASK(router.queued(client) == 0);
        router.route(key(input::key::a, input::key_action::press, 0, 'a'));
        read = router.drain(client);
        EXPECT_IN_TASK(read.events.size() == 1 && read.events[0].surface == red && read.events[0].characters[0] == 'a');
        EXPECT_IN_TASK(router.queued(notices) == 0);

        /* Alt+Tab, pressed again and again: the focus visits the clients' surfaces only. */
        auto green_memory = TRY(lend(reticle, 4096, 0x0000ff, RightRead));
        u32 green = TRY(compositor.create(other_client, surface::Create { 4, 20, 20, 10, 80 }, green_memory.carried));
        for (int press = 0; press < 6; ++press) {
            router.route(key(input::key::tab, input::key_action::press, input::modifier::alt, '\t'));
            router.route(key(input::key::tab, input::key_action::release, input::modifier::alt));
            EXPECT_IN_TASK(compositor.focused() == red || compositor.focused() == green);
            EXPECT_IN_TASK(compositor.order().back() == *compositor.slot_of(notice));
        }
        EXPECT_IN_TASK(router.counters().chords == 6);
        for (auto const& event : router.drain(notices).events)
            EXPECT_IN_TASK(event.kind != surface::event_kind::focus);

        /* With only transient surfaces left, the chord focuses nothing. */
        TRY(compositor.destroy(client, red));
        TRY(compositor.destroy(other_client, green));
        router.route(key(input::key::tab, input::key_action::press, input::modifier::alt, '\t'));
        EXPECT_IN_TASK(compositor.focused() == 0);
        return 0;
    });
}
