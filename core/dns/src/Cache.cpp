/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/dns/Cache.h>

namespace vectra::dns {

namespace {

u32 capped_ttl(Response const& response)
{
    u32 cap = response.outcome == Outcome::Answer ? maximum_cached_ttl : maximum_negative_ttl;
    return response.ttl < cap ? response.ttl : cap;
}

}

Cache::Cache(std::span<CacheSlot> slots)
    : m_slots(slots)
{
    for (auto& slot : m_slots)
        slot = CacheSlot();
}

CacheSlot* Cache::find(Name const& name, RecordType type)
{
    for (auto& slot : m_slots) {
        if (slot.used && slot.type == type && slot.name.equals(name))
            return &slot;
    }
    return nullptr;
}

CacheSlot* Cache::free_slot(u64 now)
{
    CacheSlot* oldest = nullptr;
    for (auto& slot : m_slots) {
        if (!slot.used || now >= slot.expires_at)
            return &slot;
        if (oldest == nullptr || slot.stored < oldest->stored)
            oldest = &slot;
    }
    return oldest;
}

void Cache::store(Response const& response, u64 now)
{
    CacheSlot* slot = find(response.name, response.type);
    u32 ttl = capped_ttl(response);
    if (ttl == 0) {
        if (slot != nullptr)
            *slot = CacheSlot();
        return;
    }
    if (slot == nullptr)
        slot = free_slot(now);
    if (slot == nullptr)
        return; /* a cache of no slots */
    *slot = CacheSlot();
    slot->used = true;
    slot->name = response.name;
    slot->canonical = response.canonical;
    slot->type = response.type;
    slot->outcome = response.outcome;
    slot->stored_at = now;
    slot->expires_at = now + ttl;
    slot->stored = ++m_stored;
    if (response.outcome == Outcome::Answer) {
        slot->address_count = response.address_count;
        slot->addresses = response.addresses;
    }
}

std::optional<CachedAnswer> Cache::lookup(Name const& name, RecordType type, u64 now)
{
    CacheSlot* slot = find(name, type);
    if (slot == nullptr)
        return {};
    if (now >= slot->expires_at || now < slot->stored_at) {
        *slot = CacheSlot();
        return {};
    }
    CachedAnswer answer;
    answer.outcome = slot->outcome;
    answer.canonical = slot->canonical;
    answer.ttl_left = static_cast<u32>(slot->expires_at - now);
    answer.address_count = slot->address_count;
    answer.addresses = slot->addresses;
    return answer;
}

usize Cache::used() const
{
    usize count = 0;
    for (auto const& slot : m_slots)
        count += slot.used ? 1 : 0;
    return count;
}

}
