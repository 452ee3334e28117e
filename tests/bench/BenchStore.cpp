/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The store (components/store, ADR 0023) on a file-backed block device (pread/pwrite/fdatasync
 * on a 320 MiB host file) against the host's own filesystem: 256 MiB written and synced, 256 MiB
 * read, 10,000 small files created, stat-ed and read, and the mount after a power cut (the
 * recovery: two superblocks and the catalog of 10,000 files) against reading those bytes.
 */

#include "../components/FatDevices.h"
#include "../components/StoreSupport.h"
#include "BenchSupport.h"
#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstdlib>
#include <hostblk/PowerCut.h>
#include <string>
#include <sys/stat.h>

using namespace vectra;

namespace {

constexpr usize file_bytes = 256 * MiB;
constexpr usize chunk_bytes = 1 * MiB; /* bench::file_payload()'s size */
constexpr u32 small_files = 10000;
constexpr usize small_bytes = 100;
constexpr u64 disk_bytes = 320 * MiB;

/* A 320 MiB host file, formatted as a store once per process and removed at exit. */
char disk_name[] = "/tmp/vectra-bench-store-XXXXXX";

test::StoreMemory& memory()
{
    static test::StoreMemory memory(small_files + 16, 4 * small_files, disk_bytes / store::block_size, 1 * MiB);
    return memory;
}

std::string const& disk_path()
{
    static std::string path = [] {
        bench::make_temporary_disk(disk_name, disk_bytes);
        std::atexit([] { unlink(disk_name); });
        test::FileBlockDevice device(disk_name);
        if (store::Store::format(device, memory().memory()).is_error())
            abort();
        return std::string(disk_name);
    }();
    return path;
}

struct MountedStore {
    MountedStore()
        : device(disk_path())
        , store(store::Store::mount(device, memory().memory()).release_value())
    {
    }
    /* Every file removed and the removal committed, so each run starts from an empty store. */
    void empty()
    {
        std::vector<std::string> names;
        usize cursor = 0;
        store::Listing page[64];
        for (usize count; (count = store.list("", cursor, page)) != 0;)
            for (usize index = 0; index < count; ++index)
                names.emplace_back(page[index].name);
        for (auto const& name : names)
            (void)store.remove(name);
        (void)store.sync();
    }
    test::FileBlockDevice device;
    store::Store store;
};

void write_ours(benchmark::State& state)
{
    MountedStore mounted;
    auto& store = mounted.store;
    for (auto _ : state) {
        state.PauseTiming();
        mounted.empty();
        state.ResumeTiming();
        auto file = store.create("big.bin").release_value();
        for (usize offset = 0; offset < file_bytes; offset += chunk_bytes)
            if (store.write(file, offset, bench::file_payload()).is_error())
                state.SkipWithError("write failed");
        if (store.sync().is_error())
            state.SkipWithError("sync failed");
    }
    state.SetBytesProcessed(i64(state.iterations() * file_bytes));
}

/* A file of the host's filesystem beside the disk: the same 256 MiB with pwrite, then fdatasync. */
void write_baseline(benchmark::State& state)
{
    std::string name = disk_path() + ".big";
    for (auto _ : state) {
        int descriptor = open(name.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
        for (usize offset = 0; offset < file_bytes; offset += chunk_bytes)
            if (pwrite(descriptor, bench::file_payload().data(), chunk_bytes, off_t(offset)) != ssize_t(chunk_bytes))
                state.SkipWithError("pwrite failed");
        fdatasync(descriptor);
        close(descriptor);
    }
    unlink(name.c_str());
    state.SetBytesProcessed(i64(state.iterations() * file_bytes));
}

void read_ours(benchmark::State& state)
{
    MountedStore mounted;
    auto& store = mounted.store;
    mounted.empty();
    auto file = store.create("big.bin").release_value();
    for (usize offset = 0; offset < file_bytes; offset += chunk_bytes)
        (void)store.write(file, offset, bench::file_payload());
    (void)store.sync();
    std::vector<u8> buffer(chunk_bytes);
    for (auto _ : state) {
        for (usize offset = 0; offset < file_bytes; offset += chunk_bytes)
            if (store.read(file, offset, buffer).is_error())
                state.SkipWithError("read failed");
        benchmark::DoNotOptimize(buffer.data());
    }
    state.SetBytesProcessed(i64(state.iterations() * file_bytes));
}

void read_baseline(benchmark::State& state)
{
    std::string name = disk_path() + ".big";
    int descriptor = open(name.c_str(), O_CREAT | O_TRUNC | O_RDWR, 0600);
    for (usize offset = 0; offset < file_bytes; offset += chunk_bytes)
        (void)!pwrite(descriptor, bench::file_payload().data(), chunk_bytes, off_t(offset));
    fdatasync(descriptor);
    std::vector<u8> buffer(chunk_bytes);
    for (auto _ : state) {
        for (usize offset = 0; offset < file_bytes; offset += chunk_bytes)
            if (pread(descriptor, buffer.data(), chunk_bytes, off_t(offset)) != ssize_t(chunk_bytes))
                state.SkipWithError("pread failed");
        benchmark::DoNotOptimize(buffer.data());
    }
    close(descriptor);
    unlink(name.c_str());
    state.SetBytesProcessed(i64(state.iterations() * file_bytes));
}

void small_name(char (&name)[32], u32 index) { snprintf(name, sizeof(name), "small/file%05u.txt", index); }

void small_files_ours(benchmark::State& state)
{
    MountedStore mounted;
    auto& store = mounted.store;
    u8 content[small_bytes] {};
    u8 back[small_bytes];
    char name[32];
    for (auto _ : state) {
        state.PauseTiming();
        mounted.empty();
        state.ResumeTiming();
        for (u32 index = 0; index < small_files; ++index) {
            small_name(name, index);
            auto file = store.create(name);
            if (file.is_error()) {
                state.SkipWithError(file.error().message());
                break;
            }
            if (store.write(file.value(), 0, content).is_error())
                state.SkipWithError("write failed");
        }
        for (u32 index = 0; index < small_files; ++index) {
            small_name(name, index);
            auto file = store.open(name);
            if (file.is_error() || store.stat(file.value()).is_error())
                state.SkipWithError("stat failed");
        }
        for (u32 index = 0; index < small_files; ++index) {
            small_name(name, index);
            auto file = store.open(name);
            if (file.is_error() || store.read(file.value(), 0, back).is_error())
                state.SkipWithError("read failed");
        }
        if (store.sync().is_error())
            state.SkipWithError("sync failed");
    }
    state.SetItemsProcessed(i64(state.iterations() * small_files));
}

/* The same files in a directory beside the disk on the host's filesystem, then syncfs. */
void small_files_baseline(benchmark::State& state)
{
    std::string directory = disk_path() + ".small";
    u8 content[small_bytes] {};
    u8 back[small_bytes];
    auto name_of = [&](u32 index) { return directory + "/file" + std::to_string(index) + ".txt"; };
    for (auto _ : state) {
        mkdir(directory.c_str(), 0700);
        for (u32 index = 0; index < small_files; ++index) {
            int descriptor = open(name_of(index).c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
            if (descriptor < 0 || write(descriptor, content, sizeof(content)) != ssize_t(sizeof(content)))
                state.SkipWithError("create failed");
            close(descriptor);
        }
        struct stat status;
        for (u32 index = 0; index < small_files; ++index)
            if (stat(name_of(index).c_str(), &status) != 0)
                state.SkipWithError("stat failed");
        for (u32 index = 0; index < small_files; ++index) {
            int descriptor = open(name_of(index).c_str(), O_RDONLY);
            if (descriptor < 0 || read(descriptor, back, sizeof(back)) != ssize_t(sizeof(back)))
                state.SkipWithError("read failed");
            close(descriptor);
        }
        int directory_descriptor = open(directory.c_str(), O_RDONLY);
        syncfs(directory_descriptor);
        close(directory_descriptor);
        state.PauseTiming();
        for (u32 index = 0; index < small_files; ++index)
            unlink(name_of(index).c_str());
        rmdir(directory.c_str());
        state.ResumeTiming();
    }
    state.SetItemsProcessed(i64(state.iterations() * small_files));
}

/* 10,000 files committed, then the power cut in the middle of later writes: what a mount finds. */
u64 prepare_cut_store()
{
    MountedStore mounted;
    auto& store = mounted.store;
    mounted.empty();
    u8 content[small_bytes] {};
    char name[32];
    for (u32 index = 0; index < small_files; ++index) {
        small_name(name, index);
        (void)store.write(store.create(name).release_value(), 0, content);
    }
    (void)store.sync();
    std::vector<u8> cache(8 * MiB);
    hostblk::PowerCut power(mounted.device, cache);
    power.cut_after(1500, 1);
    auto cut = store::Store::mount(power, memory().memory()).release_value();
    for (u32 index = 0; index < small_files && !power.is_cut(); ++index) {
        small_name(name, index);
        (void)cut.write(cut.open(name).release_value(), 50, content);
        if (index % 1000 == 999)
            (void)cut.sync();
    }
    return cut.report().catalog_bytes;
}

void recovery_ours(benchmark::State& state)
{
    u64 catalog_bytes = prepare_cut_store();
    test::FileBlockDevice device(disk_path());
    for (auto _ : state) {
        auto mounted = store::Store::mount(device, memory().memory());
        if (mounted.is_error())
            state.SkipWithError("mount failed");
        benchmark::DoNotOptimize(mounted.value().report().generation);
    }
    state.counters["catalog_bytes"] = double(catalog_bytes);
}

/* The bytes the mount reads (two sectors and a catalog of that size), with pread from the same file. */
void recovery_baseline(benchmark::State& state)
{
    u64 catalog_bytes = prepare_cut_store();
    int descriptor = open(disk_path().c_str(), O_RDONLY);
    std::vector<u8> buffer(catalog_bytes + store::block_size);
    for (auto _ : state) {
        if (pread(descriptor, buffer.data(), 512, 0) != 512
            || pread(descriptor, buffer.data(), 512, store::block_size) != 512
            || pread(descriptor, buffer.data(), catalog_bytes, off_t(3 * store::block_size)) != ssize_t(catalog_bytes))
            state.SkipWithError("pread failed");
        benchmark::DoNotOptimize(buffer.data());
    }
    close(descriptor);
}

}

BENCHMARK(write_ours)->Name("BM_store_write_256mib/ours")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(write_baseline)
    ->Name("BM_store_write_256mib/baseline_host_file")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(read_ours)->Name("BM_store_read_256mib/ours")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(read_baseline)->Name("BM_store_read_256mib/baseline_host_file")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(small_files_ours)->Name("BM_store_small_files/ours")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(small_files_baseline)
    ->Name("BM_store_small_files/baseline_host_fs")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(recovery_ours)->Name("BM_store_recovery/ours")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(recovery_baseline)->Name("BM_store_recovery/baseline_pread")->Unit(benchmark::kMillisecond)->UseRealTime();
