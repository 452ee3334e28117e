/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * notifyd's state, without Rings or drawing (docs/adr/0048-notifyd.md §2, §3, §5, §6): the
 * notifications shown, whose they are, where each sits on the screen and when it expires. Each
 * request of vectra.notify is one call here, checked whole before anything changes.
 *
 *   - Ids are (generation << 8 | slot + 1), looked up with the session: another session's id, a
 *     withdrawn or expired one's, or a made-up one is unknown-notification.
 *   - Placement: every notification is `width` pixels wide and as tall as its lines; they stack
 *     down from the top right corner (`margin` from both edges, `gap` between), oldest on top, and
 *     close up when one goes (`moved` tells which changed place, for the surfaces to follow).
 *   - Bounds: 4 per session, 8 in all; title and body UTF-8 without control characters (the body
 *     may break lines, at most 4 shown); a timeout of 1–60 s from the post.
 */

#pragma once

#include <optional>
#include <vectra/Error.h>
#include <vectra/notify/Protocol.h>

namespace vectra::notifyd {

inline constexpr u32 width = 320;
inline constexpr u32 margin = 16;
inline constexpr u32 gap = 8;
inline constexpr u32 line_height = 20;
inline constexpr u32 padding = 8;

struct Notification {
    bool used { false };
    u32 id { 0 };
    usize session { 0 };
    u64 deadline_ns { 0 };
    u32 lines { 0 };  /* the title's and the body's lines shown */
    i32 x { 0 };
    i32 y { 0 };
    u32 height { 0 };
    u64 order { 0 };  /* posting order: the stack's */
};

class Board {
public:
    explicit Board(u32 screen_width)
        : m_screen_width(screen_width)
    {
    }

    [[nodiscard]] ErrorOr<u32> post(usize session, notify::Post const&, u64 now_ns);
    [[nodiscard]] ErrorOr<void> withdraw(usize session, u32 id);
    /* Every notification whose deadline passed at `now_ns` removed; how many. */
    usize expire(u64 now_ns);
    /* Every notification of `session` removed (it ended). */
    void close_session(usize session);

    /* The earliest deadline of those shown, if any: the loop's wait. */
    [[nodiscard]] std::optional<u64> next_deadline() const;
    [[nodiscard]] usize shown(usize session) const;
    [[nodiscard]] usize shown() const;
    [[nodiscard]] Notification const& slot(usize index) const { return m_slots[index]; }
    [[nodiscard]] std::optional<usize> slot_of(usize session, u32 id) const;

private:
    void remove(usize index);
    void restack();

    u32 m_screen_width;
    Notification m_slots[notify::notifications_shown];
    u32 m_generation { 0 };
    u64 m_posts { 0 };
};

/* The checks of post's text: UTF-8, no control characters but the body's newlines, a title. Lines shown (1 + body's, at most 4 of those). */
[[nodiscard]] ErrorOr<u32> check_text(std::span<u8 const> title, std::span<u8 const> body);

}
