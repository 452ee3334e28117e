/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.surface, declared once (docs/adr/0041-compositord.md §3): what compositord serves on each
 * session. Encoding, schema id, client, dispatch and docs/protocols/vectra.surface.md come from it.
 *
 * Surfaces. `create` and `resize` carry a MemCap the client lends (read is the only right
 * compositord needs: lend a read-only copy): width × height pixels, XRGB8888, rows `stride` bytes
 * apart. compositord reads it in place (no copy) whenever it composes; the client draws into it
 * and says where with `damage`. A surface's id names it only within its own session: another
 * session's id, a destroyed one's or a made-up one is `unknown-surface`.
 *
 * Frames. Damage is composed at most once per display frame (paced to the display's interval),
 * only inside the damaged rectangles. `frame` is answered after the next frame was composed and
 * presented (one waiting per session; a second is `busy`) — the client's cue to draw the next one.
 *
 * Cursor. compositord draws the pointer's arrow above every surface. Where compositord routes
 * input (it holds inputd's focus connection, docs/adr/0047-input-routing.md) the pointer moves
 * it and `cursor` is refused `pointer-routed`; elsewhere `cursor` moves, shows or hides it.
 *
 * Focus. The focus is compositord's: a button pressed over a surface focuses and raises it, and
 * Alt+Tab (the one chord compositord keeps) focuses and raises the bottom surface. `focus` lets
 * a session move the focus among its own surfaces, or take it while nobody holds it; another
 * session's focus is `not-focused`. `state` says whether the session holds it.
 *
 * Input (v2). `input` reads the events routed to the session, waiting up to `wait_ms` (at most
 * 10 s) when none are queued: keys go to the session owning the focused surface, pointer reports
 * to the surface under the pointer (or the one a held button was pressed over) in that surface's
 * own pixels, and focus changes to the sessions that gain and lose it. Nothing is ever queued for
 * another session. At most 32 events wait per session; consecutive pointer motions with the same
 * buttons over the same surface coalesce into the newest, and more are dropped and counted
 * (`dropped`), so a client that never reads stalls nobody. One read (and one frame) waits per
 * session; a second is `busy`.
 *
 * Transient surfaces (v3, docs/adr/0048-notifyd.md §4). `create` with `transient` 1 makes a surface
 * that never takes the focus (neither a click, nor Alt+Tab, nor `focus`: `transient-unfocusable`)
 * and stays above every other surface; pointer reports over it go to its session without moving
 * the focus. Only sessions of compositord's second listener, the one the boot manifest marks
 * privileged and grants to notifyd alone, may create one: elsewhere `transient-refused`. Such a
 * session may hold 8 surfaces (one per notification notifyd shows).
 *
 * Limits. 4 surfaces per session, 16 in all, 4096 × 4096 pixels at most, positions within
 * ±65536, 16 rectangles per `damage`. A revoked MemCap ends its surface at the next composition
 * (its area shows what lies below); the next request naming it is `unknown-surface`.
 */

#pragma once

#include <vectra/BoundedVector.h>
#include <vectra/protocol/Declaration.h>

namespace vectra::surface {

enum class SurfaceError : u16 {
    UnknownSurface = 1,
    BufferUnusable = 2,
    BufferTooSmall = 3,
    SizeOutOfBounds = 4,
    PositionOutOfBounds = 5,
    OutsideSurface = 6,
    TooManySurfaces = 7,
    Busy = 8,
    NotFocused = 9,
    PointerRouted = 10,
    TransientRefused = 11,
    TransientUnfocusable = 12,
};

inline constexpr u32 maximum_width = 4096;
inline constexpr u32 maximum_height = 4096;
inline constexpr i32 maximum_position = 65536;
inline constexpr usize maximum_rectangles = 16;
inline constexpr usize surfaces_per_session = 4;
inline constexpr usize surfaces_per_privileged_session = 8; /* notifyd's: a surface per notification shown */
inline constexpr usize maximum_input_events = 12;
inline constexpr usize queued_input_events = 32;
inline constexpr u32 maximum_input_wait_ms = 10'000;

namespace event_kind {
constexpr u8 key = 1;     /* action: input::key_action (press 1, release 2, repeat 3) */
constexpr u8 pointer = 2; /* x, y in the surface's pixels; buttons held (bit 0 left, 1 right, 2 middle) */
constexpr u8 focus = 3;   /* action: focus_action */
}

namespace focus_action {
constexpr u8 gained = 1;
constexpr u8 lost = 2;
}

/* A rectangle in a surface's own pixels. */
struct SurfaceRectangle {
    u32 x { 0 };
    u32 y { 0 };
    u32 width { 0 };
    u32 height { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("x", &SurfaceRectangle::x), field("y", &SurfaceRectangle::y),
            field("width", &SurfaceRectangle::width), field("height", &SurfaceRectangle::height));
    }
};

struct Create {
    i32 x { 0 };
    i32 y { 0 };
    u32 width { 0 };
    u32 height { 0 };
    u32 stride { 0 };
    u8 transient { 0 }; /* 1: never focused, above every other surface (privileged sessions only) */
    static constexpr auto fields()
    {
        return vectra::fields(field("x", &Create::x), field("y", &Create::y), field("width", &Create::width),
            field("height", &Create::height), field("stride", &Create::stride), field("transient", &Create::transient));
    }
};

struct Created {
    u32 surface { 0 };
    static constexpr auto fields() { return vectra::fields(field("surface", &Created::surface)); }
};

struct Resize {
    u32 surface { 0 };
    u32 width { 0 };
    u32 height { 0 };
    u32 stride { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("surface", &Resize::surface), field("width", &Resize::width),
            field("height", &Resize::height), field("stride", &Resize::stride));
    }
};

struct Damage {
    u32 surface { 0 };
    BoundedVector<SurfaceRectangle, maximum_rectangles> rectangles;
    static constexpr auto fields()
    {
        return vectra::fields(field("surface", &Damage::surface), field("rectangles", &Damage::rectangles));
    }
};

struct Move {
    u32 surface { 0 };
    i32 x { 0 };
    i32 y { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("surface", &Move::surface), field("x", &Move::x), field("y", &Move::y));
    }
};

/* raise, lower, focus and destroy name one surface. */
struct Raise {
    u32 surface { 0 };
    static constexpr auto fields() { return vectra::fields(field("surface", &Raise::surface)); }
};

struct Lower {
    u32 surface { 0 };
    static constexpr auto fields() { return vectra::fields(field("surface", &Lower::surface)); }
};

struct Focus {
    u32 surface { 0 };
    static constexpr auto fields() { return vectra::fields(field("surface", &Focus::surface)); }
};

struct Destroy {
    u32 surface { 0 };
    static constexpr auto fields() { return vectra::fields(field("surface", &Destroy::surface)); }
};

/* The pointer's arrow: its tip at (x, y), shown or hidden (refused where compositord routes the pointer). */
struct Cursor {
    i32 x { 0 };
    i32 y { 0 };
    u8 visible { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("x", &Cursor::x), field("y", &Cursor::y), field("visible", &Cursor::visible));
    }
};

struct Frame {
    static constexpr auto fields() { return vectra::fields(); }
};

/* One routed event, for one of the session's surfaces. */
struct SurfaceEvent {
    u8 kind { 0 };
    u32 surface { 0 };
    u8 action { 0 };
    u16 code { 0 };
    u8 modifiers { 0 };
    BoundedVector<u32, 2> characters; /* what a key typed (Unicode code points) */
    i32 x { 0 };
    i32 y { 0 };
    u8 buttons { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("kind", &SurfaceEvent::kind), field("surface", &SurfaceEvent::surface),
            field("action", &SurfaceEvent::action), field("code", &SurfaceEvent::code),
            field("modifiers", &SurfaceEvent::modifiers), field("characters", &SurfaceEvent::characters),
            field("x", &SurfaceEvent::x), field("y", &SurfaceEvent::y), field("buttons", &SurfaceEvent::buttons));
    }
};

struct ReadInput {
    u32 wait_ms { 0 };
    static constexpr auto fields() { return vectra::fields(field("wait_ms", &ReadInput::wait_ms)); }
};

struct InputEvents {
    BoundedVector<SurfaceEvent, maximum_input_events> events;
    u32 dropped { 0 }; /* events dropped for this session since its last read (its queue was full) */
    static constexpr auto fields()
    {
        return vectra::fields(field("events", &InputEvents::events), field("dropped", &InputEvents::dropped));
    }
};

struct FrameDone {
    u64 frame { 0 };           /* frames composed since compositord started */
    u64 presented_ns { 0 };    /* when that frame was presented, nanoseconds since boot */
    u64 composed_pixels { 0 }; /* pixels that frame composed (its damage on the screen) */
    static constexpr auto fields()
    {
        return vectra::fields(field("frame", &FrameDone::frame), field("presented_ns", &FrameDone::presented_ns),
            field("composed_pixels", &FrameDone::composed_pixels));
    }
};

struct ReadState {
    static constexpr auto fields() { return vectra::fields(); }
};

struct State {
    u32 display_width { 0 };
    u32 display_height { 0 };
    u32 focused { 0 }; /* the session's surface holding the focus, 0 when another session's (or none) does */
    u32 surfaces { 0 }; /* the session's surfaces */
    u64 frames { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("display_width", &State::display_width),
            field("display_height", &State::display_height), field("focused", &State::focused),
            field("surfaces", &State::surfaces), field("frames", &State::frames));
    }
};

struct Protocol {
    static constexpr std::string_view name = "vectra.surface";
    static constexpr u16 version = 3;
    static constexpr u32 slot_count = 8;
    static constexpr u32 slot_size = 512;
    using Errors = SurfaceError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(
            error(SurfaceError::UnknownSurface, "unknown-surface", "no surface of this session has that id (another session's, a destroyed one's, or made up)"),
            error(SurfaceError::BufferUnusable, "buffer-unusable", "no MemCap came, it is not a MemCap, it lacks RightRead, or it was revoked"),
            error(SurfaceError::BufferTooSmall, "buffer-too-small", "the MemCap holds fewer than stride × (height - 1) + width × 4 bytes"),
            error(SurfaceError::SizeOutOfBounds, "size-out-of-bounds", "width or height 0 or above 4096, or a stride narrower than a row"),
            error(SurfaceError::PositionOutOfBounds, "position-out-of-bounds", "x or y beyond ±65536"),
            error(SurfaceError::OutsideSurface, "outside-surface", "a damage rectangle is empty or reaches outside its surface (overflow included)"),
            error(SurfaceError::TooManySurfaces, "too-many-surfaces", "the session has 4 surfaces (a privileged one 8), or compositord 16"),
            error(SurfaceError::Busy, "busy", "this session already has a frame request (or an input read) waiting"),
            error(SurfaceError::NotFocused, "not-focused", "the focus is another session's: a session moves it among its own surfaces, or takes it while nobody holds it"),
            error(SurfaceError::PointerRouted, "pointer-routed", "compositord routes the pointer: the cursor follows it, no session moves it"),
            error(SurfaceError::TransientRefused, "transient-refused", "transient is not 0 or 1, or 1 on a session of compositord's clients' listener: only its privileged listener's sessions (notifyd's) create transient surfaces"),
            error(SurfaceError::TransientUnfocusable, "transient-unfocusable", "a transient surface never takes the focus"));
    }

    static constexpr auto messages()
    {
        using protocol::message;
        return protocol::messages(
            message<Create, Created>("create",
                "Creates a surface at (x, y) over the carried MemCap (read is enough): width × height XRGB8888 pixels, rows `stride` bytes apart; shown on top at the next frame (its whole area is damaged). Transient (1, privileged sessions only): never focused, kept above the others.")
                .carrying(CapabilityClass::Memory, std::nullopt),
            message<Resize, protocol::Done>("resize",
                "Gives a surface a new size and a new MemCap (carried); the old one is let go and the surface's old and new areas are damaged.")
                .carrying(CapabilityClass::Memory, std::nullopt),
            message<Damage, protocol::Done>("damage",
                "Marks up to 16 rectangles of the surface as drawn: they are composed at the next frame (coalesced with earlier damage)."),
            message<Move, protocol::Done>("move", "Moves a surface to (x, y) on the screen."),
            message<Raise, protocol::Done>("raise", "Puts a surface above every other (a surface not transient: above every other but the transient ones)."),
            message<Lower, protocol::Done>("lower", "Puts a surface below every other (a transient one: below the other transient ones only)."),
            message<Focus, protocol::Done>("focus", "Gives a surface the focus when the session holds it already (on another of its surfaces) or nobody does; never a transient one."),
            message<Destroy, protocol::Done>("destroy", "Removes a surface; what it covered is composed again; its MemCap is let go."),
            message<Frame, FrameDone>("frame",
                "Answered with the frame that presented this session's last change (at once when that frame came before the request), or with the next frame when every change was already claimed: its number, when, and how many pixels it composed."),
            message<ReadState, State>("state", "The display's size, the session's focused surface (0: not this session's) and surfaces, and the frames composed."),
            message<Cursor, protocol::Done>("cursor",
                "Shows the pointer's arrow with its tip at (x, y) above every surface, or hides it (visible 0); only the boxes it left and entered are composed. Refused where compositord routes the pointer."),
            message<ReadInput, InputEvents>("input",
                "Up to 12 events routed to the session's surfaces (keys while one has the focus, pointer reports over them in their own pixels, focus gained and lost); with none queued, waits up to wait_ms (at most 10 s)."));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(SurfaceError) { return domain; }

inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

}
