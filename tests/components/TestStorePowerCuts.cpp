/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Power cuts over the store (docs/adr/0023-persistent-store.md), through components/hostblk's
 * fault injector: a workload of creates, writes (small, block-crossing and large), truncates,
 * renames (onto free names and over existing files), removes and syncs runs against a store on a
 * memory disk behind a PowerCut; it is cut at a random write request (in every other trial one
 * that a sync makes: its catalog or its superblock), and each write since the last flush is kept,
 * dropped or torn at 512 bytes. After each cut the store is mounted again
 * and checked against the promise: it mounts; what it holds is exactly the state of the last
 * sync that returned, or — when the cut fell inside a sync — of that sync. That one comparison
 * checks every synced write is there, no rename is half done (both names or neither), and no
 * offset holds bytes of two writes unless neither was synced. Then the recovered store takes a
 * change, syncs it and mounts again. A failing trial prints its seed.
 */

#include "StoreSupport.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <hostblk/PowerCut.h>
#include <map>
#include <optional>
#include <random>
#include <vectra/Try.h>

using namespace vectra;
using namespace vectra::test;

namespace {

constexpr u64 disk_bytes = 2 * MiB;
using Files = std::map<std::string, std::string>;

/* The store's memory; with `cache_slots`, a cache that small makes the workload write dirty blocks back between
 * syncs, read ahead, and drop freed blocks, all inside the cut. */
struct Memory {
    explicit Memory(usize cache_slots = 0)
        : parts(64, 2048, disk_bytes / store::block_size, 64 * KiB, cache_slots)
    {
    }
    StoreMemory parts;
};

/*
 * The mutation the harness must catch: the flush between the catalog and the superblock is
 * dropped (a flush is held back until the next request and forgotten when that request writes
 * a superblock), so the superblock can reach the disk without what it names.
 */
class NoFlushBeforeCommit final : public block::Device {
public:
    explicit NoFlushBeforeCommit(block::Device& disk)
        : m_disk(disk)
    {
    }
    u32 sector_size() const override { return m_disk.sector_size(); }
    u64 sector_count() const override { return m_disk.sector_count(); }
    ErrorOr<void> read_sectors(u64 first, std::span<u8> into) override
    {
        TRY(settle(false));
        return m_disk.read_sectors(first, into);
    }
    ErrorOr<void> write_sectors(u64 first, std::span<u8 const> from) override
    {
        TRY(settle(first < store::first_data_block * store::block_size / m_disk.sector_size()));
        return m_disk.write_sectors(first, from);
    }
    ErrorOr<void> flush() override
    {
        TRY(settle(false));
        m_held = true;
        return {};
    }

private:
    ErrorOr<void> settle(bool superblock_next)
    {
        bool held = m_held;
        m_held = false;
        if (held && !superblock_next)
            return m_disk.flush();
        return {};
    }
    block::Device& m_disk;
    bool m_held { false };
};

/* Bytes of one write: distinct per seed and per 8-byte word, so a mixture of two writes shows. */
std::string pattern(usize size, u32 seed)
{
    std::string bytes(size, '\0');
    u64 state = seed * 0x9E3779B97F4A7C15ull + 1;
    for (usize at = 0; at < size; at += 8) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        u64 word = state ^ (state >> 29);
        std::memcpy(bytes.data() + at, &word, size - at < 8 ? size - at : 8);
    }
    return bytes;
}

struct Outcome {
    Files synced; /* the state of the last sync that returned */
    std::optional<Files> inside; /* the state of the sync the cut fell in, if it did */
    u64 requests { 0 };
    std::vector<std::pair<u64, u64>> syncs; /* the write requests each sync made: (before, after] */
};

char const* const names[] = { "a", "b", "dir/c", "dir/d", "e.db", "e.db-wal", "f", "g/h/i" };

/* Runs the workload of `seed` until it ends or the power goes; the model follows every step that succeeded. */
Outcome run_workload(store::Store& store, hostblk::PowerCut* power, u32 seed)
{
    std::mt19937 random(seed);
    Outcome outcome;
    Files live;
    auto cut = [&] { return power && power->is_cut(); };
    auto writes = [&] { return power ? power->report().writes : 0; };
    auto sync = [&] {
        outcome.inside = live;
        u64 before = writes();
        bool synced = !store.sync().is_error();
        outcome.syncs.emplace_back(before, writes());
        if (synced) {
            outcome.synced = live;
            outcome.inside.reset();
        }
        return synced;
    };
    auto pick = [&]() -> std::string {
        auto iterator = live.begin();
        std::advance(iterator, random() % live.size());
        return iterator->first;
    };
    for (u32 step = 0; step < 120 && !cut(); ++step) {
        u32 action = random() % 12;
        if (action < 2 || live.empty()) {
            std::string name = names[random() % std::size(names)];
            if (live.count(name))
                continue;
            auto file = store.create(name);
            if (file.is_error())
                break;
            live[name] = "";
            auto bytes = pattern(random() % 12000, random());
            if (store.write(file.value(), 0, bytes_of_text(bytes)).is_error())
                break;
            live[name] = bytes;
        } else if (action < 6) {
            auto name = pick();
            auto file = store.open(name).release_value();
            auto& model = live[name];
            usize offset = random() % (model.size() + 5000);
            usize length = random() % 4 == 0 ? 20000 + random() % 60000 : 1 + random() % 6000;
            auto bytes = pattern(length, random());
            if (store.write(file, offset, bytes_of_text(bytes)).is_error())
                break;
            if (model.size() < offset + length)
                model.resize(offset + length, '\0');
            model.replace(offset, length, bytes);
        } else if (action == 6) {
            auto name = pick();
            usize size = random() % (live[name].size() + 3000);
            if (store.truncate(store.open(name).release_value(), size).is_error())
                break;
            live[name].resize(size, '\0');
        } else if (action == 7) {
            auto from = pick();
            std::string to = names[random() % std::size(names)];
            if (store.rename(from, to).is_error())
                break;
            if (from != to) {
                live[to] = live[from];
                live.erase(from);
            }
        } else if (action == 8) {
            auto name = pick();
            if (store.remove(name).is_error())
                break;
            live.erase(name);
        } else {
            if (!sync())
                break;
        }
    }
    if (!cut())
        (void)sync();
    if (power)
        outcome.requests = power->report().writes;
    return outcome;
}

Files contents(store::Store& store)
{
    Files files;
    usize cursor = 0;
    store::Listing page[4];
    for (usize count; (count = store.list("", cursor, page)) != 0;)
        for (usize index = 0; index < count; ++index)
            files[std::string(page[index].name)] = read_whole(store, store.open(page[index].name).release_value());
    return files;
}

std::string describe(Files const& found, Files const& expected)
{
    std::string text;
    for (auto const& [name, bytes] : expected) {
        auto there = found.find(name);
        if (there == found.end())
            text += " missing " + name + ";";
        else if (there->second != bytes)
            text += " " + name + " differs (" + std::to_string(there->second.size()) + " vs "
                + std::to_string(bytes.size()) + " bytes);";
    }
    for (auto const& [name, bytes] : found)
        if (!expected.count(name))
            text += " extra " + name + ";";
    return text;
}

struct Tally {
    u32 cuts { 0 };
    u64 invariants { 0 };
    u32 violations { 0 };
    u32 inside_sync { 0 };
    u32 cut_in_sync { 0 };
    u32 fell_back { 0 };
    u64 kept { 0 }, dropped { 0 }, torn { 0 }, write_backs { 0 };
};

std::vector<u8> formatted_disk()
{
    MemoryDevice device(disk_bytes);
    Memory memory;
    REQUIRE(!store::Store::format(device, memory.parts.memory()).is_error());
    return device.bytes();
}

/* The injector's volatile cache: larger than anything the workload writes between two flushes. */
std::span<u8> cache_memory()
{
    static std::vector<u8> cache(2 * MiB);
    return cache;
}

/* The trials' disk, set back to `base` for each run (one allocation for every trial). */
MemoryDevice& reused_device(std::vector<u8> const& base)
{
    static MemoryDevice device(base.size());
    device.reset_to(base);
    return device;
}

/* One trial: a dry run counts the workload's write requests, then the cut run stops at a random one. */
void trial(std::vector<u8> const& base, u32 number, bool mutated, Tally& tally, usize cache_slots = 0)
{
    u32 seed = 7000 + number;
    u64 total = 0;
    std::vector<std::pair<u64, u64>> syncs;
    {
        MemoryDevice& device = reused_device(base);
        hostblk::PowerCut power(device, cache_memory());
        power.cut_after(0, 0);
        Memory memory(cache_slots);
        auto store = store::Store::mount(power, memory.parts.memory()).release_value();
        auto dry = run_workload(store, &power, seed);
        total = dry.requests;
        syncs = dry.syncs;
    }
    REQUIRE(total > 0);
    /* Even trials cut at any write request; odd ones at one a sync makes (its catalog or superblock). */
    std::mt19937_64 random(seed);
    u64 cut_at = 1 + random() % total;
    if (number % 2 == 1 && !syncs.empty()) {
        auto [before, after] = syncs[random() % syncs.size()];
        if (after > before)
            cut_at = before + 1 + random() % (after - before);
    }
    MemoryDevice& device = reused_device(base);
    hostblk::PowerCut power(device, cache_memory());
    power.cut_after(cut_at, seed);
    NoFlushBeforeCommit lying(power);
    block::Device& seen = mutated ? static_cast<block::Device&>(lying) : power;
    Outcome outcome;
    {
        Memory memory(cache_slots);
        auto store = store::Store::mount(seen, memory.parts.memory()).release_value();
        outcome = run_workload(store, &power, seed);
    }
    REQUIRE(power.is_cut());
    ++tally.cuts;
    tally.cut_in_sync += outcome.inside.has_value();
    tally.write_backs += power.report().write_backs;
    tally.kept += power.report().kept;
    tally.dropped += power.report().dropped;
    tally.torn += power.report().torn;
    power.restore_power();

    Memory memory(cache_slots);
    auto mounted = store::Store::mount(device, memory.parts.memory());
    ++tally.invariants;
    if (mounted.is_error()) {
        ++tally.violations;
        UNSCOPED_INFO("seed " << seed << " (cut at write " << cut_at << " of " << total
                              << "): the store does not mount: " << mounted.error().message());
        return;
    }
    auto& store = mounted.value();
    tally.fell_back += store.report().fell_back;
    auto found = contents(store);
    bool matches = found == outcome.synced;
    if (!matches && outcome.inside) {
        matches = found == *outcome.inside;
        tally.inside_sync += matches;
    }
    /* One check per file and per name of the expected state, plus the mount. */
    tally.invariants += 2 * outcome.synced.size() + 1;
    if (!matches) {
        ++tally.violations;
        UNSCOPED_INFO("seed " << seed << " (cut at write " << cut_at << " of " << total
                              << "): against the last sync:" << describe(found, outcome.synced));
        return;
    }
    /* The recovered store takes a change and commits it. */
    auto file = store.create("after the cut");
    if (file.is_error() && file.error().is(store::StoreError::Exists))
        file = store.open("after the cut");
    REQUIRE(!file.is_error());
    REQUIRE(!store.write(file.value(), 0, bytes_of_text(pattern(9000, seed))).is_error());
    REQUIRE(!store.sync().is_error());
    found["after the cut"] = pattern(9000, seed);
    Memory again_memory(cache_slots);
    auto again = store::Store::mount(device, again_memory.parts.memory());
    REQUIRE(!again.is_error());
    ++tally.invariants;
    if (contents(again.value()) != found) {
        ++tally.violations;
        UNSCOPED_INFO("seed " << seed << ": a commit after recovery lost something");
    }
}

}

TEST_CASE("200 random power cuts: the store mounts with exactly the state of the last sync (or the interrupted one)")
{
    auto const base = formatted_disk();
    Tally tally;
    for (u32 number = 0; number < 200; ++number)
        trial(base, number, false, tally);
    WARN("store power cuts: " << tally.cuts << " cuts run, " << tally.invariants << " invariants checked, "
                              << tally.violations << " violations (" << tally.cut_in_sync << " cuts inside a sync, "
                              << tally.inside_sync << " of them found it committed; " << tally.fell_back
                              << " mounts took the older superblock; held writes at the cuts: " << tally.kept
                              << " kept, " << tally.dropped << " dropped, " << tally.torn
                              << " torn; cache-full write-backs " << tally.write_backs << ")");
    CHECK(tally.violations == 0);
    CHECK(tally.cuts == 200);
    CHECK(tally.cut_in_sync >= 50);
    CHECK(tally.inside_sync > 0);
    CHECK(tally.torn > 0);
}

TEST_CASE("200 random power cuts with an 8-block cache: dirty blocks written back between syncs change nothing")
{
    /* The workload writes up to 80 KB at a time: an 8-block cache writes dirty blocks back before syncs, reads
     * ahead and drops freed blocks, so every such path is cut inside, and the state found is still exactly one a
     * sync made. */
    auto const base = formatted_disk();
    Tally tally;
    for (u32 number = 0; number < 200; ++number)
        trial(base, number, false, tally, 8);
    WARN("store power cuts with a cache: " << tally.cuts << " cuts run, " << tally.invariants
                                           << " invariants checked, " << tally.violations << " violations ("
                                           << tally.cut_in_sync << " cuts inside a sync, " << tally.inside_sync
                                           << " of them found it committed; held writes at the cuts: " << tally.kept
                                           << " kept, " << tally.dropped << " dropped, " << tally.torn << " torn)");
    CHECK(tally.violations == 0);
    CHECK(tally.cuts == 200);
    CHECK(tally.cut_in_sync >= 50);
    CHECK(tally.inside_sync > 0);
    CHECK(tally.torn > 0);
}

TEST_CASE("The harness catches a store whose flush before the commit is removed")
{
    auto const base = formatted_disk();
    Tally tally;
    for (u32 number = 0; number < 200; ++number)
        trial(base, number, true, tally);
    WARN("mutated store (no flush before the superblock): " << tally.cuts << " cuts, " << tally.violations
                                                            << " violations");
    CHECK(tally.violations > 0);
}
