/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.input and vectra.input.focus, declared once (docs/adr/0040-inputd.md §3, §4).
 *
 * vectra.input: a client's session with inputd. `identify` answers the session's client id, the
 * name a focus holder gives inputd; `read` answers the events queued for the session — keys
 * (code, press/release/repeat, modifiers, the characters typed) and pointer reports (position
 * scaled to the display, buttons) — but only while the session has the focus: any other session
 * is answered `not-focused` and nothing is ever queued for it. A focused session's `read` with
 * nothing queued waits up to `wait_ms` (at most 10 s), answered as soon as an event arrives; when
 * the focus moves away meanwhile it is answered `not-focused`. At most 64 events wait per session;
 * more are dropped and counted (`dropped` in the next reply), so a client that never reads stalls
 * nobody. One read waits per session (a second is `busy`).
 *
 * vectra.input.focus: the focus holder's direct connection — granted by the boot manifest to one
 * Task (compositord, or an image's check Task), so holding it is the right to move the focus; no
 * client session can. `set-focus` names a client id (0: nobody), `counters` reads inputd's counters.
 */

#pragma once

#include <vectra/BoundedVector.h>
#include <vectra/protocol/Declaration.h>

namespace vectra::input {

enum class InputError : u16 {
    NotFocused = 1,
    Busy = 2,
};

inline constexpr usize maximum_read_events = 16;
inline constexpr usize queued_events = 64;
inline constexpr u32 maximum_wait_ms = 10'000;

namespace event_kind {
constexpr u8 key = 1;
constexpr u8 pointer = 2;
}

namespace key_action {
constexpr u8 press = 1;
constexpr u8 release = 2;
constexpr u8 repeat = 3;
}

/* One event as a client sees it: a key (code, action, modifiers, characters) or a pointer report (x, y, buttons). */
struct InputEvent {
    u8 kind { 0 };
    u8 action { 0 };
    u16 code { 0 };
    u8 modifiers { 0 };
    BoundedVector<u32, 2> characters; /* Unicode code points this key typed (two: a dead key then its base) */
    u32 x { 0 };
    u32 y { 0 };
    u8 buttons { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("kind", &InputEvent::kind), field("action", &InputEvent::action),
            field("code", &InputEvent::code), field("modifiers", &InputEvent::modifiers),
            field("characters", &InputEvent::characters), field("x", &InputEvent::x), field("y", &InputEvent::y),
            field("buttons", &InputEvent::buttons));
    }
};

struct Identify {
    static constexpr auto fields() { return vectra::fields(); }
};

struct Identity {
    u32 client { 0 };
    static constexpr auto fields() { return vectra::fields(field("client", &Identity::client)); }
};

struct Read {
    u32 wait_ms { 0 };
    static constexpr auto fields() { return vectra::fields(field("wait_ms", &Read::wait_ms)); }
};

struct ReadEvents {
    BoundedVector<InputEvent, maximum_read_events> events;
    u32 dropped { 0 }; /* events dropped for this session since its last read (its queue was full) */
    static constexpr auto fields()
    {
        return vectra::fields(field("events", &ReadEvents::events), field("dropped", &ReadEvents::dropped));
    }
};

struct Protocol {
    static constexpr std::string_view name = "vectra.input";
    static constexpr u16 version = 1;
    static constexpr u32 slot_count = 4;
    static constexpr u32 slot_size = 1024;
    using Errors = InputError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(
            error(InputError::NotFocused, "not-focused", "the session does not have the focus: nothing is queued for it"),
            error(InputError::Busy, "busy", "the session already has a read waiting"));
    }

    static constexpr auto messages()
    {
        using protocol::message;
        return protocol::messages(
            message<Identify, Identity>("identify", "The session's client id: what a focus holder names in set-focus."),
            message<Read, ReadEvents>("read", "Up to 16 queued events while the session has the focus (not-focused otherwise); with none queued, waits up to wait_ms (at most 10 s)."));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(InputError) { return domain; }
inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

namespace focus {

enum class FocusError : u16 {
    NoSuchClient = 1,
};

struct SetFocus {
    u32 client { 0 }; /* a client id from identify; 0: no session has the focus */
    static constexpr auto fields() { return vectra::fields(field("client", &SetFocus::client)); }
};

struct ReadCounters {
    static constexpr auto fields() { return vectra::fields(); }
};

/* inputd's counters since it started. */
struct Counters {
    u64 events_accepted { 0 };   /* raw events drivers sent that inputd took */
    u64 events_refused { 0 };    /* raw events refused (not a keyboard's or pointer's, a key state they cannot be in) */
    u64 requests_refused { 0 };  /* driver and focus requests answered with an error (malformed ones too) */
    u64 delivered { 0 };         /* events queued for the focused session */
    u64 unrouted { 0 };          /* events decoded while no session had the focus */
    u64 dropped { 0 };           /* events dropped: the focused session's queue was full */
    u64 repeats { 0 };           /* key repeats made by inputd's timer */
    u32 focused { 0 };           /* the client id holding the focus, 0 for none */
    static constexpr auto fields()
    {
        return vectra::fields(field("events_accepted", &Counters::events_accepted),
            field("events_refused", &Counters::events_refused), field("requests_refused", &Counters::requests_refused),
            field("delivered", &Counters::delivered), field("unrouted", &Counters::unrouted),
            field("dropped", &Counters::dropped), field("repeats", &Counters::repeats), field("focused", &Counters::focused));
    }
};

struct Protocol {
    static constexpr std::string_view name = "vectra.input.focus";
    static constexpr u16 version = 1;
    static constexpr u32 slot_count = 4;
    static constexpr u32 slot_size = 256;
    using Errors = FocusError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(error(FocusError::NoSuchClient, "no-such-client", "no open session has this client id"));
    }

    static constexpr auto messages()
    {
        using protocol::message;
        return protocol::messages(
            message<SetFocus, protocol::Done>("set-focus", "Gives the focus to the session with this client id (0: nobody); the session that had it is answered not-focused and its queue emptied."),
            message<ReadCounters, Counters>("counters", "inputd's counters: events taken and refused, requests refused, delivered, unrouted, dropped, repeats, the focused client."));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(FocusError) { return domain; }
inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

}

}
