/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/Error.h>

namespace vectra::fat {

/*
 * What the FAT32 library asks of a disk: fixed-size sectors, read and written in runs, and a
 * flush that returns once every earlier write is durable. storaged's BlockDevice session client
 * implements it in an image; the host tests implement it over a file and over memory. Spans
 * are whole sectors; a device refuses anything past its end.
 */
class BlockDevice {
public:
    [[nodiscard]] virtual u32 sector_size() const = 0;
    [[nodiscard]] virtual u64 sector_count() const = 0;
    [[nodiscard]] virtual ErrorOr<void> read_sectors(u64 first_sector, std::span<u8> into) = 0;
    [[nodiscard]] virtual ErrorOr<void> write_sectors(u64 first_sector, std::span<u8 const> from) = 0;
    [[nodiscard]] virtual ErrorOr<void> flush() = 0;

protected:
    ~BlockDevice() = default;
};

}
