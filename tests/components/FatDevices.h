/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <algorithm>
#include <array>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <unordered_map>
#include <vector>
#include <vectra/fat/Volume.h>

namespace vectra::test {

/* A FAT BlockDevice over a host file (pread/pwrite/fdatasync): the hosted stand-in for a disk. */
class FileBlockDevice final : public fat::BlockDevice {
public:
    explicit FileBlockDevice(std::string const& path, u32 sector_size = 512)
        : m_descriptor(::open(path.c_str(), O_RDWR))
        , m_sector_size(sector_size)
    {
        if (m_descriptor >= 0)
            m_sector_count = u64(::lseek(m_descriptor, 0, SEEK_END)) / sector_size;
    }
    ~FileBlockDevice()
    {
        if (m_descriptor >= 0)
            ::close(m_descriptor);
    }
    FileBlockDevice(FileBlockDevice const&) = delete;
    FileBlockDevice& operator=(FileBlockDevice const&) = delete;

    [[nodiscard]] bool is_open() const { return m_descriptor >= 0; }
    u32 sector_size() const override { return m_sector_size; }
    u64 sector_count() const override { return m_sector_count; }
    ErrorOr<void> read_sectors(u64 first, std::span<u8> into) override
    {
        if (first + into.size() / m_sector_size > m_sector_count)
            return Error(ErrorCode::InvalidArgument, "read past the device's end");
        if (::pread(m_descriptor, into.data(), into.size(), off_t(first * m_sector_size)) != ssize_t(into.size()))
            return Error(ErrorCode::Unsupported, "pread failed");
        return {};
    }
    ErrorOr<void> write_sectors(u64 first, std::span<u8 const> from) override
    {
        if (first + from.size() / m_sector_size > m_sector_count)
            return Error(ErrorCode::InvalidArgument, "write past the device's end");
        if (::pwrite(m_descriptor, from.data(), from.size(), off_t(first * m_sector_size)) != ssize_t(from.size()))
            return Error(ErrorCode::Unsupported, "pwrite failed");
        return {};
    }
    ErrorOr<void> flush() override
    {
        if (::fdatasync(m_descriptor) != 0)
            return Error(ErrorCode::Unsupported, "fdatasync failed");
        return {};
    }

private:
    int m_descriptor;
    u32 m_sector_size;
    u64 m_sector_count { 0 };
};

/*
 * A FAT BlockDevice in memory that loses power on cue: after `cut_after` write requests every
 * later write is dropped; the request that hits the cut may be torn, keeping only its first
 * `torn_sectors` sectors (a tear at a 512-byte boundary). Writes land in an overlay of sectors
 * over a shared base image, so a test can run many devices over one image without copying it.
 */
class CuttingBlockDevice final : public fat::BlockDevice {
public:
    explicit CuttingBlockDevice(std::vector<u8> const& base)
        : m_base(&base)
    {
    }

    void cut_after(u64 writes, u32 torn_sectors)
    {
        m_cut_after = writes;
        m_torn_sectors = torn_sectors;
        m_writes = 0;
        m_cut = false;
    }
    void restore_power() { m_cut_after = ~u64(0); }
    [[nodiscard]] bool was_cut() const { return m_cut; }
    [[nodiscard]] u64 writes() const { return m_writes; }
    void poke(usize offset, u8 value)
    {
        auto& sector = sector_for_write(offset / 512);
        sector[offset % 512] = value;
    }

    u32 sector_size() const override { return 512; }
    u64 sector_count() const override { return m_base->size() / 512; }
    ErrorOr<void> read_sectors(u64 first, std::span<u8> into) override
    {
        if ((first + into.size() / 512) * 512 > m_base->size())
            return Error(ErrorCode::InvalidArgument, "read past the device's end");
        for (usize index = 0; index < into.size() / 512; ++index) {
            auto found = m_overlay.find(first + index);
            u8 const* source = found != m_overlay.end() ? found->second.data() : m_base->data() + (first + index) * 512;
            std::copy_n(source, 512, into.begin() + i64(index * 512));
        }
        return {};
    }
    ErrorOr<void> write_sectors(u64 first, std::span<u8 const> from) override
    {
        if ((first + from.size() / 512) * 512 > m_base->size())
            return Error(ErrorCode::InvalidArgument, "write past the device's end");
        usize keep = from.size() / 512;
        if (m_writes >= m_cut_after) {
            keep = 0;
            if (!m_cut && m_torn_sectors)
                keep = std::min<usize>(keep, m_torn_sectors);
            m_cut = true;
        }
        ++m_writes;
        for (usize index = 0; index < keep; ++index)
            std::copy_n(from.begin() + i64(index * 512), 512, sector_for_write(first + index).begin());
        return {};
    }
    ErrorOr<void> flush() override { return {}; }

private:
    std::array<u8, 512>& sector_for_write(u64 sector)
    {
        auto [found, inserted] = m_overlay.try_emplace(sector);
        if (inserted)
            std::copy_n(m_base->data() + sector * 512, 512, found->second.begin());
        return found->second;
    }

    std::vector<u8> const* m_base;
    std::unordered_map<u64, std::array<u8, 512>> m_overlay;
    u64 m_cut_after { ~u64(0) };
    u32 m_torn_sectors { 0 };
    u64 m_writes { 0 };
    bool m_cut { false };
};

/* The cache memory a test or benchmark gives a volume. */
template<usize Slots, usize SectorSize = 512>
struct FatCacheMemory {
    fat::CacheSlot slots[Slots];
    alignas(64) u8 bytes[Slots * SectorSize];

    fat::CacheMemory memory() { return { slots, bytes }; }
};

}
