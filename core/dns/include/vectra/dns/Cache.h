/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A resolver's cache: answers by (name, type), in slots the caller provides, on the caller's
 * clock (a monotonic count of seconds). Its rules:
 *
 *   - an entry expires `ttl` seconds after it was stored and is never served at or after that
 *     second; lookups report the seconds left;
 *   - a TTL of 0 is not cached (and storing one removes the entry it would have replaced);
 *   - positive TTLs are capped at one day, negative ones (NoData, NameError: RFC 2308, whose TTL
 *     the parser took from the SOA) at three hours (RFC 2308 §5);
 *   - a name is one key whatever its ASCII case; storing a key again replaces its entry;
 *   - when every slot holds a live entry, the one stored longest ago is evicted;
 *   - the clock must not go back: an entry looked up before the second it was stored is dropped,
 *     so no entry is ever served for longer than its TTL.
 */

#pragma once

#include <optional>
#include <span>
#include <vectra/dns/Message.h>

namespace vectra::dns {

inline constexpr u32 maximum_cached_ttl = 24 * 60 * 60;
inline constexpr u32 maximum_negative_ttl = 3 * 60 * 60;

struct CacheSlot {
    bool used { false };
    Name name;
    Name canonical; /* the end of the answer's CNAME chain */
    RecordType type { RecordType::A };
    Outcome outcome { Outcome::NoData };
    u64 stored_at { 0 };
    u64 expires_at { 0 };
    u64 stored { 0 }; /* the order of storing: the smallest is the oldest */
    usize address_count { 0 };
    std::array<IpAddress, maximum_addresses> addresses {};
};

struct CachedAnswer {
    Outcome outcome { Outcome::NoData };
    Name canonical;
    u32 ttl_left { 0 };
    usize address_count { 0 };
    std::array<IpAddress, maximum_addresses> addresses {};

    [[nodiscard]] std::span<IpAddress const> taken() const { return { addresses.data(), address_count }; }
};

class Cache {
public:
    explicit Cache(std::span<CacheSlot> slots);

    /* Stores `response` under (its asked name, its type) at second `now`. */
    void store(Response const&, u64 now);
    /* The live entry for (name, type) at second `now`; an expired one is freed, never returned. */
    [[nodiscard]] std::optional<CachedAnswer> lookup(Name const&, RecordType, u64 now);
    /* Live and expired-but-not-yet-freed entries. */
    [[nodiscard]] usize used() const;
    [[nodiscard]] usize capacity() const { return m_slots.size(); }

private:
    [[nodiscard]] CacheSlot* find(Name const&, RecordType);
    [[nodiscard]] CacheSlot* free_slot(u64 now);

    std::span<CacheSlot> m_slots;
    u64 m_stored { 0 };
};

}
