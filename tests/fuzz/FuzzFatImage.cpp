/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as the start of a FAT32 disk (the rest of its 1,024 sectors zero),
 * mounted, listed (two levels, paged), every listed file opened, stat-ed and read, then a file
 * created, written, removed and the volume synced. The parsers of the boot sector, FSInfo, the
 * FAT and directory entries (long names included) see every mutation; none may crash or hang.
 *
 * The seed is generated, never committed: at start-up, when the writable corpus folder (the
 * first folder argument) has no `mkfs-seed`, mkfs.fat formats a small FAT32 image, this library
 * fills it (a directory, long names, a file over several clusters) and the image's non-zero
 * prefix is written there.
 */

#include "../components/FatDevices.h"
#include "SeedFolder.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace vectra;

namespace {

constexpr u64 device_sectors = 1024;

class InputDevice final : public fat::BlockDevice {
public:
    InputDevice(u8 const* data, usize size)
        : m_data(data)
        , m_size(size)
    {
    }
    u32 sector_size() const override { return 512; }
    u64 sector_count() const override { return device_sectors; }
    ErrorOr<void> read_sectors(u64 first, std::span<u8> into) override
    {
        if (first + into.size() / 512 > device_sectors)
            return Error(ErrorCode::InvalidArgument, "read past the device's end");
        for (usize index = 0; index < into.size(); ++index) {
            u64 offset = first * 512 + index;
            auto written = m_written.find(offset / 512);
            if (written != m_written.end())
                into[index] = written->second[offset % 512];
            else
                into[index] = offset < m_size ? m_data[offset] : 0;
        }
        return {};
    }
    ErrorOr<void> write_sectors(u64 first, std::span<u8 const> from) override
    {
        if (first + from.size() / 512 > device_sectors)
            return Error(ErrorCode::InvalidArgument, "write past the device's end");
        for (usize index = 0; index < from.size() / 512; ++index)
            std::copy_n(from.begin() + i64(index * 512), 512, m_written[first + index].begin());
        return {};
    }
    ErrorOr<void> flush() override { return {}; }

private:
    u8 const* m_data;
    usize m_size;
    std::unordered_map<u64, std::array<u8, 512>> m_written;
};

void visit_directory(fat::Volume& volume, Path const& directory, u32 depth)
{
    fat::DirectoryEntry page[8];
    u32 cursor = 0;
    for (u32 round = 0; round < 16; ++round) {
        auto listed = volume.list(directory, cursor, page);
        if (listed.is_error())
            return;
        for (usize index = 0; index < listed.value().count; ++index) {
            auto path = directory.try_join(page[index].name.view());
            if (path.is_error())
                continue;
            (void)volume.stat(path.value());
            if (page[index].status.kind == fat::Kind::Directory) {
                if (depth < 2)
                    visit_directory(volume, path.value(), depth + 1);
                continue;
            }
            auto file = volume.open(path.value());
            if (file.is_error())
                continue;
            u8 buffer[2048];
            (void)volume.read(file.value(), 0, buffer);
            (void)volume.read(file.value(), page[index].status.size > 100 ? page[index].status.size - 100 : 0, buffer);
        }
        if (!listed.value().more)
            return;
        cursor = listed.value().next_cursor;
    }
}

[[noreturn]] void seed_failed(char const* why)
{
    fprintf(stderr, "fuzz_fat_image: cannot make the seed image: %s\n", why);
    abort();
}

void make_seed(std::string const& folder)
{
    std::string seed = folder + "/mkfs-seed";
    if (FILE* existing = fopen(seed.c_str(), "rb")) {
        fclose(existing);
        return;
    }
    std::string image = folder + "/.mkfs-seed.img";
    std::string command = "rm -f '" + image + "' && truncate -s 512K '" + image
        + "' && PATH=\"$PATH:/usr/sbin:/sbin\" mkfs.fat -F 32 -s 1 -R 4 -n SEED '" + image + "' >/dev/null 2>&1";
    if (system(command.c_str()) != 0)
        seed_failed("mkfs.fat failed or is missing (Debian package dosfstools; ./vectra setup installs it)");
    {
        test::FileBlockDevice device(image);
        test::FatCacheMemory<16> cache;
        auto mounted = fat::Volume::mount(device, cache.memory());
        if (mounted.is_error())
            seed_failed(mounted.error().message());
        auto& volume = mounted.value();
        auto directory = Path::root().try_join("A directory").release_value();
        bool made = !volume.create_directory(directory).is_error();
        u8 bytes[1500];
        for (usize index = 0; index < sizeof(bytes); ++index)
            bytes[index] = u8(index * 7);
        for (auto const& name : { "A long file name.txt", "readme.txt", "MixedCase.Bin" }) {
            auto file = volume.create_file(directory.try_join(name).release_value());
            made = made && !file.is_error() && !volume.write(file.value(), 0, bytes).is_error();
        }
        made = made && !volume.sync().is_error();
        if (!made)
            seed_failed("the library could not fill the image");
    }
    FILE* input = fopen(image.c_str(), "rb");
    if (!input)
        seed_failed("cannot read the image");
    static u8 contents[512 * KiB];
    usize size = fread(contents, 1, sizeof(contents), input);
    fclose(input);
    remove(image.c_str());
    while (size > 0 && contents[size - 1] == 0)
        --size;
    FILE* output = fopen(seed.c_str(), "wb");
    if (!output || fwrite(contents, 1, size, output) != size)
        seed_failed("cannot write the seed");
    fclose(output);
}

}

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    if (char const* folder = fuzz::first_corpus_folder(*argc, *argv))
        make_seed(folder);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    if (size > device_sectors * 512)
        return 0;
    InputDevice device(data, size);
    test::FatCacheMemory<8> cache;
    auto mounted = fat::Volume::mount(device, cache.memory());
    if (mounted.is_error())
        return 0;
    auto& volume = mounted.value();
    visit_directory(volume, Path::root(), 0);
    auto path = Path::root().try_join("fuzzed new file.txt").release_value();
    auto file = volume.create_file(path);
    if (!file.is_error()) {
        u8 bytes[3000] {};
        (void)volume.write(file.value(), 100, bytes);
        (void)volume.truncate(file.value(), 700);
        (void)volume.remove(path);
    }
    (void)volume.sync();
    return 0;
}
