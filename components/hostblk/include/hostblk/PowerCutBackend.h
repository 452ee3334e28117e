/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The power-cut fault injector as a hosted driver Backend (ADR 0023): the Driver's requests go
 * through a PowerCut (PowerCut.h) to the Backend it wraps (the platform disk). Two adapters do
 * it: `BackendDisk` is a block::Device over a Backend, moving bytes through a bounce MemCap the
 * Task owns; `DeviceBackend` is a Backend over a block::Device, reaching each request's bytes
 * through the request's own MemCap (mapped: writable for a read, read-only for a write).
 */

#pragma once

#include <hostblk/Driver.h>
#include <hostblk/PowerCut.h>

namespace vectra::hostblk {

/* A block::Device over a Backend; `bounce` (mapped writable) carries each request's bytes. */
class BackendDisk final : public block::Device {
public:
    BackendDisk(Backend& backend, MemCap bounce, std::span<u8> bounce_bytes);
    [[nodiscard]] u32 sector_size() const override { return m_backend.info().block_size; }
    [[nodiscard]] u64 sector_count() const override { return m_backend.info().block_count; }
    [[nodiscard]] ErrorOr<void> read_sectors(u64 first_sector, std::span<u8> into) override;
    [[nodiscard]] ErrorOr<void> write_sectors(u64 first_sector, std::span<u8 const> from) override;
    [[nodiscard]] ErrorOr<void> flush() override { return m_backend.flush(); }

private:
    Backend& m_backend;
    MemCap m_bounce;
    std::span<u8> m_bytes;
};

/* A Backend over a block::Device whose sectors are the disk's blocks. */
class DeviceBackend final : public Backend {
public:
    DeviceBackend(block::Device& device, system::DiskInfo info)
        : m_device(device)
        , m_info(info)
    {
    }
    [[nodiscard]] system::DiskInfo info() const override { return m_info; }
    [[nodiscard]] ErrorOr<void> read(MemCap const&, u64 offset, u64 first, u32 count) override;
    [[nodiscard]] ErrorOr<void> write(MemCap const&, u64 offset, u64 first, u32 count) override;
    [[nodiscard]] ErrorOr<void> flush() override { return m_device.flush(); }

private:
    block::Device& m_device;
    system::DiskInfo m_info;
};

/* A Backend that is `disk` behind a PowerCut: arm it with `power().cut_after(N, seed)`. */
class PowerCutBackend final : public Backend {
public:
    PowerCutBackend(Backend& disk, MemCap bounce, std::span<u8> bounce_bytes, std::span<u8> cache)
        : m_disk(disk, std::move(bounce), bounce_bytes)
        , m_power(m_disk, cache)
        , m_view(m_power, disk.info())
    {
    }
    PowerCutBackend(PowerCutBackend const&) = delete;
    PowerCutBackend& operator=(PowerCutBackend const&) = delete;

    [[nodiscard]] PowerCut& power() { return m_power; }
    [[nodiscard]] system::DiskInfo info() const override { return m_view.info(); }
    [[nodiscard]] ErrorOr<void> read(MemCap const& memory, u64 offset, u64 first, u32 count) override
    {
        return m_view.read(memory, offset, first, count);
    }
    [[nodiscard]] ErrorOr<void> write(MemCap const& memory, u64 offset, u64 first, u32 count) override
    {
        return m_view.write(memory, offset, first, count);
    }
    [[nodiscard]] ErrorOr<void> flush() override { return m_view.flush(); }

private:
    BackendDisk m_disk;
    PowerCut m_power;
    DeviceBackend m_view;
};

}
