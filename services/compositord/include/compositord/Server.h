/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's service loop (docs/adr/0041-compositord.md §5): every session of vectra.surface
 * served from one loop over the display it holds through a vectra.display session (ADR 0042).
 *
 *   - Requests change the Compositor's state and are answered at once, except `frame`, which is
 *     kept (one per session; a second is `busy`) and answered after the next frame was presented.
 *   - Frames are paced to the display: a frame is composed when there is damage or a frame request
 *     waits and at least `frame_interval` passed since the last one; only the damage is composed,
 *     and each of its boxes presented. A present refused `mode-changed` makes the link ask for the
 *     new mode and framebuffer, and the whole screen is composed into it.
 *   - Ring space: a request is taken from a session only while its replies Ring has room for the
 *     reply it is owed (a kept frame) plus this one.
 *   - A session that closes or dies loses its surfaces; the others are composed on.
 *   - One wait per turn: the listener and every session's doorbell, bounded by the next frame's
 *     time while damage or a frame request waits.
 *   - A second, privileged listener (ADR 0048 §4; the boot manifest marks it and grants it to
 *     notifyd alone) has a table of its own (Signal bits 22, 23, 24 + n); its sessions are
 *     indexes client_sessions and up, and only they may create transient surfaces.
 */

#pragma once

#include <compositord/Compositor.h>
#include <compositord/DisplayLink.h>
#include <compositord/InputLink.h>
#include <compositord/InputRouter.h>
#include <vectra/Display.h>
#include <vectra/Session.h>

namespace vectra::compositord {

inline constexpr SignalBit timer_bit { 7 };
inline constexpr session::TableBits privileged_bits { SignalBit(22), SignalBit(23), session::reply_space_bit, 24 };
static_assert(session::first_session_bit + client_sessions <= 16 && 24 + privileged_sessions <= 64);
/* The two tables share only the reply space bit; the clients' bits (displayd's, inputd's two) and
 * the frame timer's are clear of both (session::table_bits, ADR 0044's third amendment). */
static_assert((session::table_bits(client_sessions) & session::table_bits(privileged_sessions, privileged_bits)
                  & ~session::reply_space_bit.mask())
        == 0,
    "compositord's two session tables share a bit");
static_assert(((session::table_bits(client_sessions) | session::table_bits(privileged_sessions, privileged_bits))
                  & timer_bit.mask())
        == 0,
    "compositord's frame timer bit is a session table's");
[[nodiscard]] constexpr bool clear_of_both_tables(ConnectionBits bits)
{
    return session::clear_of_table(bits, client_sessions) && session::clear_of_table(bits, privileged_sessions, privileged_bits)
        && (session::bits_of(bits) & timer_bit.mask()) == 0;
}
static_assert(clear_of_both_tables(display_bits) && clear_of_both_tables(input_bits) && clear_of_both_tables(input_focus_bits),
    "a client's bits of compositord share a session table's or the timer's");

/* The privileged listener's Rings (requests received, replies sent). */
struct PrivilegedListener {
    RingCap requests;
    RingCap replies;
};
inline constexpr u32 background_colour = 0x203040;

/* What the loop says about each frame (the image prints it: proof that only damage is composed). */
struct FrameReport {
    u64 number { 0 };
    u64 composed_pixels { 0 };
    u64 copied_pixels { 0 };
    usize boxes { 0 };
    usize surfaces { 0 };
    usize surfaces_ended { 0 };
    u64 presented_ns { 0 };
};

struct Settings {
    u64 frame_interval_ns { 16'666'667 };
    /* Called after every presented frame (may be null). */
    void (*report)(void* context, FrameReport const&) { nullptr };
    void* context { nullptr };
};

class Server;

/* One session's handlers (protocol::dispatch calls these). */
class Session {
public:
    Session(Server& server, usize index)
        : m_server(server)
        , m_index(index)
    {
    }
    [[nodiscard]] ErrorOr<surface::Created> handle(surface::Create const&, protocol::MessageCapabilities&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(surface::Resize const&, protocol::MessageCapabilities&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(surface::Damage const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(surface::Move const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(surface::Raise const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(surface::Lower const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(surface::Focus const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(surface::Destroy const&);
    [[nodiscard]] ErrorOr<surface::FrameDone> handle(surface::Frame const&);
    [[nodiscard]] ErrorOr<surface::State> handle(surface::ReadState const&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(surface::Cursor const&);
    [[nodiscard]] ErrorOr<surface::InputEvents> handle(surface::ReadInput const&);

private:
    Server& m_server;
    usize m_index;
};

struct WaitingFrame {
    bool used { false };
    u32 call_id { 0 };
};

/* A session's `input` read kept until an event is queued for it or its deadline. */
struct WaitingInput {
    bool used { false };
    u32 call_id { 0 };
    u64 deadline { 0 };
};

/*
 * What a session's frame request is answered with when it comes after the frame that presented the
 * session's changes (a change taken, then composed before the request arrived): that frame, at
 * once. `changed`: a change of this session not yet presented; `presented`: the frame that
 * presented its last change, not yet claimed by a frame request.
 */
struct SessionFrames {
    bool changed { false };
    bool unclaimed { false };
    surface::FrameDone presented {};
};

class Server {
public:
    /* Composes into `target` (the display's framebuffer, mapped writable) and presents through `display`;
       routes inputd's events when `input` is given (then no session moves the cursor). */
    Server(DisplayLink& display, surface::Target target, Settings settings, InputLink* input = nullptr);
    Server(Server const&) = delete;
    Server& operator=(Server const&) = delete;

    /* Binds the listener (and the privileged one, when given) and serves until one fails (PeerRestarted when its Rings go). */
    [[nodiscard]] ErrorOr<void> serve(RingCap listen_requests, RingCap listen_replies, PrivilegedListener* privileged = nullptr);

    [[nodiscard]] Compositor& compositor() { return m_compositor; }
    [[nodiscard]] u64 frames() const { return m_frames; }
    [[nodiscard]] WaitingFrame const& waiting(usize index) const { return m_waiting[index]; }
    /*
     * Session's frame request: answered at once with the frame that presented the session's last
     * change when that frame came and went before the request (unclaimed); otherwise kept until the
     * next frame (then the handler's reply is not sent).
     */
    [[nodiscard]] ErrorOr<surface::FrameDone> frame(usize index);
    /* Session's input read: its queued events at once, else kept until one is queued or wait_ms passed. */
    [[nodiscard]] ErrorOr<surface::InputEvents> read_input(usize index, surface::ReadInput const&);
    [[nodiscard]] bool routes_input() const { return m_input != nullptr; }
    [[nodiscard]] static SessionKind kind_of(usize index)
    {
        return index >= client_sessions ? SessionKind::Privileged : SessionKind::Client;
    }
    [[nodiscard]] InputRouter& router() { return m_router; }
    void closed(usize index);
    /* Composes the waiting damage, presents each box, answers every waiting frame request. */
    void present_frame();

private:
    [[nodiscard]] Session& session(usize index) { return *reinterpret_cast<Session*>(m_sessions[index]); }
    /* The table serving session `index`, and the session's index there. */
    [[nodiscard]] session::Table& table_of(usize index) { return index >= client_sessions ? m_privileged : m_table; }
    [[nodiscard]] static usize local_index(usize index) { return index >= client_sessions ? index - client_sessions : index; }
    [[nodiscard]] bool take_requests(usize index);
    void handle(usize index, std::span<u8 const> request, protocol::MessageCapabilities&);
    void reply(usize index, usize length);
    [[nodiscard]] bool frame_wanted() const;
    /* inputd's answer taken and routed, the next read sent; waiting input reads answered. Returns the earliest deadline. */
    [[nodiscard]] u64 serve_input(u64 now);

    DisplayLink& m_display;
    Settings m_settings;
    Compositor m_compositor;
    session::Table m_table;
    session::Table m_privileged;
    bool m_privileged_bound { false };
    alignas(Session) u8 m_sessions[maximum_sessions][sizeof(Session)];
    WaitingFrame m_waiting[maximum_sessions];
    WaitingInput m_waiting_input[maximum_sessions];
    InputLink* m_input { nullptr };
    InputRouter m_router;
    SessionFrames m_session_frames[maximum_sessions];
    u64 m_frames { 0 };
    u64 m_last_frame_ns { 0 };
    u32 m_call_id { 0 };
    bool m_kept { false };
    u8 m_request[protocol::payload_capacity<surface::Protocol>];
    u8 m_reply[protocol::payload_capacity<surface::Protocol>];
};

/*
 * compositord from its display session to its loop: the mode (XRGB8888) and the lent framebuffer
 * mapped writable, the loop's state placed in `memory`, the whole screen composed once, `ready`
 * raised (when given), then every session served until the listener fails.
 */
[[nodiscard]] ErrorOr<void> run(ReticleCap const& memory, DisplayLink& display, RingCap requests, RingCap replies,
    Settings, SignalCap const* ready, InputLink* input = nullptr, PrivilegedListener* privileged = nullptr);

}
