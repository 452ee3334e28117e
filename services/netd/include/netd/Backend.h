/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What netd's protocol handling (Session.h) asks of the stack that carries the bytes
 * (docs/adr/0024 §1): the lwIP stack inside the Task (LwipBackend.h) or, on hosted, the host's
 * own sockets (HostBackend.h). Session does everything the protocol promises — ids, the socket
 * table, the session's limits and budget, address checks, MemCaps, refusals, counters — and calls
 * a backend only for what differs: opening, accepting, moving bytes, shutting down, releasing.
 *
 * The handler rule holds here too: a call that cannot go on now fails `would-block` with no side
 * effect, so the loop can dispatch a waiting request again. A failed open or accept leaves the
 * socket's state empty (the Session then drops it from its table without releasing it).
 */

#pragma once

#include <span>
#include <type_traits>
#include <vectra/Error.h>
#include <vectra/net/Protocol.h>

namespace vectra::netd {

class Session;
struct Socket;

/* A backend's own state of one socket, kept inside the Session's table entry (trivially copyable, zeroed when new). */
inline constexpr usize backend_state_bytes = 640;

struct BackendState {
    alignas(8) u8 bytes[backend_state_bytes] {};

    template<typename State>
    [[nodiscard]] State& as()
    {
        static_assert(sizeof(State) <= backend_state_bytes && std::is_trivially_copyable_v<State>);
        return *reinterpret_cast<State*>(bytes);
    }
};

/* What a receive moved: `length` bytes into the caller's span; a datagram's source and truncation; TCP's end. */
struct Receipt {
    usize length { 0 };
    net::Address from;
    bool truncated { false };
    bool end { false };
};

class Backend {
public:
    virtual ~Backend() = default;

    /* The backend the netd Task started (Stack::start for lwIP, HostBackend::start): Session and Server use it by default. */
    [[nodiscard]] static Backend& current();
    static void install(Backend&);

    /*
     * Opening: `socket` already holds its place in the session's table (its address stays put
     * until it is released) with kind, session and id set; the addresses already passed
     * net::check_address. The result's `local` (and `remote`) are filled; Session sets its id.
     */
    [[nodiscard]] virtual ErrorOr<net::Opened> listen(Socket&, net::Address const& local, u16 backlog) = 0;
    [[nodiscard]] virtual ErrorOr<net::Opened> connect(Socket&, net::Address const& local, net::Address const& remote) = 0;
    [[nodiscard]] virtual ErrorOr<net::Opened> bind(Socket&, net::Address const& local) = 0;
    /*
     * A connection the stack has waiting on `listener`, into `into` (a new table entry, kind
     * Connection) — for a backend whose stack does not place accepted connections in the table
     * itself (those wait among the Session's pending ones; it claims them without asking). `would-block`: none.
     */
    [[nodiscard]] virtual ErrorOr<net::Opened> accept(Socket& listener, Socket& into) = 0;
    /* The addresses of a connection Session just moved from its pending ones into its table (the entry's new address). */
    [[nodiscard]] virtual net::Opened claimed(Socket&) = 0;
    /* `to`: a datagram's destination (checked), nullptr on TCP. Returns how many bytes the stack took. */
    [[nodiscard]] virtual ErrorOr<usize> send(Socket&, std::span<u8 const>, net::Address const* to) = 0;
    [[nodiscard]] virtual ErrorOr<Receipt> receive(Socket&, std::span<u8>) = 0;
    /* The sides newly shut (a side is shut once; Session keeps the flags). */
    virtual void shutdown(Socket&, bool receive, bool send) = 0;
    /*
     * A lingering close (vectra.socket v6), asked after the sending side was shut: nothing when the
     * peer acknowledged every byte sent and the end, `would-block` while some wait for it, the
     * connection's error when it failed first. By default nothing: a stack that keeps sending after
     * netd lets go, whatever becomes of netd (the host's kernel).
     */
    [[nodiscard]] virtual ErrorOr<void> delivered(Socket&) { return {}; }
    /* The socket left the session's table: everything the stack holds for it goes (`reset`: abortively). */
    virtual void release(Socket&, bool reset) = 0;

    /* The DNS servers the link's DHCP lease names; none by default (no link, the host's sockets). */
    [[nodiscard]] virtual ErrorOr<net::NameServers> name_servers() { return net::NameServers {}; }

    /*
     * Runs what is due at `now` (the loop's one clock reading for the pass, in ns since boot);
     * returns how many ms after `now` the loop may sleep at most before calling again.
     */
    [[nodiscard]] virtual u32 turn(u64 now) = 0;
    /* The Signal bits that end the loop's wait for this backend. */
    [[nodiscard]] virtual u64 wait_mask() = 0;
    /*
     * Whether a turn now would find work already queued in the stack (for lwIP: packets looped
     * back and not yet taken in), asked after a pass that served something: true makes the loop
     * pass again at once instead of waiting. A backend that cannot tell says true.
     */
    [[nodiscard]] virtual bool work_queued() { return true; }
    /*
     * Readiness (ADR 0024, amendment "readiness events"): a backend raises a socket's session
     * (Session::raise) for an event it can place; asked once a pass with the bits the loop's wait
     * took, true means something happened it cannot place (the host's one readiness line, send
     * room the stack's shared bound gave back): the loop raises every session. A backend that
     * cannot tell says true.
     */
    [[nodiscard]] virtual bool raised_everywhere(u64 /* taken */) { return true; }
};

}
