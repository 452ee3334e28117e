/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The power-cut fault injector (issue 11): a block::Device wrapping another as a disk with a
 * volatile write cache that loses power on cue. A write is held in the cache (reads see it)
 * until a flush writes every held write through, in order, and flushes the disk below. Armed
 * with `cut_after(N)`, the N-th write request from then on is the last: it enters the cache,
 * the power goes, and each write held since the last flush is independently kept, dropped, or
 * torn at a 512-byte boundary (its first k sectors kept, 0 < k < its length), chosen by a
 * generator seeded with the cut's seed, so a failing seed replays the same cut. After the cut
 * every request fails until `restore_power()`.
 *
 * The cache lives in caller memory. When it is full the held writes are written through
 * (unflushed) before the next one is taken: a real cache may write back whenever it likes, so
 * this only narrows what a cut can lose; `report()` counts these write-backs. Sectors are
 * whole: the wrapped device's sector size, a multiple of 512.
 */

#pragma once

#include <vectra/block/Device.h>

namespace vectra::hostblk {

struct PowerCutReport {
    u64 writes { 0 }; /* write requests since the last arming */
    u64 flushes { 0 }; /* flushes written through */
    u64 write_backs { 0 }; /* cache-full write-throughs (no flush) */
    u64 kept { 0 }; /* at the cut: held writes kept whole */
    u64 dropped { 0 }; /* ... dropped whole */
    u64 torn { 0 }; /* ... torn at a 512-byte boundary */
    bool cut { false };
};

class PowerCut final : public block::Device {
public:
    /* `cache`: the bytes that hold unflushed writes (each takes its length plus 16 bytes). */
    PowerCut(block::Device& disk, std::span<u8> cache);

    /* The `writes`-th write request from now cuts the power; `seed` picks each held write's fate. */
    void cut_after(u64 writes, u64 seed);
    /* Power back: requests are served again (the cache is empty; what the cut left is on the disk). */
    void restore_power();
    [[nodiscard]] bool is_cut() const { return m_report.cut; }
    [[nodiscard]] PowerCutReport const& report() const { return m_report; }

    [[nodiscard]] u32 sector_size() const override { return m_disk.sector_size(); }
    [[nodiscard]] u64 sector_count() const override { return m_disk.sector_count(); }
    [[nodiscard]] ErrorOr<void> read_sectors(u64 first_sector, std::span<u8> into) override;
    [[nodiscard]] ErrorOr<void> write_sectors(u64 first_sector, std::span<u8 const> from) override;
    [[nodiscard]] ErrorOr<void> flush() override;

private:
    struct Held {
        u64 first_sector;
        u64 bytes;
    };
    [[nodiscard]] ErrorOr<void> write_back();
    [[nodiscard]] ErrorOr<void> cut();
    [[nodiscard]] u64 next_random();

    block::Device& m_disk;
    std::span<u8> m_cache;
    usize m_used { 0 };
    u64 m_cut_at { 0 };
    u64 m_random { 0 };
    PowerCutReport m_report;
};

}
