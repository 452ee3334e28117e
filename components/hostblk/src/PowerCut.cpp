/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <hostblk/PowerCut.h>
#include <string.h>
#include <vectra/Try.h>

namespace vectra::hostblk {

namespace {

constexpr usize header_bytes = 16;
constexpr u32 tear_unit = 512;

Error power_off() { return Error(ErrorCode::Unsupported, "the disk has lost power"); }

}

PowerCut::PowerCut(block::Device& disk, std::span<u8> cache)
    : m_disk(disk)
    , m_cache(cache)
{
}

void PowerCut::cut_after(u64 writes, u64 seed)
{
    m_report = {};
    m_cut_at = writes;
    m_random = seed * 0x9E3779B97F4A7C15ull + 1;
}

void PowerCut::restore_power()
{
    m_used = 0;
    m_cut_at = 0;
    m_report.cut = false;
}

u64 PowerCut::next_random()
{
    /* splitmix64: small, seedable, and the same on every host. */
    u64 value = (m_random += 0x9E3779B97F4A7C15ull);
    value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ull;
    value = (value ^ (value >> 27)) * 0x94D049BB133111EBull;
    return value ^ (value >> 31);
}

ErrorOr<void> PowerCut::read_sectors(u64 first_sector, std::span<u8> into)
{
    if (m_report.cut)
        return power_off();
    TRY(m_disk.read_sectors(first_sector, into));
    u32 sector = m_disk.sector_size();
    u64 last_sector = first_sector + into.size() / sector;
    for (usize at = 0; at < m_used;) {
        Held held;
        memcpy(&held, m_cache.data() + at, sizeof held);
        u64 held_end = held.first_sector + held.bytes / sector;
        u64 from = held.first_sector > first_sector ? held.first_sector : first_sector;
        u64 to = held_end < last_sector ? held_end : last_sector;
        if (from < to)
            memcpy(into.data() + (from - first_sector) * sector,
                m_cache.data() + at + header_bytes + (from - held.first_sector) * sector, (to - from) * sector);
        at += header_bytes + held.bytes;
    }
    return {};
}

ErrorOr<void> PowerCut::write_back()
{
    for (usize at = 0; at < m_used;) {
        Held held;
        memcpy(&held, m_cache.data() + at, sizeof held);
        TRY(m_disk.write_sectors(held.first_sector, m_cache.subspan(at + header_bytes, held.bytes)));
        at += header_bytes + held.bytes;
    }
    m_used = 0;
    return {};
}

ErrorOr<void> PowerCut::write_sectors(u64 first_sector, std::span<u8 const> from)
{
    if (m_report.cut)
        return power_off();
    if (from.size() % m_disk.sector_size() != 0 || first_sector + from.size() / m_disk.sector_size() > sector_count())
        return Error(ErrorCode::InvalidArgument, "a write past the device's end or of part of a sector");
    if (header_bytes + from.size() > m_cache.size() - m_used) {
        TRY(write_back());
        ++m_report.write_backs;
    }
    if (header_bytes + from.size() > m_cache.size()) {
        TRY(m_disk.write_sectors(first_sector, from)); /* larger than the whole cache: written through */
        ++m_report.write_backs;
    } else {
        Held held { first_sector, from.size() };
        memcpy(m_cache.data() + m_used, &held, sizeof held);
        memcpy(m_cache.data() + m_used + header_bytes, from.data(), from.size());
        m_used += header_bytes + from.size();
    }
    ++m_report.writes;
    if (m_cut_at != 0 && m_report.writes == m_cut_at)
        return cut();
    return {};
}

ErrorOr<void> PowerCut::cut()
{
    for (usize at = 0; at < m_used;) {
        Held held;
        memcpy(&held, m_cache.data() + at, sizeof held);
        u64 units = held.bytes / tear_unit;
        u64 fate = next_random() % 3;
        u64 keep = fate == 0 ? units : 0;
        if (fate == 2 && units > 1) {
            keep = 1 + next_random() % (units - 1);
            /* The device below writes whole sectors: a tear inside one keeps what it already had. */
            u32 sector = m_disk.sector_size();
            keep = keep * tear_unit / sector * sector / tear_unit;
        }
        if (keep == units)
            ++m_report.kept;
        else if (keep == 0)
            ++m_report.dropped;
        else
            ++m_report.torn;
        if (keep)
            TRY(m_disk.write_sectors(held.first_sector, m_cache.subspan(at + header_bytes, keep * tear_unit)));
        at += header_bytes + held.bytes;
    }
    m_used = 0;
    m_report.cut = true;
    return power_off();
}

ErrorOr<void> PowerCut::flush()
{
    if (m_report.cut)
        return power_off();
    TRY(write_back());
    TRY(m_disk.flush());
    ++m_report.flushes;
    return {};
}

}
