/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a run of vectra.notify requests to notifyd's loop (no screen),
 * answered by its own handlers on two sessions. Each step is a byte that picks the session and
 * whether time passes first (up to a minute, expiring what is due) or the session ends, two bytes
 * giving the request's length (little-endian), and the request. Beyond the dispatch checks
 * (DispatchFuzzer.h): an accepted post's text is UTF-8 without control characters (the title
 * none, the body only newlines) and its timeout in bounds; no session shows more than 4 and
 * nobody more than 8; notifications never overlap and lie at the right edge; no notification
 * outlives its deadline past a tend; a refused request changes nothing.
 */

#include "DispatchFuzzer.h"
#include <new>
#include <notifyd/Loop.h>
#include <vectra/Utf8.h>

using namespace vectra;
using namespace vectra::notifyd;

namespace {

constexpr u32 screen_width = 1024;

struct Session {
    Loop& loop;
    usize index;
    u64 now;
    ErrorOr<notify::Posted> handle(notify::Post const& request)
    {
        auto posted = TRY(loop.post(index, request, now));
        auto title = request.title.span();
        auto body = request.body.span();
        VERIFY(!title.empty());
        VERIFY(check_utf8(std::string_view(reinterpret_cast<char const*>(title.data()), title.size())).valid);
        VERIFY(check_utf8(std::string_view(reinterpret_cast<char const*>(body.data()), body.size())).valid);
        for (u8 byte : title)
            VERIFY(byte >= 0x20 && byte != 0x7f);
        for (u8 byte : body)
            VERIFY(byte == '\n' || (byte >= 0x20 && byte != 0x7f));
        VERIFY(request.timeout_ms >= notify::minimum_timeout_ms && request.timeout_ms <= notify::maximum_timeout_ms);
        return posted;
    }
    ErrorOr<protocol::Done> handle(notify::Withdraw const& request) { return loop.withdraw(index, request); }
    ErrorOr<notify::State> handle(notify::ReadState const&) { return loop.state(index); }
};

void check_board(Board const& board, u64 now)
{
    usize per_session[2] {};
    for (usize slot = 0; slot < notify::notifications_shown; ++slot) {
        auto const& one = board.slot(slot);
        if (!one.used)
            continue;
        VERIFY(one.session < 2);
        ++per_session[one.session];
        VERIFY(one.deadline_ns > now);
        VERIFY(one.x == i32(screen_width - margin - width) && one.y >= i32(margin));
        VERIFY(one.lines >= 1 && one.lines <= 1 + notify::maximum_body_lines);
        for (usize other = slot + 1; other < notify::notifications_shown; ++other) {
            auto const& two = board.slot(other);
            VERIFY(!two.used || one.y + i32(one.height) <= two.y || two.y + i32(two.height) <= one.y);
        }
    }
    VERIFY(per_session[0] <= notify::notifications_per_session && per_session[1] <= notify::notifications_per_session);
    VERIFY(board.shown() <= notify::notifications_shown);
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    alignas(Loop) static u8 storage[sizeof(Loop)];
    auto& loop = *new (storage) Loop(screen_width, nullptr);
    loop.opened(0);
    loop.opened(1);
    u64 now = 1'000'000'000;
    usize at = 0;
    while (at + 3 <= size) {
        u8 step = data[at];
        usize length = usize(data[at + 1]) | usize(data[at + 2]) << 8;
        at += 3;
        if (length > size - at)
            length = size - at;
        usize index = step & 1;
        switch ((step >> 1) % 4) {
        case 0:
            now += u64(step) * 250'000'000;
            break;
        case 1:
            loop.closed(index);
            VERIFY(loop.board().shown(index) == 0);
            loop.opened(index);
            break;
        default:
            break;
        }
        MUST(loop.tend(now));
        check_board(loop.board(), now);
        auto before = loop.state(index);
        usize shown = loop.board().shown();
        Session session { loop, index, now };
        auto outcome = test::fuzz_dispatch<notify::Protocol>(session, std::span<u8 const>(data + at, length));
        if (outcome.refused) {
            auto after = loop.state(index);
            VERIFY(after.shown == before.shown && after.posted == before.posted && loop.board().shown() == shown);
        }
        check_board(loop.board(), now);
        at += length;
    }
    loop.~Loop();
    return 0;
}
