/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a disk of 512-byte blocks (its size rounded down; the last
 * block is where the backup header is looked for). The parser must read only blocks inside the
 * disk, and every table it accepts must hold partitions inside its usable range, first ≤ last,
 * pairwise disjoint. Seeds: small disks made by sgdisk when the target starts (gdisk).
 */

#include "SeedFolder.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vectra/Panic.h>
#include <vectra/block/Gpt.h>

using namespace vectra;
using namespace vectra::block;

namespace {

class InputDisk final : public gpt::Disk {
public:
    InputDisk(u8 const* data, usize size)
        : m_data(data)
        , m_blocks(size / 512)
    {
    }
    u32 block_size() const override { return 512; }
    u64 block_count() const override { return m_blocks; }
    ErrorOr<void> read_block(u64 block, std::span<u8> into) override
    {
        if (block >= m_blocks || into.size() != 512)
            abort(); /* the parser asked for a block outside the disk */
        std::memcpy(into.data(), m_data + block * 512, 512);
        return {};
    }

private:
    u8 const* m_data;
    u64 m_blocks;
};

void make_seeds(std::string const& folder)
{
    struct Seed {
        char const* name;
        char const* arguments;
    };
    Seed seeds[] = {
        { "sgdisk-two", "-a 1 --resize-table=4 -n 1:6:20 -c 1:alpha -t 1:8300 -n 2:21:40 -c 2:beta -t 2:0700" },
        { "sgdisk-one", "-a 1 --resize-table=8 -n 1:0:0 -c 1:all" },
    };
    for (auto const& seed : seeds) {
        std::string path = folder + "/" + seed.name;
        if (FILE* existing = fopen(path.c_str(), "rb")) {
            fclose(existing);
            continue;
        }
        /* A name of this process's own: two runs starting on one corpus folder never share a temporary file. */
        std::string temporary = folder + "/." + seed.name + "." + std::to_string(getpid()) + ".img";
        std::string command = "rm -f '" + temporary + "' && truncate -s 48K '" + temporary
            + "' && PATH=\"$PATH:/usr/sbin:/sbin\" sgdisk " + seed.arguments + " '" + temporary + "' >/dev/null 2>&1 && mv '"
            + temporary + "' '" + path + "'";
        if (system(command.c_str()) != 0 && access(path.c_str(), R_OK) != 0) {
            fprintf(stderr, "fuzz_gpt: cannot make the seed disks: sgdisk failed or is missing (Debian package gdisk; ./vectra setup installs it)\n");
            abort();
        }
    }
}

}

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    if (char const* folder = fuzz::first_corpus_folder(*argc, *argv))
        make_seeds(folder);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    if (size > 256 * 512)
        return 0;
    InputDisk disk(data, size);
    auto table = gpt::read(disk);
    if (table.is_error())
        return 0;
    auto const& read = table.value();
    VERIFY(read.first_usable >= 2 && read.first_usable <= read.last_usable && read.last_usable < disk.block_count() - 1);
    auto partitions = read.used();
    for (usize index = 0; index < partitions.size(); ++index) {
        auto const& one = partitions[index];
        VERIFY(one.first_block >= read.first_usable && one.first_block <= one.last_block && one.last_block <= read.last_usable);
        for (usize other = 0; other < index; ++other)
            VERIFY(one.last_block < partitions[other].first_block || partitions[other].last_block < one.first_block);
        (void)read.find(one.name.view());
    }
    return 0;
}
