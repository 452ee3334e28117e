/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/Capability.h>
#include <vectra/block/Client.h>
#include <vectra/block/Device.h>

namespace vectra::vfs {

/*
 * A storaged partition session (vectra.block, ADR 0017) as a block::Device (FAT's and the store's): the
 * bytes move through one MemCap of `buffer_blocks` blocks vfsd owns (the block protocol carries
 * data in MemCaps, never in slots), in requests of at most the session's `maximum_blocks`. Every
 * failure of the session or the disk is io-error; flush is skipped when the disk declares no
 * volatile cache (a completed write is then already durable).
 */
class BlockSessionDevice final : public block::Device {
public:
    /* What every block mount pays for (a store mount may take more: CONFIG_VFSD_STORE_EXTRA_TRANSFER_KIB). */
    static constexpr u32 buffer_bytes = 64 * 1024;

    /* Opens a session through storaged's listener and selects `partition`; bytes move through a buffer of `buffer_size`. */
    [[nodiscard]] static ErrorOr<BlockSessionDevice> open(RingCap const& listen_requests, RingCap const& listen_replies,
        ReticleCap const& memory, std::string_view partition, ConnectionBits, u32 buffer_size = buffer_bytes);

    [[nodiscard]] u32 sector_size() const override { return m_geometry.block_size; }
    [[nodiscard]] u64 sector_count() const override { return m_geometry.block_count; }
    [[nodiscard]] ErrorOr<void> read_sectors(u64 first_sector, std::span<u8> into) override;
    [[nodiscard]] ErrorOr<void> write_sectors(u64 first_sector, std::span<u8 const> from) override;
    [[nodiscard]] ErrorOr<void> flush() override;

    [[nodiscard]] block::Geometry const& geometry() const { return m_geometry; }

    BlockSessionDevice(BlockSessionDevice&&) = default;
    ~BlockSessionDevice() = default;

private:
    BlockSessionDevice(block::Client client, block::Geometry geometry, MemCap buffer, std::span<u8> bytes)
        : m_client(std::move(client))
        , m_geometry(geometry)
        , m_buffer(std::move(buffer))
        , m_bytes(bytes)
    {
    }
    /* Blocks one request may move: the buffer's and the session's limit. */
    [[nodiscard]] u32 blocks_per_request() const;

    block::Client m_client;
    block::Geometry m_geometry;
    MemCap m_buffer;
    std::span<u8> m_bytes;
};

}
