/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * notifyd's service loop (Loop.h).
 */

#include <new>
#include <notifyd/Loop.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::notifyd {

namespace {

/* vectra.notify's handlers for one session, with the clock. */
struct SessionHandler {
    Loop& loop;
    usize index;
    u64 now;
    ErrorOr<notify::Posted> handle(notify::Post const& request) { return loop.post(index, request, now); }
    ErrorOr<protocol::Done> handle(notify::Withdraw const& request) { return loop.withdraw(index, request); }
    ErrorOr<notify::State> handle(notify::ReadState const&) { return loop.state(index); }
};

}

Loop::Loop(u32 screen_width, Screen* screen)
    : m_board(screen_width)
    , m_screen(screen)
{
}

ErrorOr<notify::Posted> Loop::post(usize index, notify::Post const& request, u64 now)
{
    u32 id = TRY(m_board.post(index, request, now));
    if (m_screen) {
        /* Drawn and shown before the answer; a notification that cannot be shown is no notification. */
        auto shown = m_screen->draw(*m_board.slot_of(index, id), request);
        if (!shown.is_error())
            shown = m_screen->show(m_board);
        if (shown.is_error()) {
            (void)m_board.withdraw(index, id);
            m_screen_stale = true;
            return shown.release_error();
        }
    }
    ++m_posted[index];
    return notify::Posted { id };
}

ErrorOr<protocol::Done> Loop::withdraw(usize index, notify::Withdraw const& request)
{
    TRY(m_board.withdraw(index, request.notification));
    m_screen_stale = true;
    return protocol::Done {};
}

notify::State Loop::state(usize index) const { return notify::State { u32(m_board.shown(index)), m_posted[index] }; }

void Loop::opened(usize index) { m_posted[index] = 0; }

void Loop::closed(usize index)
{
    m_board.close_session(index);
    m_posted[index] = 0;
    m_screen_stale = true;
}

bool Loop::take_session_request(usize index)
{
    auto length = m_table.take_request(index, m_request, 0);
    if (!length)
        return false;
    SessionHandler handler { *this, index, endpoint::now_nanoseconds() };
    usize reply_length = protocol::dispatch<notify::Protocol>(handler, std::span<u8 const>(m_request, *length), m_reply);
    m_table.send_reply(index, std::span<u8 const>(m_reply, reply_length));
    return true;
}

ErrorOr<void> Loop::tend(u64 now)
{
    if (m_board.expire(now) > 0)
        m_screen_stale = true;
    if (!m_screen) {
        m_screen_stale = false;
        return {};
    }
    if (TRY(m_screen->take_clicks(m_board)) > 0)
        m_screen_stale = true;
    if (m_screen_stale) {
        TRY(m_screen->show(m_board));
        m_screen_stale = false;
    }
    return {};
}

ErrorOr<void> Loop::serve(RingCap listen_requests, RingCap listen_replies)
{
    auto* table = TRY(session::Table::listen(m_table, std::move(listen_requests), std::move(listen_replies),
        session::geometry_of<notify::Protocol>(), session::Limits { maximum_sessions, 1 }));
    table->on_change(
        this, [](void* loop, usize index) { static_cast<Loop*>(loop)->opened(index); },
        [](void* loop, usize index) { static_cast<Loop*>(loop)->closed(index); });
    for (;;) {
        TRY(table->serve_listener());
        table->retry_reclaims();
        bool served = false;
        for (usize index = 0; index < table->capacity(); ++index)
            served |= take_session_request(index);
        u64 now = endpoint::now_nanoseconds();
        TRY(tend(now));
        if (served || (m_screen && m_screen->has_input()))
            continue;
        /* One wait for everything: the sessions, the person's clicks and the earliest expiry. */
        u64 mask = table->wait_mask() | (m_screen ? m_screen->input_mask() : 0);
        auto deadline = m_board.next_deadline();
        if (deadline)
            (void)endpoint::wait_until(mask | timer_bit.mask(), *deadline, timer_bit);
        else
            (void)endpoint::wait(mask);
    }
}

ErrorOr<void> run(ReticleCap const& memory, u32 screen_width, Screen* screen, RingCap requests, RingCap replies,
    SignalCap const* ready)
{
    auto placed = TRY(endpoint::memory(memory, sizeof(Loop)));
    auto* loop = new (placed.data()) Loop(screen_width, screen);
    if (ready)
        TRY(endpoint::raise(*ready));
    auto served = loop->serve(std::move(requests), std::move(replies));
    loop->~Loop();
    return served;
}

}
