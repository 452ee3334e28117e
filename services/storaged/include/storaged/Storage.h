/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * storaged (ADR 0017): the whole disk a driver serves on one direct vectra.block connection,
 * its GPT read once, and one vectra.block session per partition through a session listener.
 *
 * A session's first request is select-partition; from then on each request is checked against
 * the partition's Window (a request crossing the partition's end is refused, never clipped), the
 * session's queue limit and the carried MemCap's size, translated to disk blocks and forwarded to
 * the driver under a tag of storaged's own (the client's call id is restored on the reply), with
 * a copy of the client's MemCap; storaged keeps its own copy until the reply, so after a driver
 * restart it sends every request without a reply again, in the order it first sent them. The
 * call id storaged gives the driver is the request's slot with its sequence number above it, so
 * a reply for a request already answered (a duplicate, or a restarted driver's stale one) matches
 * nothing and is dropped. Replies come back in any order. Everything is one loop: one wait on the
 * listener, every session's doorbell and the driver's reply bit.
 */

#pragma once

#include <optional>
#include <vectra/Session.h>
#include <vectra/block/Gpt.h>
#include <vectra/block/Protocol.h>
#include <vectra/block/Window.h>

namespace vectra::storaged {

inline constexpr usize maximum_sessions = 16;
inline constexpr usize maximum_in_flight = block::Protocol::slot_count; /* toward the driver */
inline constexpr SignalBit disk_reply_bit { 3 };
inline constexpr SignalBit disk_space_bit { 4 };
inline constexpr SignalBit disk_timeout_bit { 5 };

struct Settings {
    usize sessions { 8 };
    u16 queue_limit { 32 };
    ConsoleCap const* console { nullptr }; /* where a driver restart is reported (none: not reported) */
};

class Storage {
public:
    /* Binds the driver's Rings, asks its geometry and reads the GPT (through `bounce`, a 4 KiB MemCap). */
    [[nodiscard]] ErrorOr<void> start(RingCap disk_requests, RingCap disk_replies, MemCap bounce, Settings);
    /* Serves the listener and every session until the listener fails. */
    [[nodiscard]] ErrorOr<void> serve(RingCap listen_requests, RingCap listen_replies);

    [[nodiscard]] block::Geometry const& disk() const { return m_disk; }
    [[nodiscard]] block::gpt::Table const& table() const { return m_table; }

    /* Session slot callbacks (session::Table::on_change). */
    void opened(usize index);
    void freed(usize index);

private:
    struct SessionState {
        std::optional<block::Window> window;
        std::optional<block::SessionAccount> account;
        u32 epoch { 0 }; /* bumped when the slot is freed: replies for an old session are dropped */
    };

    struct InFlight {
        bool used { false };
        bool answered { false }; /* the driver replied; the client's reply waits for room */
        u16 session { 0 };
        u32 epoch { 0 };
        u32 client_call { 0 };
        u32 call_id { 0 }; /* storaged's call id toward the driver: the slot, and the request's sequence above it */
        u64 sequence { 0 }; /* the order storaged accepted it in: a resend keeps it */
        u16 message { 0 };
        u16 status { 0 };
        u64 started { 0 };
        block::RequestKind kind { block::RequestKind::Other };
        u64 bytes { 0 };
        std::optional<ReceivedCapability> memory; /* storaged's copy, until the reply */
        Rights forward_rights { 0 };
        u8 forwarded[protocol::payload_capacity<block::Protocol>] {};
        usize length { 0 };
    };

    class GptReader;

    [[nodiscard]] ErrorOr<void> bind_disk();
    [[nodiscard]] ErrorOr<usize> disk_call(std::span<u8 const> request, MemCap const* memory, Rights keep, std::span<u8> reply);
    [[nodiscard]] bool take_request(usize index);
    [[nodiscard]] u16 forward(usize index, protocol::Envelope const&, std::span<u8 const> request, std::optional<ReceivedCapability>&);
    [[nodiscard]] ErrorOr<void> send_forwarded(InFlight&);
    [[nodiscard]] ErrorOr<void> take_disk_replies();
    [[nodiscard]] ErrorOr<void> resend_after_restart();
    void answer_unsent(InFlight&, Error const&);
    void deliver_answered();
    [[nodiscard]] bool reply_to(usize index, std::span<u8 const> reply);
    [[nodiscard]] usize free_tag() const;
    [[nodiscard]] usize in_flight() const;

    Settings m_settings;
    std::optional<RingCap> m_disk_requests_cap;
    std::optional<RingCap> m_disk_replies_cap;
    std::optional<RingSender> m_disk_requests;
    std::optional<RingReceiver> m_disk_replies;
    block::Geometry m_disk;
    block::gpt::Table m_table;
    session::Table m_sessions;
    session::Table* m_listening { nullptr };
    SessionState m_state[maximum_sessions];
    InFlight m_flight[maximum_in_flight];
    u64 m_next_sequence { 0 };
    bool m_driver_restarted { false }; /* a send saw PeerRestarted: bind again and resend */
    u32 m_restarts { 0 };
    u32 m_resent { 0 };

public:
    /* Times the driver restarted under storaged (its in-flight requests were sent again). */
    [[nodiscard]] u32 driver_restarts() const { return m_restarts; }
    /* Requests sent to the driver again, over all its restarts. */
    [[nodiscard]] u32 requests_resent() const { return m_resent; }
};

/* The bytes a Storage needs (its tables), placed in storaged's Reticle. */
[[nodiscard]] constexpr usize storage_bytes() { return sizeof(Storage); }

}
