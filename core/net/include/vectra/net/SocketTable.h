/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * One session's sockets as a vectra.socket server keeps them (docs/adr/0024): ids, the session's
 * socket limit and its budget of buffered bytes. Every backend of netd uses it, so every backend
 * refuses the same ids the same way.
 *
 * A socket id is opaque to clients; here it is
 *
 *     bits  0–9   the socket's slot in the table
 *     bits 10–15  the session the table belongs to
 *     bits 16–31  the slot's generation (1–65535, bumped when the socket is removed)
 *
 * so an id another session was given names nothing here (the session differs), a removed
 * socket's id names nothing (the generation moved on: until 65535 later sockets of that slot, and
 * the table keeps counting across sessions that reuse it), and a made-up id almost never names
 * anything. Each answers `no-such-socket`.
 */

#pragma once

#include <optional>
#include <utility>
#include <vectra/Error.h>
#include <vectra/net/Protocol.h>

namespace vectra::net {

inline constexpr usize maximum_session_sockets = 1024;
inline constexpr usize maximum_session_index = 63;

template<typename Socket, usize Capacity>
class SocketTable {
    static_assert(Capacity > 0 && Capacity <= maximum_session_sockets);

public:
    /* The table of session `session` (0–63), holding at most `limit` (≤ Capacity) sockets at once. */
    SocketTable(usize session, usize limit)
        : m_session(u32(session))
        , m_limit(limit < Capacity ? limit : Capacity)
    {
        VERIFY(session <= maximum_session_index);
    }

    [[nodiscard]] ErrorOr<u32> add(Socket&& socket)
    {
        if (m_count >= m_limit)
            return Error(SocketError::LimitReached, "the session holds as many sockets as it may");
        for (usize index = 0; index < Capacity; ++index) {
            auto& slot = m_slots[index];
            if (slot.socket)
                continue;
            slot.socket.emplace(std::move(socket));
            ++m_count;
            return id_of(index);
        }
        return Error(SocketError::LimitReached, "the session's table is full");
    }

    [[nodiscard]] ErrorOr<Socket*> find(u32 id)
    {
        auto index = index_of(id);
        if (!index)
            return Error(SocketError::NoSuchSocket, "the id names no socket of this session");
        return &*m_slots[*index].socket;
    }

    [[nodiscard]] ErrorOr<Socket> remove(u32 id)
    {
        auto index = index_of(id);
        if (!index)
            return Error(SocketError::NoSuchSocket, "the id names no socket of this session");
        return take(*index);
    }

    /* Every socket goes (the session ended); `each(socket)` sees each one first. Ids stay stale. */
    template<typename Callback>
    void clear(Callback each)
    {
        for (usize index = 0; index < Capacity; ++index) {
            if (m_slots[index].socket) {
                Socket socket = take(index);
                each(socket);
            }
        }
    }

    template<typename Callback>
    void for_each(Callback each)
    {
        for (usize index = 0; index < Capacity; ++index) {
            if (m_slots[index].socket)
                each(id_of(index), *m_slots[index].socket);
        }
    }

    [[nodiscard]] usize count() const { return m_count; }
    [[nodiscard]] usize limit() const { return m_limit; }

private:
    struct Slot {
        std::optional<Socket> socket;
        u16 generation { 1 };
    };

    [[nodiscard]] u32 id_of(usize index) const
    {
        return u32(index) | m_session << 10 | u32(m_slots[index].generation) << 16;
    }

    [[nodiscard]] std::optional<usize> index_of(u32 id) const
    {
        usize index = id & 0x3ff;
        if (index >= Capacity || ((id >> 10) & 0x3f) != m_session || !m_slots[index].socket)
            return std::nullopt;
        if ((id >> 16) != m_slots[index].generation)
            return std::nullopt;
        return index;
    }

    Socket take(usize index)
    {
        auto& slot = m_slots[index];
        Socket socket = std::move(*slot.socket);
        slot.socket.reset();
        slot.generation = slot.generation == 0xffff ? 1 : u16(slot.generation + 1);
        --m_count;
        return socket;
    }

    u32 m_session { 0 };
    usize m_limit { 0 };
    usize m_count { 0 };
    Slot m_slots[Capacity];
};

/* A session's received-but-unread bytes against its bound (CONFIG_NETD_SESSION_BUFFER_KIB). */
class ByteBudget {
public:
    explicit ByteBudget(usize limit)
        : m_limit(limit)
    {
    }

    /* How many of `wanted` bytes fit now (0 when the budget is spent). */
    [[nodiscard]] usize room_for(usize wanted) const
    {
        usize room = m_limit - m_used;
        return wanted < room ? wanted : room;
    }

    /* Takes exactly `count` bytes, or nothing (`limit-reached`). */
    [[nodiscard]] ErrorOr<void> take(usize count)
    {
        if (count > m_limit - m_used)
            return Error(SocketError::LimitReached, "the session's buffered bytes would exceed its bound");
        m_used += count;
        return {};
    }

    /* Gives back bytes taken earlier (the client read them, or their socket went). */
    void give_back(usize count)
    {
        VERIFY(count <= m_used);
        m_used -= count;
    }

    [[nodiscard]] usize used() const { return m_used; }
    [[nodiscard]] usize limit() const { return m_limit; }

private:
    usize m_limit { 0 };
    usize m_used { 0 };
};

}
