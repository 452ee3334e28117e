/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.notify, declared once (docs/adr/0048-notifyd.md): what notifyd serves a program on each
 * session. notifyd draws each notification as a transient surface of its own through compositord
 * (text from fontd), stacked at the top right of the screen, and removes it when its timeout has
 * passed, when the program withdraws it, or when the program's session ends. Programs never draw
 * notifications and never learn where they are.
 *
 * `post` shows a title (at most 64 bytes) and a body (at most 256 bytes; newlines break lines,
 * at most 4 lines shown) of UTF-8 text without control characters other than newline, for
 * `timeout_ms` (1–60 s); the reply names the notification within the session (another session's
 * id, a withdrawn or expired one, or a made-up one is `unknown-notification`). A post is answered
 * once it is shown; nothing is sent when it expires. At most 4 notifications of a session and 8
 * in all are shown at once: more is `too-many-notifications` (never another session's removed).
 * `withdraw` removes one early; `state` counts the session's shown and posted notifications.
 */

#pragma once

#include <vectra/BoundedVector.h>
#include <vectra/protocol/Declaration.h>

namespace vectra::notify {

enum class NotifyError : u16 {
    UnknownNotification = 1,
    TextInvalid = 2,
    TimeoutOutOfBounds = 3,
    TooManyNotifications = 4,
};

inline constexpr usize maximum_title = 64;
inline constexpr usize maximum_body = 256;
inline constexpr usize maximum_body_lines = 4;
inline constexpr u32 minimum_timeout_ms = 1'000;
inline constexpr u32 maximum_timeout_ms = 60'000;
inline constexpr usize notifications_per_session = 4;
inline constexpr usize notifications_shown = 8;

struct Post {
    BoundedVector<u8, maximum_title> title;
    BoundedVector<u8, maximum_body> body;
    u32 timeout_ms { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("title", &Post::title), field("body", &Post::body), field("timeout_ms", &Post::timeout_ms));
    }
};

struct Posted {
    u32 notification { 0 };
    static constexpr auto fields() { return vectra::fields(field("notification", &Posted::notification)); }
};

struct Withdraw {
    u32 notification { 0 };
    static constexpr auto fields() { return vectra::fields(field("notification", &Withdraw::notification)); }
};

struct ReadState {
    static constexpr auto fields() { return vectra::fields(); }
};

struct State {
    u32 shown { 0 };  /* the session's notifications on the screen now */
    u64 posted { 0 }; /* posts the session made that were shown */
    static constexpr auto fields() { return vectra::fields(field("shown", &State::shown), field("posted", &State::posted)); }
};

struct Protocol {
    static constexpr std::string_view name = "vectra.notify";
    static constexpr u16 version = 1;
    static constexpr u32 slot_count = 4;
    static constexpr u32 slot_size = 512;
    using Errors = NotifyError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(
            error(NotifyError::UnknownNotification, "unknown-notification", "no notification of this session shown now has that id (another session's, withdrawn, expired, or made up)"),
            error(NotifyError::TextInvalid, "text-invalid", "the title or body is not UTF-8, holds a control character other than newline (the title none), or the title is empty"),
            error(NotifyError::TimeoutOutOfBounds, "timeout-out-of-bounds", "timeout_ms lies outside 1000–60000"),
            error(NotifyError::TooManyNotifications, "too-many-notifications", "the session shows 4 notifications, or notifyd 8"));
    }

    static constexpr auto messages()
    {
        using protocol::message;
        return protocol::messages(
            message<Post, Posted>("post",
                "Shows a notification (title, body of at most 4 lines) at the top right for timeout_ms, stacked with the others; answered once it is shown."),
            message<Withdraw, protocol::Done>("withdraw", "Removes one of the session's notifications before its timeout; those below move up."),
            message<ReadState, State>("state", "The session's notifications shown now and posted so far."));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(NotifyError) { return domain; }
inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

}
