/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * notify-check (image notify, docs/adr/0048-notifyd.md): a focused client that posts two
 * notifications through notifyd and follows them: the shorter one's expiry, the other's
 * withdrawal by the person's click, which must leave this client the focus and its keys.
 */

#include <surfacecheck/Patterns.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/footprints/notify_check.h>
#include <vectra/input/Protocol.h>
#include <vectra/notify/Protocol.h>

VECTRA_TASK_ENTRY(notify_check);

namespace vectra::task_entries {

namespace {

using namespace surfacecheck;
using NotifyClient = session::SessionClient<notify::Protocol>;

inline constexpr Placement placement { 100, 120, 300, 200 };
inline constexpr u32 shorter_timeout_ms = 8000;
inline constexpr u32 longer_timeout_ms = 60'000;
constexpr SignalBit sleep_bit { 24 };
constexpr ConnectionBits notify_bits { SignalBit(25), SignalBit(26), SignalBit(27) };
constexpr u64 patience_ms = 120'000;

void sleep_ms(u64 milliseconds)
{
    (void)endpoint::wait_until(sleep_bit.mask(), endpoint::now_nanoseconds() + milliseconds * 1'000'000, sleep_bit);
}

u64 now_ms() { return endpoint::now_nanoseconds() / 1'000'000; }

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

/* Polls notifyd until the session shows `count` notifications (false after patience_ms). */
ErrorOr<bool> wait_shown(NotifyClient& notices, u32 count)
{
    for (u64 start = now_ms(); now_ms() - start < patience_ms; sleep_ms(20)) {
        if (TRY(notices.call(notify::ReadState {})).shown == count)
            return true;
    }
    return false;
}

/* What the focused client read: its typed line, and focus changes. */
struct Typed {
    char line[32] {};
    usize length { 0 };
    bool done { false };
    int lost { 0 };
    int gained { 0 };
};

ErrorOr<void> read_input(SurfaceClient& surfaces, Typed& typed)
{
    auto read = TRY(surfaces.call(surface::ReadInput { 500 }, Duration::from_seconds(15)));
    for (auto const& event : read.events) {
        if (event.kind == surface::event_kind::focus) {
            typed.gained += event.action == surface::focus_action::gained;
            typed.lost += event.action == surface::focus_action::lost;
        }
        if (event.kind != surface::event_kind::key || event.action == input::key_action::release || event.characters.size() == 0)
            continue;
        if (event.characters[0] == '\n')
            typed.done = true;
        else if (typed.length < sizeof(typed.line) && event.characters[0] < 0x80)
            typed.line[typed.length++] = char(event.characters[0]);
    }
    return {};
}

}

ErrorOr<i32> notify_check(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::notify_check)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto surfaces = TRY(open_session(bundle, memory));
    auto shown = TRY(show(surfaces, memory, placement, draw_checker));
    TRY(surfaces.call(surface::Focus { shown.id }));
    auto notices = TRY(NotifyClient::open(TRY(bundle.take<RingCap>("notify-requests")),
        TRY(bundle.take<RingCap>("notify-replies")), TRY(endpoint::carve(memory, session::pool_size<notify::Protocol>())),
        notify_bits));

    /* Two notifications: answered once each is on the screen. */
    u64 posted_ms = now_ms();
    auto first = TRY(notices.call(post_of("Build finished", "vectra: 212 targets, 0 failed", shorter_timeout_ms)));
    auto second = TRY(notices.call(post_of("Download failed", "debian-12.iso: connection reset\nRetry from the menu", longer_timeout_ms)));
    TRY(print_line(console, "notify-check: posted 2 notifications ({} for {} ms, {} for {} ms); both shown",
        first.notification, shorter_timeout_ms, second.notification, longer_timeout_ms));
    if (!TRY(wait_shown(notices, 1)))
        return Error(ErrorCode::TimedOut, "the first notification did not expire");
    u64 expired_after = now_ms() - posted_ms;
    TRY(print_line(console, "notify-check: the first expired after {} ms (its timeout {} ms); 1 shown",
        expired_after, shorter_timeout_ms));
    if (expired_after < shorter_timeout_ms)
        return Error(ErrorCode::InvalidArgument, "a notification went before its timeout");

    /* The person clicks the other one: withdrawn, and the focus stays here. */
    TRY(print_line(console, "notify-check: click the notification"));
    if (!TRY(wait_shown(notices, 0)))
        return Error(ErrorCode::TimedOut, "no click withdrew the notification");
    auto state = TRY(surfaces.call(surface::ReadState {}));
    Typed typed;
    TRY(read_input(surfaces, typed));
    TRY(print_line(console, "notify-check: withdrawn by the click; the focus is {} ({} lost); type",
        state.focused == shown.id ? "still here" : "elsewhere", typed.lost));
    if (state.focused != shown.id || typed.lost != 0)
        return Error(ErrorCode::InvalidArgument, "the click on a notification moved the focus");
    for (u64 start = now_ms(); !typed.done && now_ms() - start < patience_ms;)
        TRY(read_input(surfaces, typed));
    TRY(print_line(console, "notify-check: typed \"{}\"", std::string_view(typed.line, typed.length)));
    if (!typed.done || typed.lost != 0)
        return Error(ErrorCode::TimedOut, "the typed line did not reach the focused client");
    TRY(surfaces.call(surface::Frame {}));
    TRY(print_line(console, "notify-check: holding the frame 2000 ms for a screenshot"));
    sleep_ms(2000);
    TRY(print_line(console, "notify-check: passed"));
    return 0;
}

}
