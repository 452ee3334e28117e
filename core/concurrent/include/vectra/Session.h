/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Sessions: one service, many clients, and the service's memory does not grow with them.
 *
 * A service publishes a listener — a Ring pair speaking vectra.session. A client opens a
 * session by binding the listener (one opener at a time: each Ring end has one binder, so a
 * second opener waits its turn), sending open-session with a child Reticle it carved (its
 * donation), and attach-session. The service builds the session's two Rings in the donated
 * memory and hands back the client's ends: the requests Ring's original capability (moved),
 * and a receive-only copy of the replies Ring's. The service keeps a receive-only copy of the
 * first and the original of the second, so
 *
 *   - the client's death, or its close (deleting its capabilities), revokes the service's copy:
 *     its binding fails (Revoked, then PeerClosed) and the service frees the session;
 *   - the service's death closes the replies Ring: the client's binding fails and its next call
 *     opens a new session.
 *
 * A freed session's Rings go, and the service reclaims the donated Reticle once they retired; when
 * the service ends a session its client still holds, its letting go rings the session's bit.
 * Every session is served from one loop: one wait on the union of the listener's doorbell and
 * each session's own doorbell bit, then one round robin pass taking at most `requests_per_turn`
 * requests from each session (its quota), so a flooding client delays the others by at most
 * that many requests. Signal bits: 0 listener, 1 listener space, 2 every session's reply space,
 * 8 + n the doorbell of session n — so at most 56 sessions per service Task (maximum_sessions).
 */

#pragma once

#include <vectra/Connection.h>
#include <vectra/Ring.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::session {

enum class SessionError : u16 {
    NoSessionLeft = 1,
    WrongProtocol = 2,
    NotOpening = 3,
    DonationUnusable = 4,
};

struct OpenSession {
    u64 schema_id { 0 };
    static constexpr auto fields() { return vectra::fields(field("schema_id", &OpenSession::schema_id)); }
};

struct SessionOpened {
    u16 session { 0 };
    u32 token { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("session", &SessionOpened::session), field("token", &SessionOpened::token));
    }
};

struct AttachSession {
    u16 session { 0 };
    u32 token { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("session", &AttachSession::session), field("token", &AttachSession::token));
    }
};

struct Protocol {
    static constexpr std::string_view name = "vectra.session";
    static constexpr u16 version = 1;
    static constexpr u32 slot_count = 4;
    static constexpr u32 slot_size = 64;
    using Errors = SessionError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(error(SessionError::NoSessionLeft, "no-session-left", "every session of the service is in use"),
            error(SessionError::WrongProtocol, "wrong-protocol", "the service's sessions speak another protocol (schema id)"),
            error(SessionError::NotOpening, "not-opening", "attach-session must follow its own open-session"),
            error(SessionError::DonationUnusable, "donation-unusable", "the donated memory is not a Reticle that holds the session's Rings"));
    }

    static constexpr auto messages()
    {
        using protocol::message;
        return protocol::messages(
            message<OpenSession, SessionOpened>("open-session",
                "Opens a session of the protocol with `schema_id`, its Rings made from the donated Reticle; the reply carries the requests Ring (send it requests).")
                .carrying(CapabilityClass::Reticle, CapabilityClass::Ring),
            message<AttachSession, protocol::Done>("attach-session",
                "Completes the session just opened; the reply carries the replies Ring (receive only).")
                .carrying(std::nullopt, CapabilityClass::Ring));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(SessionError) { return domain; }
inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

/* What a service's sessions are: its protocol's schema and geometry, how many, and each one's quota per turn. */
struct Geometry {
    u64 schema_id { 0 };
    u32 slot_count { 0 };
    u32 slot_size { 0 };
};

struct Limits {
    usize sessions { 8 };
    usize requests_per_turn { 1 };
};

template<typename P>
[[nodiscard]] constexpr Geometry geometry_of()
{
    return { protocol::schema_id<P>, P::slot_count, P::slot_size };
}

/* The memory a client donates for one session of P: both Rings, their control blocks, rounded to pages. */
template<typename P>
[[nodiscard]] constexpr usize donation_size()
{
    usize rings = 2 * ring_memory_bytes(P::slot_count, P::slot_size);
    return (rings + 4095) / 4096 * 4096;
}

/*
 * A pool for one session at a time: its donation, the child Reticle's descriptor carved beside it
 * and a page of alignment, twice over. open() reclaims the pool whole before it carves, so a client
 * that opens every session from its own pool spends neither memory nor capability slots on refused
 * or repeated attempts (a pool shared by two live sessions is never reclaimed: each carve is lost).
 */
template<typename P>
[[nodiscard]] constexpr usize pool_size()
{
    return donation_size<P>() + 2 * 4096;
}

inline constexpr usize maximum_sessions = 56;
inline constexpr SignalBit listener_bit { 0 };
inline constexpr SignalBit listener_space_bit { 1 };
inline constexpr SignalBit reply_space_bit { 2 };
inline constexpr u8 first_session_bit = 8;

/*
 * The Signal bits one table uses (the defaults above). A Task serving two listeners of the same
 * protocol (compositord: its clients' and notifyd's, ADR 0048) gives the second table bits of its
 * own; the reply space bit may be shared (it only wakes the loop).
 */
struct TableBits {
    SignalBit listener { listener_bit };
    SignalBit listener_space { listener_space_bit };
    SignalBit reply_space { reply_space_bit };
    u8 first_session { first_session_bit };
};

/*
 * The Signal bits a table with `bits` serving up to `sessions` sessions owns: its listener, listener
 * space and reply space bits and first_session + n for session n's doorbell (by default 0, 1, 2 and
 * 8 + n). A service Task that is also a session client (vterm of compositord and fontd, compositord
 * of displayd and inputd) must give its clients ConnectionBits clear of these, and of its own
 * timers: the default bits 0–2 would share the listener's, so a reply would be taken for a listener
 * request and a call would swallow the wake-up the loop waits for. Each such Task checks its bits
 * with clear_of_table at compile time.
 */
[[nodiscard]] constexpr u64 table_bits(usize sessions, TableBits bits = {})
{
    u64 mask = bits.listener.mask() | bits.listener_space.mask() | bits.reply_space.mask();
    for (usize index = 0; index < sessions && index < maximum_sessions && bits.first_session + index < 64; ++index)
        mask |= u64(1) << (bits.first_session + index);
    return mask;
}

[[nodiscard]] constexpr u64 bits_of(ConnectionBits bits)
{
    return bits.reply.mask() | bits.space.mask() | bits.timeout.mask();
}

/* True when `bits` (a client's reply, space and timeout bits) share none of a `sessions`-session table's. */
[[nodiscard]] constexpr bool clear_of_table(ConnectionBits bits, usize sessions, TableBits table = {})
{
    return (bits_of(bits) & table_bits(sessions, table)) == 0;
}

/*
 * The service's half, without its protocol: the listener and the session slots. SessionServer
 * adds the protocol's dispatch; tests drive this directly.
 */
class Table {
public:
    enum class State : u8 {
        Free,
        Opening, /* open-session answered, attach-session not yet */
        Open,
        Closing, /* the replies Ring closed; the donation is reclaimed once the client let go of the requests Ring */
    };

    struct Slot {
        State state { State::Free };
        u32 token { 0 };
        std::optional<ReticleCap> donation;
        std::optional<RingCap> requests; /* receive-only copy; the client holds the original */
        std::optional<RingCap> handover; /* the original, until open-session's reply carries it */
        std::optional<RingCap> replies;  /* the original; the client holds a receive-only copy */
        std::optional<RingReceiver> inbox;
        std::optional<RingSender> outbox;
    };

    /* Binds the listener's requests (receive) and replies (send) Rings; session n's doorbell is bits.first_session + n. */
    [[nodiscard]] static ErrorOr<Table*> listen(
        Table& storage, RingCap requests, RingCap replies, Geometry, Limits, TableBits bits = {});

    /* Answers every waiting open-session and attach-session; fails only when the listener does (PeerRestarted). */
    [[nodiscard]] ErrorOr<void> serve_listener();
    /*
     * Reclaims the donations of closing sessions whose client let go. While a client holds the
     * requests Ring of a session the service ended, the table keeps its own binding of that Ring:
     * the client's letting go revokes it, which rings the session's doorbell bit (still in
     * wait_mask), and the pass after that wake reclaims the donation — no timer, no retrying.
     */
    void retry_reclaims();
    /* Ends session `index`: its replies Ring closes (the client sees the end), the donation follows once the client let go. */
    void free(usize index);
    /*
     * The next request of session `index` into `buffer` (its length), for a service that takes bytes
     * only: taken only while the session's replies Ring has room for `replies_owed` replies plus this
     * one's, so every reply the service owes fits; nothing when there is none or no room. A session
     * whose Ring fails (closed, dead, a slot the protocol never carries) is freed; a capability sent
     * along is discarded.
     */
    [[nodiscard]] std::optional<usize> take_request(usize index, std::span<u8> buffer, u32 replies_owed);
    /*
     * As take_request, for a service whose requests may carry a capability (compositord: the MemCap
     * a create lends): the message as received, its capability the caller's to keep or discard.
     */
    [[nodiscard]] std::optional<ReceivedMessage> take_request_carrying(usize index, std::span<u8> buffer, u32 replies_owed);
    /*
     * As take_request_carrying, for a service that dispatches the request itself: `handle` is
     * called with the request's bytes and its MessageCapabilities (the carried capability in
     * `received`, for a message declared carrying one to take); whatever the handler left there is
     * discarded after it, so no capability outlives its request. False when nothing was taken.
     */
    template<typename Handle>
    [[nodiscard]] bool take_request_handled(usize index, std::span<u8> buffer, u32 replies_owed, Handle&& handle)
    {
        auto received = take_request_carrying(index, buffer, replies_owed);
        if (!received)
            return false;
        protocol::MessageCapabilities capabilities;
        if (received->has_capability)
            capabilities.received = received->capability;
        handle(std::span<u8 const>(buffer.data(), received->length), capabilities);
        if (capabilities.received)
            endpoint::discard(*capabilities.received);
        return true;
    }

    /*
     * Sends session `index` the reply to the request take_request gave it. The Ring-space rule kept
     * room for it, so only a gone client fails here: that session is freed. `lent`: a copy of a
     * MemCap keeping `keep` rides along (a reply that lends memory).
     */
    void send_reply(usize index, std::span<u8 const> reply);
    void send_reply(usize index, std::span<u8 const> reply, MemCap const& lent, Rights keep);

    [[nodiscard]] Slot& slot(usize index) { return m_slots[index]; }
    [[nodiscard]] usize capacity() const { return m_limits.sessions; }
    [[nodiscard]] Limits const& limits() const { return m_limits; }
    [[nodiscard]] usize open_count() const;
    /* Everything the service's one wait covers: the listener, every session's doorbell, the shared reply space. */
    [[nodiscard]] u64 wait_mask() const;

    /* Called with (context, index) when a session opens and when it is freed: a service resets its per-session state. */
    void on_change(void* context, void (*opened)(void*, usize), void (*freed)(void*, usize))
    {
        m_context = context;
        m_opened = opened;
        m_freed = freed;
    }

    /* The listener's handlers (dispatch calls these). */
    [[nodiscard]] ErrorOr<SessionOpened> handle(OpenSession const&, protocol::MessageCapabilities&);
    [[nodiscard]] ErrorOr<protocol::Done> handle(AttachSession const&, protocol::MessageCapabilities&);

    Table() = default;

private:
    [[nodiscard]] ErrorOr<void> build(usize index, ReticleCap donation);
    /* Gives up the service's binding and copy of the session's requests Ring. */
    void release_requests(Slot&);

    Geometry m_geometry;
    Limits m_limits;
    TableBits m_bits;
    std::optional<RingCap> m_listen_requests;
    std::optional<RingCap> m_listen_replies;
    std::optional<RingReceiver> m_listener;
    std::optional<RingSender> m_listener_outbox;
    Slot m_slots[maximum_sessions];
    usize m_opening { maximum_sessions }; /* the session an attach-session may complete */
    u32 m_next_token { 1 };
    void* m_context { nullptr };
    void (*m_opened)(void*, usize) { nullptr };
    void (*m_freed)(void*, usize) { nullptr };
};

/*
 * Serves every session of P from one loop. `handlers[n]` answers session n (one handler per
 * message of P, see Dispatch.h) and has `opened()` and `closed()`, called when session n starts
 * and ends, to reset what it keeps per session. Returns only when the listener fails.
 */
template<typename P, typename Handler>
[[nodiscard]] ErrorOr<void> serve(Table& table, Handler* handlers)
{
    static_assert(protocol::check<P>());
    table.on_change(
        handlers, [](void* context, usize index) { static_cast<Handler*>(context)[index].opened(); },
        [](void* context, usize index) { static_cast<Handler*>(context)[index].closed(); });
    u8 request[protocol::payload_capacity<P>];
    u8 reply[protocol::payload_capacity<P>];
    usize next = 0;
    for (;;) {
        auto listened = table.serve_listener();
        if (listened.is_error())
            return listened;
        table.retry_reclaims();
        bool served = false;
        for (usize turn = 0; turn < table.capacity(); ++turn) {
            usize index = (next + turn) % table.capacity();
            auto& slot = table.slot(index);
            for (usize taken = 0; taken < table.limits().requests_per_turn; ++taken) {
                if (slot.state != Table::State::Open && slot.state != Table::State::Opening)
                    break;
                if (slot.outbox->is_full())
                    break; /* its client is not reading replies: it waits, the others do not */
                auto received = slot.inbox->try_receive(request);
                if (received.is_error()) {
                    if (received.error().code() != ErrorCode::Empty)
                        table.free(index); /* closed, dead, or a slot this protocol never carries */
                    break;
                }
                /* A capability the client sent along reaches the handler (MessageCapabilities) of a
                   message declared carrying one, which removes it before replying; whatever is left
                   after the dispatch is discarded here, so no capability outlives its request and no
                   client can fill the service's space. Replies carry none (capabilities.reply is dropped). */
                protocol::MessageCapabilities capabilities;
                if (received.value().has_capability)
                    capabilities.received = received.value().capability;
                usize length = protocol::dispatch<P>(
                    handlers[index], std::span<u8 const>(request, received.value().length), reply, capabilities);
                if (capabilities.received)
                    endpoint::discard(*capabilities.received);
                if (slot.outbox->try_send(std::span<u8 const>(reply, length)).is_error()) {
                    table.free(index);
                    break;
                }
                served = true;
            }
        }
        next = (next + 1) % table.capacity();
        if (!served)
            (void)endpoint::wait(table.wait_mask());
    }
}

/*
 * Opens a session of the protocol with `geometry` through a listener: reclaims `memory` whole if
 * nothing in it is alive, carves the donation from it (RightRetype), takes the listener in turn
 * (another opener holding it is waited for until the deadline), and returns the session's
 * Connection. The listener is given up again whatever happens. Give each live session its own
 * `memory` (pool_size<P>()): see pool_size.
 */
[[nodiscard]] ErrorOr<Connection> open(Connection& listener, ReticleCap const& memory, Geometry, usize donation_size,
    ConnectionBits, u64 deadline_nanoseconds);

/*
 * The client of P over a session. call() is Client<P>::call; when the session ended under it
 * (the service restarted: PeerClosed or Revoked), the call reports that and the session is
 * opened again, so the next call reaches the new instance. close() ends the session.
 */
template<typename P>
class SessionClient {
public:
    static constexpr Duration default_timeout = Duration::from_seconds(5);

    /* `pool`: memory for one session at a time (at least pool_size<P>()), the client's from now on. */
    [[nodiscard]] static ErrorOr<SessionClient> open(
        RingCap listen_requests, RingCap listen_replies, ReticleCap pool, ConnectionBits bits = {})
    {
        auto listener = Connection::unbound(std::move(listen_requests), std::move(listen_replies), schema_id, bits);
        SessionClient client(std::move(listener), std::move(pool), bits);
        auto reopened = client.reopen(deadline_after(default_timeout));
        if (reopened.is_error())
            return reopened.release_error();
        return client;
    }

    template<typename Request>
    [[nodiscard]] ErrorOr<protocol::ReplyOf<P, Request>> call(Request const& request, Duration timeout = default_timeout)
    {
        u64 deadline = deadline_after(timeout);
        if (!m_session) {
            auto reopened = reopen(deadline);
            if (reopened.is_error())
                return reopened.release_error();
        }
        return ended_if_closed(m_session->call_until(request, deadline), deadline);
    }

    /* As call(), for a message carrying a MemCap: a copy of `memory` with the `keep` rights travels with it. */
    template<typename Request>
    [[nodiscard]] ErrorOr<protocol::ReplyOf<P, Request>> call_lending(
        Request const& request, MemCap const& memory, Rights keep, Duration timeout = default_timeout)
    {
        u64 deadline = deadline_after(timeout);
        if (!m_session) {
            auto reopened = reopen(deadline);
            if (reopened.is_error())
                return reopened.release_error();
        }
        return ended_if_closed(m_session->call_lending(request, memory, keep, deadline), deadline);
    }

    /* As call(), for a message whose reply carries a capability: the reply, and the capability now in the caller's space. */
    template<typename Request>
    [[nodiscard]] ErrorOr<typename Client<P>::template CallResult<Request>> call_receiving(
        Request const& request, Duration timeout = default_timeout)
    {
        u64 deadline = deadline_after(timeout);
        if (!m_session) {
            auto reopened = reopen(deadline);
            if (reopened.is_error())
                return reopened.release_error();
        }
        return ended_if_closed(m_session->call_carrying(request, nullptr, deadline), deadline);
    }

    /* Ends the session: the service frees it and reclaims the donation. */
    void close()
    {
        if (m_session)
            m_session->connection().close();
        m_session.reset();
    }

    [[nodiscard]] bool is_open() const { return m_session.has_value(); }
    /* The open session's Connection (raw traffic, for protocol tests), or nullptr. */
    [[nodiscard]] Connection* connection() { return m_session ? &m_session->connection() : nullptr; }
    [[nodiscard]] Connection const* connection() const { return m_session ? &m_session->connection() : nullptr; }

    SessionClient(SessionClient&& other)
        : m_listener(std::move(other.m_listener))
        , m_pool(std::move(other.m_pool))
        , m_bits(other.m_bits)
        , m_session(std::exchange(other.m_session, std::nullopt))
    {
    }
    SessionClient& operator=(SessionClient&&) = delete;

    /* Ends the session and gives up the listener's capabilities and the pool: nothing stays in the space. */
    ~SessionClient()
    {
        close();
        m_listener.close();
        if (!m_pool.is_empty())
            (void)endpoint::remove(std::move(m_pool));
    }

private:
    SessionClient(Connection listener, ReticleCap pool, ConnectionBits bits)
        : m_listener(std::move(listener))
        , m_pool(std::move(pool))
        , m_bits(bits)
    {
    }

    /* A call that found the session ended (the service restarted) opens the next one, and reports what it saw. */
    template<typename Reply>
    [[nodiscard]] ErrorOr<Reply> ended_if_closed(ErrorOr<Reply> reply, u64 deadline)
    {
        if (reply.is_error() && (reply.error().is(ErrorCode::PeerClosed) || reply.error().is(ErrorCode::Revoked))) {
            close();
            (void)reopen(deadline);
        }
        return reply;
    }

    /*
     * The pool holds one session: until the service let go of the one that ended (it notices the
     * close on its next turn), carving fails and the open is tried again.
     */
    [[nodiscard]] ErrorOr<void> reopen(u64 deadline)
    {
        for (;;) {
            auto connection = session::open(m_listener, m_pool, geometry_of<P>(), donation_size<P>(), m_bits, deadline);
            if (!connection.is_error()) {
                m_session.emplace(connection.release_value());
                return {};
            }
            if (!connection.error().is(ErrorCode::OutOfMemory) || endpoint::now_nanoseconds() >= deadline)
                return connection.release_error();
            endpoint::yield();
        }
    }

    Connection m_listener;
    ReticleCap m_pool;
    ConnectionBits m_bits;
    std::optional<Client<P>> m_session;
};

}
