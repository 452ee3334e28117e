/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * notifyd's notifications: bounds, ids, stacking and expiry (Board.h).
 */

#include <notifyd/Board.h>
#include <string_view>
#include <vectra/Try.h>
#include <vectra/Utf8.h>

namespace vectra::notifyd {

using notify::NotifyError;

namespace {

constexpr u32 slot_bits = 8;

std::string_view text_of(std::span<u8 const> bytes) { return { reinterpret_cast<char const*>(bytes.data()), bytes.size() }; }

bool has_control(std::span<u8 const> bytes, bool newline_allowed)
{
    for (u8 byte : bytes) {
        if (byte == '\n' && newline_allowed)
            continue;
        if (byte < 0x20 || byte == 0x7f)
            return true;
    }
    return false;
}

}

ErrorOr<u32> check_text(std::span<u8 const> title, std::span<u8 const> body)
{
    if (title.empty() || !check_utf8(text_of(title)).valid || !check_utf8(text_of(body)).valid
        || has_control(title, false) || has_control(body, true))
        return Error(NotifyError::TextInvalid, "title and body are UTF-8 without control characters (the body may break lines)");
    u32 body_lines = body.empty() ? 0 : 1;
    for (u8 byte : body)
        body_lines += byte == '\n';
    return 1 + (body_lines > notify::maximum_body_lines ? u32(notify::maximum_body_lines) : body_lines);
}

ErrorOr<u32> Board::post(usize session, notify::Post const& request, u64 now_ns)
{
    u32 lines = TRY(check_text(request.title.span(), request.body.span()));
    if (request.timeout_ms < notify::minimum_timeout_ms || request.timeout_ms > notify::maximum_timeout_ms)
        return Error(NotifyError::TimeoutOutOfBounds, "a timeout lies in 1000–60000 ms");
    if (shown(session) >= notify::notifications_per_session)
        return Error(NotifyError::TooManyNotifications, "a session shows at most 4 notifications");
    std::optional<usize> free;
    for (usize index = 0; index < notify::notifications_shown && !free; ++index) {
        if (!m_slots[index].used)
            free = index;
    }
    if (!free)
        return Error(NotifyError::TooManyNotifications, "notifyd shows at most 8 notifications");
    m_generation = (m_generation + 1) & 0xffffff;
    auto& made = m_slots[*free];
    made = Notification { true, (m_generation << slot_bits) | u32(*free + 1), session,
        now_ns + u64(request.timeout_ms) * 1'000'000, lines, 0, 0, lines * line_height + 2 * padding, ++m_posts };
    restack();
    return made.id;
}

std::optional<usize> Board::slot_of(usize session, u32 id) const
{
    u32 slot = id & ((1u << slot_bits) - 1);
    if (slot == 0 || slot > notify::notifications_shown)
        return std::nullopt;
    auto const& found = m_slots[slot - 1];
    if (!found.used || found.id != id || found.session != session)
        return std::nullopt;
    return slot - 1;
}

ErrorOr<void> Board::withdraw(usize session, u32 id)
{
    auto index = slot_of(session, id);
    if (!index)
        return Error(NotifyError::UnknownNotification, "no notification of this session has that id");
    remove(*index);
    restack();
    return {};
}

void Board::remove(usize index) { m_slots[index] = Notification(); }

usize Board::expire(u64 now_ns)
{
    usize removed = 0;
    for (usize index = 0; index < notify::notifications_shown; ++index) {
        if (m_slots[index].used && m_slots[index].deadline_ns <= now_ns) {
            remove(index);
            ++removed;
        }
    }
    if (removed > 0)
        restack();
    return removed;
}

void Board::close_session(usize session)
{
    for (usize index = 0; index < notify::notifications_shown; ++index) {
        if (m_slots[index].used && m_slots[index].session == session)
            remove(index);
    }
    restack();
}

void Board::restack()
{
    /* Oldest first from the top: each placed below the one posted before it. */
    i32 top = i32(margin);
    u64 placed_order = 0;
    for (usize placed = 0; placed < notify::notifications_shown; ++placed) {
        Notification* next = nullptr;
        for (auto& each : m_slots) {
            if (each.used && each.order > placed_order && (!next || each.order < next->order))
                next = &each;
        }
        if (!next)
            return;
        next->x = i32(m_screen_width) - i32(margin) - i32(width);
        next->y = top;
        top += i32(next->height + gap);
        placed_order = next->order;
    }
}

std::optional<u64> Board::next_deadline() const
{
    std::optional<u64> earliest;
    for (auto const& each : m_slots) {
        if (each.used && (!earliest || each.deadline_ns < *earliest))
            earliest = each.deadline_ns;
    }
    return earliest;
}

usize Board::shown(usize session) const
{
    usize count = 0;
    for (auto const& each : m_slots)
        count += each.used && each.session == session;
    return count;
}

usize Board::shown() const
{
    usize count = 0;
    for (auto const& each : m_slots)
        count += each.used;
    return count;
}

}
