/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The scripted terminal (Typist.h).
 */

#include <shellcheck/Typist.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::shellcheck {

namespace {

constexpr u16 read_number = static_cast<u16>(protocol::index_of<tty::Protocol, tty::Read>() + 1);

/* Valid UTF-8 with no C0 or C1 control character and no DEL. */
bool is_title(std::span<u8 const> bytes)
{
    for (usize index = 0; index < bytes.size();) {
        u8 lead = bytes[index];
        if (lead < 0x20 || lead == 0x7f)
            return false;
        if (lead < 0x80) {
            ++index;
            continue;
        }
        usize more = (lead & 0xe0) == 0xc0 ? 1 : (lead & 0xf0) == 0xe0 ? 2 : (lead & 0xf8) == 0xf0 ? 3 : 0;
        if (more == 0 || index + more >= bytes.size())
            return false;
        u32 code_point = lead & (0x3f >> more);
        for (usize at = 1; at <= more; ++at) {
            if ((bytes[index + at] & 0xc0) != 0x80)
                return false;
            code_point = (code_point << 6) | (bytes[index + at] & 0x3f);
        }
        u32 smallest[] = { 0, 0x80, 0x800, 0x10000 };
        if (code_point < smallest[more] || code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)
            || (code_point >= 0x80 && code_point < 0xa0))
            return false;
        index += more + 1;
    }
    return true;
}

}

ErrorOr<tty::Written> TerminalHandler::handle(tty::Write const& request) { return m_typist.write(m_index, request); }
ErrorOr<tty::Input> TerminalHandler::handle(tty::Read const& request) { return m_typist.read(m_index, request); }
ErrorOr<tty::Size> TerminalHandler::handle(tty::ReadSize const&) { return tty::Size { m_typist.columns(), m_typist.rows() }; }
ErrorOr<protocol::Done> TerminalHandler::handle(tty::SetTitle const& request) { return m_typist.set_title(request); }

ErrorOr<tty::Written> Typist::write(usize session, tty::Write const& request)
{
    auto& window = m_windows[session];
    for (u8 byte : request.bytes) {
        if (window.length == screen_bytes) {
            ++m_overflowed;
            continue;
        }
        window.screen[window.length++] = byte;
    }
    m_written += request.bytes.size();
    return tty::Written { u32(request.bytes.size()) };
}

ErrorOr<tty::Input> Typist::typed(Reaction const& reaction)
{
    tty::Input input;
    for (u8 byte : reaction.keys)
        TRY(input.bytes.try_append(byte));
    input.columns = m_columns;
    input.rows = m_rows;
    m_resized = false;
    return input;
}

ErrorOr<tty::Input> Typist::read(usize session, tty::Read const& request)
{
    auto& window = m_windows[session];
    if (window.waiting)
        return Error(tty::TtyError::Busy, "a read is already waiting");
    auto reaction = m_person.react(session, { window.screen, window.length });
    window.length = 0;
    if (reaction.keys.size() > tty::maximum_read)
        return Error(ErrorCode::TooLarge, "the person typed more than one read carries");
    if (reaction.kind == Reaction::Kind::Close) {
        window.close = true;
        m_kept = true;
        return Error(ErrorCode::Busy, "kept: the window closes");
    }
    if (!reaction.keys.empty() || request.wait_ms == 0 || m_resized)
        return typed(reaction);
    u32 milliseconds = request.wait_ms > tty::maximum_wait_ms ? tty::maximum_wait_ms : request.wait_ms;
    window.waiting = true;
    window.waiting_call = m_call_id;
    window.deadline = endpoint::now_nanoseconds() + u64(milliseconds) * 1'000'000;
    m_kept = true;
    return Error(ErrorCode::Busy, "kept: answered at its deadline");
}

ErrorOr<protocol::Done> Typist::set_title(tty::SetTitle const& request)
{
    if (!is_title(request.title.span()))
        return Error(tty::TtyError::InvalidTitle, "the title is not UTF-8 or holds a control character");
    m_title = request.title;
    return protocol::Done {};
}

void Typist::opened(usize index)
{
    m_windows[index].length = 0;
    m_windows[index].waiting = false;
    m_windows[index].close = false;
    ++m_opened;
}

void Typist::closed(usize index)
{
    m_windows[index].length = 0;
    m_windows[index].waiting = false;
    m_windows[index].close = false;
}

void Typist::answer_waiting(usize index, u64 now)
{
    auto& window = m_windows[index];
    if (!window.waiting || (now < window.deadline && !m_resized))
        return;
    window.waiting = false;
    auto input = typed({});
    auto length = protocol::encode_message(m_reply, static_cast<u16>(read_number | protocol::reply_flag),
        protocol::status_success, window.waiting_call, input.value());
    m_table.send_reply(index, std::span<u8 const>(m_reply, length.is_error() ? 0 : length.value()));
}

bool Typist::take_request(usize index)
{
    auto length = m_table.take_request(index, m_request, m_windows[index].waiting ? 1 : 0);
    if (!length)
        return false;
    std::span<u8 const> request(m_request, *length);
    auto envelope = protocol::read_envelope(request);
    m_call_id = envelope.is_error() ? 0 : envelope.value().call_id;
    m_kept = false;
    TerminalHandler handler(*this, index);
    usize reply_length = protocol::dispatch<tty::Protocol>(handler, request, m_reply);
    if (m_windows[index].close) {
        m_table.free(index);
        return true;
    }
    if (!m_kept)
        m_table.send_reply(index, std::span<u8 const>(m_reply, reply_length));
    return true;
}

ErrorOr<void> Typist::serve(RingCap listen_requests, RingCap listen_replies, SignalCap const* ready)
{
    auto* table = TRY(session::Table::listen(m_table, std::move(listen_requests), std::move(listen_replies),
        session::geometry_of<tty::Protocol>(), session::Limits { maximum_sessions, 1 }));
    table->on_change(
        this, [](void* typist, usize index) { static_cast<Typist*>(typist)->opened(index); },
        [](void* typist, usize index) { static_cast<Typist*>(typist)->closed(index); });
    if (ready)
        TRY(endpoint::raise(*ready));
    for (;;) {
        if (auto listening = table->serve_listener(); listening.is_error()) {
            /* The terminal ends with its listener: every window closes with it, as when its Task ends. */
            for (usize index = 0; index < table->capacity(); ++index)
                table->free(index);
            return listening.release_error();
        }
        table->retry_reclaims();
        bool served = false;
        for (usize index = 0; index < table->capacity(); ++index)
            served |= take_request(index);
        u64 now = endpoint::now_nanoseconds();
        u64 deadline = ~u64(0);
        for (usize index = 0; index < table->capacity(); ++index) {
            answer_waiting(index, now);
            if (m_windows[index].waiting && m_windows[index].deadline < deadline)
                deadline = m_windows[index].deadline;
        }
        if (served)
            continue;
        if (deadline != ~u64(0))
            (void)endpoint::wait_until(table->wait_mask() | timer_bit.mask(), deadline, timer_bit);
        else
            (void)endpoint::wait(table->wait_mask());
    }
}

}
