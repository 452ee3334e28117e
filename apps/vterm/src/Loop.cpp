/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vterm's service loop (Loop.h).
 */

#include <new>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/protocol/Dispatch.h>
#include <vterm/Loop.h>

namespace vectra::vterm {

namespace {

constexpr u16 read_number = static_cast<u16>(protocol::index_of<tty::Protocol, tty::Read>() + 1);

/* vectra.tty's handlers for one session, with the clock and the call id the Server needs. */
struct SessionHandler {
    Server& server;
    usize index;
    u64 now;
    u32 call_id;
    ErrorOr<tty::Written> handle(tty::Write const& request) { return server.write(index, request); }
    ErrorOr<tty::Input> handle(tty::Read const& request) { return server.read(index, request, now, call_id); }
    ErrorOr<tty::Size> handle(tty::ReadSize const&) { return server.size(index); }
    ErrorOr<protocol::Done> handle(tty::SetTitle const& request) { return server.set_title(index, request); }
};

}

Loop::Loop(std::span<u8> window_memory, Screen* screen, usize windows_at_start)
    : m_server(window_memory)
    , m_screen(screen)
    , m_windows_at_start(windows_at_start > maximum_windows ? maximum_windows : windows_at_start)
{
}

void Loop::opened(usize session)
{
    /* Every session gets a window, shown or not; when the person's ended windows hold them all, it goes. */
    if (m_server.opened(session, window_size).is_error())
        m_table.free(session);
}

void Loop::closed(usize session) { m_server.closed(session); }

void Loop::end_closed_sessions()
{
    while (auto session = m_server.take_session_to_end())
        m_table.free(*session);
}

bool Loop::take_session_request(usize session)
{
    if (!m_server.is_open(session))
        return false;
    auto length = m_table.take_request(session, m_request, m_server.is_waiting(session) ? 1 : 0);
    if (!length)
        return false;
    std::span<u8 const> request(m_request, *length);
    auto envelope = protocol::read_envelope(request);
    SessionHandler handler { m_server, session, endpoint::now_nanoseconds(),
        envelope.is_error() ? 0 : envelope.value().call_id };
    m_server.begin_request();
    usize reply_length = protocol::dispatch<tty::Protocol>(handler, request, m_reply);
    if (!m_server.kept())
        m_table.send_reply(session, std::span<u8 const>(m_reply, reply_length));
    return true;
}

void Loop::answer_waiting(usize session, u64 now)
{
    auto answer = m_server.answer_waiting(session, now);
    if (!answer)
        return;
    auto length = protocol::encode_message(m_reply, static_cast<u16>(read_number | protocol::reply_flag),
        protocol::status_success, answer->call_id, answer->input);
    m_table.send_reply(session,
        std::span<u8 const>(m_reply,
            length.is_error() ? protocol::encode_status_reply(
                m_reply, read_number, answer->call_id, protocol::status_general | u16(ErrorCode::TooLarge))
                              : length.value()));
}

ErrorOr<void> Loop::serve(RingCap listen_requests, RingCap listen_replies)
{
    auto* table = TRY(session::Table::listen(m_table, std::move(listen_requests), std::move(listen_replies),
        session::geometry_of<tty::Protocol>(), session::Limits { maximum_sessions, 1 }));
    table->on_change(
        this, [](void* loop, usize index) { static_cast<Loop*>(loop)->opened(index); },
        [](void* loop, usize index) { static_cast<Loop*>(loop)->closed(index); });
    for (usize window = 0; window < m_windows_at_start; ++window)
        TRY(m_server.open_window(window_size));
    for (;;) {
        TRY(table->serve_listener());
        table->retry_reclaims();
        bool served = false;
        for (usize index = 0; index < table->capacity(); ++index)
            served |= take_session_request(index);
        if (m_screen)
            TRY(m_screen->take_input());
        end_closed_sessions();
        u64 now = endpoint::now_nanoseconds();
        for (usize index = 0; index < table->capacity(); ++index)
            answer_waiting(index, now);
        if (m_screen)
            TRY(m_screen->present());
        if (served || (m_screen && m_screen->has_input()))
            continue;
        /* One wait for everything: the sessions, the person's input and the earliest read deadline. */
        u64 mask = table->wait_mask() | (m_screen ? m_screen->input_mask() : 0);
        /* A session the person closed (Ctrl+Shift+W) is reclaimed once its client lets go: that rings
         * the session's bit, which the table's mask keeps until then. */
        auto deadline = m_server.next_deadline();
        if (deadline)
            (void)endpoint::wait_until(mask | timer_bit.mask(), *deadline, timer_bit);
        else
            (void)endpoint::wait(mask);
    }
}

ErrorOr<Loop*> place_loop(ReticleCap const& memory, Screen* screen, usize windows_at_start)
{
    auto placed = TRY(endpoint::memory(memory, sizeof(Loop)));
    auto windows = TRY(endpoint::memory(memory, Server::memory_for() + 16));
    auto aligned = reinterpret_cast<uptr>(windows.data());
    usize skip = ((aligned + 15) & ~uptr(15)) - aligned;
    return new (placed.data()) Loop(windows.subspan(skip, Server::memory_for()), screen, windows_at_start);
}

ErrorOr<void> run(ReticleCap const& memory, RingCap requests, RingCap replies, SignalCap const* ready, Screen* screen,
    usize windows_at_start)
{
    auto* loop = TRY(place_loop(memory, screen, windows_at_start));
    if (ready)
        TRY(endpoint::raise(*ready));
    auto served = loop->serve(std::move(requests), std::move(replies));
    loop->~Loop();
    return served;
}

}
