/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "FatTestSupport.h"
#include <catch2/catch.hpp>
#include <map>
#include <random>

using namespace vectra;
using namespace vectra::test;

/*
 * Power cuts over a workload of creates, writes, truncates, renames, removes and syncs, cut at
 * random write requests (the cut request kept, dropped or torn at a 512-byte boundary). The
 * promise checked (docs/adr/0015-fat32-library.md): the volume mounts again; a file synced and
 * not changed since reads back its synced bytes under its name; a synced file renamed since
 * (and not otherwise changed) reads back its synced bytes under its old name or a later one.
 * Anything changed since the last completed sync may be lost, and is only read to see that
 * reading it cannot crash.
 */

namespace {

struct Tracked {
    std::string content;
    std::string origin;
    bool changed { false };
    std::vector<std::string> names;
};

struct Model {
    std::map<std::string, Tracked> files;
    std::map<std::string, std::string> synced;
};

Path path_from(std::string const& name)
{
    auto slash = name.find('/');
    if (slash == std::string::npos)
        return fat_path({ name });
    return fat_path({ std::string_view(name).substr(0, slash), std::string_view(name).substr(slash + 1) });
}

char const* const name_pool[] = { "alpha file.txt", "BETA.BIN", "gamma", "a rather long name for delta.dat",
    "d/epsilon one.txt", "d/ZETA", "d/eta with spaces", "theta.log", "d/iota.iota", "kappa" };

/* Runs the workload; after every sync that completed before the cut, the model's snapshot moves. */
void run_workload(fat::Volume& volume, CuttingBlockDevice& device, u32 seed, Model& model)
{
    std::mt19937 random(seed);
    auto pick_existing = [&]() -> std::string {
        if (model.files.empty())
            return {};
        auto iterator = model.files.begin();
        std::advance(iterator, random() % model.files.size());
        return iterator->first;
    };
    auto sync = [&] {
        if (volume.sync().is_error() || device.was_cut())
            return;
        model.synced.clear();
        for (auto& [name, file] : model.files) {
            model.synced[name] = file.content;
            file = { file.content, name, false, { name } };
        }
    };
    (void)volume.create_directory(fat_path({ "d" }));
    /* Fillers spread the directories over several sectors, so a rename's two names often sit in different ones. */
    for (u32 index = 0; index < 24; ++index) {
        std::string name = (index % 2 ? "d/" : "") + std::string("filler with a long name ") + std::to_string(index);
        auto file = volume.create_file(path_from(name));
        if (file.is_error())
            continue;
        std::string content = pattern_bytes(100 + index, index);
        (void)volume.write(file.value(), 0, bytes_of(content));
        model.files[name] = { content, "", true, { name } };
    }
    sync();
    for (u32 step = 0; step < 40; ++step) {
        u32 action = random() % 10;
        if (action < 3) {
            std::string name = name_pool[random() % std::size(name_pool)];
            if (model.files.count(name))
                continue;
            std::string content = pattern_bytes(random() % 5000, random());
            auto file = volume.create_file(path_from(name));
            if (file.is_error())
                continue;
            (void)volume.write(file.value(), 0, bytes_of(content));
            model.files[name] = { content, "", true, { name } };
        } else if (action < 5) {
            auto name = pick_existing();
            if (name.empty())
                continue;
            auto& tracked = model.files[name];
            auto file = volume.open(path_from(name));
            if (file.is_error())
                continue;
            u64 offset = random() % (tracked.content.size() + 1000);
            std::string more = pattern_bytes(1 + random() % 3000, random());
            if (volume.write(file.value(), offset, bytes_of(more)).is_error())
                continue;
            if (offset > tracked.content.size())
                tracked.content.resize(offset, '\0');
            tracked.content.replace(offset, std::min(more.size(), tracked.content.size() - offset), more);
            tracked.changed = true;
        } else if (action == 5) {
            auto name = pick_existing();
            if (name.empty())
                continue;
            auto file = volume.open(path_from(name));
            if (file.is_error())
                continue;
            u64 size = random() % 6000;
            (void)volume.truncate(file.value(), size);
            model.files[name].content.resize(size, '\0');
            model.files[name].changed = true;
        } else if (action == 6) {
            auto name = random() % 2
                ? pick_existing()
                : std::string(random() % 2 ? "d/" : "") + "filler with a long name " + std::to_string(random() % 24);
            if (!model.files.count(name))
                continue;
            std::string target = name_pool[random() % std::size(name_pool)];
            if (name.empty() || model.files.count(target))
                continue;
            if (volume.rename(path_from(name), path_from(target)).is_error())
                continue;
            auto tracked = model.files[name];
            tracked.names.push_back(target);
            model.files.erase(name);
            model.files[target] = tracked;
        } else if (action == 7) {
            auto name = pick_existing();
            if (name.empty() || volume.remove(path_from(name)).is_error())
                continue;
            model.files.erase(name);
        } else {
            sync();
        }
    }
}

std::string read_or_empty(fat::Volume& volume, std::string const& name, bool& found)
{
    found = false;
    auto file = volume.open(path_from(name));
    if (file.is_error())
        return {};
    auto status = volume.stat(file.value());
    if (status.is_error() || status.value().size > 64 * KiB)
        return {};
    std::string bytes(status.value().size, '\0');
    auto read = volume.read(file.value(), 0, { reinterpret_cast<u8*>(bytes.data()), bytes.size() });
    if (read.is_error())
        return {};
    found = true;
    return bytes;
}

}

TEST_CASE(
    "After a power cut at any write the volume mounts and every synced, unchanged file reads back its synced bytes")
{
    FatImage image(34);
    auto const base = image.bytes();
    u32 cuts = 0;
    u32 checked = 0;
    u32 violations = 0;
    for (u32 trial = 0; trial < 200; ++trial) {
        u32 seed = 1000 + trial / 4;
        u64 total_writes = 0;
        {
            CuttingBlockDevice dry(base);
            FatCacheMemory<8> cache;
            auto volume = fat::Volume::mount(dry, cache.memory()).release_value();
            Model model;
            run_workload(volume, dry, seed, model);
            total_writes = dry.writes();
        }
        REQUIRE(total_writes > 0);
        std::mt19937 random(trial);
        CuttingBlockDevice device(base);
        device.cut_after(total_writes / 4 + random() % (total_writes - total_writes / 4), u32(random() % 4));
        Model model;
        {
            FatCacheMemory<8> cache;
            auto volume = fat::Volume::mount(device, cache.memory()).release_value();
            run_workload(volume, device, seed, model);
        }
        REQUIRE(device.was_cut());
        ++cuts;
        device.restore_power();
        FatCacheMemory<8> cache;
        auto mounted = fat::Volume::mount(device, cache.memory());
        INFO("trial " << trial << ": " << (mounted.is_error() ? mounted.error().message() : "mounted"));
        REQUIRE(!mounted.is_error());
        auto& volume = mounted.value();
        for (auto const& [name, file] : model.files) {
            bool found = false;
            (void)read_or_empty(volume, name, found);
            if (file.changed || file.origin.empty())
                continue;
            bool survived = false;
            for (auto const& candidate : file.names) {
                auto bytes = read_or_empty(volume, candidate, found);
                survived = survived || (found && bytes == model.synced.at(file.origin));
            }
            ++checked;
            if (!survived) {
                ++violations;
                UNSCOPED_INFO("trial " << trial << ": synced file " << file.origin << " lost");
            }
        }
    }
    WARN("power cuts: " << cuts << " cuts, " << checked << " synced files checked, " << violations << " violations");
    CHECK(violations == 0);
    CHECK(checked > 2000);
}

TEST_CASE("The power-cut workload run to the end without a cut leaves a volume fsck.fat finds clean")
{
    FatImage image(34);
    auto const base = image.bytes();
    for (u32 seed : { 1000u, 1001u, 1002u }) {
        CuttingBlockDevice device(base);
        {
            FatCacheMemory<8> cache;
            auto volume = fat::Volume::mount(device, cache.memory()).release_value();
            Model model;
            run_workload(volume, device, seed, model);
            require_ok(volume.sync());
        }
        std::vector<u8> bytes(base.size());
        require_ok(device.read_sectors(0, bytes));
        image.store(bytes);
        auto complaints = image.fsck_complaints();
        INFO("seed " << seed << ": fsck.fat -n says:\n" << complaints);
        CHECK(complaints.empty());
    }
}

TEST_CASE("After a power cut, fsck.fat -a repairs the volume and the synced, unchanged files still read back")
{
    FatImage image(34);
    auto const base = image.bytes();
    u32 repaired_volumes = 0;
    for (u32 trial = 0; trial < 6; ++trial) {
        u32 seed = 2000 + trial;
        u64 total_writes = 0;
        {
            CuttingBlockDevice dry(base);
            FatCacheMemory<8> cache;
            auto volume = fat::Volume::mount(dry, cache.memory()).release_value();
            Model model;
            run_workload(volume, dry, seed, model);
            total_writes = dry.writes();
        }
        std::mt19937 random(trial);
        CuttingBlockDevice device(base);
        device.cut_after(total_writes / 2 + random() % (total_writes / 2), u32(random() % 4));
        Model model;
        {
            FatCacheMemory<8> cache;
            auto volume = fat::Volume::mount(device, cache.memory()).release_value();
            run_workload(volume, device, seed, model);
        }
        device.restore_power();
        std::vector<u8> bytes(base.size());
        require_ok(device.read_sectors(0, bytes));
        image.store(bytes);
        auto repaired = run_command("fsck.fat -a " + shell_quote(image.path()));
        INFO("trial " << trial << ": fsck.fat -a exited " << repaired.status << ":\n" << repaired.output);
        REQUIRE(repaired.status <= 1);
        repaired_volumes += repaired.output.find("Filesystem was changed") != std::string::npos ? 1 : 0;
        auto complaints = image.fsck_complaints();
        INFO("fsck.fat -n after the repair says:\n" << complaints);
        CHECK(complaints.empty());
        FileBlockDevice repaired_device(image.path());
        FatCacheMemory<16> cache;
        auto volume = fat::Volume::mount(repaired_device, cache.memory()).release_value();
        for (auto const& [name, file] : model.files) {
            if (file.changed || file.origin.empty())
                continue;
            bool survived = false;
            for (auto const& candidate : file.names) {
                bool found = false;
                auto read = read_or_empty(volume, candidate, found);
                survived = survived || (found && read == model.synced.at(file.origin));
            }
            INFO("trial " << trial << ": synced file " << file.origin);
            CHECK(survived);
        }
    }
    WARN("fsck.fat -a changed " << repaired_volumes << " of 6 cut volumes");
    CHECK(repaired_volumes > 0);
}
