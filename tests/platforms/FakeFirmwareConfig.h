/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A fake QEMU fw_cfg device for host tests and the fuzz target: fixed items (signature, ID),
 * a file directory given as raw bytes (well-formed or not), DMA reads of the directory and DMA
 * writes to files, recorded. Behaves as QEMU does: reads past an item's end give zeros.
 */

#pragma once

#include <cstring>
#include <vector>
#include <vectra/platform/FirmwareConfig.h>

namespace vectra::test {

struct FakeFirmwareConfig {
    char signature[4] { 'Q', 'E', 'M', 'U' };
    u32 features { 0x3 }; /* traditional interface and DMA */
    std::vector<u8> directory;
    bool fail_dma { false };
    bool never_complete { false };
    /* The last DMA write: its selector and bytes. */
    u16 written_select { 0 };
    std::vector<u8> written;
    u32 dma_count { 0 };

    void read_item(u16 key, std::span<u8> into)
    {
        u8 item[4] {};
        if (key == platform::firmware_config::signature_key)
            std::memcpy(item, signature, 4);
        else if (key == platform::firmware_config::id_key)
            std::memcpy(item, &features, 4);
        for (usize index = 0; index < into.size(); ++index)
            into[index] = index < 4 ? item[index] : 0;
    }

    void dma(platform::firmware_config::DmaAccess& access)
    {
        using namespace platform::firmware_config;
        ++dma_count;
        u32 control = swap32(access.control_big_endian);
        u32 length = swap32(access.length_big_endian);
        auto* bytes = reinterpret_cast<u8*>(static_cast<uptr>(swap64(access.address_big_endian)));
        if (never_complete)
            return;
        if (fail_dma) {
            access.control_big_endian = swap32(dma_error);
            return;
        }
        u16 key = static_cast<u16>(control >> 16);
        if ((control & dma_read) != 0 && key == file_directory_key) {
            for (u32 index = 0; index < length; ++index)
                bytes[index] = index < directory.size() ? directory[index] : 0;
        } else if ((control & dma_write) != 0) {
            written_select = key;
            written.assign(bytes, bytes + length);
        } else {
            access.control_big_endian = swap32(dma_error);
            return;
        }
        access.control_big_endian = 0;
    }

    /* Appends a directory entry (and bumps the count, creating it on first use). */
    void add_file(char const* name, u32 size, u16 select)
    {
        if (directory.empty())
            directory.assign(4, 0);
        u32 count = platform::firmware_config::read_big32(directory.data()) + 1;
        platform::firmware_config::write_big32(directory.data(), count);
        u8 entry[platform::firmware_config::directory_entry_size] {};
        platform::firmware_config::write_big32(entry, size);
        entry[4] = static_cast<u8>(select >> 8);
        entry[5] = static_cast<u8>(select);
        std::strncpy(reinterpret_cast<char*>(entry + 8), name, platform::firmware_config::file_name_size - 1);
        directory.insert(directory.end(), entry, entry + sizeof(entry));
    }
};

}
