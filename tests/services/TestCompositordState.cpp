/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's state (compositord/Compositor.h) inside a Task that lends MemCaps as clients do:
 * surfaces composed from the lent memory in place, z-order, move, focus, and as an attacker —
 * another session's id, a made-up or destroyed id, a MemCap too small, none, without read, or
 * revoked after create (its surface ends at the next composition and the others are composed on),
 * damage outside the surface or overflowing 2^32, sizes, positions and counts past the limits,
 * and a flood of damage, coalesced and bounded; the cursor drawn above every surface, damaging only its boxes.
 */

#include "CompositorTestScreen.h"
#include <catch2/catch.hpp>
#include <vectra/surface/Cursor.h>

using namespace vectra;
using namespace vectra::test;
using namespace vectra::compositord;
using surface::Box;
using surface::SurfaceError;

TEST_CASE("surfaces are composed from the lent memory in place, in z-order, moved and focused per session", "[compositord]")
{
    with_screen([](ReticleCap const& reticle, Screen& screen) -> ErrorOr<i32> {
        auto& compositor = screen.compositor;
        compositor.damage_screen();
        (void)compositor.compose();
        EXPECT_IN_TASK(screen.at(0, 0) == background);

        auto red = TRY(lend(reticle, 4096 * 4, 0xff0000, RightRead));
        auto red_id = TRY(compositor.create(0, surface::Create { 4, 4, 20, 10, 20 * 4 }, red.carried));
        EXPECT_IN_TASK(!red.carried.has_value()); /* compositord keeps the copy */
        auto green = TRY(lend(reticle, 4096 * 4, 0x00ff00, RightRead));
        auto green_id = TRY(compositor.create(1, surface::Create { 10, 8, 20, 10, 21 * 4 }, green.carried));
        auto frame = compositor.compose();
        /* create damages the surface's area: both frames, overlapping, composed once each pixel. */
        EXPECT_IN_TASK(frame.composed.pixels == 20 * 10 + 20 * 10 - 14 * 6);
        EXPECT_IN_TASK(screen.at(5, 5) == 0xff0000);
        EXPECT_IN_TASK(screen.at(12, 10) == 0x00ff00); /* green made later: on top */
        EXPECT_IN_TASK(screen.at(40, 40) == background);

        /* The client draws into its own memory; nothing shows until it says where. */
        auto red_pixels = TRY(system::map_memory(red.memory));
        u32 blue = 0x0000ff;
        for (u32 y = 0; y < 10; ++y)
            for (u32 x = 0; x < 20; ++x)
                memcpy(red_pixels.data() + (y * 20 + x) * 4, &blue, 4);
        EXPECT_IN_TASK(!compositor.has_damage());
        TRY(compositor.damage(0, damage_of(red_id, { { 0, 0, 2, 2 } })));
        frame = compositor.compose();
        EXPECT_IN_TASK(frame.composed.pixels == 4);
        EXPECT_IN_TASK(screen.at(4, 4) == 0x0000ff);
        EXPECT_IN_TASK(screen.at(6, 6) == 0xff0000); /* drawn, not damaged: not composed */

        /* Raise: red over green where they overlap. */
        TRY(compositor.raise(0, red_id));
        frame = compositor.compose();
        EXPECT_IN_TASK(frame.composed.pixels == 200);
        EXPECT_IN_TASK(screen.at(12, 10) == 0x0000ff);
        TRY(compositor.lower(0, red_id));
        (void)compositor.compose();
        EXPECT_IN_TASK(screen.at(12, 10) == 0x00ff00);

        /* Move: the old area shows the background again, the new one the surface. */
        TRY(compositor.move(1, green_id, 50, 40));
        frame = compositor.compose();
        EXPECT_IN_TASK(screen.at(25, 12) == background);
        EXPECT_IN_TASK(screen.at(55, 45) == 0x00ff00);
        EXPECT_IN_TASK(screen.at(63, 47) == 0x00ff00); /* partly off the screen: clipped */

        /* Focus belongs to one surface; each session sees only whether it is its own. A session takes it while
           nobody holds it, and never from another session (ADR 0047): compositord moves it (a click, its chord). */
        TRY(compositor.focus(1, green_id));
        EXPECT_IN_TASK(compositor.focused_for(1) == green_id);
        EXPECT_IN_TASK(compositor.focused_for(0) == 0);
        EXPECT_IN_TASK(refused(compositor.focus(0, red_id), SurfaceError::NotFocused));
        EXPECT_IN_TASK(compositor.focused_for(1) == green_id);
        compositor.focus_slot(*compositor.slot_of(red_id));
        EXPECT_IN_TASK(compositor.focused_for(1) == 0);
        EXPECT_IN_TASK(compositor.focused_session() == std::optional<usize>(0));

        /* A session that goes loses its surfaces; the others stay. */
        compositor.close_session(0);
        EXPECT_IN_TASK(compositor.surface_count() == 1);
        EXPECT_IN_TASK(compositor.focused() == 0);
        (void)compositor.compose();
        EXPECT_IN_TASK(screen.at(5, 5) == background);
        EXPECT_IN_TASK(screen.at(55, 45) == 0x00ff00);
        return 0;
    });
}

TEST_CASE("a client cannot name another session's surface, a made-up one or a destroyed one", "[compositord]")
{
    with_screen([](ReticleCap const& reticle, Screen& screen) -> ErrorOr<i32> {
        auto& compositor = screen.compositor;
        auto lent = TRY(lend(reticle, 4096, 0x112233, RightRead));
        auto id = TRY(compositor.create(0, surface::Create { 0, 0, 8, 8, 32 }, lent.carried));
        (void)compositor.compose();
        /* Session 1 tries every request on session 0's surface. */
        EXPECT_IN_TASK(refused(compositor.damage(1, damage_of(id, { { 0, 0, 1, 1 } })), SurfaceError::UnknownSurface));
        EXPECT_IN_TASK(refused(compositor.move(1, id, 30, 30), SurfaceError::UnknownSurface));
        EXPECT_IN_TASK(refused(compositor.raise(1, id), SurfaceError::UnknownSurface));
        EXPECT_IN_TASK(refused(compositor.lower(1, id), SurfaceError::UnknownSurface));
        EXPECT_IN_TASK(refused(compositor.focus(1, id), SurfaceError::UnknownSurface));
        EXPECT_IN_TASK(refused(compositor.destroy(1, id), SurfaceError::UnknownSurface));
        auto other = TRY(lend(reticle, 4096, 0, RightRead));
        EXPECT_IN_TASK(refused(compositor.resize(1, surface::Resize { id, 4, 4, 16 }, other.carried), SurfaceError::UnknownSurface));
        EXPECT_IN_TASK(other.carried.has_value()); /* refused: the copy is left for the loop to discard */
        EXPECT_IN_TASK(compositor.focused() == 0 && !compositor.has_damage());
        /* Made-up ids: slot 0, a slot past the table, the right slot with another generation. */
        for (u32 made_up : { 0u, 0xffu, 17u, id ^ 0x100u, id + 0x10000u })
            EXPECT_IN_TASK(refused(compositor.raise(0, made_up), SurfaceError::UnknownSurface));
        /* A destroyed id stays dead, even when its slot is reused. */
        TRY(compositor.destroy(0, id));
        auto again = TRY(lend(reticle, 4096, 0, RightRead));
        auto reused = TRY(compositor.create(0, surface::Create { 0, 0, 8, 8, 32 }, again.carried));
        EXPECT_IN_TASK(reused != id);
        EXPECT_IN_TASK(refused(compositor.raise(0, id), SurfaceError::UnknownSurface));
        return 0;
    });
}

TEST_CASE("bad MemCaps are refused: none, too small, without read; a revoked one ends its surface only", "[compositord]")
{
    with_screen([](ReticleCap const& reticle, Screen& screen) -> ErrorOr<i32> {
        auto& compositor = screen.compositor;
        std::optional<ReceivedCapability> none;
        EXPECT_IN_TASK(refused(compositor.create(0, surface::Create { 0, 0, 8, 8, 32 }, none), SurfaceError::BufferUnusable));
        /* 64 × 17 pixels with a 256-byte stride need 16 × 256 + 256 = 4352 bytes: 4096 are too few. */
        auto small = TRY(lend(reticle, 4096, 0, RightRead));
        EXPECT_IN_TASK(refused(compositor.create(0, surface::Create { 0, 0, 64, 17, 256 }, small.carried), SurfaceError::BufferTooSmall));
        EXPECT_IN_TASK(small.carried.has_value());
        /* A copy without RightRead. */
        auto blind = TRY(lend(reticle, 4096, 0, RightWrite));
        EXPECT_IN_TASK(refused(compositor.create(0, surface::Create { 0, 0, 8, 8, 32 }, blind.carried), SurfaceError::BufferUnusable));
        /* A copy revoked before compositord looks at it. */
        auto gone = TRY(lend(reticle, 4096, 0, RightRead));
        TRY(system::revoke(gone.memory));
        EXPECT_IN_TASK(refused(compositor.create(0, surface::Create { 0, 0, 8, 8, 32 }, gone.carried), SurfaceError::BufferUnusable));
        EXPECT_IN_TASK(compositor.surface_count() == 0);

        /* Revoked after create: the next composition ends it, shows what lies below, composes the rest. */
        auto kept = TRY(lend(reticle, 4096, 0x00aa00, RightRead));
        auto kept_id = TRY(compositor.create(1, surface::Create { 20, 20, 8, 8, 32 }, kept.carried));
        auto revoked = TRY(lend(reticle, 4096, 0xaa0000, RightRead));
        auto revoked_id = TRY(compositor.create(0, surface::Create { 0, 0, 8, 8, 32 }, revoked.carried));
        (void)compositor.compose();
        EXPECT_IN_TASK(screen.at(1, 1) == 0xaa0000);
        TRY(system::revoke(revoked.memory));
        TRY(compositor.damage(1, damage_of(kept_id, { { 0, 0, 8, 8 } })));
        auto frame = compositor.compose();
        EXPECT_IN_TASK(frame.surfaces_ended == 1);
        EXPECT_IN_TASK(screen.at(1, 1) == background);
        EXPECT_IN_TASK(screen.at(21, 21) == 0x00aa00);
        EXPECT_IN_TASK(refused(compositor.damage(0, damage_of(revoked_id, { { 0, 0, 1, 1 } })), SurfaceError::UnknownSurface));
        EXPECT_IN_TASK(compositor.surface_count() == 1);
        return 0;
    });
}

TEST_CASE("damage outside a surface or overflowing is refused whole; sizes, positions and counts are bounded", "[compositord]")
{
    with_screen([](ReticleCap const& reticle, Screen& screen) -> ErrorOr<i32> {
        auto& compositor = screen.compositor;
        auto lent = TRY(lend(reticle, 4096, 0x123456, RightRead));
        auto id = TRY(compositor.create(0, surface::Create { 0, 0, 16, 16, 64 }, lent.carried));
        (void)compositor.compose();
        for (auto rectangle : std::initializer_list<surface::SurfaceRectangle> { { 0, 0, 17, 1 }, { 15, 15, 2, 1 },
                 { 0, 0, 0, 5 }, { 0xffffffffu, 0, 2, 1 }, { 0, 0xfffffff0u, 1, 0x20 }, { 16, 0, 1, 1 } }) {
            /* One bad rectangle among good ones: nothing is added. */
            EXPECT_IN_TASK(refused(compositor.damage(0, damage_of(id, { { 0, 0, 1, 1 }, rectangle })), SurfaceError::OutsideSurface));
            EXPECT_IN_TASK(!compositor.has_damage());
        }
        auto other = TRY(lend(reticle, 64 * KiB, 0, RightRead));
        EXPECT_IN_TASK(refused(compositor.create(0, surface::Create { 0, 0, 0, 4, 64 }, other.carried), SurfaceError::SizeOutOfBounds));
        EXPECT_IN_TASK(refused(compositor.create(0, surface::Create { 0, 0, 4097, 1, 4097 * 4 }, other.carried), SurfaceError::SizeOutOfBounds));
        EXPECT_IN_TASK(refused(compositor.create(0, surface::Create { 0, 0, 16, 4, 63 }, other.carried), SurfaceError::SizeOutOfBounds));
        EXPECT_IN_TASK(refused(compositor.create(0, surface::Create { 65537, 0, 4, 4, 16 }, other.carried), SurfaceError::PositionOutOfBounds));
        EXPECT_IN_TASK(refused(compositor.move(0, id, 0, -65537), SurfaceError::PositionOutOfBounds));
        /* Four surfaces per session, sixteen in all. */
        std::vector<Lent> kept;
        for (usize count = 1; count < surface::surfaces_per_session; ++count) {
            kept.push_back(TRY(lend(reticle, 4096, 0, RightRead)));
            TRY(compositor.create(0, surface::Create { 0, 0, 4, 4, 16 }, kept.back().carried));
        }
        EXPECT_IN_TASK(refused(compositor.create(0, surface::Create { 0, 0, 4, 4, 16 }, other.carried), SurfaceError::TooManySurfaces));
        for (usize session = 1; session < 4; ++session) {
            for (usize count = 0; count < surface::surfaces_per_session; ++count) {
                kept.push_back(TRY(lend(reticle, 4096, 0, RightRead)));
                TRY(compositor.create(session, surface::Create { 0, 0, 4, 4, 16 }, kept.back().carried));
            }
        }
        EXPECT_IN_TASK(compositor.surface_count() == maximum_surfaces);
        EXPECT_IN_TASK(refused(compositor.create(5, surface::Create { 0, 0, 4, 4, 16 }, other.carried), SurfaceError::TooManySurfaces));
        return 0;
    });
}

TEST_CASE("a flood of damage is coalesced and bounded, and still covers every damaged pixel", "[compositord]")
{
    with_screen([](ReticleCap const& reticle, Screen& screen) -> ErrorOr<i32> {
        auto& compositor = screen.compositor;
        auto lent = TRY(lend(reticle, 16 * KiB, 0x0a0b0c, RightRead));
        auto id = TRY(compositor.create(0, surface::Create { 0, 0, 64, 48, 256 }, lent.carried));
        (void)compositor.compose();
        for (u32 round = 0; round < 10000; ++round) {
            u32 x = (round * 7) % 63, y = (round * 13) % 47;
            TRY(compositor.damage(0, damage_of(id, { { x, y, 1, 1 } })));
            EXPECT_IN_TASK(compositor.pending_damage().boxes().size() <= surface::Region::maximum_boxes);
        }
        auto const& pending = compositor.pending_damage();
        for (u32 round = 0; round < 10000; ++round)
            EXPECT_IN_TASK(pending.contains(i32((round * 7) % 63), i32((round * 13) % 47)));
        auto frame = compositor.compose();
        EXPECT_IN_TASK(frame.composed.pixels <= u64(screen_width) * screen_height);
        EXPECT_IN_TASK(!compositor.has_damage());
        return 0;
    });
}

TEST_CASE("the cursor is drawn above every surface; showing, moving and hiding it damage only its boxes", "[compositord]")
{
    with_screen([](ReticleCap const& reticle, Screen& screen) -> ErrorOr<i32> {
        auto& compositor = screen.compositor;
        compositor.damage_screen();
        (void)compositor.compose();
        auto lent = TRY(lend(reticle, 40 * 30 * 4, 0xff0000, RightRead));
        auto id = TRY(compositor.create(0, surface::Create { 0, 0, 40, 30, 160 }, lent.carried));
        (void)compositor.compose();

        TRY(compositor.cursor(10, 5, true));
        EXPECT_IN_TASK(compositor.pending_damage().area() == u64(surface::cursor_width) * surface::cursor_height);
        auto shown = compositor.compose();
        EXPECT_IN_TASK(shown.composed.pixels == u64(surface::cursor_width) * surface::cursor_height);
        EXPECT_IN_TASK(shown.cursor_pixels > 100);
        EXPECT_IN_TASK(screen.at(10, 5) == surface::cursor_outline && screen.at(11, 7) == surface::cursor_body);
        EXPECT_IN_TASK(screen.at(21, 5) == 0xff0000); /* the box's transparent corner shows the surface */

        /* A damage of the surface under it composes the arrow again on top. */
        TRY(compositor.damage(0, damage_of(id, { { 0, 0, 40, 30 } })));
        (void)compositor.compose();
        EXPECT_IN_TASK(screen.at(10, 5) == surface::cursor_outline);

        TRY(compositor.cursor(40, 20, true));
        EXPECT_IN_TASK(compositor.pending_damage().area() == 2 * u64(surface::cursor_width) * surface::cursor_height);
        (void)compositor.compose();
        EXPECT_IN_TASK(screen.at(10, 5) == 0xff0000 && screen.at(40, 20) == surface::cursor_outline);

        TRY(compositor.cursor(40, 20, false));
        EXPECT_IN_TASK(compositor.pending_damage().area() == u64(surface::cursor_width) * surface::cursor_height);
        auto hidden = compositor.compose();
        EXPECT_IN_TASK(hidden.cursor_pixels == 0 && screen.at(40, 20) == background);

        /* Out of bounds: refused, nothing damaged. */
        EXPECT_IN_TASK(refused(compositor.cursor(70000, 0, true), SurfaceError::PositionOutOfBounds));
        EXPECT_IN_TASK(refused(compositor.cursor(0, -70000, true), SurfaceError::PositionOutOfBounds));
        EXPECT_IN_TASK(!compositor.has_damage());
        return 0;
    });
}
