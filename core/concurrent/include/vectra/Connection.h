/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The client half of every Ring connection, written once: bind both ends, send (waiting for
 * space), wait for the reply to this call (with a deadline), and bind again after the service
 * restarted. Connection moves bytes; Client<P> adds a declared protocol's types on top.
 */

#pragma once

#include <optional>
#include <span>
#include <utility>
#include <vectra/Duration.h>
#include <vectra/Ring.h>
#include <vectra/protocol/Envelope.h>

namespace vectra {

/* The calling Task's Signal bits a connection uses. */
struct ConnectionBits {
    SignalBit reply { 0 };
    SignalBit space { 1 };
    SignalBit timeout { 2 };
};

/* What a call got back: the reply's envelope, its bytes (in the caller's buffer) and a capability it brought. */
struct CallReply {
    protocol::Envelope envelope;
    std::span<u8 const> bytes;
    std::optional<ReceivedCapability> capability;
};

class Connection {
public:
    /* Binds `requests` (send) and `replies` (receive); keeps both capabilities to bind again later. */
    [[nodiscard]] static ErrorOr<Connection> bind(RingCap requests, RingCap replies, u64 schema_id, ConnectionBits = {});

    /* Keeps the capabilities without binding: rebind() binds when needed (a listener, taken in turns). */
    [[nodiscard]] static Connection unbound(RingCap requests, RingCap replies, u64 schema_id, ConnectionBits = {});

    /* After PeerRestarted: binds both ends again, to the Rings' new epoch. */
    [[nodiscard]] ErrorOr<void> rebind();

    /* Sends `message`, waiting for space while the Ring is full, until `deadline` (TimedOut). */
    [[nodiscard]] ErrorOr<void> send(std::span<u8 const> message, u64 deadline_nanoseconds);
    /* As send(), moving `capability` (e.g. memory a session request donates) along. */
    [[nodiscard]] ErrorOr<void> send(std::span<u8 const> message, ReticleCap&& capability, u64 deadline_nanoseconds);

    /* As send(), with a copy of `memory` holding the `keep` rights (data a request carries: vectra.block). */
    [[nodiscard]] ErrorOr<void> send(std::span<u8 const> message, MemCap const& memory, Rights keep, u64 deadline_nanoseconds);

    /* The next message, or TimedOut at `deadline`; a capability in it lands in the Task's space. */
    [[nodiscard]] ErrorOr<ReceivedMessage> receive(std::span<u8> buffer, u64 deadline_nanoseconds);
    /*
     * The next message if one is there, else Empty at once: no clock read and no wait. (A receive
     * with a deadline of now waits anyway — the kernel parks the Task and reschedules before the
     * passed deadline wakes it — so a look for what arrived costs three kernel calls and often a
     * switch away and back; this is one kernel call.)
     */
    [[nodiscard]] ErrorOr<ReceivedMessage> try_receive(std::span<u8> buffer);

    /*
     * Sends `request` (already encoded, call id `call_id`) and waits for the reply with that id;
     * replies to earlier, abandoned calls are skipped. When the service restarted meanwhile
     * (PeerRestarted), binds again — the next call reaches the new instance — and reports it:
     * whether to repeat a request is the caller's decision.
     */
    [[nodiscard]] ErrorOr<CallReply> call(std::span<u8 const> request, u32 call_id, std::span<u8> reply_buffer,
        u64 deadline_nanoseconds, ReticleCap* donation = nullptr);
    /* As call(), lending a copy of `memory` with the `keep` rights (bulk data a request moves: vectra.vfs v5). */
    [[nodiscard]] ErrorOr<CallReply> call_lending(std::span<u8 const> request, u32 call_id, std::span<u8> reply_buffer,
        u64 deadline_nanoseconds, MemCap const& memory, Rights keep);

    /*
     * A request whose reply is wanted later — a waiting read left outstanding while other calls go
     * on (vterm's `input` on its compositord session): a call that meets the reply to `call_id`
     * copies it into `buffer` (the protocol's payload capacity: receive_later() also receives into
     * it; a longer reply is refused MalformedMessage) instead of skipping it as an abandoned call's.
     * One such request at a time; a call id of 0 expects none. The reply then comes from
     * receive_later().
     */
    void expect_later(u32 call_id, std::span<u8> buffer);
    [[nodiscard]] u32 expected_later() const { return m_later.call_id; }
    /* A call met the expected reply and kept it: receive_later() returns it without waiting. */
    [[nodiscard]] bool has_later() const { return m_later.length.has_value(); }
    /*
     * The expected reply's length (its bytes in the buffer expect_later() named) once it arrived —
     * kept by a call, or received now without waiting; nothing while it has not. Replies to other,
     * abandoned calls are skipped. Once returned, nothing is expected any more.
     */
    [[nodiscard]] ErrorOr<std::optional<usize>> receive_later();

    /* Gives both ends up, keeping the capabilities: rebind() takes them again (a listener is bound in turns). */
    void unbind();
    /* Gives both ends up and deletes both capabilities: for a session, this closes it. */
    void close();
    [[nodiscard]] bool is_bound() const { return m_sender.has_value(); }

    [[nodiscard]] u32 payload_capacity() const { return m_sender ? m_sender->payload_capacity() : 0; }
    [[nodiscard]] ConnectionBits bits() const { return m_bits; }

    /* A moved-from Connection is unbound and holds nothing: closing it touches nothing of the new owner's. */
    Connection(Connection&& other)
        : m_requests(std::move(other.m_requests))
        , m_replies(std::move(other.m_replies))
        , m_schema_id(other.m_schema_id)
        , m_bits(other.m_bits)
        , m_sender(std::exchange(other.m_sender, std::nullopt))
        , m_receiver(std::exchange(other.m_receiver, std::nullopt))
        , m_later(std::exchange(other.m_later, Later {}))
    {
    }
    Connection& operator=(Connection&& other)
    {
        m_requests = std::move(other.m_requests);
        m_replies = std::move(other.m_replies);
        m_schema_id = other.m_schema_id;
        m_bits = other.m_bits;
        m_sender = std::exchange(other.m_sender, std::nullopt);
        m_receiver = std::exchange(other.m_receiver, std::nullopt);
        m_later = std::exchange(other.m_later, Later {});
        return *this;
    }

private:
    Connection(RingCap requests, RingCap replies, u64 schema_id, ConnectionBits bits)
        : m_requests(std::move(requests))
        , m_replies(std::move(replies))
        , m_schema_id(schema_id)
        , m_bits(bits)
    {
    }
    [[nodiscard]] ErrorOr<void> wait_for_space(u64 deadline_nanoseconds);
    [[nodiscard]] ErrorOr<CallReply> await_reply(u32 call_id, std::span<u8> reply_buffer, u64 deadline_nanoseconds);
    /* A sent request's reply (or the send's error); binds again after PeerRestarted. */
    [[nodiscard]] ErrorOr<CallReply> finish_call(
        ErrorOr<void> sent, u32 call_id, std::span<u8> reply_buffer, u64 deadline_nanoseconds);

    /* Keeps `reply` when it answers the request expected later; false when it answers another. */
    [[nodiscard]] bool keep_if_later(protocol::Envelope const&, std::span<u8 const> reply);

    /* The request whose reply is wanted later (expect_later): its call id, where its reply goes, and its length once kept. */
    struct Later {
        u32 call_id { 0 };
        std::span<u8> buffer;
        std::optional<usize> length;
    };

    RingCap m_requests;
    RingCap m_replies;
    u64 m_schema_id;
    ConnectionBits m_bits;
    std::optional<RingSender> m_sender;
    std::optional<RingReceiver> m_receiver;
    Later m_later;
};

/* The service's half of a direct connection: its requests (receive) and replies (send) ends, bound once. */
class ServerConnection {
public:
    static constexpr SignalBit request_bit { 0 };
    static constexpr SignalBit space_bit { 1 };

    [[nodiscard]] static ErrorOr<ServerConnection> bind(RingCap const& requests, RingCap const& replies, u64 schema_id);

    [[nodiscard]] RingReceiver& inbox() { return m_inbox; }
    [[nodiscard]] RingSender& outbox() { return m_outbox; }

private:
    ServerConnection(RingReceiver inbox, RingSender outbox)
        : m_inbox(inbox)
        , m_outbox(outbox)
    {
    }
    RingReceiver m_inbox;
    RingSender m_outbox;
};

/* A deadline `timeout` from now, in the clock the connection waits with. */
[[nodiscard]] u64 deadline_after(Duration timeout);

/*
 * The typed client of a declared protocol P: call(request) sends the request's message and
 * returns its typed reply, or the error: one of P's declared errors (Error::is(P's code)), a
 * kernel or L0 error the service reported, TimedOut, or the Ring's own (PeerRestarted…).
 */
template<typename P>
class Client {
public:
    static constexpr Duration default_timeout = Duration::from_seconds(5);

    [[nodiscard]] static ErrorOr<Client> bind(RingCap requests, RingCap replies, ConnectionBits bits = {})
    {
        auto connection = Connection::bind(std::move(requests), std::move(replies), protocol::schema_id<P>, bits);
        if (connection.is_error())
            return connection.release_error();
        return Client(connection.release_value());
    }

    explicit Client(Connection connection)
        : m_connection(std::move(connection))
    {
    }

    template<typename Request>
    [[nodiscard]] ErrorOr<protocol::ReplyOf<P, Request>> call(Request const& request, Duration timeout = default_timeout)
    {
        return call_until(request, deadline_after(timeout));
    }

    template<typename Request>
    [[nodiscard]] ErrorOr<protocol::ReplyOf<P, Request>> call_until(Request const& request, u64 deadline_nanoseconds)
    {
        u8 reply_buffer[protocol::payload_capacity<P>];
        auto reply = exchange(request, reply_buffer, deadline_nanoseconds, nullptr);
        if (reply.is_error())
            return reply.release_error();
        if (reply.value().capability)
            return Error(ErrorCode::MalformedMessage, "a reply carried a capability its message does not declare");
        return decode_reply<Request>(reply.value());
    }

    /* For a message carrying a MemCap: a copy of `memory` with the `keep` rights travels with the request. */
    template<typename Request>
    [[nodiscard]] ErrorOr<protocol::ReplyOf<P, Request>> call_lending(
        Request const& request, MemCap const& memory, Rights keep, u64 deadline_nanoseconds)
    {
        u8 request_buffer[protocol::payload_capacity<P>];
        u8 reply_buffer[protocol::payload_capacity<P>];
        u32 call_id = m_next_call_id++;
        auto length = protocol::encode_request<P>(request, call_id, request_buffer);
        if (length.is_error())
            return length.release_error();
        auto reply = m_connection.call_lending(std::span<u8 const>(request_buffer, length.value()), call_id, reply_buffer,
            deadline_nanoseconds, memory, keep);
        if (reply.is_error())
            return reply.release_error();
        if (reply.value().capability)
            return Error(ErrorCode::MalformedMessage, "a reply carried a capability its message does not declare");
        return decode_reply<Request>(reply.value());
    }

    /* For messages that carry capabilities: `donation` travels with the request, the reply's capability comes back. */
    template<typename Request>
    struct CallResult {
        protocol::ReplyOf<P, Request> reply;
        std::optional<ReceivedCapability> capability;
    };
    template<typename Request>
    [[nodiscard]] ErrorOr<CallResult<Request>> call_carrying(
        Request const& request, ReticleCap* donation, u64 deadline_nanoseconds)
    {
        u8 reply_buffer[protocol::payload_capacity<P>];
        auto reply = exchange(request, reply_buffer, deadline_nanoseconds, donation);
        if (reply.is_error())
            return reply.release_error();
        auto decoded = decode_reply<Request>(reply.value());
        if (decoded.is_error())
            return decoded.release_error();
        return CallResult<Request> { decoded.release_value(), reply.value().capability };
    }

    [[nodiscard]] Connection& connection() { return m_connection; }
    [[nodiscard]] Connection const& connection() const { return m_connection; }

private:
    template<typename Request>
    [[nodiscard]] ErrorOr<CallReply> exchange(
        Request const& request, std::span<u8> reply_buffer, u64 deadline_nanoseconds, ReticleCap* donation)
    {
        u8 request_buffer[protocol::payload_capacity<P>];
        u32 call_id = m_next_call_id++;
        auto length = protocol::encode_request<P>(request, call_id, request_buffer);
        if (length.is_error())
            return length.release_error();
        return m_connection.call(
            std::span<u8 const>(request_buffer, length.value()), call_id, reply_buffer, deadline_nanoseconds, donation);
    }

    template<typename Request>
    [[nodiscard]] ErrorOr<protocol::ReplyOf<P, Request>> decode_reply(CallReply const& reply)
    {
        constexpr u16 number = static_cast<u16>(protocol::index_of<P, Request>() + 1);
        if (!reply.envelope.is_reply || reply.envelope.message != number)
            return Error(ErrorCode::MalformedMessage, "the reply answers another message");
        if (reply.envelope.status != protocol::status_success)
            return protocol::error_of_status(reply.envelope.status, error_domain(typename P::Errors {}));
        protocol::ReplyOf<P, Request> decoded {};
        auto result = protocol::decode_body(reply.bytes, decoded);
        if (result.is_error())
            return Error(result.error());
        return decoded;
    }

    Connection m_connection;
    u32 m_next_call_id { 1 };
};

}
