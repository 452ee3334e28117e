/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Disk images for the block-layer tests: made by Debian's sgdisk (gdisk) and sfdisk (fdisk) in a
 * temporary file, read whole into memory, and served as a gpt::Disk. A missing tool fails the
 * test naming its package; it never skips.
 */

#pragma once

#include "../components/FatTools.h"
#include <cstring>
#include <iterator>
#include <vectra/block/Gpt.h>

namespace vectra::test {

inline void require_partitioning_tools()
{
    for (char const* tool : { "sgdisk", "sfdisk" }) {
        auto found = run_command(std::string("command -v ") + tool);
        INFO("the GPT tests need " << tool << " (Debian packages gdisk and fdisk; ./vectra setup installs them)");
        REQUIRE(found.status == 0);
    }
}

/* A disk in memory, read from (and written back to) a file. */
class MemoryDisk final : public block::gpt::Disk {
public:
    explicit MemoryDisk(std::vector<u8> bytes, u32 block_size = 512)
        : m_bytes(std::move(bytes))
        , m_block_size(block_size)
    {
    }

    static MemoryDisk from_file(std::string const& path)
    {
        std::ifstream input(path, std::ios::binary);
        std::vector<u8> bytes((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
        REQUIRE(!bytes.empty());
        return MemoryDisk(std::move(bytes));
    }

    u32 block_size() const override { return m_block_size; }
    u64 block_count() const override { return m_bytes.size() / m_block_size; }
    ErrorOr<void> read_block(u64 block, std::span<u8> into) override
    {
        ++reads;
        if (block >= block_count() || into.size() != m_block_size)
            return Error(ErrorCode::InvalidArgument, "read past the disk");
        std::memcpy(into.data(), m_bytes.data() + block * m_block_size, m_block_size);
        return {};
    }

    std::span<u8> block(u64 index) { return { m_bytes.data() + index * m_block_size, m_block_size }; }
    std::vector<u8>& bytes() { return m_bytes; }
    usize reads { 0 };

private:
    std::vector<u8> m_bytes;
    u32 m_block_size;
};

/* A temporary file of `size` bytes, removed at the end of the test. */
class TemporaryDisk {
public:
    explicit TemporaryDisk(u64 size)
    {
        char name[] = "/tmp/vectra-gpt-XXXXXX";
        int descriptor = ::mkstemp(name);
        REQUIRE(descriptor >= 0);
        ::close(descriptor);
        m_path = name;
        REQUIRE(::truncate(m_path.c_str(), off_t(size)) == 0);
    }
    ~TemporaryDisk() { ::unlink(m_path.c_str()); }
    TemporaryDisk(TemporaryDisk const&) = delete;
    TemporaryDisk& operator=(TemporaryDisk const&) = delete;

    std::string const& path() const { return m_path; }
    std::string quoted() const { return shell_quote(m_path); }

    /* Runs `tool arguments path` (or `input | tool path` with input), requiring success. */
    void run(std::string const& command)
    {
        require_partitioning_tools();
        auto result = run_command(command);
        INFO(command << "\n" << result.output);
        REQUIRE(result.status == 0);
    }

private:
    std::string m_path;
};

}
