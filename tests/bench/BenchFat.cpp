/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The FAT32 library on a file-backed block device (pread/pwrite/fdatasync on a host file that
 * mkfs.fat formatted) against plain file I/O on the same host file: 64 MiB written and synced,
 * 64 MiB read, and 2,000 small files created and stat-ed (against the host's own filesystem).
 */

#include "../components/FatDevices.h"
#include "BenchSupport.h"
#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <vectra/config.h>

using namespace vectra;

namespace {

constexpr usize file_bytes = 64 * MiB;
constexpr usize chunk_bytes = 1 * MiB; /* bench::file_payload()'s size */
constexpr u32 small_files = 2000;

/* A 96 MiB host file formatted FAT32 with 4 KiB clusters, made once per process, removed at exit. */
char image_name[] = "/tmp/vectra-bench-fat-XXXXXX";

std::string const& image_path()
{
    static std::string path = [] {
        bench::make_temporary_disk(image_name, 96 * MiB);
        std::atexit([] { unlink(image_name); });
        std::string command
            = std::string("PATH=\"$PATH:/usr/sbin:/sbin\" mkfs.fat -F 32 -s 8 -n BENCH ") + image_name + " >/dev/null";
        if (system(command.c_str()) != 0) {
            fprintf(stderr, "bench_fat: mkfs.fat failed (Debian package dosfstools)\n");
            abort();
        }
        return std::string(image_name);
    }();
    return path;
}

struct MountedImage {
    MountedImage()
        : device(image_path())
        , volume(fat::Volume::mount(device, cache.memory()).release_value())
    {
    }
    test::FileBlockDevice device;
    test::FatCacheMemory<CONFIG_FAT_CACHE_SECTORS> cache;
    fat::Volume volume;
};

Path named(char const* name) { return Path::root().try_join(name).release_value(); }

void write_ours(benchmark::State& state)
{
    MountedImage mounted;
    auto& volume = mounted.volume;
    for (auto _ : state) {
        (void)volume.remove(named("big.bin"));
        auto file = volume.create_file(named("big.bin")).release_value();
        for (usize offset = 0; offset < file_bytes; offset += chunk_bytes)
            if (volume.write(file, offset, bench::file_payload()).is_error())
                state.SkipWithError("write failed");
        if (volume.sync().is_error())
            state.SkipWithError("sync failed");
    }
    state.SetBytesProcessed(i64(state.iterations() * file_bytes));
}

/* The same bytes with pwrite at the same place in the same host file, then fdatasync. */
void write_baseline(benchmark::State& state)
{
    int descriptor = open(image_path().c_str(), O_RDWR);
    off_t base = off_t(16 * MiB);
    for (auto _ : state) {
        for (usize offset = 0; offset < file_bytes; offset += chunk_bytes)
            if (pwrite(descriptor, bench::file_payload().data(), chunk_bytes, base + off_t(offset)) != ssize_t(chunk_bytes))
                state.SkipWithError("pwrite failed");
        fdatasync(descriptor);
    }
    close(descriptor);
    state.SetBytesProcessed(i64(state.iterations() * file_bytes));
}

void read_ours(benchmark::State& state)
{
    MountedImage mounted;
    auto& volume = mounted.volume;
    (void)volume.remove(named("big.bin"));
    auto file = volume.create_file(named("big.bin")).release_value();
    for (usize offset = 0; offset < file_bytes; offset += chunk_bytes)
        (void)volume.write(file, offset, bench::file_payload());
    (void)volume.sync();
    std::vector<u8> buffer(chunk_bytes);
    for (auto _ : state) {
        for (usize offset = 0; offset < file_bytes; offset += chunk_bytes)
            if (volume.read(file, offset, buffer).is_error())
                state.SkipWithError("read failed");
        benchmark::DoNotOptimize(buffer.data());
    }
    state.SetBytesProcessed(i64(state.iterations() * file_bytes));
}

void read_baseline(benchmark::State& state)
{
    int descriptor = open(image_path().c_str(), O_RDONLY);
    std::vector<u8> buffer(chunk_bytes);
    off_t base = off_t(16 * MiB);
    for (auto _ : state) {
        for (usize offset = 0; offset < file_bytes; offset += chunk_bytes)
            if (pread(descriptor, buffer.data(), chunk_bytes, base + off_t(offset)) != ssize_t(chunk_bytes))
                state.SkipWithError("pread failed");
        benchmark::DoNotOptimize(buffer.data());
    }
    close(descriptor);
    state.SetBytesProcessed(i64(state.iterations() * file_bytes));
}

void small_files_ours(benchmark::State& state)
{
    MountedImage mounted;
    auto& volume = mounted.volume;
    (void)volume.remove(named("big.bin"));
    u8 content[100] {};
    auto directory = named("small");
    for (auto _ : state) {
        if (volume.create_directory(directory).is_error())
            state.SkipWithError("mkdir failed");
        char name[32];
        for (u32 index = 0; index < small_files; ++index) {
            snprintf(name, sizeof(name), "file%04u.txt", index);
            auto file = volume.create_file(directory.try_join(name).release_value());
            if (file.is_error() || volume.write(file.value(), 0, content).is_error())
                state.SkipWithError("create failed");
        }
        for (u32 index = 0; index < small_files; ++index) {
            snprintf(name, sizeof(name), "file%04u.txt", index);
            if (volume.stat(directory.try_join(name).release_value()).is_error())
                state.SkipWithError("stat failed");
        }
        (void)volume.sync();
        state.PauseTiming();
        for (u32 index = 0; index < small_files; ++index) {
            snprintf(name, sizeof(name), "file%04u.txt", index);
            (void)volume.remove(directory.try_join(name).release_value());
        }
        (void)volume.remove(directory);
        (void)volume.sync();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(i64(state.iterations() * small_files));
}

/* The same files in a directory beside the image on the host's filesystem, then syncfs. */
void small_files_baseline(benchmark::State& state)
{
    std::string directory = image_path() + ".small";
    u8 content[100] {};
    for (auto _ : state) {
        mkdir(directory.c_str(), 0700);
        std::string name;
        for (u32 index = 0; index < small_files; ++index) {
            name = directory + "/file" + std::to_string(index) + ".txt";
            int descriptor = open(name.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
            if (descriptor < 0 || write(descriptor, content, sizeof(content)) != ssize_t(sizeof(content)))
                state.SkipWithError("create failed");
            close(descriptor);
        }
        struct stat status;
        for (u32 index = 0; index < small_files; ++index) {
            name = directory + "/file" + std::to_string(index) + ".txt";
            if (stat(name.c_str(), &status) != 0)
                state.SkipWithError("stat failed");
        }
        int directory_descriptor = open(directory.c_str(), O_RDONLY);
        syncfs(directory_descriptor);
        close(directory_descriptor);
        state.PauseTiming();
        for (u32 index = 0; index < small_files; ++index)
            unlink((directory + "/file" + std::to_string(index) + ".txt").c_str());
        rmdir(directory.c_str());
        state.ResumeTiming();
    }
    state.SetItemsProcessed(i64(state.iterations() * small_files));
}

}

BENCHMARK(write_ours)->Name("BM_fat_write_64mib/ours")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(write_baseline)->Name("BM_fat_write_64mib/baseline_pwrite")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(read_ours)->Name("BM_fat_read_64mib/ours")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(read_baseline)->Name("BM_fat_read_64mib/baseline_pread")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(small_files_ours)->Name("BM_fat_small_files/ours")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(small_files_baseline)
    ->Name("BM_fat_small_files/baseline_host_fs")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
