/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's service loop (docs/adr/0024 §4, §5): every session of vectra.socket served from one loop
 * over one backend (Backend.h: lwIP, or the host's sockets), with the rules the protocol promises
 * enforced here.
 *
 *   - Waiting. A `tcp-accept`, `send` or `receive` with `wait` set that its handler answers
 *     `would-block` is kept (its bytes, and a MemCap it carried) and dispatched
 *     again after every turn of the stack until it is answered otherwise. Handlers have no side
 *     effect on `would-block` (Session.h), so dispatching again is safe.
 *   - Busy. A socket has at most one waiting request per direction (accept and receive: in; send:
 *     out; send-receive: both); a second is answered `busy` at once, its MemCap removed.
 *   - Ring space. A request is taken from a session only while its replies Ring has a free slot
 *     for every request the session has waiting plus this one, so every reply netd owes fits, and
 *     a client that stops reading its replies stops only its own requests.
 *
 * One wait per turn: the listener, every session's doorbell, the backend's bits, and the backend's
 * next turn (lwIP: its next timer; host: its readiness poll tick) as deadline. A pass looks only at
 * what the bits it took name (a request into an empty Ring rings its session's doorbell), plus the
 * sessions that may hold more than their doorbell says (the per-turn quota ended their turn, the
 * Ring-space rule held them back, they just opened). A pass that answered anything is followed at
 * once by another, which takes the bits raised meanwhile without waiting (take_pending).
 */

#pragma once

#include <netd/Session.h>
#include <optional>
#include <vectra/Session.h>
#include <vectra/config.h>
#include <vectra/net/Protocol.h>

namespace vectra::netd {

inline constexpr usize maximum_sessions = CONFIG_NETD_SESSIONS;
static_assert(maximum_sessions <= 64, "the loop keeps one bit per session in a u64");
/* The most requests one session can have waiting: its replies Ring must hold all of their replies. */
inline constexpr usize waiting_per_session = net::Protocol::slot_count;
inline constexpr usize request_bytes = protocol::payload_capacity<net::Protocol>;
/* The signal bit a timed wait raises when lwIP's next timer is due. */
inline constexpr SignalBit timer_bit { 3 };

enum class Direction : u8 {
    In, /* tcp-accept, receive */
    Out, /* send */
    Both, /* send-receive: its send, then its receive */
    Session, /* watch: the session's readiness, on no socket */
};

struct WaitingRequest {
    bool used { false };
    u32 socket { 0 };
    Direction direction { Direction::In };
    usize length { 0 };
    std::optional<ReceivedCapability> capability; /* removed when the request is answered or dropped */
    u8 bytes[request_bytes];
};

/* What a request says about waiting, read before it is dispatched. */
struct WaitIntent {
    u32 socket { 0 };
    Direction direction { Direction::In };
};
/* The socket and direction of a well-formed tcp-accept, send, receive, send-receive or watch with `wait` set; nothing otherwise. */
[[nodiscard]] std::optional<WaitIntent> wait_intent(std::span<u8 const> request);

/* One session's waiting requests. */
class WaitingRequests {
public:
    [[nodiscard]] usize count() const { return m_count; }
    [[nodiscard]] bool holds(u32 socket, Direction) const;
    /* Keeps a request (room is guaranteed by the Ring-space rule: count() < waiting_per_session). */
    void keep(WaitIntent, std::span<u8 const> request, std::optional<ReceivedCapability>);
    [[nodiscard]] WaitingRequest& at(usize index) { return m_requests[index]; }
    /* Forgets entry `index`, removing its capability. */
    void drop(usize index);
    /* Forgets every entry (the session ended). */
    void clear();

private:
    WaitingRequest m_requests[waiting_per_session];
    usize m_count { 0 };
};

/* Everything the loop keeps: place it in the Task's memory (it is large) and construct it there. */
class Server {
public:
    /* Sessions over `backend` (by default the one the Task started). */
    explicit Server(Backend& backend = Backend::current());
    ~Server();
    Server(Server const&) = delete;
    Server& operator=(Server const&) = delete;

    /* Binds the listener and serves until it fails (PeerRestarted when the listener's Rings go). */
    [[nodiscard]] ErrorOr<void> serve(RingCap listen_requests, RingCap listen_replies);

    /* What the backend raised in a pass (Backend::raised_everywhere given the bits the wait took): its sessions' watches are then answered. */
    void raise_from_backend(u64 taken);

    [[nodiscard]] Session& session(usize index) { return *reinterpret_cast<Session*>(m_sessions[index]); }
    [[nodiscard]] WaitingRequests& waiting(usize index) { return m_waiting[index]; }
    /* Called by the Table when a session opens and ends. */
    void opened(usize index);
    void closed(usize index);

private:
    struct Taken {
        bool took { false };      /* at least one request was handled */
        bool more { false };      /* the per-turn quota stopped it: the Ring may hold more */
        bool held_back { false }; /* the Ring-space rule stopped it with requests left and replies owed */
    };
    /* Takes what session `index` may send now (the Ring-space rule). */
    [[nodiscard]] Taken take_requests(usize index);
    /* Handles one request; the reply, if one is due now, goes out. */
    void handle(usize index, std::span<u8 const> request, std::optional<ReceivedCapability>);
    /* Dispatches every waiting request of session `index` again; true if any was answered. */
    [[nodiscard]] bool retry_waiting(usize index);
    /*
     * Dispatches `request` with `capability` (left in netd's space when `keep`; `retrying`: a kept
     * request dispatched again, Session::retrying); returns the reply's length.
     */
    usize dispatch(usize index, std::span<u8 const> request, std::optional<ReceivedCapability> const& capability,
        bool keep, bool retrying);
    void reply(usize index, usize length);

    Backend& m_backend;
    session::Table m_table;
    alignas(Session) u8 m_sessions[maximum_sessions][sizeof(Session)];
    WaitingRequests m_waiting[maximum_sessions];
    /* Sessions (bit n: session n) the next pass looks at whatever its doorbell says: quota reached, held back, just opened. */
    u64 m_look_again { 0 };
    u64 m_opened_since { 0 };
    /*
     * At least this many slots of session n's replies Ring are free: read from the kernel when it
     * seems too few for the Ring-space rule, less one for each reply sent since (only netd sends
     * into it, and only the client's reading frees a slot); 0 when the session opens or ends.
     */
    u32 m_reply_room[maximum_sessions] {};
    u8 m_request[request_bytes];
    u8 m_reply[request_bytes];
};

/* A reply's status (0: success), for the loop and its tests. */
[[nodiscard]] u16 reply_status(std::span<u8 const> reply);

}
