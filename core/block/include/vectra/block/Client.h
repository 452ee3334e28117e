/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The client of vectra.block over a storaged session (ADR 0017): open a session, select its
 * partition, then submit reads and writes — each carrying a copy of a MemCap the client holds
 * (read and write rights for a read, read for a write, and grant, so storaged can pass a copy
 * on to the driver) — and take completions in whatever order they come, matched by call id.
 * `read`, `write`, `flush` and the others wait for their own reply (nothing else in flight).
 */

#pragma once

#include <vectra/Connection.h>
#include <vectra/Duration.h>
#include <vectra/block/Protocol.h>

namespace vectra::block {

/* One finished request: its call id and how it ended. */
struct Completion {
    u32 call_id { 0 };
    u16 message { 0 };
    ErrorOr<void> result;
};

class Client {
public:
    static constexpr Duration default_timeout = Duration::from_seconds(5);

    /* A session through storaged's listener, its Rings in a pool of its own carved from `memory` (RightRetype). */
    [[nodiscard]] static ErrorOr<Client> open(RingCap listen_requests, RingCap listen_replies, ReticleCap const& memory,
        ConnectionBits bits = {});

    [[nodiscard]] ErrorOr<Geometry> select_partition(std::string_view name);
    [[nodiscard]] ErrorOr<Geometry> info();
    [[nodiscard]] ErrorOr<Counters> counters();

    /* Sends a request and returns its call id; its completion comes from complete(). */
    [[nodiscard]] ErrorOr<u32> submit_read(u64 block, u32 count, MemCap const& memory, u64 offset);
    [[nodiscard]] ErrorOr<u32> submit_write(u64 block, u32 count, MemCap const& memory, u64 offset, bool force_unit_access = false);
    /* The next completion, in the order the server answers. */
    [[nodiscard]] ErrorOr<Completion> complete(Duration timeout = default_timeout);

    [[nodiscard]] ErrorOr<void> read(u64 block, u32 count, MemCap const& memory, u64 offset = 0);
    [[nodiscard]] ErrorOr<void> write(u64 block, u32 count, MemCap const& memory, u64 offset = 0, bool force_unit_access = false);
    [[nodiscard]] ErrorOr<void> flush();
    [[nodiscard]] ErrorOr<void> discard(u64 block, u32 count);
    [[nodiscard]] ErrorOr<void> write_zeroes(u64 block, u32 count);

    /* The session's Connection, for tests that send what a well-behaved client would not. */
    [[nodiscard]] Connection& connection() { return m_connection; }
    [[nodiscard]] u32 next_call_id() { return m_next_call_id++; }

    Client(Client&&) = default;

private:
    Client(Connection connection, ReticleCap pool)
        : m_connection(std::move(connection))
        , m_pool(std::move(pool))
    {
    }
    template<typename Request>
    [[nodiscard]] ErrorOr<u32> submit(Request const&, MemCap const* memory, Rights keep);
    [[nodiscard]] ErrorOr<usize> wait_for(u32 call_id, std::span<u8> reply);
    template<typename Request>
    [[nodiscard]] ErrorOr<protocol::ReplyOf<Protocol, Request>> call(Request const&, MemCap const* memory = nullptr, Rights keep = 0);

    Connection m_connection;
    ReticleCap m_pool; /* the memory this session's Rings were donated from */
    u32 m_next_call_id { 1 };
};

}
