/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * notifyd's loop with compositord's, fontd's and displayd's real loops as Tasks, wired as an image
 * wires them (docs/adr/0048-notifyd.md): notifyd holds a session of compositord's privileged
 * listener and one of fontd's. Posted notifications appear at the top right, the title's first
 * glyph in DejaVu Sans on the screen, stacked downwards; each request's refusal over the Rings;
 * another session's id refused; a session's end withdraws its own only; a notification goes at
 * its timeout (not before, and at most a frame interval and a wait's slack after) and the one
 * below moves up. As an attacker, a client of compositord's ordinary listener asking for a
 * transient surface is refused transient-refused.
 */

#include "../TestSupport.h"
#include "DisplayTestTasks.h"
#include "FontFiles.h"
#include "InputdTestTasks.h"
#include <atomic>
#include <catch2/catch.hpp>
#include <compositord/Server.h>
#include <fontd/Server.h>
#include <notifyd/Display.h>
#include <notifyd/Loop.h>
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/kernel/Executor.h>
#include <vectra/notify/Protocol.h>

using namespace vectra;
using namespace vectra::test;
using notify::NotifyError;

namespace {

constexpr DisplayMode test_mode { 480, 320, 480 * 4, PixelFormat::Xrgb8888 };
constexpr i32 left = i32(test_mode.width - notifyd::margin - notifyd::width); /* 144 */
constexpr i32 two_lines = 2 * notifyd::line_height + 2 * notifyd::padding;   /* 56 */
constexpr i32 second_top = i32(notifyd::margin) + two_lines + i32(notifyd::gap); /* 80 */
constexpr i32 third_top = second_top + two_lines + i32(notifyd::gap);             /* 144 */
constexpr u32 first_timeout_ms = 2500;

DisplayDevice* s_device { nullptr };
std::atomic<int> s_phase { 0 };
std::atomic<u32> s_first { 0 };
std::atomic<u64> s_font_line_height { 0 };

u32 screen_at(i32 x, i32 y) { return pixel_at(*s_device, test_mode, u32(x), u32(y)); }

/* Pixels of the box that are neither notifyd's background nor its border: a glyph's ink. */
usize inked(i32 x, i32 y, i32 width, i32 height)
{
    usize count = 0;
    for (i32 row = y; row < y + height; ++row)
        for (i32 column = x; column < x + width; ++column)
            count += screen_at(column, row) != notifyd::background && screen_at(column, row) != notifyd::border;
    return count;
}

/* A notification's box shows notifyd's border at its corner and its background just inside. */
bool notification_at(i32 top)
{
    return screen_at(left, top) == notifyd::border && screen_at(left + 2, top + 2) == notifyd::background
        && screen_at(left + i32(notifyd::width) - 1, top + two_lines - 1) == notifyd::border;
}

bool nothing_at(i32 top) { return screen_at(left + 2, top + 2) == compositord::background_colour; }

ErrorOr<i32> compositord_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto display = TRY(compositord::DisplayLink::open(TRY(bundle.take<RingCap>("display_requests")),
        TRY(bundle.take<RingCap>("display_replies")), TRY(endpoint::carve(memory, session::pool_size<display::Protocol>()))));
    compositord::PrivilegedListener privileged { TRY(bundle.take<RingCap>("transient_requests")),
        TRY(bundle.take<RingCap>("transient_replies")) };
    compositord::Settings settings;
    settings.frame_interval_ns = 1'000'000;
    TRY(compositord::run(memory, display, std::move(requests), std::move(replies), settings, nullptr, nullptr, &privileged));
    return 0;
}

ErrorOr<i32> fontd_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    fontd::CatalogueFace catalogue[] = { { "DejaVu Sans", dejavu_sans() } };
    TRY(fontd::run(memory, 512 * KiB, catalogue, std::move(requests), std::move(replies), nullptr));
    return 0;
}

template<typename P>
ErrorOr<session::SessionClient<P>> open_with_bits(
    Bundle& bundle, ReticleCap const& memory, char const* requests, char const* replies, ConnectionBits bits)
{
    auto pool = TRY(endpoint::carve(memory, session::pool_size<P>()));
    return session::SessionClient<P>::open(
        TRY(bundle.take<RingCap>(requests)), TRY(bundle.take<RingCap>(replies)), std::move(pool), bits);
}

/* notifyd as its Task runs it: a session of fontd, one of compositord's privileged listener, its Display and loop. */
ErrorOr<i32> notifyd_task(Bundle& bundle)
{
    static ReticleCap memory;
    memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto fonts = TRY(open_with_bits<font::Protocol>(bundle, memory, "font_requests", "font_replies", notifyd::font_bits));
    auto surfaces = TRY(open_with_bits<surface::Protocol>(
        bundle, memory, "surface_requests", "surface_replies", notifyd::surface_bits));
    auto display = std::make_unique<notifyd::Display>(memory, std::move(surfaces), std::move(fonts));
    TRY(display->start());
    s_font_line_height = u64(display->text().line_height());
    TRY(notifyd::run(memory, display->screen_width(), display.get(), std::move(requests), std::move(replies), nullptr));
    return 0;
}

using NotifyClient = session::SessionClient<notify::Protocol>;

notify::Post post_of(std::string_view title, std::string_view body, u32 timeout_ms)
{
    notify::Post post;
    for (char byte : title)
        (void)post.title.try_append(u8(byte));
    for (char byte : body)
        (void)post.body.try_append(u8(byte));
    post.timeout_ms = timeout_ms;
    return post;
}

template<typename T>
bool refused(ErrorOr<T> const& result, NotifyError code)
{
    return result.is_error() && result.error().is(code);
}

u64 now_ms() { return endpoint::now_nanoseconds() / 1'000'000; }

/* Session A: two notifications, the refusals, then the first's expiry and the second moving up. */
ErrorOr<i32> client_a(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto client = TRY(open_session_client<notify::Protocol>(memory, TRY(bundle.take<RingCap>("requests")),
        TRY(bundle.take<RingCap>("replies"))));
    u64 posted_ms = now_ms();
    u32 first = TRY(client.call(post_of("First", "expires soon", first_timeout_ms))).notification;
    /* Answered once shown: at the top right, 16 pixels from the edges, the title's first glyph inked. */
    EXPECT_IN_TASK(notification_at(i32(notifyd::margin)));
    EXPECT_IN_TASK(screen_at(left - 1, i32(notifyd::margin) + 2) == compositord::background_colour);
    EXPECT_IN_TASK(screen_at(left + i32(notifyd::width), i32(notifyd::margin) + 2) == compositord::background_colour);
    /* "F": ink in the title line's first 10 pixels after the padding, none left of the padding. */
    i32 title_top = i32(notifyd::margin + notifyd::padding);
    EXPECT_IN_TASK(inked(left + i32(notifyd::padding), title_top, 10, i32(notifyd::line_height)) > 10);
    EXPECT_IN_TASK(inked(left + 1, title_top, i32(notifyd::padding) - 2, i32(notifyd::line_height)) == 0);
    EXPECT_IN_TASK(s_font_line_height.load() > 0 && s_font_line_height.load() <= notifyd::line_height);
    u32 second = TRY(client.call(post_of("Second", "stays", 20'000))).notification;
    EXPECT_IN_TASK(notification_at(second_top) && notification_at(i32(notifyd::margin)));

    /* Each refusal over the Rings, nothing shown by any. */
    EXPECT_IN_TASK(refused(client.call(post_of("", "no title", 5000)), NotifyError::TextInvalid));
    EXPECT_IN_TASK(refused(client.call(post_of("Bell\x07", "", 5000)), NotifyError::TextInvalid));
    EXPECT_IN_TASK(refused(client.call(post_of("Bad \xff", "", 5000)), NotifyError::TextInvalid));
    EXPECT_IN_TASK(refused(client.call(post_of("Soon", "", 999)), NotifyError::TimeoutOutOfBounds));
    EXPECT_IN_TASK(refused(client.call(post_of("Late", "", 60'001)), NotifyError::TimeoutOutOfBounds));
    EXPECT_IN_TASK(refused(client.call(notify::Withdraw { 0x12345 }), NotifyError::UnknownNotification));
    auto state = TRY(client.call(notify::ReadState {}));
    EXPECT_IN_TASK(state.shown == 2 && state.posted == 2);
    EXPECT_IN_TASK(nothing_at(third_top));

    s_first = first;
    s_phase = 1; /* B posts, tries A's id, ends */
    EXPECT_IN_TASK(wait_for([] { return s_phase.load() == 2; }));
    /* B's notification was third; its session's end took it away, A's two stay. */
    EXPECT_IN_TASK(wait_for([] { return nothing_at(third_top); }));
    state = TRY(client.call(notify::ReadState {}));
    EXPECT_IN_TASK(state.shown == 2);
    EXPECT_IN_TASK(notification_at(i32(notifyd::margin)) && notification_at(second_top));

    /* The first goes at its timeout, the second moves up into its place. */
    u64 gone_ms = 0;
    for (;;) {
        state = TRY(client.call(notify::ReadState {}));
        if (state.shown == 1) {
            gone_ms = now_ms();
            break;
        }
        if (now_ms() > posted_ms + first_timeout_ms + 5000)
            break;
        sleep_ms(2);
    }
    EXPECT_IN_TASK(gone_ms >= posted_ms + first_timeout_ms);
    /* One frame interval (1 ms here) and the loop's wake-up: a generous bound for a shared, sanitised host. */
    EXPECT_IN_TASK(gone_ms <= posted_ms + first_timeout_ms + 250);
    EXPECT_IN_TASK(wait_for([] { return nothing_at(second_top) && notification_at(i32(notifyd::margin)); }));
    EXPECT_IN_TASK(refused(client.call(notify::Withdraw { first }), NotifyError::UnknownNotification));
    TRY(client.call(notify::Withdraw { second }));
    EXPECT_IN_TASK(wait_for([] { return nothing_at(i32(notifyd::margin)); }));
    state = TRY(client.call(notify::ReadState {}));
    EXPECT_IN_TASK(state.shown == 0 && state.posted == 2);
    s_phase = 3;
    return 0;
}

/* Session B: a third notification, A's id refused, at most 4 per session, then its end withdraws its own. */
ErrorOr<i32> client_b(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    {
        auto client = TRY(open_session_client<notify::Protocol>(memory, TRY(bundle.take<RingCap>("requests")),
            TRY(bundle.take<RingCap>("replies"))));
        EXPECT_IN_TASK(wait_for([] { return s_phase.load() == 1; }));
        TRY(client.call(post_of("Third", "from B", 20'000)));
        EXPECT_IN_TASK(notification_at(third_top));
        /* A's id means nothing in B's session. */
        EXPECT_IN_TASK(refused(client.call(notify::Withdraw { s_first.load() }), NotifyError::UnknownNotification));
        /* Four per session; the fifth is refused, none of A's removed for it. */
        for (int more = 0; more < 3; ++more)
            TRY(client.call(post_of("More", "", 20'000)));
        EXPECT_IN_TASK(refused(client.call(post_of("Fifth", "", 20'000)), NotifyError::TooManyNotifications));
        auto state = TRY(client.call(notify::ReadState {}));
        EXPECT_IN_TASK(state.shown == 4 && state.posted == 4);
        EXPECT_IN_TASK(notification_at(i32(notifyd::margin)) && notification_at(second_top));
    } /* the session ends here */
    s_phase = 2;
    return 0;
}

/* A client of compositord's ordinary listener: a transient surface is refused, an ordinary one made. */
ErrorOr<i32> attacker(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto client = TRY(open_session_client<surface::Protocol>(memory, TRY(bundle.take<RingCap>("requests")),
        TRY(bundle.take<RingCap>("replies"))));
    auto pixels = TRY(system::create_memory(memory, 4096 * 4));
    surface::Create create { 0, 200, 40, 30, 160 };
    create.transient = 1;
    auto refused_create = client.call_lending(create, pixels, RightRead);
    EXPECT_IN_TASK(refused_create.is_error() && refused_create.error().is(surface::SurfaceError::TransientRefused));
    EXPECT_IN_TASK(TRY(client.call(surface::ReadState {})).surfaces == 0);
    create.transient = 0;
    TRY(client.call_lending(create, pixels, RightRead));
    EXPECT_IN_TASK(TRY(client.call(surface::ReadState {})).surfaces == 1);
    EXPECT_IN_TASK(wait_for([] { return s_phase.load() == 3; }));
    return 0;
}

}

TEST_CASE("notifyd shows posted notifications top right through compositord and fontd, expires, withdraws and refuses", "[notifyd][compositord][fontd][attack]")
{
    s_phase = 0;
    s_first = 0;
    DisplayStage stage(64 * MiB, test_mode, 256 * KiB);
    s_device = stage.device;
    auto& parent = stage.parent;

    auto surfaces = make_listener(stage.arena.reticle(), parent);
    auto transient = make_listener(stage.arena.reticle(), parent);
    Task* compositor = stage.spawn("compositord", compositord_task);
    REQUIRE(grant_service(*compositor, parent, surfaces, stage.memory_of(512 * KiB)));
    grant_pair(*compositor, parent, stage.display.listener.requests, stage.display.listener.replies, "display_requests", "display_replies", false);
    grant_pair(*compositor, parent, transient.requests, transient.replies, "transient_requests", "transient_replies", true);

    auto fonts = make_listener(stage.arena.reticle(), parent);
    Task* fontd = stage.spawn("fontd", fontd_task);
    REQUIRE(grant_service(*fontd, parent, fonts, stage.memory_of(4 * MiB)));

    auto notices = make_listener(stage.arena.reticle(), parent);
    Task* notifier = stage.spawn("notifyd", notifyd_task);
    REQUIRE(grant_service(*notifier, parent, notices, stage.memory_of(4 * MiB)));
    grant_pair(*notifier, parent, fonts.requests, fonts.replies, "font_requests", "font_replies", false);
    grant_pair(*notifier, parent, transient.requests, transient.replies, "surface_requests", "surface_replies", false);

    std::vector<Task*> tasks;
    for (TaskEntry entry : { client_a, client_b }) {
        Task* task = stage.spawn("client", entry);
        REQUIRE(grant_client(*task, parent, notices, stage.memory_of(1 * MiB)));
        tasks.push_back(task);
    }
    Task* attacking = stage.spawn("attacker", attacker);
    REQUIRE(grant_client(*attacking, parent, surfaces, stage.memory_of(1 * MiB)));
    tasks.push_back(attacking);
    run_each_to_end(tasks);

    CHECK(stage.end_service(*notifier, notices) == ErrorCode::PeerRestarted);
    (void)stage.end_service(*fontd, fonts);
    CHECK(stage.end_service(*compositor, surfaces) == ErrorCode::PeerRestarted);
    stage.finish();
}
